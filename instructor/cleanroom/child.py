"""The clean room's child process: it runs a learner's notebook code and calls their functions on plain data.

The grader starts this program (sandboxed, see :mod:`instructor.cleanroom.runner`) with two files copied
next to it, this one as ``_cleanroom_child.py`` and :mod:`instructor.cleanroom.wire` as
``_cleanroom_wire.py``; it imports nothing of the grader. Before any learner code runs it

- moves its channel to the grader to private file descriptors and points stdin, stdout and stderr at
  ``/dev/null`` (a learner's ``print`` or ``os.write(1, ...)`` cannot mix into a reply);
- makes the grading code unimportable: ``mlcore.grading`` is a stub whose ``check`` does nothing (the
  notebook's ``from mlcore.grading import check`` still works), and ``mlcore.grading.*`` and ``instructor``
  raise ImportError;
- records the course's functions that arguments may name (``mlcore.relu_prime``...), so a learner who
  reassigns ``mlcore.relu_prime`` does not change what their function receives.

Then it answers requests, one at a time (the grader waits for each reply): ``exec`` a cell, ``resolve`` the
expression of a check call (a function becomes a handle; anything else comes back as a value), ``call`` a
handle with arguments, ``bye``. During a call, mlcore's references named in ``guarded`` refuse to run: through
mlcore's own guard, and, since a learner's code in this process can empty the guard's set or take the
unguarded function out of its wrapper, by giving the unguarded functions themselves a refusal's code until the
call returns. The result is encoded before that ends, so a lazy value cannot escape the guard either. (Code
copied from mlcore's source is copying, like copying the public solutions: GRADING.md, principle 10.)
"""

import builtins
import contextlib
import importlib.abc
import os
import sys
import traceback
import types
import warnings

import _cleanroom_wire as wire

ANSWER_PREFIX = "<answer "  # the file name of an answer cell's code: its frames are the learner's


class _NoGrader(importlib.abc.MetaPathFinder):
    """Refuses to import the grading code inside the child, and mlcore's files under any other name."""

    BLOCKED = ("mlcore.grading.", "instructor", "nbgrader")

    def __init__(self, mlcore_dir):
        self.mlcore_dir = mlcore_dir

    def find_spec(self, name, path=None, target=None):
        if name == "instructor" or name.startswith(self.BLOCKED):
            raise ImportError(f"{name} is not available while your code is graded")
        if name != "mlcore" and not name.startswith("mlcore.") and any(
            (os.path.realpath(str(p)) + os.sep).startswith(self.mlcore_dir + os.sep) for p in (path or ())
        ):
            raise ImportError(f"mlcore's files are imported once, as mlcore (not as {name}) while your code is graded")
        return None


def _refusal(name):
    """The code of a function that refuses to run, as mlcore's guard does while ``name`` is graded."""
    message = (f"use your own implementation of {name}: the check is grading your code, so mlcore's reference "
               f"{name} is switched off while it runs.")
    source = f"def refuse(*args, **kwargs):\n    raise __import__('mlcore._guard', fromlist=['_']).ReferenceBlocked({message!r})\n"
    namespace = {}
    exec(source, namespace)
    return namespace["refuse"].__code__


def _raw_reference(wrapper):
    """The function a guard wrapper (``mlcore._guard.reference``) calls, or None."""
    try:
        cells = dict(zip(wrapper.__code__.co_freevars, wrapper.__closure__ or ()))
        raw = cells["fn"].cell_contents
    except (AttributeError, KeyError, ValueError, TypeError):
        return None
    return raw if isinstance(raw, types.FunctionType) and not raw.__code__.co_freevars else None


class _NoIPython:
    """What ``get_ipython()`` returns in the child: every attribute and call accepted, nothing done."""

    def __getattr__(self, name):
        return _NoIPython()

    def __call__(self, *args, **kwargs):
        return None


def _private_channel():
    """Duplicate the grader's pipes to private descriptors; stdin/stdout/stderr go to /dev/null."""
    fd_in, fd_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return fd_in, fd_out


