"""Helpers shared by tests/test_binder.py and tests/test_browser.py.

- Which notebooks exist (the tests are parametrised over every ``notebooks/<A>/<A>.ipynb`` and
  ``solutions/<A>/<A>.ipynb`` present, so they grow as the course does).
- Which errors a released notebook may show: only those of its unfilled answers.
- The Binder environment: built once per test session, exactly as ``binder/`` describes, in a fresh venv.
- A JupyterLab server on 127.0.0.1 over a temporary copy of the course, run from that environment.
"""

import ast
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

from mlcore.grading.messages import mistakes_in

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
# Where the notebooks are read from: the repository, unless a developer points the tests at another course
# folder (same layout) while the real notebooks are being written.
COURSE = Path(os.environ.get("MLCORE_TEST_COURSE", REPO)).resolve()

# What a copy of the repository leaves out: local state that a fresh clone does not have.
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "artifacts", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
    ".ipynb_checkpoints", "gradebook.db", "submitted", "autograded", "feedback",
)

# ---------------------------------------------------------------------------------------------------------
# The notebooks
# ---------------------------------------------------------------------------------------------------------


def notebook_paths(kind):
    """Every ``<kind>/<A>/<A>.ipynb`` of the repository, ``kind`` being "notebooks" or "solutions"."""
    folder = COURSE / kind
    if not folder.is_dir():
        return []
    return sorted(p / f"{p.name}.ipynb" for p in folder.iterdir() if (p / f"{p.name}.ipynb").is_file())


def notebook_params(kind):
    """``notebook_paths(kind)`` as pytest parameters with readable ids (relative paths)."""
    return [str(p.relative_to(COURSE)) for p in notebook_paths(kind)]


def copy_course(dst):
    """Copy what a learner's JupyterLab serves (released and solution notebooks, nbgrader config) to ``dst``."""
    dst = Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    for kind in ("notebooks", "solutions"):
        if (COURSE / kind).is_dir():
            shutil.copytree(COURSE / kind, dst / kind, ignore=_NOT_COPIED)
    if (COURSE / "nbgrader_config.py").is_file():
        shutil.copy2(COURSE / "nbgrader_config.py", dst / "nbgrader_config.py")
    return dst


def copy_repo(dst):
    """Copy the repository as a fresh clone would have it (no venv, no git, no build output) to ``dst``."""
    shutil.copytree(REPO, dst, ignore=_NOT_COPIED)
    return Path(dst)


