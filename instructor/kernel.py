"""The learner's kernel during autograde, started inside :mod:`instructor.sandbox`.

``SandboxedExecute`` is nbgrader's ``Execute`` preprocessor with one change: its kernel is started by
:class:`SandboxKernelManager`, which

- gives each kernel a private folder (short, under /tmp: Unix socket paths are limited to 108 characters)
  holding its connection file and its IPC sockets, the only way nbgrader talks to a kernel that has no
  network;
- runs the kernel's command through :func:`instructor.sandbox.wrap` in a scratch copy of the notebook's folder
  (the submission's working copy under ``autograded/``): the kernel reads the same files, but nothing it
  writes reaches ``autograded/``, where nbgrader writes the graded notebook and the grading steps their
  flags; the copy is deleted with the kernel;
- interrupts by message (a signal to the process group would stop at the sandbox's PID namespace);
- starts the kernel with a Python audit hook (:data:`AUDIT_BOOT`) that reports, over a pipe only the grader
  reads, what no answer needs: opening the course's secrets or another student's files (tried, even when the
  sandbox makes it fail), writing IPython startup files, starting processes, sockets, ctypes pointer work,
  swapping a function's ``__code__``, walking the garbage collector, setting the grading seed's variable.
  The hook cannot be removed from Python; it is not the security boundary (the sandbox is), it is how a
  submission that tried something gets flagged even when the sandbox made the attempt fail;
- after the kernel stopped, sweeps whatever of the sandbox is left (:func:`instructor.sandbox.release`) and
  gives the working copy back to its owner.

Only ``Autograde.autograde_preprocessors`` names it (``nbgrader_config.py``): ``nbgrader validate`` and the
learners' JupyterLab keep nbgrader's plain ``Execute`` and their own kernels.

``SandboxedExecute.sandbox = False`` (``course-grade --no-sandbox``) runs the kernel unsandboxed, as plain
nbgrader does; without that, a machine without bubblewrap stops the grading with
:class:`instructor.sandbox.SandboxUnavailable`.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import json

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Bool

from . import sandbox
from .cleanroom import flags as flagfile

SOURCE = "sandbox"

# Runs first in the kernel's Python (as `python -c AUDIT_BOOT <ipykernel args>`), then starts ipykernel.
# {fd}: the pipe's write end; {secrets}: path fragments no answer opens. Each distinct report is written once,
# as one JSON line; a write that would block is dropped (a learner flooding the pipe is itself reported by
# the grader: the lines stop parsing).
AUDIT_BOOT = r"""
import os, sys, json
def _install(fd, secrets, allowed, exempt):
    seen, dumps, write, fspath = set(), json.dumps, os.write, os.fsdecode
    procs = ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn")
    ctypes_bad = ("ctypes.dlsym", "ctypes.cdata", "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at",
                  "ctypes.call_function", "ctypes.PyObj_FromPtr")
    getframe, gettrace, getprofile, modules = sys._getframe, sys.gettrace, sys.getprofile, sys.modules
    def report(kind, detail):
        key = (kind, detail)
        if key not in seen and len(seen) < 200:
            seen.add(key)
            try:
                write(fd, (dumps([kind, detail[:300]]) + "\n").encode())
            except OSError:
                pass
    def cell(filename):
        # A notebook cell's code: ipykernel names it /tmp/ipykernel_<pid>/<hash>.py (older: <ipython-input-...>).
        return filename.startswith("<ipython-input") or filename.partition("/ipykernel_")[2].split("/")[0].isdigit()
    def learners(filename):
        # A cell's code, or code a cell compiled itself (exec of a string).
        return cell(filename) or filename == "<string>"
    def probe():
        # After the last cell: library functions replaced by the learner's code, IPython's cell machinery
        # changed, a trace function left behind. (Run by the grader's own last cell through sys.audit.)
        for name, module in list(modules.items()):
            if module is None or not name.partition(".")[0] in ("numpy", "mlcore", "builtins", "copy", "math",
                                                                  "operator", "functools", "IPython"):
                continue
            for attr, obj in list(getattr(module, "__dict__", {}).items()):
                code = getattr(obj, "__code__", None)
                if code is not None and learners(getattr(code, "co_filename", "")):
                    report("replaced a library function", f"{name}.{attr}")
        ipython = getattr(modules.get("IPython"), "get_ipython", lambda: None)()
        if ipython is not None:
            for attr in ("run_code", "run_cell", "run_cell_async", "run_ast_nodes", "showtraceback", "transform_cell"):
                if attr in vars(ipython):
                    report("changed how IPython runs cells", attr)
            if ipython.input_transformers_post or ipython.ast_transformers:
                report("changed how IPython runs cells", "input or AST transformers")
        if gettrace() is not None or getprofile() is not None:
            report("left a trace or profile function", repr(gettrace() or getprofile())[:200])
        report("probe", "done")
    armed, busy = [], []  # armed: empty until the first notebook cell runs (the kernel's start-up is its own)
    def hook(event, args):
        if not armed:
            if event == "exec" and cell(getattr(args[0], "co_filename", "")):
                armed.append(True)
            return
        if event == "open":
            path, mode = args[0], args[1]
            if isinstance(path, (str, bytes)):
                path = fspath(path)
                writing = isinstance(mode, str) and any(c in mode for c in "wax+")
                if any(s in path for s in secrets) and not path.startswith(allowed):
                    report("opened a course file it must not see", path)
                elif writing and "/startup/" in path and not path.endswith("README"):
                    report("wrote an IPython startup file", path)
                elif writing and path.endswith((".pth", ".py")):
                    report("wrote a Python source file", path)
        elif event == "sqlite3.connect":
            path = fspath(args[0]) if isinstance(args[0], (str, bytes)) else str(args[0])
            if path != ":memory:":
                report("opened a database", path)
        elif event == "subprocess.Popen":
            program = args[0] or (args[1] if isinstance(args[1], (str, bytes)) else list(args[1] or [""])[0])
            if os.path.basename(fspath(program)) not in exempt:
                report("started a process", f"{event} {args[1]!r}"[:300])
        elif event in procs:
            report("started a process", event)
        elif event in ("socket.connect", "socket.bind", "socket.sendto"):
            report("used a network socket", repr(args[1:])[:300])
        elif event in ctypes_bad:
            report("worked with raw pointers (ctypes)", event)
        elif event == "object.__setattr__" and args[1] in ("__code__", "__globals__", "__closure__"):
            report("swapped a function's code", f"{getattr(args[0], '__qualname__', '?')}.{args[1]}")
        elif event in ("gc.get_objects", "gc.get_referrers", "gc.get_referents"):
            report("walked the garbage collector", event)
        elif event in ("os.putenv", "os.unsetenv") and "MLCORE" in fspath(args[0]).upper():
            report("changed a grading environment variable", fspath(args[0]))
        elif event == "sys.addaudithook":
            report("added an audit hook", "")
        elif event in ("os.kill", "os.killpg") and args[1] != 2:
            report("sent a signal", repr(args))
        elif event == "sys._getframe" and not busy:
            busy.append(1)
            try:  # frames: 0 hook, 1 safe_hook, 2 whoever called sys._getframe
                if learners(getframe(2).f_code.co_filename):
                    report("read the interpreter's frames", "sys._getframe")
            finally:
                busy.pop()
        elif event == "mlcore.sandbox.probe":
            probe()
    def safe_hook(event, args):
        try:
            hook(event, args)
        except Exception:  # a report must never change what the learner's code does
            pass
    sys.addaudithook(safe_hook)
