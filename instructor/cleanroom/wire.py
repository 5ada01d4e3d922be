"""The clean room's wire format: plain data between the grader and the child that runs a learner's code.

A message is one frame: an 8-byte big-endian length, a JSON header of that length, then the raw bytes of
every array the header refers to (the header lists their lengths). Nothing is ever pickled: the grader only
ever turns bytes into numbers, strings, lists and arrays of a numeric dtype, so whatever a learner's code
sends, no object, frame or code of theirs can reach the comparison.

Values are JSON nodes. ``None``, booleans, ints, floats (NaN and inf included), and strings are themselves;
everything else is a dict with a type tag ``"t"``:

=============  =========================================================================================
``list``       ``{"t": "list", "v": [...]}`` (``tuple`` likewise)
``dict``       ``{"t": "dict", "v": {str: ...}}``
``array``      ``{"t": "array", "dtype": "<f8", "shape": [3, 2], "buf": i}``: numeric dtypes only
``objarray``   an array of Python objects: ``{"t": "objarray", "shape": [...], "v": [flat items]}``
``scalar``     a NumPy scalar: ``{"t": "scalar", "dtype": "<f4", "buf": i}``
``complex``    ``{"t": "complex", "re": x, "im": y}``
``function``   one of the course's functions, by name from an allow-list: ``{"t": "function", "name":
               "mlcore.relu_prime"}`` (grader to child only)
``callback``   any other function of the grader's cases: the child asks the grader to run it on plain
               data, ``{"t": "callback", "id": k}``
``rng``        a ``numpy.random.Generator``: ``{"t": "rng", "state": <its bit generator's state>}``
``record``     an instance of an allow-listed course class (``mlcore.Cache``) by field:
               ``{"t": "record", "type": "Cache", "v": {field: ...}}``
``iter``       a generator or iterator the learner returned, drained (capped): ``{"t": "iter", "type":
               "generator", "v": [...], "truncated": false}`` (child to grader only)
``opaque``     anything else, by type name and a truncated repr: ``{"t": "opaque", "type": "Foo",
               "repr": "..."}`` (child to grader only)
=============  =========================================================================================

This module imports only the standard library and NumPy: the child runs it too, without the grader's code.
"""

import builtins
import json
import keyword
import math
import os
import struct
import types

import numpy as np

HEADER = struct.Struct(">Q")
MAX_FRAME = 64 * 1024 * 1024  # bytes; the exercises exchange kilobytes: a larger reply is refused, not read
MAX_DEPTH = 32  # nesting of lists, tuples and dicts
MAX_ITEMS = 1_000_000  # nodes in one message
MAX_TEXT = 2000  # characters kept of a repr, a message or a string the learner returned
MAX_ITER = 10_000  # items drained from a returned generator
NUMERIC_KINDS = "biufc"  # bool, int, uint, float, complex: the only dtypes an array may have on the wire
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
MAX_CLASSES = 1000  # classes made after names the child sends (opaque values, exceptions); then a generic one


class WireError(ValueError):
    """A frame or a value that does not follow the wire format (too big, malformed, a forbidden dtype...)."""


# ----------------------------------------------------------------------------------------------- frames


def write_frame(fd, header, buffers=()):
    """Send one message: ``header`` (JSON-able) and the raw ``buffers`` it refers to, on file descriptor ``fd``."""
    buffers = [bytes(b) for b in buffers]
    header = dict(header, buffers=[len(b) for b in buffers])
    text = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
    _write_all(fd, HEADER.pack(len(text)) + text)
    for b in buffers:
        _write_all(fd, b)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(read_exactly):
    """Receive one message with ``read_exactly(n) -> bytes``; return ``(header, buffers)``."""
    (length,) = HEADER.unpack(read_exactly(HEADER.size))
    if length > MAX_FRAME:
        raise WireError(f"a header of {length} bytes is larger than the limit of {MAX_FRAME}")
    try:
        header = json.loads(read_exactly(length))
    except (ValueError, RecursionError) as error:
        raise WireError(f"the header is not JSON: {error}") from None
    if not isinstance(header, dict):
        raise WireError("the header is not a JSON object")
    sizes = header.pop("buffers", [])
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes):
        raise WireError("the header's buffer lengths are not a list of sizes")
    if sum(sizes) > MAX_FRAME:
        raise WireError(f"the message's arrays take {sum(sizes)} bytes, more than the limit of {MAX_FRAME}")
    return header, [read_exactly(s) for s in sizes]


