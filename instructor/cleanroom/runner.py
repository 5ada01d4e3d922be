"""The grader's side of the clean room: a sandboxed child process that holds a learner's code, and proxies
that call it with plain data.

:class:`Runner` starts :mod:`instructor.cleanroom.child` (through :func:`instructor.sandbox.wrap`), sends it
cells to run and check-call expressions to resolve, and turns each learner function into a :class:`Proxy`:
a callable the grading engine (:func:`mlcore.grading.check`) calls like the learner's function. A proxy
ships the arguments as plain data (:mod:`instructor.cleanroom.wire`), gets back plain data, copies the
arguments as the call left them into the grader's own argument objects (so the engine sees in-place
changes), re-emits the call's warnings, and raises the learner's exception as an exception of the same
builtin type (or a generic one named after it) carrying ``learner_frames``.

A call that runs past its timeout kills the child (counted as a ``TimeoutError`` of the learner's code); a
child that dies (``os._exit``, the out-of-memory killer) fails that call. Either way the next request starts a
fresh child, which replays the cells run so far, and the run goes on.
"""

import builtins
import functools
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import mlcore
from instructor.cleanroom import wire
from mlcore._guard import ReferenceBlocked

HERE = Path(__file__).resolve().parent
READY_TIMEOUT = 60.0  # seconds for a child to import NumPy and mlcore and say it is ready
KNOWN_EXCEPTIONS = {("mlcore._guard", "ReferenceBlocked"): ReferenceBlocked}
RECORDS = {mlcore.Cache: "Cache"}  # course classes sent field by field (the child rebuilds them)
_UNSANDBOXED_MEMORY = 3 * 1024**3  # address space of an unsandboxed child (the sandbox sets its own limits)


class ChildUnavailable(RuntimeError):
    """The child could not be started or stopped answering outside of a learner's call."""


class ProcessEnded(Exception):
    """The learner's code ended the process that ran it (``os._exit``, a crash, running out of memory)."""


class UnreadableReply(Exception):
    """The process running the learner's code sent something that is not the wire format."""


class _Gone(Exception):
    """The child timed out or died while the grader waited for a reply."""

    def __init__(self, timed_out, detail):
        super().__init__(detail)
        self.timed_out = timed_out


@functools.lru_cache(maxsize=1)
def allow_list():
    """``id(function) -> name`` for the functions an argument may carry by name (the child resolves them)."""
    names = {}
    for name in mlcore.__all__:
        value = getattr(mlcore, name, None)
        if callable(value) and not isinstance(value, type):
            names[id(value)] = f"mlcore.{name}"
    for name in dir(np):
        value = getattr(np, name)
        if isinstance(value, np.ufunc):
            names[id(value)] = f"numpy.{name}"
    return names


