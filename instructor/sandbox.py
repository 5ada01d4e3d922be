"""Run a learner's code sandboxed: no network, no view of the course's secrets, capped resources, nothing left.

:func:`wrap` prefixes a command with Debian's bubblewrap (``bwrap``) so that the command

- has **no network** (a new, empty network namespace; a Jupyter kernel still talks to its client over IPC
  transport, Unix sockets in a folder bound into the sandbox);
- **sees only** the operating system (``/usr``, ``/etc``, ...), the Python environment that runs it, the
  package folders it imports (``mlcore``) read-only, and, writable, its own working folder (``workdir``), a
  throwaway HOME and a throwaway ``/tmp``. Nothing else of the course is mounted: not ``solutions/``, not the
  gradebook, not ``nbgrader_config.py``, not ``submitted/``, ``autograded/`` or ``feedback/`` of other
  students, not the grader's HOME (``~/.ipython`` startup files included). The environment is cleared down to
  an allow-list, so no database URL or token leaks in;
- runs as a **fresh unprivileged uid** with no capabilities (when the grader is root), because the kernel
  ignores the process-count limit for root; and under **resource limits** (address space per process,
  number of processes and threads of that uid, CPU seconds, file size);
- **leaves nothing behind**: a new PID namespace whose init is killed with its parent (``--die-with-parent``)
  takes every process it started with it, detached or not; :func:`kill_uid` is the last sweep.

Where ``bwrap`` is missing, :func:`available` is False and the grading commands refuse to start unless the
instructor asks for ``--no-sandbox`` explicitly (see :func:`require`).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BWRAP = "bwrap"
# Packages the sandboxed code may import from outside the Python environment (editable installs).
SHARED_PACKAGES = ("mlcore",)
# The sandbox's HOME (a throwaway tmpfs unless a host folder is given).
SANDBOX_HOME = "/home/learner"
# Environment variables passed into the sandbox (everything else is dropped: no DB URL, no token, no HOME).
ENV_PREFIXES = ("NBGRADER_", "MLCORE_", "LC_")
ENV_NAMES = ("LANG", "TZ", "MPLBACKEND", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "PYDEVD_DISABLE_FILE_VALIDATION", "JUPYTER_PLATFORM_DIRS")
# Fresh uids are drawn from this range (far above any system or login account).
UID_RANGE = (200_000, 260_000)
_SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_MB = 1024 * 1024


class SandboxUnavailable(RuntimeError):
    """Learner code would have to run unsandboxed: bubblewrap is missing or does not work here."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox.

    Attributes
    ----------
    memory : int
        Bytes of address space per process (RLIMIT_AS). A kernel with NumPy and matplotlib loaded maps
        about 1 GB; an allocation past the limit raises MemoryError in the learner's code.
    processes : int
        Processes and threads of the sandbox's uid (RLIMIT_NPROC; a kernel runs ~20 threads).
    cpu_seconds : int
        CPU seconds per process (RLIMIT_CPU): a notebook takes a few; past the limit the kernel is killed.
    file_size : int
        Bytes per written file (RLIMIT_FSIZE).
    tmp_size : int
        Bytes of the throwaway /tmp and HOME (each a tmpfs of this size).
    total_memory : int
        Bytes of memory of the whole sandbox, every process together (a cgroup, where the grader may make
        one: root with cgroup v1 memory and pids controllers, as on this course's CI). Without it the bound
        is ``memory * processes``.
    """

    memory: int = 2048 * _MB
    processes: int = 96
    cpu_seconds: int = 600
    file_size: int = 256 * _MB
    tmp_size: int = 256 * _MB
    total_memory: int = 4096 * _MB

    def __post_init__(self):
        for name in ("memory", "processes", "cpu_seconds", "file_size", "tmp_size", "total_memory"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """True when ``bwrap`` is installed and can build a sandbox on this machine (checked once)."""
    exe = shutil.which(BWRAP)
    if not exe:
        return False
    try:
        probe = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--die-with-parent",
                                "--proc", "/proc", "--dev", "/dev", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def require(no_sandbox=False):
    """Raise :class:`SandboxUnavailable` unless the sandbox works or the instructor passed ``--no-sandbox``.

    Returns True when learner code will run sandboxed, False when the instructor chose to run it without.
    """
    if available():
        return True
    if no_sandbox:
        return False
    raise SandboxUnavailable(
        "bubblewrap (bwrap) is missing or cannot create a sandbox here, and learner code must not run with "
        "the grader's rights. Install it (Debian/Ubuntu: apt-get install bubblewrap), or pass --no-sandbox "
        "to grade without a sandbox (the report then says so)."
    )


def fresh_uid() -> int:
    """An unused uid for one sandbox: the process limit counts per uid, so two sandboxes never share one."""
    while True:
        uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
        if not _uid_processes(uid):
            return uid


def _uid_processes(uid):
    """Live (not zombie) processes owned by `uid`."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid != uid:
                    continue
                with open(f"/proc/{entry}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in ("Z", "X"):
                pids.append(int(entry))
    return pids


def kill_uid(uid) -> int:
    """SIGKILL every process owned by `uid` (a sandbox's fresh uid), remove the sandbox's cgroups; return how
    many processes were found.

    The PID namespace already takes everything down with the kernel; this is the last sweep, safe because
    no other process can own a uid :func:`fresh_uid` handed out.
    """
    if uid is None or uid < UID_RANGE[0]:
        raise ValueError(f"uid {uid!r} is not a sandbox uid (range {UID_RANGE})")
    found = set()
    for _ in range(50):  # a fork bomb may spawn while we sweep: repeat until none is left
        pids = _uid_processes(uid)
        if not pids:
            break
        found.update(pids)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)
    for path in _cgroup_paths(uid):
        _rmdir(path)
    return len(found)


CGROUP_PREFIX = "mlcore-sandbox-"


def _cgroup_paths(uid):
    """Where the sandbox of `uid` gets its memory and pids cgroups (v1, below the grader's own), or []."""
    if os.geteuid() != 0 or uid is None:
        return []
    paths = []
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for ctrl in ("memory", "pids"):
            if ctrl in controllers.split(","):
                base = Path("/sys/fs/cgroup", ctrl) / path.lstrip("/")
                if base.is_dir() and os.access(base, os.W_OK):
                    paths.append(base / f"{CGROUP_PREFIX}{uid}")
    return paths if len(paths) == 2 else []


def _make_cgroups(uid, limits):
    """Create the sandbox's cgroups with their limits; [] when this machine does not let the grader."""
    made = []
    try:
        for path in _cgroup_paths(uid):
            path.mkdir(exist_ok=True)
            made.append(path)
            if path.relative_to("/sys/fs/cgroup").parts[0] == "memory":
                (path / "memory.limit_in_bytes").write_text(str(limits.total_memory))
            else:
                (path / "pids.max").write_text(str(limits.processes))
    except OSError:
        for path in made:
            _rmdir(path)
        return []
    return made


def _rmdir(path):
    for _ in range(100):
        try:
            path.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            for pid in (path / "cgroup.procs").read_text().split() if (path / "cgroup.procs").exists() else ():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
    return False


def release(uid, grace=2.0) -> int:
    """After a sandbox of `uid` was stopped: give its processes `grace` seconds to go down with it (its PID
    namespace takes them all), kill whatever is still alive then, remove its cgroups; return how many were
    killed here (0 when the sandbox went down by itself)."""
    deadline = time.monotonic() + grace
    while _uid_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return kill_uid(uid)


def _is_within(path, folder):
    try:
        Path(path).relative_to(folder)
        return True
    except ValueError:
        return False


def _python_dirs():
    """Folders of the Python that runs the sandboxed code: the environment and its base installation."""
    dirs = []
    for d in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        d = os.path.realpath(d)
        if d not in dirs and not any(_is_within(d, s) for s in _SYSTEM_DIRS):
            dirs.append(d)
    return dirs


def _package_dirs(names):
    dirs = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for loc in spec.submodule_search_locations:
            loc = os.path.realpath(loc)
            if loc not in dirs:
                dirs.append(loc)
    return dirs


def _parents(path, made):
    """bwrap arguments creating the missing parent folders of `path` as 0755 (bwrap's own are 0700, which the
    sandbox's unprivileged uid could not cross)."""
    args = []
    parents = list(Path(path).parents)[::-1]
    for parent in parents:
        parent = str(parent)
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    return args


def allowed_env(environ):
    """The variables of `environ` that may enter a sandbox (an allow-list: nothing secret, no HOME)."""
    return {k: v for k, v in environ.items() if k.startswith(ENV_PREFIXES) or k in ENV_NAMES}


def readable_dirs():
    """Folders outside the system ones that the sandbox shows (read-only): the Python environment, mlcore."""
    return _python_dirs() + _package_dirs(SHARED_PACKAGES)


def _env(home, tmp, extra):
    env = allowed_env(os.environ)
    # One BLAS/OpenMP thread unless told otherwise: a many-core grader would otherwise start a thread per
    # core in every kernel, against the sandbox's process limit.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    bindir = os.path.dirname(sys.executable)
    env.update({"HOME": home, "TMPDIR": tmp, "USER": "learner", "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
                "PYTHONNOUSERSITE": "1", "MPLCONFIGDIR": f"{home}/.config/matplotlib"})
    env.update(extra or {})
    return env


def wrap(argv, *, workdir, course_root, home=None, tmp=None, limits=Limits(), uid=None, env=None,
         binds=(), ro_binds=()) -> list:
    """`argv` prefixed so that it runs sandboxed (see the module docstring); a list for ``subprocess``.

    Parameters
    ----------
    argv : list of str
        The command, e.g. a kernelspec's ``[python, -m, ipykernel_launcher, -f, conn.json]``.
    workdir : path
        The submission's own working copy: the command starts there and may write there (nowhere else
        outside its throwaway HOME and /tmp).
    course_root : path
        The course folder (holding ``nbgrader_config.py``, ``solutions/``, the gradebook, ...). Only
        `workdir` and the importable packages below it are visible.
    home, tmp : path, optional
        Host folders to use as the writable HOME and /tmp (e.g. to look at what a run left there); by
        default each is a fresh tmpfs of ``limits.tmp_size`` bytes, gone with the sandbox.
    limits : Limits
    uid : int, optional
        The uid the command runs as when the grader is root; default :func:`fresh_uid`. Files it may write
        (`workdir`, `binds`) must be writable by it.
    env : dict, optional
        Extra environment variables (the grader's own environment is not passed, apart from an allow-list).
    binds, ro_binds : sequence of path
        Extra host folders mounted writable / read-only at the same path (e.g. a kernel's IPC folder).

    Raises
    ------
    SandboxUnavailable
        When bubblewrap is missing or does not work.
    ValueError
        When `workdir` or a mount would expose the course root itself.
    """
    if not available():
        require(False)
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits, got {type(limits).__name__}")
    argv = [str(a) for a in argv]
    if not argv:
        raise ValueError("argv is empty: nothing to run in the sandbox")
    course_root = os.path.realpath(course_root)
    workdir = os.path.realpath(workdir)
    if not os.path.isdir(workdir):
        raise ValueError(f"workdir {workdir} is not a folder")
    if _is_within(course_root, workdir):
        raise ValueError(f"workdir {workdir} contains the course root {course_root}: the sandbox would expose it")

    args = [shutil.which(BWRAP), "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    if os.geteuid() != 0:
        args.append("--unshare-user")
    for d in _SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    args += ["--proc", "/proc", "--dev", "/dev"]
    home_dir = os.path.realpath(home) if home else SANDBOX_HOME
    tmp_dir = "/tmp"
    made = {"/", "/tmp"}
    for host, inside in ((tmp, tmp_dir), (home, home_dir)):
        args += _parents(inside, made)
        if host:
            args += ["--bind", os.path.realpath(host), inside]
        else:
            args += ["--size", str(limits.tmp_size), "--perms", "1777", "--tmpfs", inside]
    readonly = readable_dirs() + [os.path.realpath(p) for p in ro_binds]
    for d in readonly:
        if _is_within(course_root, d):
            raise ValueError(f"{d} contains the course root {course_root}: mount only what the code needs")
        args += _parents(d, made) + ["--ro-bind", d, d]
    for d in [os.path.realpath(b) for b in binds] + [workdir]:
        args += _parents(d, made) + ["--bind", d, d]
    args += ["--chdir", workdir, "--clearenv"]
    for key, value in _env(home_dir, tmp_dir, env).items():
        args += ["--setenv", key, str(value)]
    args += ["--", "/usr/bin/prlimit", f"--as={limits.memory}", f"--nproc={limits.processes}",
             f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_size}", "--core=0", "--"]
    prefix = []
    if os.geteuid() == 0:
        uid = fresh_uid() if uid is None else int(uid)
        cgroups = _make_cgroups(uid, limits)
        if cgroups:
            # bwrap starts inside the cgroups, so everything the sandbox runs is counted there.
            join = " && ".join(f'echo $$ > "{p}/cgroup.procs"' for p in cgroups)
            prefix = ["/bin/sh", "-c", f'{join} && exec "$@"', "sandbox"]
        args += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all", "--no-new-privs", "--"]
    return prefix + args + argv