# ----------------------------------------------------------------------------------------------- encoding


class Encoder:
    """Turns a value into a JSON node; arrays' bytes go to ``self.buffers``.

    Parameters
    ----------
    functions : dict
        ``id(function) -> name`` of the functions that may be sent by name (the allow-list).
    records : dict
        ``class -> name`` of the course classes sent field by field.
    callback : callable or None
        ``callback(function) -> id`` for a function outside the allow-list (grader side: the child calls back);
        None refuses such functions.
    drain : bool
        True on the child side: generators and iterators are drained (at most ``MAX_ITER`` items) and unknown
        objects are described by type name and repr; False on the grader side, which refuses them.
    """

    def __init__(self, *, functions=None, records=None, callback=None, drain=False):
        self.functions = functions or {}
        self.records = records or {}
        self.callback = callback
        self.drain = drain
        self.buffers = []
        self.count = 0

    def __call__(self, value, depth=0):
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_ITEMS:
            raise WireError(f"the value is nested deeper than {MAX_DEPTH} or holds more than {MAX_ITEMS} items")
        if value is None or type(value) in (bool, int, float):
            return value
        if type(value) is str:
            return value[:MAX_TEXT] if self.drain else value
        record = self.records.get(type(value))
        if record is not None:
            fields = value._asdict() if hasattr(value, "_asdict") else vars(value)
            return {"t": "record", "type": record, "v": {k: self(v, depth + 1) for k, v in fields.items()}}
        if isinstance(value, (list, tuple)):
            tag = "list" if isinstance(value, list) else "tuple"
            return {"t": tag, "v": [self(item, depth + 1) for item in value]}
        if isinstance(value, dict) and all(type(k) is str for k in value):
            return {"t": "dict", "v": {k: self(v, depth + 1) for k, v in value.items()}}
        if isinstance(value, np.ndarray):
            return self._array(value, depth)
        if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
            return {"t": "scalar", "dtype": value.dtype.str, "buf": self._buffer(value.tobytes())}
        if isinstance(value, (int, float)):  # subclasses of the plain numbers go as the plain number
            return float(value) if isinstance(value, float) else int(value)
        if isinstance(value, complex):
            return {"t": "complex", "re": value.real, "im": value.imag}
        if isinstance(value, np.random.Generator):
            return {"t": "rng", "state": self(value.bit_generator.state, depth + 1)}
        if callable(value) and id(value) in self.functions:
            return {"t": "function", "name": self.functions[id(value)]}
        if self.drain:
            if isinstance(value, types.GeneratorType) or hasattr(type(value), "__next__"):
                return self._drained(value, depth)
            return {"t": "opaque", "type": type(value).__name__[:100], "repr": _short_repr(value)}
        if callable(value) and self.callback is not None:
            return {"t": "callback", "id": self.callback(value)}
        raise WireError(f"cannot send a {type(value).__name__} to the clean room's child")

    def _buffer(self, data):
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _array(self, value, depth):
        array = np.asarray(value)  # an ndarray subclass goes as its plain data
        if array.dtype.kind in NUMERIC_KINDS:
            return {"t": "array", "dtype": array.dtype.str, "shape": list(array.shape),
                    "buf": self._buffer(array.tobytes(order="C"))}
        if array.dtype.kind == "O":
            return {"t": "objarray", "shape": list(array.shape), "v": [self(item, depth + 1) for item in array.ravel()]}
        return {"t": "opaque", "type": "ndarray", "repr": _short_repr(array)} if self.drain else self._refuse(array)

    def _refuse(self, array):
        raise WireError(f"cannot send an array of dtype {array.dtype}")

    def _drained(self, value, depth):
        # Drained first, encoded after, as list(value) would: an item the generator changes later (a reused
        # buffer) arrives as the consumer of a list would see it.
        items = []
        for item in value:
            items.append(item)
            if len(items) >= MAX_ITER:
                break
        truncated = len(items) >= MAX_ITER
        return {"t": "iter", "type": type(value).__name__[:100], "v": [self(item, depth + 1) for item in items],
                "truncated": truncated}


def _short_repr(value):
    try:
        text = repr(value)
    except Exception as error:  # a learner's __repr__ may raise
        text = f"<{type(value).__name__} whose repr raised {type(error).__name__}>"
    return text[:MAX_TEXT]


