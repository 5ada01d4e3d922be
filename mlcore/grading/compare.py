"""Turn returned values into arrays and compare them with the expected ones.

Every comparison is relative to the scale of the expected value: an entry passes when
``|got - expected| <= rtol * max(|expected|)`` (the largest magnitude of that case's expected value),
which is loose enough for float32 arithmetic and tight enough to catch every wrong formula. Where
the expected value comes from a cancellation (a sum of terms of both signs), rounding the inputs to
float32 alone can move it by more; the grader then passes a per-entry ``slack``: how far such a
rounding moves the reference, times a safety factor.
"""

import numbers

import numpy as np

TINY_SCALE = 1e-8  # below this, an expected value counts as zero when scaling the tolerance


def is_real_scalar(value):
    """True for a real number: Python or NumPy int/float/bool, or a 0-d numeric array."""
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "biuf"
    return isinstance(value, (numbers.Real, np.bool_)) and not isinstance(value, np.ndarray)


def as_numbers(value):
    """``value`` as a float64 array, or None when it is not real numbers (None, str, complex...)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    if is_real_scalar(value):
        return np.asarray(value, dtype=np.float64)
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and other objects NumPy cannot turn into an array
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array.astype(np.float64)


def leaves(value, parts=()):
    """The numbers inside a (possibly nested) returned value, as ``[(label, path), ...]``.

    Tuples and lists are containers; anything else is a leaf. Top-level labels come from
    ``parts`` when given (``("dw", "db")``), else ``[0]``, ``[1]``, ...; a single value is labelled
    ``"result"``.
    """
    if not isinstance(value, (tuple, list)):
        return [("result", ())]
    found = []
    for i, item in enumerate(value):
        label = parts[i] if i < len(parts) else f"[{i}]"
        for sub_label, sub_path in leaves(item):
            suffix = "" if sub_label == "result" else sub_label
            found.append((label + suffix, (i,) + sub_path))
    return found


def pick(value, path):
    """Follow ``path`` into a returned value; None when the structure does not allow it."""
    for i in path:
        if not isinstance(value, (tuple, list)) or i >= len(value):
            return None
        value = value[i]
    return value


def tolerance(expected, rtol):
    """The allowed absolute error for an expected array."""
    finite = np.abs(expected[np.isfinite(expected)])
    scale = finite.max() if finite.size else 0.0
    return rtol * max(scale, TINY_SCALE)


def entry_errors(got, expected):
    """Absolute error per entry; 0 where both agree exactly (same inf, both NaN)."""
    with np.errstate(all="ignore"):
        error = np.abs(got - expected)
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    return np.where(same, 0.0, np.where(np.isnan(error), np.inf, error))


def close(got, expected, rtol, slack=None):
    """True when ``got`` (any value) has ``expected``'s shape and agrees within the tolerance.

    A scalar ``expected`` (0-d) accepts any real scalar and nothing else. ``slack`` (optional,
    ``expected``'s shape) raises the allowed error of single entries.
    """
    if expected.ndim == 0 and not is_real_scalar(got):
        return False
    array = as_numbers(got)
    if array is None or array.shape != expected.shape:
        return False
    allowed = tolerance(expected, rtol)
    if slack is not None:
        allowed = np.maximum(allowed, slack)
    return bool((entry_errors(array, expected) <= allowed).all())


def same_structure_close(got, want, rtol):
    """Compare a whole (possibly nested) returned value with ``want``, leaf by leaf."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return False
        return all(same_structure_close(g, w, rtol) for g, w in zip(got, want))
    want_array = as_numbers(want)
    return want_array is not None and close(got, want_array, rtol)


def worst_entry(got, expected):
    """``(index, expected, got, relative error)`` of the entry that is furthest off."""
    errors = entry_errors(got, expected)
    flat = int(np.argmax(errors))
    index = np.unravel_index(flat, expected.shape) if expected.ndim else ()
    scale = tolerance(expected, 1.0)
    return tuple(int(i) for i in index), float(expected[index]), float(got[index]), float(errors[index] / scale)