def _limit_unsandboxed():
    """preexec_fn of an unsandboxed child: cap its memory and core dumps (the sandbox does more)."""
    resource.setrlimit(resource.RLIMIT_AS, (_UNSANDBOXED_MEMORY, _UNSANDBOXED_MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Runner:
    """One child process for one notebook-submission.

    Parameters
    ----------
    course_root : path
        The course folder (the sandbox hides it, apart from the packages the code imports).
    sandboxed : bool
        True: run the child through :func:`instructor.sandbox.wrap` (raises ``SandboxUnavailable`` when the
        sandbox does not work). False only when the instructor said ``--no-sandbox``.
    call_timeout, exec_timeout : float
        Seconds one call of a learner's function / one cell may run.
    """

    def __init__(self, course_root, *, sandboxed=True, call_timeout=10.0, exec_timeout=60.0):
        self.course_root = os.path.realpath(course_root)
        self.sandboxed = sandboxed
        self.call_timeout = float(call_timeout)
        self.exec_timeout = float(exec_timeout)
        self.cells = []  # (filename, code) run so far, replayed into a fresh child
        self.generation = 0  # bumped by every (re)start: handles of an older child are stale
        self.process = None
        self.ready = False
        self.uid = None
        self.callbacks = []
        self.callback_ids = {}
        self.tmp = tempfile.mkdtemp(prefix="cleanroom-")
        self.workdir = os.path.join(self.tmp, "work")
        os.mkdir(self.workdir)
        code = os.path.join(self.workdir, "_cleanroom")
        os.mkdir(code)
        shutil.copyfile(HERE / "child.py", os.path.join(code, "_cleanroom_child.py"))
        shutil.copyfile(HERE / "wire.py", os.path.join(code, "_cleanroom_wire.py"))
        for path in (self.tmp, self.workdir, code):
            os.chmod(path, 0o755)
        self.code_dir = code

    # ------------------------------------------------------------------------------------------- lifecycle

    def _argv(self):
        boot = f"import sys; sys.path.insert(0, {self.code_dir!r}); import _cleanroom_child; _cleanroom_child.main()"
        argv = [sys.executable, "-I", "-c", boot]
        env = {"NBGRADER_EXECUTION": "autograde", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "MPLBACKEND": "agg"}
        if not self.sandboxed:  # the grader's own environment (database URL, tokens) stays out all the same
            kept = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "TZ") or k.startswith("LC_")}
            return argv, dict(kept, **env), _limit_unsandboxed
        from instructor import sandbox

        if os.geteuid() == 0:
            self.uid = sandbox.fresh_uid()
            os.chown(self.workdir, self.uid, self.uid)
        return sandbox.wrap(argv, workdir=self.workdir, course_root=self.course_root, uid=self.uid, env=env), None, None

    def spawn(self):
        """Start the child without waiting for it (it imports NumPy and mlcore meanwhile)."""
        argv, env, preexec = self._argv()
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.workdir,
            env=env, preexec_fn=preexec, start_new_session=True,
        )
        self.generation += 1
        self.ready = False

    def start(self):
        """Start the child (unless :meth:`spawn` did), wait until it is ready, replay the cells run so far.

        A replayed cell that now ends the child or hangs is dropped and the child started once more.
        """
        while True:
            if self.process is None:
                self.spawn()
            try:
                header, _ = self._receive(READY_TIMEOUT)
            except (_Gone, wire.WireError) as error:
                self.kill()
                raise ChildUnavailable(f"the clean room's child did not start: {error}") from None
            if header.get("op") != "ready":
                self.kill()
                raise ChildUnavailable(f"the clean room's child sent {header!r} instead of 'ready'")
            self.ready = True
            for i, (filename, code) in enumerate(self.cells):
                try:
                    self._request({"op": "exec", "filename": filename, "code": code}, timeout=self.exec_timeout)
                except (_Gone, wire.WireError):
                    del self.cells[i]
                    break
            else:
                return

    def ensure(self):
        """A live child, restarted (and the cells replayed) if the last one is gone."""
        if self.process is None or not self.ready:
            self.start()

    def kill(self):
        process, self.process = self.process, None
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.uid is not None:
            from instructor import sandbox

            sandbox.kill_uid(self.uid)

    def close(self):
        self.kill()  # the child keeps nothing worth a clean exit
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------------------------------- messages

    def _receive(self, timeout):
        process = self.process
        deadline = time.monotonic() + timeout
        fd = process.stdout.fileno()

        def read_exactly(n):
            chunks, left = [], n
            while left:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                    raise _Gone(True, "no reply in time")
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    code = process.wait()
                    raise _Gone(False, f"the process ended with exit code {code}")
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)

        return wire.read_frame(read_exactly)

    def _send(self, header, buffers=()):
        try:
            wire.write_frame(self.process.stdin.fileno(), header, buffers)
        except OSError:
            code = self.process.wait()
            raise _Gone(False, f"the process ended with exit code {code}") from None

    def _request(self, header, buffers=(), *, timeout, on_callback=None):
        """Send one request and return its reply; kill the child when it times out, dies or garbles.

        ``timeout`` covers the whole request, callbacks included (a child asking for callbacks forever times out).
        """
        deadline = time.monotonic() + timeout
        try:
            self._send(header, buffers)
            while True:
                reply, data = self._receive(max(deadline - time.monotonic(), 0.0))
                if reply.get("op") != "callback":
                    return reply, data
                answer = on_callback(reply, data) if on_callback else {"error": None, "result": None}
                self._send(*answer) if isinstance(answer, tuple) else self._send(answer)
        except (_Gone, wire.WireError):
            self.kill()
            raise

    # ------------------------------------------------------------------------------------------- cells

    def exec_cell(self, filename, code):
        """Run one cell's code in the child; None, or the exception it raised (rebuilt, for the log)."""
        self.ensure()
        self.cells.append((filename, code))
        try:
            reply, _ = self._request({"op": "exec", "filename": filename, "code": code}, timeout=self.exec_timeout)
        except (_Gone, wire.WireError) as error:
            self.cells.pop()  # a cell that hangs or kills the process is not replayed into the next child
            return ProcessEnded(f"running {filename}: {error}")
        return wire.rebuild_exception(reply["error"], KNOWN_EXCEPTIONS) if reply.get("error") else None

    def resolve(self, expr, *, name, guarded=()):
        """What ``expr`` (a check call's second argument) is in the child: a :class:`Proxy` for a function,
        else the value itself (plain data). An expression that raises gives a proxy whose calls raise that."""
        self.ensure()
        try:
            reply, data = self._request({"op": "resolve", "expr": expr}, timeout=self.exec_timeout)
        except (_Gone, wire.WireError) as error:
            return Proxy(self, expr, name, guarded, broken=ProcessEnded(f"looking up {expr}: {error}"))
        try:
            if reply.get("error"):
                return Proxy(self, expr, name, guarded, broken=wire.rebuild_exception(reply["error"], KNOWN_EXCEPTIONS))
            if "handle" in reply:
                return Proxy(self, expr, name, guarded, handle=int(reply["handle"]))
            return wire.decode(reply["value"], data, records={"Cache": dict})
        except (wire.WireError, TypeError, ValueError) as garbled:
            return Proxy(self, expr, name, guarded, broken=UnreadableReply(f"looking up {expr}: {garbled}"))

    # ------------------------------------------------------------------------------------------- calls

    def _callback_id(self, function):
        if id(function) not in self.callback_ids:
            self.callbacks.append(function)
            self.callback_ids[id(function)] = len(self.callbacks) - 1
        return self.callback_ids[id(function)]

    def _run_callback(self, reply, data):
        """The child asks for one of the grader's own functions (e.g. a spec's test function) on plain data."""
        try:
            function = self.callbacks[int(reply["id"])]
            args = wire.decode(reply["args"], data)
            if type(args) is not list:
                raise wire.WireError("callback arguments are not a list")
            with np.errstate(all="ignore"):
                node, buffers = wire.encode(function(*args))
            return {"error": None, "result": node}, buffers
        except Exception as error:
            return {"error": wire.describe_exception(error)}

    def call(self, handle, args, guarded):
        """Call handle ``handle`` of the current child; return the decoded reply (see :class:`Proxy`)."""
        node, buffers = wire.encode(list(args), functions=allow_list(), records=RECORDS, callback=self._callback_id)
        request = {"op": "call", "handle": handle, "args": node, "guarded": list(guarded)}
        reply, data = self._request(request, buffers, timeout=self.call_timeout, on_callback=self._run_callback)
        decode = functools.partial(wire.decode, buffers=data, records={"Cache": dict})
        result = decode(reply["result"]) if reply.get("error") is None else None
        after = decode(reply["after"]) if reply.get("after") is not None else None
        error = wire.rebuild_exception(reply["error"], KNOWN_EXCEPTIONS) if reply.get("error") else None
        found = reply.get("warnings") or []
        if type(found) is not list:
            raise wire.WireError("the warnings are not a list")
        return result, after, error, [(str(w[0]), str(w[1])) for w in found[:100]]