def encode(value, **options):
    """``(node, buffers)`` for ``value`` (see :class:`Encoder` for the options)."""
    encoder = Encoder(**options)
    node = encoder(value)
    return node, encoder.buffers


# ----------------------------------------------------------------------------------------------- decoding


def _identifier(name, fallback):
    name = str(name)[:100]
    return name if name.isidentifier() and not keyword.iskeyword(name) else fallback


class Opaque:
    """Stands for a value the learner returned that the wire does not carry: its type name and repr only."""

    def __init__(self, text):
        self._text = text

    def __repr__(self):
        return self._text


_opaque_types = {}


def opaque_type(name):
    """A subclass of :class:`Opaque` called ``name`` (so a message can say "returned a Foo")."""
    name = _identifier(name, "object")
    if name not in _opaque_types and len(_opaque_types) >= MAX_CLASSES:
        name = "object"
    if name not in _opaque_types:
        _opaque_types[name] = type(name, (Opaque,), {"__module__": "learner"})
    return _opaque_types[name]


def _replay(items, truncated):
    """A generator over ``items``: what the grader sees in place of a generator the learner returned."""
    yield from items
    if truncated:
        raise RuntimeError(f"the generator yielded more than {MAX_ITER} items: stopped there")


class Decoder:
    """Turns a JSON node and its buffers back into plain values.

    Parameters
    ----------
    buffers : list of bytes
    functions : dict
        ``name -> function`` of the allow-list (child side); None refuses function nodes.
    records : dict
        ``name -> class`` of the course classes that may be rebuilt from fields (child side).
    callback : callable or None
        ``callback(id) -> callable`` (child side); None refuses callback nodes.
    untrusted : bool
        True on the grader side: only plain data (numbers, strings, lists, tuples, dicts, numeric arrays,
        generators replayed from lists and opaque stand-ins) may come out.
    """

    def __init__(self, buffers, *, functions=None, records=None, callback=None, untrusted=True):
        self.buffers = buffers
        self.functions = functions
        self.records = records or {}
        self.callback = callback
        self.untrusted = untrusted
        self.count = 0

    def __call__(self, node, depth=0):
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_ITEMS:
            raise WireError(f"the value is nested deeper than {MAX_DEPTH} or holds more than {MAX_ITEMS} items")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is not dict or type(node.get("t")) is not str:
            raise WireError(f"not a value node: {type(node).__name__}")
        method = getattr(self, "_" + node["t"], None)
        if method is None or node["t"] not in _NODE_TYPES:
            raise WireError(f"unknown value type {node['t']!r}")
        try:
            return method(node, depth)
        except WireError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError, AttributeError) as error:
            raise WireError(f"malformed {node['t']} node: {type(error).__name__}: {error}") from None

    def _items(self, node, depth):
        items = node["v"]
        if type(items) is not list:
            raise WireError("a container's items are not a list")
        return [self(item, depth + 1) for item in items]

    def _list(self, node, depth):
        return self._items(node, depth)

    def _tuple(self, node, depth):
        return tuple(self._items(node, depth))

    def _dict(self, node, depth):
        if type(node["v"]) is not dict:
            raise WireError("a dict's items are not a JSON object")
        return {str(k): self(v, depth + 1) for k, v in node["v"].items()}

    def _dtype(self, text):
        dtype = np.dtype(str(text))
        if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise WireError(f"arrays of dtype {dtype} are not sent")
        return dtype

    def _array(self, node, depth):
        dtype, shape = self._dtype(node["dtype"]), node["shape"]
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape) or len(shape) > 32:
            raise WireError("an array's shape is not a list of sizes")
        data = self.buffers[node["buf"]]
        if len(data) != math.prod(shape) * dtype.itemsize:  # Python ints: no overflow to a small size
            raise WireError(f"an array of shape {tuple(shape)} and dtype {dtype} does not take {len(data)} bytes")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def _objarray(self, node, depth):
        items = self._items(node, depth)
        array = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):  # one by one: NumPy would broadcast a list item into the array
            array[i] = item
        return array.reshape(node["shape"])

    def _scalar(self, node, depth):
        dtype = self._dtype(node["dtype"])
        data = self.buffers[node["buf"]]
        if len(data) != dtype.itemsize:
            raise WireError("a scalar's bytes do not match its dtype")
        return np.frombuffer(data, dtype=dtype)[0]

    def _complex(self, node, depth):
        return complex(float(node["re"]), float(node["im"]))

    def _iter(self, node, depth):
        return _replay(self._items(node, depth), bool(node.get("truncated")))

    def _opaque(self, node, depth):
        return opaque_type(node["type"])(str(node["repr"])[:MAX_TEXT])

    def _function(self, node, depth):
        if self.functions is None or node["name"] not in self.functions:
            raise WireError(f"function {node.get('name')!r} is not on the allow-list")
        return self.functions[node["name"]]

    def _callback(self, node, depth):
        if self.callback is None:
            raise WireError("callbacks are not accepted here")
        return self.callback(int(node["id"]))

    def _rng(self, node, depth):
        if self.untrusted:
            raise WireError("generators of random numbers are not accepted here")
        state = self(node["state"], depth + 1)
        name = state["bit_generator"]
        if name not in BIT_GENERATORS:
            raise WireError(f"bit generator {name!r} is not known")
        bit_generator = getattr(np.random, name)()
        bit_generator.state = state
        return np.random.Generator(bit_generator)

    def _record(self, node, depth):
        cls = self.records.get(node["type"])
        if cls is None:
            raise WireError(f"record type {node.get('type')!r} is not known")
        return cls(**self._dict(node, depth))