_install({fd}, {secrets!r}, {allowed!r}, ("fc-list",))
del _install
sys.argv[0] = "ipykernel_launcher"
import runpy
runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
"""
# The grader's last cell: an audit event only the hook listens to.
PROBE_CELL = '__import__("sys").audit("mlcore.sandbox.probe")'

# Path fragments an answer never opens: the course's other folders and files (the kernel's own copy of its
# folder is elsewhere, in a scratch folder).
SECRETS = ("/solutions/", "/submitted/", "/autograded/", "/feedback/", "gradebook", "nbgrader_config",
           "/.classroom/", "/release/")


def _chown_tree(folder, uid, gid):
    """Give `folder` and everything in it to uid:gid, never following a symlink."""
    os.chown(folder, uid, gid, follow_symlinks=False)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            try:
                os.chown(os.path.join(parent, name), uid, gid, follow_symlinks=False)
            except FileNotFoundError:
                pass


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in :func:`instructor.sandbox.wrap`, over IPC transport."""

    _box = None  # (private folder, uid or None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sandbox_reports = []  # (what, detail) found while and after the kernel ran

    def _course_root(self):
        section = self.config.get("CourseDirectory", {})
        return section.get("root") or os.getcwd()

    async def _async_pre_start_kernel(self, **kw):
        if self._box is not None:  # a restart: the old sandbox is gone, start from scratch
            self._release()
        private = tempfile.mkdtemp(prefix="sbk-", dir="/tmp")  # 0700: nobody else on the host looks in
        uid = sandbox.fresh_uid() if os.geteuid() == 0 else None
        self._box = (private, uid)
        ipc, work = os.path.join(private, "ipc"), os.path.join(private, "work")
        os.mkdir(ipc)
        shutil.copytree(os.path.realpath(kw.get("cwd") or os.getcwd()), work, symlinks=True)
        self.transport = "ipc"
        self.ip = os.path.join(ipc, "k")
        self.connection_file = os.path.join(ipc, "kernel.json")
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        kw["cwd"] = work
        if uid is not None:
            _chown_tree(private, uid, uid)
        env = sandbox.allowed_env(kw.get("env") or os.environ)
        cmd, kw = self._audited(cmd, kw)
        cmd = sandbox.wrap(cmd, workdir=work, course_root=self._course_root(), uid=uid, env=env, binds=[ipc])
        # The kernel is pid 2 of its own PID namespace: a signal to nbgrader's process group never reaches it.
        self.kernel_spec.interrupt_mode = "message"
        return cmd, kw

    def _audited(self, cmd, kw):
        """`cmd` started through the audit hook, with the pipe's write end passed in (kept by the launch)."""
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:
            self.log.warning("sandbox: kernel command %s is not ipykernel_launcher: no audit hook", cmd[:3])
            return cmd, kw
        read, write = os.pipe()
        os.set_blocking(write, False)
        self._audit = read
        self._audit_write = write
        root = os.path.realpath(self._course_root())
        secrets = SECRETS + (root + "/", os.path.expanduser("~") + "/")
        # What the kernel may read although a secret's fragment is in its path: its Python, mlcore.
        allowed = tuple(d + "/" for d in sandbox.readable_dirs())
        kw["pass_fds"] = tuple(kw.get("pass_fds", ())) + (write,)
        boot = AUDIT_BOOT.replace("{fd}", str(write)).replace("{secrets!r}", repr(secrets))
        return [cmd[0], "-c", boot.replace("{allowed!r}", repr(allowed))] + cmd[3:], kw

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            if getattr(self, "_audit_write", None) is not None:
                os.close(self._audit_write)  # the sandbox holds the only write end now
                self._audit_write = None

    def _read_audit(self):
        """What the audit hook reported (after the sandbox is gone: the pipe is then at its end)."""
        read, self._audit = getattr(self, "_audit", None), None
        if read is None:
            return
        os.set_blocking(read, False)
        chunks = []
        try:
            while True:
                chunk = os.read(read, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except BlockingIOError:
            self.sandbox_reports.append(("kept the audit channel open after the kernel ended", ""))
        finally:
            os.close(read)
        for line in b"".join(chunks).decode("utf-8", "replace").splitlines():
            try:
                kind, detail = json.loads(line)
                self.sandbox_reports.append((str(kind), str(detail)))
            except (ValueError, TypeError):
                self.sandbox_reports.append(("wrote into the grader's audit channel", line[:200]))
                break

    def _release(self):
        private, uid = self._box
        self._box = None
        if uid is not None:
            left = sandbox.release(uid)
            if left:
                self.log.warning("sandbox: killed %d process(es) left by the kernel", left)
                self.sandbox_reports.append(("left processes running after the notebook (killed)", str(left)))
        self._read_audit()
        shutil.rmtree(private, ignore_errors=True)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if self._box is not None:
            self._release()

    cleanup_resources = _async_cleanup_resources


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor with every kernel sandboxed (see the module docstring)."""

    sandbox = Bool(True, help="run the learner's kernel in the bubblewrap sandbox; False only on the "
                               "instructor's explicit --no-sandbox").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sandbox:
            sandbox.require(False)
            self.kernel_manager_class = SandboxKernelManager
        self._managers = []

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        self._managers.append(km)
        return km

    def preprocess(self, nb, resources=None, km=None):
        self._managers = []
        probe = None
        if self.sandbox:
            # The grader's own last cell: the audit hook then looks at what the notebook left behind.
            probe = nbformat.v4.new_code_cell(PROBE_CELL)
            nb.cells.append(probe)
        finished = False
        try:
            nb, resources = super().preprocess(nb, resources, km=km)
            finished = True
            return nb, resources
        except CellTimeoutError as exc:
            # A timeout that escapes nbclient is not a slow cell (that one is interrupted and recorded in
            # the cell): the kernel broke its protocol, e.g. forked copies of it answered. nbgrader then
            # fails the submission; saying "kernel died" makes course-grade leave it for a human, flagged.
            raise DeadKernelError(f"Kernel died: it stopped answering as a kernel should ({exc})") from exc
        finally:
            if probe is not None:
                nb.cells = [c for c in nb.cells if c is not probe and c.get("source") != PROBE_CELL]
            self._record(nb, resources, probed=finished and probe is not None)

    def _record(self, nb, resources, probed):
        """Write what the sandbox saw as flags of this notebook (replacing an earlier run's)."""
        info = (resources or {}).get("nbgrader", {})
        folder = (resources or {}).get("metadata", {}).get("path")
        if not folder or not info.get("notebook"):
            return
        reports = {}  # what -> details (the first few)
        seen = [r for km in self._managers for r in getattr(km, "sandbox_reports", [])]
        exits = [c for c in nb.cells if any(o.get("ename") == "SystemExit" for o in c.get("outputs", []))]
        seen += [("called sys.exit", f"cell {nb.cells.index(c) + 1}") for c in exits]
        if probed and ("probe", "done") not in seen:
            seen.append(("did not let the grader's last cell look at the kernel", ""))
        for what, detail in seen:
            if what == "probe":
                continue
            details = reports.setdefault(what, [])
            if detail and detail not in details and len(details) < 3:
                details.append(detail)
        flags = [{"kind": "sandbox: " + what, "cell": None, "detail": "; ".join(details)}
                 for what, details in reports.items()]
        for flag in flags:
            self.log.warning("%s: the learner's code %s %s", info.get("student"), flag["kind"][9:], flag["detail"])
        flagfile.replace_flags(folder, SOURCE, info["notebook"], flags)
