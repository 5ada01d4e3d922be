"""Shared argument checks for mlcore's public functions.

Every check raises ``TypeError`` (wrong kind of object or dtype) or ``ValueError`` (wrong shape or
values) with a message that names the argument and its shape, so a learner never meets a bare
broadcasting error three calls later. The checks are cheap (shape and dtype look-ups, at most one
pass over small arrays) because they also run on the MLP's hot path.
"""

import math
import numbers

import numpy as np

from mlcore.i18n import tr

__all__ = [
    "as_float_array",
    "as_labels",
    "check_ndim",
    "check_shape",
    "check_same_shape",
    "check_nonempty",
    "check_finite",
    "check_unit_interval",
    "check_callable",
    "check_positive_int",
    "check_scalar",
    "check_rng",
    "shape_str",
]


def shape_str(shape):
    """Format a shape, with ``None`` meaning "any size", e.g. ``(N, 4)`` -> ``(any, 4)``."""
    parts = ["any" if s is None else str(s) for s in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def _convert(x, name):
    if x is None:
        raise TypeError(tr("{name} is None, expected an array of numbers").format(name=name))
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists and the like
        raise TypeError(tr("{name} could not be turned into an array of numbers: {err}").format(name=name, err=err)) from None


def as_float_array(x, name, ndim=None):
    """Return ``x`` as a float32 or float64 ndarray without copying when it already is one.

    float32 and float64 arrays pass through unchanged (same object, so the caller must not write
    into them); integers, booleans and other float widths become float64. Anything else (strings,
    complex numbers, objects) raises ``TypeError`` naming ``name``. With ``ndim`` given, the array
    must have exactly that many dimensions.
    """
    a = x if type(x) is np.ndarray else _convert(x, name)
    char = a.dtype.char
    if char != "d" and char != "f":
        kind = a.dtype.kind
        if kind in "biuf":
            a = a.astype(np.float64)
        else:
            raise TypeError(tr("{name} has dtype {dtype}, expected real numbers (a float or integer array)").format(
                name=name, dtype=a.dtype))
    if ndim is not None and a.ndim != ndim:
        check_ndim(a, name, ndim)
    return a


def check_ndim(a, name, ndim, what=None):
    """Raise ``ValueError`` unless ``a`` has ``ndim`` dimensions."""
    if a.ndim != ndim:
        hint = f" {what}" if what else ""
        raise ValueError(tr("{name} has shape {shape} ({ndim}-D), expected a {want}-D array{hint}").format(
            name=name, shape=a.shape, ndim=a.ndim, want=ndim, hint=hint))


def check_shape(a, name, expected, why=None):
    """Raise ``ValueError`` unless ``a.shape`` matches ``expected`` (``None`` entries match anything)."""
    shape = a.shape
    if len(shape) == len(expected) and all(e is None or e == s for s, e in zip(shape, expected)):
        return
    msg = tr("{name} has shape {shape}, expected {expected}").format(name=name, shape=shape, expected=shape_str(expected))
    if why:
        msg += tr(": {why}").format(why=why)
    raise ValueError(msg)


def check_same_shape(a, a_name, b, b_name):
    """Raise ``ValueError`` unless ``b`` has the same shape as ``a``."""
    if a.shape != b.shape:
        raise ValueError(
            tr("{b_name} has shape {b_shape}, expected {a_shape} (the shape of {a_name}); "
               "the two must match element for element, broadcasting would hide a bug").format(
                b_name=b_name, b_shape=b.shape, a_shape=a.shape, a_name=a_name)
        )


def check_nonempty(a, name):
    """Raise ``ValueError`` when ``a`` has no elements (a mean over nothing is undefined)."""
    if a.size == 0:
        raise ValueError(tr("{name} has shape {shape} and no elements, expected at least one").format(name=name, shape=a.shape))


def _first_bad(mask):
    idx = np.argwhere(mask)[0]
    return tuple(int(i) for i in idx) if len(idx) > 1 else (int(idx[0]) if len(idx) else ())


def check_finite(a, name):
    """Raise ``ValueError`` naming the first NaN or infinite entry of ``a``."""
    if a.dtype.kind != "f":
        return
    if not np.isfinite(a).all():
        bad = ~np.isfinite(a)
        where = _first_bad(bad)
        value = a[bad][0]
        raise ValueError(tr("{name} (shape {shape}) contains {value} at index {where}, expected finite numbers").format(
            name=name, shape=a.shape, value=value, where=where))


def check_unit_interval(a, name, what=None):
    """Raise ``ValueError`` unless every entry of ``a`` lies in [0, 1] (NaN fails too)."""
    if a.size == 0:
        return
    lo, hi = a.min(), a.max()
    # Written so that NaN (which compares False) fails the test as well.
    if not (lo >= 0 and hi <= 1):
        bad = ~((a >= 0) & (a <= 1))
        where = _first_bad(bad)
        value = a[bad][0]
        raise ValueError(
            tr("{name} (shape {shape}) has {value} at index {where}, expected {what} in [0, 1]").format(
                name=name, shape=a.shape, value=value, where=where, what=what or tr("probabilities"))
        )


_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}  # itemsize -> unsigned type of that size