class Proxy:
    """Stands for a learner's function in the grader: calling it calls the function in the child.

    After a call timed out or killed the child, later calls of the same proxy fail the same way at once (an
    endless loop costs one timeout per check, not one per case).
    """

    def __init__(self, runner, expr, name, guarded, *, handle=None, broken=None):
        self.runner, self.expr, self.name, self.guarded = runner, expr, name, tuple(guarded)
        self.handle, self.generation = handle, runner.generation
        self.broken = broken
        self.__name__ = name

    def _live_handle(self):
        if self.generation != self.runner.generation or self.runner.process is None:
            fresh = self.runner.resolve(self.expr, name=self.name, guarded=self.guarded)
            if not isinstance(fresh, Proxy):
                raise TypeError(f"{self.expr} is no longer a function")
            if fresh.broken is not None:
                raise fresh.broken
            self.handle, self.generation = fresh.handle, fresh.generation
        return self.handle

    def __call__(self, *args):
        if self.broken is not None:
            raise self.broken
        handle = self._live_handle()
        try:
            result, after, error, found = self.runner.call(handle, args, self.guarded)
        except _Gone as gone:
            if gone.timed_out:
                self.broken = TimeoutError(
                    f"{self.name} did not return within {self.runner.call_timeout:g} s (an endless loop?), so it "
                    "was stopped"
                )
            else:
                self.broken = ProcessEnded(f"{self.name} ended the process that ran it ({gone})")
            raise self.broken from None
        except wire.WireError as garbled:
            self.broken = UnreadableReply(f"{self.name} sent back something the grader cannot read: {garbled}")
            raise self.broken from None
        if after is not None:
            for target, value in zip(args, after):
                write_back(target, value)
        for category, message in found:
            warnings.warn(message, _warning_class(category), stacklevel=2)
        if error is not None:
            raise error
        return result


def write_back(target, value):
    """Copy ``value`` (the child's argument after the call) into the grader's argument ``target``, in place."""
    if isinstance(target, np.ndarray):
        if isinstance(value, np.ndarray) and value.shape == target.shape:
            np.copyto(target, value, casting="unsafe")
    elif isinstance(target, list) and isinstance(value, list):
        if len(target) == len(value):
            for i, item in enumerate(value):
                if isinstance(target[i], (np.ndarray, list)) and type(item) is type(target[i]):
                    write_back(target[i], item)
                else:
                    target[i] = item
        else:
            target[:] = value
    elif isinstance(value, dict) and hasattr(target, "_fields"):
        for field in target._fields:
            if field in value:
                write_back(getattr(target, field), value[field])


_WARNINGS = {name: cls for name, cls in vars(builtins).items() if isinstance(cls, type) and issubclass(cls, Warning)}
_learner_warnings = {}


def _warning_class(name):
    if name in _WARNINGS:
        return _WARNINGS[name]
    safe = name[:100] if name[:100].isidentifier() and len(_learner_warnings) < wire.MAX_CLASSES else "LearnerWarning"
    return _learner_warnings.setdefault(safe, type(safe, (UserWarning,), {"__module__": "learner"}))
