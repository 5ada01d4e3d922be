"""instructor.sandbox: what learner code can see, write, reach and use while it runs sandboxed.

Every resource test starts from a SMALL bound (20 processes, 200 MB) so that a sandbox that failed to contain
its command could not hurt the machine the tests run on.
"""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from instructor import sandbox
from instructor.sandbox import Limits, SandboxUnavailable, fresh_uid, release, wrap

pytestmark = pytest.mark.skipif(not sandbox.available(), reason="bubblewrap (bwrap) is not installed: .ci/run installs it")

MB = 1024 * 1024
SMALL = Limits(processes=20, memory=200 * MB, total_memory=400 * MB, cpu_seconds=5, tmp_size=16 * MB)


@pytest.fixture
def course(tmp_path):
    """A course folder with the secrets a learner must not see, and one student's working copy."""
    root = tmp_path / "course"
    work = root / "autograded" / "alice" / "01_mse"
    work.mkdir(parents=True)
    os.chmod(work, 0o777)  # the sandbox's fresh uid writes here
    for rel in ("solutions/01_mse/01_mse.ipynb", "gradebook.db", "nbgrader_config.py",
                "submitted/bob/01_mse/01_mse.ipynb", "autograded/bob/01_mse/01_mse.ipynb"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("secret")
    return root, work


def run(course, code, limits=Limits(), timeout=60, **kw):
    root, work = course
    uid = fresh_uid() if os.geteuid() == 0 else None
    cmd = wrap([sys.executable, "-c", textwrap.dedent(code)], workdir=work, course_root=root, limits=limits,
               uid=uid, **kw)
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        if uid is not None:
            assert release(uid) == 0, "a process of the sandbox outlived it"


def test_secrets_are_invisible_and_the_course_is_read_only(course):
    root, work = course
    out = run(course, f"""
        import os
        for p in {[str(root / r) for r in ("solutions", "gradebook.db", "nbgrader_config.py", "submitted",
                                           "autograded/bob")] + [os.path.expanduser("~/.ipython")]!r}:
            print(p, os.path.exists(p) and bool(os.listdir(p) if os.path.isdir(p) else True))
        import mlcore
        for target in [os.path.join(os.path.dirname(mlcore.__file__), "x.py"), "/etc/x", {sys.prefix!r} + "/x"]:
            try:
                open(target, "w")
                print("WROTE", target)
            except OSError:
                pass
        home = {os.path.expanduser("~")!r}
        print("real home", sorted(os.listdir(home)) if os.path.isdir(home) else [])
        open("answer.txt", "w").write("mine")
        open(os.path.expanduser("~/.ipython_startup.py"), "w").write("x = 1")
        print("home", os.environ["HOME"], sorted(os.environ))
    """)
    assert out.returncode == 0, out.stderr
    assert " True" not in out.stdout and "WROTE" not in out.stdout, out.stdout
    assert (work / "answer.txt").read_text() == "mine"
    # The real HOME shows at most the folder holding the Python installation (pyenv here), nothing else.
    home = os.path.expanduser("~")
    python_dirs = {os.path.relpath(p, home).split(os.sep)[0] for p in (sys.base_prefix, sys.prefix)
                   if os.path.realpath(p).startswith(home + os.sep)}
    assert f"real home {sorted(python_dirs)}" in out.stdout, out.stdout
    assert "NBGRADER_DB_URL" not in out.stdout


def test_no_network(course):
    out = run(course, """
        import socket
        for host in [("1.1.1.1", 53), ("127.0.0.1", 22)]:
            try:
                socket.create_connection(host, timeout=2)
                print("CONNECTED", host)
            except OSError:
                pass
    """)
    assert out.returncode == 0 and "CONNECTED" not in out.stdout, out.stdout + out.stderr


def test_process_limit_contains_a_bounded_fork_loop(course):
    out = run(course, """
        import os, time
        kids = 0
        for _ in range(60):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            kids += 1
        print("kids", kids)
    """, limits=SMALL)
    kids = int(out.stdout.split()[-1])
    assert 0 < kids < SMALL.processes, out.stdout + out.stderr


def test_memory_limit_per_process_and_in_total(course):
    out = run(course, """
        import os, time
        try:
            bytearray(300 * 1024 * 1024)
            print("ALLOCATED")
        except MemoryError:
            print("MemoryError")
        pids = []
        for _ in range(6):  # 6 x 100 MB touched: more than the 400 MB of the whole sandbox
            pid = os.fork()
            if pid == 0:
                b = bytearray(100 * 1024 * 1024)
                for k in range(0, len(b), 4096):
                    b[k] = 1
                time.sleep(2)
                os._exit(0)
            pids.append(pid)
        print("killed", sum(os.waitpid(p, 0)[1] != 0 for p in pids))
    """, limits=SMALL)
    assert "MemoryError" in out.stdout, out.stdout + out.stderr
    if sandbox._cgroup_paths(1 + sandbox.UID_RANGE[0]):  # the total bound exists only with cgroups
        assert int(out.stdout.split()[-1]) >= 1


def test_cpu_limit_kills_a_busy_loop(course):
    # Killed by the kernel once it used its 5 CPU seconds (run() would raise on its 300 s wall-clock timeout).
    out = run(course, "while True: pass", limits=SMALL, timeout=300)
    assert out.returncode != 0, out


def test_nothing_detached_survives(course):
    root, work = course
    out = run(course, """
        import os, subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                import time
                time.sleep(3)
                open("late.txt", "w").write("still here")
            os._exit(0)
        print("parent done")
    """)
    assert "parent done" in out.stdout
    time.sleep(4)
    assert not (work / "late.txt").exists()


def test_bad_arguments(course):
    root, work = course
    with pytest.raises(ValueError, match="argv"):
        wrap([], workdir=work, course_root=root)
    with pytest.raises(ValueError, match="course root"):
        wrap(["true"], workdir=root.parent, course_root=root)
    with pytest.raises(TypeError, match="limits"):
        wrap(["true"], workdir=work, course_root=root, limits={"memory": 1})
    with pytest.raises(ValueError, match="Limits.memory"):
        Limits(memory=0)


def test_missing_bwrap_refuses_unless_told(monkeypatch):
    monkeypatch.setattr(sandbox, "available", lambda: False)
    with pytest.raises(SandboxUnavailable, match="--no-sandbox"):
        sandbox.require()
    assert sandbox.require(no_sandbox=True) is False


def test_course_grade_refuses_without_a_sandbox(monkeypatch, tmp_path):
    from instructor.grade import GradingSetupError, grade_class

    monkeypatch.setattr(sandbox, "available", lambda: False)
    with pytest.raises(GradingSetupError, match="--no-sandbox"):
        grade_class(tmp_path, ["t1"], progress=False)


@pytest.mark.slow
def test_no_sandbox_is_written_into_the_report(tmp_path):
    from instructor.grade import NOT_SANDBOXED, grade_class, summary
    from instructor.synthetic import make_class
    from test_classroom import VARIANTS, make_tiny_course

    make_tiny_course(tmp_path)
    make_class(tmp_path, 2, seed=0, assignments=["t1"], variants=VARIANTS, broken=False)
    result = grade_class(tmp_path, ["t1"], workers=1, progress=False, log=lambda *a: None, no_sandbox=True)
    assert result.rows and all(NOT_SANDBOXED in row["flags"] for row in result.rows)
    assert "WITHOUT the sandbox" in summary(result)


def test_only_autograde_runs_the_sandboxed_kernel():
    """Validate (the learners' toolbar button) and the learners' JupyterLab keep nbgrader's plain kernels."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(Path(__file__).resolve().parent.parent)).load_config()
    assert "instructor.kernel.SandboxedExecute" in config.Autograde.autograde_preprocessors
    assert config.Autograde.sanitize_preprocessors[0] == "instructor.structure.StructureCheck"
    for section in ("Validator", "Execute", "ExecutePreprocessor", "NotebookClient", "KernelManager"):
        assert "kernel_manager_class" not in config.get(section, {}) and "preprocessors" not in config.get(section, {})


def test_a_notebook_kernel_runs_sandboxed(course):
    """The kernel autograde starts: no network, no course secrets, writes stay in its scratch copy, and what it
    tried is reported to the grader."""
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    from instructor.kernel import SandboxKernelManager

    root, work = course
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(f"""
        import os, socket
        print("secret visible:", os.path.exists({str(root / "solutions")!r}))
        try:
            open({str(root / "solutions" / "01_mse" / "01_mse.ipynb")!r})
        except OSError:
            pass
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=2)
            print("network: yes")
        except OSError:
            print("network: no")
        open("scratch.txt", "w").write("x")
    """))]
    config = Config()
    config.CourseDirectory.root = str(root)
    client = NotebookClient(nb, kernel_name="python3", timeout=120, kernel_manager_class=SandboxKernelManager,
                            resources={"metadata": {"path": str(work)}}, config=config)
    managers = []
    create = client.create_kernel_manager
    client.create_kernel_manager = lambda: managers.append(create()) or managers[-1]
    client.execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "secret visible: False" in text and "network: no" in text, nb.cells[0].outputs
    assert not (work / "scratch.txt").exists()  # the kernel wrote into its scratch copy
    assert any(what == "opened a course file it must not see" for what, _ in managers[0].sandbox_reports)