def as_labels(y, name, n_classes=None, n=None):
    """Return integer class labels ``y`` of shape (N,) as an intp array.

    Float arrays are accepted when every entry is a whole number (e.g. ``1.0``). Labels must lie in
    ``0 .. n_classes - 1``; with ``n`` given, ``y`` must have ``n`` entries.
    """
    a = y if type(y) is np.ndarray else _convert(y, name)
    if a.ndim != 1:
        raise ValueError(tr("{name} has shape {shape}, expected integer class labels of shape (N,)").format(
            name=name, shape=a.shape))
    if n is not None and a.shape[0] != n:
        raise ValueError(tr("{name} has shape {shape}, expected ({n},): one label per row of the other argument").format(
            name=name, shape=a.shape, n=n))
    kind = a.dtype.kind
    if kind in "iu":
        labels = a
    elif kind == "b":
        labels = a.astype(np.intp)
    elif kind == "f":
        if not (np.isfinite(a).all() and np.array_equal(a, np.round(a))):
            raise TypeError(tr("{name} has dtype {dtype} with non-integer values, expected integer class labels").format(
                name=name, dtype=a.dtype))
        labels = a.astype(np.intp)
    else:
        raise TypeError(tr("{name} has dtype {dtype}, expected integer class labels").format(name=name, dtype=a.dtype))
    if labels.size and n_classes is not None:
        # Viewed as unsigned, a negative label becomes huge: one max() checks both ends.
        unsigned = labels.view(_UNSIGNED[labels.dtype.itemsize]) if labels.dtype.kind == "i" else labels
        if unsigned.max() >= n_classes:
            lo, hi = labels.min(), labels.max()
            bad = lo if lo < 0 else hi
            raise ValueError(
                tr("{name} contains the label {bad}, expected labels in 0 .. {last} ({n} classes)").format(
                    name=name, bad=int(bad), last=n_classes - 1, n=n_classes)
            )
    return labels


def check_callable(f, name):
    """Raise ``TypeError`` unless ``f`` can be called."""
    if not callable(f):
        raise TypeError(tr("{name} must be a function such as mlcore.relu_prime, got {type}").format(
            name=name, type=type(f).__name__))


def check_positive_int(k, name, minimum=1):
    """Return ``k`` as an int, raising unless it is an integer >= ``minimum``."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(tr("{name} must be an integer, got {value} of type {type}").format(
            name=name, value=repr(k), type=type(k).__name__))
    if k < minimum:
        raise ValueError(tr("{name} must be at least {minimum}, got {value}").format(name=name, minimum=minimum, value=k))
    return int(k)


def check_scalar(x, name, minimum=None, maximum=None, strict_min=False, strict_max=False):
    """Return ``x`` as a Python float, raising unless it is a finite real number in range.

    Returning a Python float (not a NumPy float64) keeps float32 arrays float32 when they are
    multiplied by it.
    """
    if isinstance(x, np.ndarray):
        if x.size != 1:
            raise TypeError(tr("{name} must be a single number, got an array of shape {shape}").format(name=name, shape=x.shape))
        x = x.reshape(()).item()
    if type(x) is not float and (isinstance(x, bool) or not isinstance(x, numbers.Real)):
        raise TypeError(tr("{name} must be a number, got {value} of type {type}").format(
            name=name, value=repr(x), type=type(x).__name__))
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(tr("{name} must be a finite number, got {value}").format(name=name, value=v))
    if minimum is not None and (v < minimum or (strict_min and v == minimum)):
        op = ">" if strict_min else ">="
        raise ValueError(tr("{name} must be {op} {limit}, got {value}").format(name=name, op=op, limit=minimum, value=v))
    if maximum is not None and (v > maximum or (strict_max and v == maximum)):
        op = "<" if strict_max else "<="
        raise ValueError(tr("{name} must be {op} {limit}, got {value}").format(name=name, op=op, limit=maximum, value=v))
    return v


def check_rng(rng, name="rng"):
    """Raise ``TypeError`` unless ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            tr("{name} must be a numpy.random.Generator, e.g. np.random.default_rng(0), got {type}").format(
                name=name, type=type(rng).__name__)
        )
    return rng