_NODE_TYPES = ("list", "tuple", "dict", "array", "objarray", "scalar", "complex", "iter", "opaque", "function",
               "callback", "rng", "record")


def decode(node, buffers, **options):
    """The value of ``node`` (see :class:`Decoder` for the options)."""
    return Decoder(buffers, **options)(node)


# ----------------------------------------------------------------------------------------------- exceptions

_SAFE_EXCEPTIONS = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, Warning)
}
_learner_exceptions = {}


def describe_exception(error, learner_frames=(), depth=0):
    """Plain data about ``error``: type name, arguments (plain ones), message, frames, its cause."""
    try:
        args = encode(list(error.args), drain=True)
        args = args[0] if not args[1] else None  # arrays in the arguments: the message says enough
    except Exception:
        args = None
    cause = error.__cause__ or error.__context__
    return {
        "type": type(error).__name__[:100],
        "module": str(type(error).__module__)[:100],
        "message": _short_text(error),
        "args": args,
        "frames": [[int(n), str(line)[:MAX_TEXT]] for n, line in learner_frames][-20:],
        "cause": describe_exception(cause, (), depth + 1) if cause is not None and depth < 4 else None,
    }


def _short_text(error):
    try:
        return str(error)[:MAX_TEXT]
    except Exception:
        return f"<{type(error).__name__} whose str raised>"


def learner_exception_type(name):
    """The exception class a learner's exception ``name`` becomes on the grader's side.

    A builtin ``Exception`` subclass keeps its type; anything else (their own classes, ``SystemExit`` from
    ``sys.exit()``, ``KeyboardInterrupt``) becomes a generic ``Exception`` subclass of the same name, which the
    check reports like any other exception and which can never stop the grader.
    """
    name = _identifier(name, "LearnerError")
    if name in _SAFE_EXCEPTIONS:
        return _SAFE_EXCEPTIONS[name]
    if name not in _learner_exceptions and len(_learner_exceptions) >= MAX_CLASSES:
        name = "LearnerError"
    if name not in _learner_exceptions:
        _learner_exceptions[name] = type(name, (Exception,), {"__module__": "learner"})
    return _learner_exceptions[name]


def rebuild_exception(info, known=None):
    """An exception instance from :func:`describe_exception`'s data, carrying ``learner_frames``.

    ``known`` maps ``(module, name)`` to classes the grader recognises (``mlcore._guard.ReferenceBlocked``).
    """
    if type(info) is not dict:
        raise WireError("an exception is not described by a JSON object")
    name, module, message = str(info.get("type")), str(info.get("module")), str(info.get("message"))[:MAX_TEXT]
    cls = (known or {}).get((module, name)) or learner_exception_type(name)
    error = None
    args = info.get("args")
    if type(args) is dict and args.get("t") == "list":
        try:
            plain = Decoder([])(args)
            error = cls(*plain)
            if str(error) != message:
                error = None
        except Exception:
            error = None
    if error is None:
        try:
            error = cls(message)
        except Exception:
            error = learner_exception_type(name + "_")(message)
    frames = info.get("frames") or []
    error.learner_frames = [(int(n), str(line)) for n, line in frames if type(n) is int]
    if info.get("cause") is not None:
        error.__cause__ = rebuild_exception(info["cause"], known)
    return error