# ---------------------------------------------------------------------------------------------------------
# Errors in executed notebooks
# ---------------------------------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def error_outputs(nb):
    """``[(cell_index, ename, evalue, traceback_text)]`` for every error output of an executed notebook."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                tb = _ANSI.sub("", "\n".join(output.get("traceback", [])))
                found.append((index, output.get("ename", ""), output.get("evalue", ""), tb))
    return found


def answer_names(*notebooks):
    """Names bound at the top level of the answer cells (nbgrader ``solution`` cells) of ``notebooks``."""
    names = set()
    for nb in notebooks:
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return names


def solution_of(released_path):
    """The solution notebook (nbformat) that ``notebooks/<A>/<A>.ipynb`` was generated from, or None."""
    released_path = Path(released_path)
    source = released_path.parents[2] / "solutions" / released_path.parent.name / released_path.name
    return read_notebook(source) if source.is_file() else None


def unexpected_errors(nb, solution=None):
    """The errors of an executed *released* notebook that do not come from its unfilled answers.

    An error comes from an unfilled answer when it is the answer's ``NotImplementedError``, when its
    message or traceback names ``NotImplementedError`` (a check reporting that the function it called is
    not written yet, an exception chained to one), when a check tags it ``[mistake: not_implemented]`` (a
    self-check question still answered ``None``), or when it is a ``NameError`` for a name that an answer
    cell binds in the ``solution`` notebook (the released answer cell only raises, so the name is never
    bound). Anything else - a ``TypeError`` in a demo, a broken import - is unexpected. The solution
    notebook running without any error (tested too) backs this up: the two versions differ only in the
    answers and the hidden tests.
    """
    answers = answer_names(nb, *([solution] if solution is not None else []))
    unexpected = []
    for index, ename, evalue, tb in error_outputs(nb):
        if ename == "NotImplementedError" or "NotImplementedError" in evalue or "NotImplementedError" in tb:
            continue
        if ename == "GradingError" and "not_implemented" in mistakes_in(evalue):
            continue
        missing = re.match(r"name '(\w+)' is not defined", evalue)
        if ename == "NameError" and missing and missing.group(1) in answers:
            continue
        unexpected.append((index, ename, evalue.splitlines()[0] if evalue else ""))
    return unexpected


# ---------------------------------------------------------------------------------------------------------
# The Binder environment, built once per session
# ---------------------------------------------------------------------------------------------------------


class BinderEnv:
    """A fresh virtual environment built from ``binder/`` (requirements, then postBuild).

    Attributes: ``root`` (a temporary folder), ``repo`` (the copy of the repository postBuild ran in, as
    repo2docker's ``REPO_DIR``), ``venv``, ``python``, ``bin``, ``home`` (the ``HOME`` postBuild saw) and
    ``log`` (what the build printed).
    """

    def __init__(self, root):
        self.root = Path(root)
        self.repo = self.root / "repo"
        self.venv = self.root / "venv"
        self.bin = self.venv / "bin"
        self.python = self.bin / "python"
        self.home = self.root / "home"
        self.home_after_build = []
        self.log = ""

    def environ(self, home=None, **extra):
        """The environment a process of this venv gets: its bin first on PATH, every Jupyter and IPython
        folder inside ``home`` (a temporary folder), so nothing outside the temporary tree is touched."""
        home = Path(home or self.home)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "IPYTHON", "PYTHON", "VIRTUAL_ENV", "MLCORE"))}
        env.update(
            PATH=f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            VIRTUAL_ENV=str(self.venv),
            HOME=str(home),
            JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
            JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"),
            JUPYTER_RUNTIME_DIR=str(home / ".local/share/jupyter/runtime"),
            IPYTHONDIR=str(home / ".ipython"),
            MPLCONFIGDIR=str(home / ".config/matplotlib"),
            PIP_NO_INPUT="1",
        )
        env.update(extra)
        return env

    def run(self, args, *, cwd=None, timeout=900, **kwargs):
        """Run ``args`` in this environment; raise with the output on a non-zero exit."""
        done = subprocess.run(
            [str(a) for a in args], cwd=cwd or self.repo, env=self.environ(), capture_output=True,
            text=True, timeout=timeout, **kwargs,
        )
        self.log += f"$ {' '.join(map(str, args))}\n{done.stdout}{done.stderr}\n"
        if done.returncode != 0:
            raise RuntimeError(f"{args} failed with exit code {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done


def learn_command(readme=REPO / "README.md"):
    """The README's Learn command: the ``bash`` block under **Learn**, one line."""
    match = re.search(r"\*\*Learn\*\*.*?```bash\n(.+?)\n```", Path(readme).read_text(), re.S)
    if not match:
        raise ValueError(f"{readme} has no ```bash block under **Learn**")
    return match.group(1).strip()


def learn_steps(command):
    """The Learn command split at ``&&``: (the install steps, the ``jupyter lab`` command), each an argv."""
    steps = [shlex.split(part) for part in command.split("&&")]
    if steps[-1][1:2] != ["lab"] or not steps[-1][0].endswith("jupyter"):
        raise ValueError(f"the Learn command should end with `jupyter lab ...`: {command}")
    return steps[:-1], steps[-1]


_learn_env = None


def learn_env(tmp_path_factory):
    """The environment the README's Learn command builds, and its ``jupyter lab`` command (an argv).

    In a fresh copy of the repository (``env.repo``), the install steps run as the README writes them, from
    the repository root, with this interpreter as ``python3``; HOME and every Jupyter folder point into the
    temporary tree. Built once per test session.
    """
    global _learn_env
    if _learn_env is None:
        # A developer's shortcut, as for binder_env: MLCORE_TEST_LEARN_ENV names the folder (holding repo/ and
        # home/) of an environment an earlier session built. CI never sets it.
        reuse = os.environ.get("MLCORE_TEST_LEARN_ENV")
        env = BinderEnv(reuse or tmp_path_factory.mktemp("learn"))
        env.venv = env.repo / ".venv"
        env.bin = env.venv / "bin"
        env.python = env.bin / "python"
        install, lab = learn_steps(learn_command())
        if not reuse:
            copy_repo(env.repo)
            env.home.mkdir()
            for argv in install:
                env.run([sys.executable, *argv[1:]] if argv[0] == "python3" else argv)
        _learn_env = env, lab
    return _learn_env


def venv_env(venv, root):
    """A :class:`BinderEnv` over an environment that already exists (``venv``), e.g. the developer's own for
    the benchmarks; ``root`` is a temporary folder for its HOME."""
    env = BinderEnv(root)
    env.venv = Path(venv)
    env.bin = env.venv / ("Scripts" if os.name == "nt" else "bin")
    env.python = env.bin / "python"
    env.home.mkdir(parents=True, exist_ok=True)
    return env


def runtime_python_version():
    """The ``x.y`` that ``binder/runtime.txt`` pins (``python-x.y``)."""
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    if not match:
        raise ValueError(f"binder/runtime.txt should read python-X.Y, got {text!r}")
    return match.group(1)


def _interpreter(version):
    """A Python ``version`` interpreter to create the venv from."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found:
        return found
    raise RuntimeError(f"binder/runtime.txt pins Python {version}, and no python{version} is on PATH")


_binder_env = None


def binder_env(tmp_path_factory):
    """The session's :class:`BinderEnv`, built on first use.

    Steps, as repo2docker takes them: copy the repository (its ``REPO_DIR``), create a venv with the
    Python of ``runtime.txt``, ``pip install -r binder/requirements.txt``, then run ``binder/postBuild``
    from the repository root with ``HOME`` and every Jupyter folder pointed into the temporary tree.
    """
    global _binder_env
    if _binder_env is None and os.environ.get("MLCORE_TEST_BINDER_ENV"):
        # A developer's shortcut: reuse an environment an earlier session built (its folder, holding
        # repo/, venv/ and home/). CI never sets it.
        _binder_env = BinderEnv(os.environ["MLCORE_TEST_BINDER_ENV"])
    if _binder_env is None:
        env = BinderEnv(tmp_path_factory.mktemp("binder"))
        copy_repo(env.repo)
        env.home.mkdir()
        subprocess.run([_interpreter(runtime_python_version()), "-m", "venv", str(env.venv)], check=True,
                       capture_output=True)
        env.run([env.python, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"])
        env.run(["bash", "binder/postBuild"])
        env.home_after_build = sorted(str(p.relative_to(env.home)) for p in env.home.rglob("*"))
        _binder_env = env
    return _binder_env


# ---------------------------------------------------------------------------------------------------------
# JupyterLab
# ---------------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` from ``env`` started in ``root``, on 127.0.0.1 with a random port and token.

    ``command`` is the ``jupyter lab`` command line (an argv, run in ``root``), by default ``jupyter lab
    --ServerApp.root_dir=<root>``; the test's own options (address, port, token, no browser, run as root)
    are appended to it. ``extra_env``: more environment variables for the server and its kernels.
    """

    def __init__(self, env, root, home, *, command=None, extra_env=None, timeout=120):
        self.root = Path(root)
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(home) / "jupyterlab.log"
        command = command or [env.bin / "jupyter", "lab", f"--ServerApp.root_dir={self.root}"]
        args = [
            *command, "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", "--allow-root", "--ServerApp.open_browser=False",
            # Lets the test read the notebook's state (kernel status, cell outputs); the UI is driven by clicks.
            "--LabApp.expose_app_in_browser=True",
        ]
        # Kernels (the notebooks' and the ones Validate starts) talk over IPC sockets, not TCP ports: on a busy
        # machine another process can take a port between the kernel's choice and its use.
        config = Path(home) / ".jupyter"
        config.mkdir(parents=True, exist_ok=True)
        for name in ("jupyter_server_config.json", "nbgrader_config.json"):
            (config / name).write_text(json.dumps({"KernelManager": {"transport": "ipc"}}))
        self._log = open(self.log_path, "w")
        # A short runtime folder: a Unix socket path (kernel-<uuid>-ipc-N) must stay under 108 characters.
        self.runtime_dir = tempfile.mkdtemp(prefix="lab-")
        self.process = subprocess.Popen(
            [str(a) for a in args], cwd=self.root,
            env=env.environ(home, JUPYTER_RUNTIME_DIR=self.runtime_dir, **(extra_env or {})),
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.api("status"), timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{self.log()}")
            time.sleep(0.5)

    def api(self, path):
        return f"{self.url}/api/{path}?token={self.token}"

    def lab_url(self, relpath):
        return f"{self.url}/lab/tree/{relpath}?token={self.token}"

    def opened_url(self):
        """The address the server would open in a browser (``jupyter lab FILE`` opens that file): read from
        the redirect page it writes into its runtime folder."""
        pages = sorted(Path(self.runtime_dir).glob("jpserver-file-to-run-*-open.html")) or sorted(
            Path(self.runtime_dir).glob("jpserver-*-open.html"))
        if not pages:
            raise RuntimeError(f"no jpserver-*-open.html in {self.runtime_dir}")
        return re.search(r'href="([^"]+)"', pages[0].read_text()).group(1).replace("&amp;", "&")

    def shut_down_kernels(self):
        """Delete every session (and so its kernel) the server runs."""
        with urllib.request.urlopen(self.api("sessions")) as reply:
            sessions = json.load(reply)
        for session in sessions:
            request = urllib.request.Request(self.api(f"sessions/{session['id']}"), method="DELETE")
            urllib.request.urlopen(request).close()

    def log(self):
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


# Installed once per page: input events set t0; every change in a watched output area is recorded, once its
# images are decoded and a frame has been drawn, with the images' sources and the area's text.
REDRAW_RECORDER = """() => {
    if (window.__bench) return;
    window.__bench = {t0: 0, events: [], watched: null};
    for (const type of ['keydown', 'mousedown'])
        document.addEventListener(type, () => { window.__bench.t0 = performance.now(); }, true);
    window.__bench.watch = (area) => {
        if (window.__bench.observer) window.__bench.observer.disconnect();
        const record = async () => {
            const imgs = Array.from(area.querySelectorAll('img'));
            const key = imgs.map(i => i.src).join('|');
            const text = area.innerText;
            await Promise.all(imgs.map(i => i.decode().catch(() => null)));
            requestAnimationFrame(() => window.__bench.events.push({t: performance.now(), key, text}));
        };
        window.__bench.observer = new MutationObserver(record);
        window.__bench.observer.observe(area, {subtree: true, childList: true, characterData: true,
                                               attributes: true, attributeFilter: ['src']});
        window.__bench.key = () => Array.from(area.querySelectorAll('img')).map(i => i.src).join('|');
    };
    window.__bench.start = () => {  // before an input event: forget earlier changes, remember the images
        window.__bench.events = [];
        window.__bench.before = window.__bench.key();
        return window.__bench.before;
    };
}"""


def redraw_seconds(page):
    """Seconds from the last input event to the first new set of images in the watched output area (see
    :data:`REDRAW_RECORDER`), or None when nothing new was drawn after it."""
    return page.evaluate("""() => { const b = window.__bench;
        const e = b.events.find(e => e.t > b.t0 && e.key !== b.before && e.key !== '');
        return e ? (e.t - b.t0) / 1000 : null; }""")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def read_notebook(path):
    return nbformat.read(str(path), as_version=4)