def _reader(fd):
    def read_exactly(n):
        chunks, left = [], n
        while left:
            chunk = os.read(fd, left)
            if not chunk:
                raise EOFError("the grader closed the channel")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return read_exactly


def _stub_grading(mlcore):
    """``mlcore.grading`` as the notebook imports it, with a ``check`` that does nothing."""
    stub = types.ModuleType("mlcore.grading", "Grading is done outside this process.")

    class GradingError(AssertionError):
        pass

    stub.check = lambda *args, **kwargs: None
    stub.GradingError = GradingError
    stub.__path__ = []  # a package: its submodules are refused by _NoGrader
    sys.modules["mlcore.grading"] = stub
    mlcore.grading = stub


def _allow_list(mlcore, np):
    """``name -> function`` for the functions an argument may name: mlcore's public ones and NumPy's ufuncs."""
    functions = {}
    for name in getattr(mlcore, "__all__", ()):
        value = getattr(mlcore, name, None)
        if callable(value) and not isinstance(value, type):
            functions[f"mlcore.{name}"] = value
    for name in dir(np):
        value = getattr(np, name)
        if isinstance(value, np.ufunc):
            functions[f"numpy.{name}"] = value
    return functions


class Child:
    """The request loop (see the module docstring)."""

    def __init__(self, fd_in, fd_out):
        import numpy as np

        import mlcore
        import mlcore.mlp
        from mlcore._guard import blocking

        self.np, self.blocking = np, blocking
        self.read_exactly, self.fd_out = _reader(fd_in), fd_out
        _stub_grading(mlcore)
        sys.meta_path.insert(0, _NoGrader(os.path.realpath(os.path.dirname(mlcore.__file__))))
        self.references = self.find_references()  # recorded before any learner code runs
        self.refusals = {}
        self.functions = _allow_list(mlcore, np)
        self.records = {"Cache": mlcore.mlp.Cache}
        self.record_types = {mlcore.mlp.Cache: "Cache"}
        self.sources = {}  # file name -> source lines, for the learner's frames
        self.handles = []
        main = types.ModuleType("__main__")
        main.__dict__["display"] = lambda *args, **kwargs: None  # IPython's display: nothing to show here
        main.__dict__["get_ipython"] = _NoIPython  # magics and shell commands do nothing here
        sys.modules["__main__"] = main
        self.namespace = main.__dict__

    # ------------------------------------------------------------------------------------------- the guard

    def find_references(self):
        """``[(name, raw function)]`` of mlcore's guarded references in the modules loaded now."""
        found = []
        for module_name, module in list(sys.modules.items()):
            if module_name.split(".")[0] != "mlcore" or module_name.startswith("mlcore.grading"):
                continue
            for value in list(vars(module).values()):
                names = getattr(value, "__reference_names__", ()) if isinstance(value, types.FunctionType) else ()
                raw = _raw_reference(value) if names and all(isinstance(n, str) for n in names) else None
                if raw is not None:
                    found.extend((name, raw) for name in names)
        return found

    @contextlib.contextmanager
    def refusing(self, names):
        """While the learner's function runs, the references ``names`` refuse even without their guard.

        The guard's set of blocked names lives in this process and a learner's code can empty it (ctypes)
        or take the unguarded function out of the wrapper's closure. So the unguarded functions themselves
        get the code of a refusal for the call: whoever holds them, wherever from, calls that.
        """
        swapped, seen = [], set()
        try:
            for name, raw in self.references + self.find_references():
                if name in names and id(raw) not in seen:
                    seen.add(id(raw))
                    if name not in self.refusals:
                        self.refusals[name] = _refusal(name)
                    swapped.append((raw, raw.__code__))
                    raw.__code__ = self.refusals[name]
            yield
        finally:
            for raw, code in reversed(swapped):
                raw.__code__ = code

    # ------------------------------------------------------------------------------------------- replies

    def reply(self, header, buffers=()):
        wire.write_frame(self.fd_out, header, buffers)

    def error_info(self, error):
        frames = []
        for frame, lineno in traceback.walk_tb(error.__traceback__):
            filename = frame.f_code.co_filename
            if filename.startswith(ANSWER_PREFIX):
                lines = self.sources.get(filename, [])
                frames.append((lineno, lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""))
        return wire.describe_exception(error, frames)

    def callback(self, ident):
        """A stand-in for one of the grader's own functions (not on the allow-list): it asks the grader."""

        def call_grader(*args):
            node, buffers = wire.encode(list(args), drain=True)
            self.reply({"op": "callback", "id": ident, "args": node}, buffers)
            header, buffers = wire.read_frame(self.read_exactly)
            if header.get("error") is not None:
                raise wire.rebuild_exception(header["error"])
            return wire.decode(header["result"], buffers, untrusted=True)

        call_grader.__name__ = f"grader_function_{ident}"
        return call_grader

    # ------------------------------------------------------------------------------------------- requests

    def do_exec(self, request):
        filename = str(request["filename"])
        source = str(request["code"])
        self.sources[filename] = source.splitlines()
        try:
            exec(compile(source, filename, "exec"), self.namespace)
        except BaseException as error:  # the cell failed (SystemExit too): the next cells still run
            return {"error": self.error_info(error)}
        return {"error": None}

    def do_resolve(self, request):
        try:
            value = eval(compile(str(request["expr"]), "<check call>", "eval"), self.namespace)
        except BaseException as error:
            return {"error": self.error_info(error)}
        if callable(value):
            self.handles.append(value)
            return {"error": None, "handle": len(self.handles) - 1}
        return self.encoded_value(value)

    def encoded_value(self, value):
        try:
            node, buffers = wire.encode(value, drain=True, records=self.record_types)
        except BaseException as error:
            return {"error": self.error_info(error)}
        return {"error": None, "value": node}, buffers

    def do_call(self, request, buffers):
        np = self.np
        fn = self.handles[int(request["handle"])]
        args = wire.decode(request["args"], buffers, functions=self.functions, records=self.records,
                           callback=self.callback, untrusted=False)
        result, error = None, None
        encoder = wire.Encoder(drain=True, records=self.record_types)
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            guarded = [str(name) for name in request.get("guarded", ())]
            with self.blocking(guarded), self.refusing(guarded):
                try:
                    result = encoder(fn(*args))  # drained while the references still refuse to run
                except BaseException as failure:  # sys.exit() and KeyboardInterrupt included
                    result, error = None, self.error_info(failure)
        # The arguments as the call left them: the grader copies them back, so it sees in-place changes.
        after = [a if isinstance(a, (np.ndarray, list)) or type(a) in self.record_types else None for a in args]
        try:
            after = encoder(after)
        except BaseException:
            after = None
        reply = {
            "error": error,
            "result": result,
            "after": after,
            "warnings": [[w.category.__name__[:100], str(w.message)[: wire.MAX_TEXT]] for w in caught][:100],
        }
        return reply, encoder.buffers

    def serve(self):
        while True:
            try:
                request, buffers = wire.read_frame(self.read_exactly)
            except EOFError:
                return
            op = request.get("op")
            if op == "bye":
                return
            if op == "exec":
                answer = self.do_exec(request)
            elif op == "resolve":
                answer = self.do_resolve(request)
            elif op == "value":
                answer = self.encoded_value(self.namespace.get(str(request["name"])))
            elif op == "call":
                answer = self.do_call(request, buffers)
            else:
                answer = {"error": {"type": "ValueError", "module": "builtins", "message": f"unknown op {op!r}",
                                    "args": None, "frames": [], "cause": None}}
            header, out = answer if isinstance(answer, tuple) else (answer, [])
            self.reply(header, out)


def main():
    fd_in, fd_out = _private_channel()
    # Warnings of the notebook's own code must not write anywhere; the call's warnings are recorded.
    warnings.simplefilter("ignore")
    builtins.input = lambda *args: ""  # a cell waiting for input would hang until the timeout
    child = Child(fd_in, fd_out)
    child.reply({"op": "ready", "pid": os.getpid()})
    child.serve()


if __name__ == "__main__":
    main()
