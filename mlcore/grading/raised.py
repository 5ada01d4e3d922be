"""Read what went wrong inside the learner's code: the line that raised, what the exception means, and
which floating-point event (division by zero, invalid operation, overflow) produced a NaN or an inf.

Only data is read: the exception's traceback (or, when the exception came from a sandboxed child process,
its ``learner_frames`` attribute: a list of ``(lineno, source_line)``) and the warnings the check recorded
while the learner's function ran. The learner's function object itself is never inspected.
"""

import linecache
import os
import re
import sysconfig

import numpy as np

import mlcore
from mlcore.i18n import N_, tr

# Code that is not the learner's: the course package, NumPy and Python's own libraries.
_NOT_LEARNER = tuple(
    os.path.realpath(path) + os.sep
    for path in (
        os.path.dirname(mlcore.__file__),
        os.path.dirname(np.__file__),
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    )
)


def _is_learner_file(filename):
    if filename.startswith("<frozen") or filename.startswith("<__array_function__"):
        return False
    return not os.path.realpath(filename).startswith(_NOT_LEARNER)


def learner_line(error):
    """``(lineno, source)`` of the last line of the learner's own code that ``error`` passed through.

    In a notebook the line number counts within the cell. None when no frame is the learner's.
    """
    frames = getattr(error, "learner_frames", None)
    if frames:
        lineno, source = frames[-1]
        return int(lineno), str(source).strip()
    found = None
    tb = getattr(error, "__traceback__", None)
    while tb is not None:
        code = tb.tb_frame.f_code
        if _is_learner_file(code.co_filename):
            found = (tb.tb_lineno, linecache.getline(code.co_filename, tb.tb_lineno).strip())
        tb = tb.tb_next
    return found


def where(error):
    """' at line 4 (`return a @ b`)', or '' when the line is unknown."""
    found = learner_line(error)
    if found is None:
        return ""
    lineno, source = found
    if source:
        return tr(" at line {lineno} (`{source}`)").format(lineno=lineno, source=source)
    return tr(" at line {lineno}").format(lineno=lineno)


# What common exceptions mean, as (exception type names, pattern in the message, advice). First match wins.
_ADVICE = (
    (("ValueError",), r"truth value of an array",
     N_("`if`, `and`, `or`, `not` or Python's max/min ask one yes/no question of a whole array. Work "
     "elementwise instead: np.where(z > 0, a, b), np.maximum(z, 0), or the comparison (z > 0) itself.")),
    (("TypeError",), r"only (length-1|size-1|0-dimensional|integer scalar) arrays",
     N_("A function from Python's math module (math.exp, math.log...) or float() received an array: use "
     "NumPy's np.exp, np.log..., which work on every entry.")),
    (("ValueError",), r"matmul|not aligned|core dimension",
     N_("A matrix product A @ B needs A's number of columns to equal B's number of rows: write down the shape "
     "of each factor and check which one needs a .T.")),
    (("ValueError",), r"could not be broadcast",
     N_("An elementwise operation on two arrays whose shapes do not fit: print the shapes (a transposed array, "
     "a sum without keepdims=True, or a sum over the wrong axis).")),
    (("IndexError",), r"out of bounds for axis",
     N_("An index past the end of an axis: a size meant for one axis used for another (N rows where K columns "
     "are meant), or a loop that runs one step too far.")),
    (("TypeError",), r"len\(\) of unsized object",
     N_("len() of a single number (a 0-d array): use z.size or z.shape, and loop over every entry with "
     "np.ndindex(z.shape), or better, work on the whole array at once.")),
    (("IndexError",), r"too many indices",
     N_("More indices than the array has axes: e.g. y[:, 0] or y[i, j] on a 1-D array.")),
    (("IndexError",), r"tuple index out of range",
     N_("A shape entry that does not exist: x.shape[1] of a 1-D array? Use x.size or x.shape[0].")),
    (("IndexError",), r"arrays used as indices must be of integer",
     N_("An index array of floats: labels used as indices must be integers (y.astype(int)).")),
    (("ValueError", "AxisError", "numpy.exceptions.AxisError"), r"axis \d+ is out of bounds",
     N_("An axis the array does not have: a 1-D array has only axis 0.")),
    (("ValueError",), r"cannot reshape",
     N_("A reshape to a size that does not hold the same number of entries: check the sizes you pass.")),
    (("ValueError",), r"not enough values to unpack|too many values to unpack",
     N_("Unpacking a shape (N, D = x.shape) or a pair into the wrong number of names: a 1-D array's shape has "
     "one entry.")),
    (("ValueError",), r"setting an array element with a sequence|inhomogeneous",
     N_("An array built from pieces of different lengths.")),
    (("TypeError",), r"unsupported operand type|can't multiply sequence|can only concatenate list",
     N_("Arithmetic on a Python list: + concatenates lists and * repeats them. Use NumPy arrays (np.asarray).")),
    (("AttributeError",), r"'list' object has no attribute",
     N_("A Python list where a NumPy array is meant: convert it with np.asarray, or keep arrays throughout.")),
    (("TypeError",), r"positional argument|unexpected keyword argument",
     N_("The function's parameters differ from the contract: keep the exact signature of the exercise.")),
    (("NameError",), r"",
     N_("A name your function uses is not defined: a typo, or a variable that exists only in another cell "
     "(the function must compute everything from its own arguments).")),
    (("UnboundLocalError",), r"",
     N_("A variable used before it is assigned: on some path through the function it is never set.")),
    (("ZeroDivisionError",), r"",
     N_("A division by zero with Python numbers: a denominator is 0 on this input (e.g. N - 1 with N = 1).")),
    (("RecursionError",), r"",
     N_("The function calls itself: did you name a helper like the graded function, or call it inside?")),
)


def advice(error):
    """What the exception ``error`` usually means, in words; '' when it is not a common one."""
    name, text = type(error).__name__, str(error)
    for names, pattern, words in _ADVICE:
        if name in names and re.search(pattern, text):
            return tr(words)
    return ""


# ----------------------------------------------------------------------------- floating-point events

_EVENT = re.compile(r"(divide by zero|overflow|invalid value) encountered in (?:scalar )?(\w+)")
_DIVISIONS = {"divide", "true_divide", "floor_divide", "reciprocal", "remainder", "mod"}
_LOGS = {"log", "log2", "log10", "log1p"}


def events(warnings):
    """The floating-point events in recorded warning messages, as ``[(event, operation), ...]``."""
    found = []
    for message in warnings:
        match = _EVENT.search(message)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def cause(warnings):
    """``(key, words)`` for the first cause of a non-finite result among the recorded events, or None.

    An overflow is named first (a later log(0) or 0/0 often follows from it), then a division by zero; an
    invalid operation (inf - inf, 0/0, 0 * inf) usually follows from one of them, so it is named only when
    nothing else happened.
    """
    found = events(warnings)
    for event, op in found:
        if event == "overflow":
            source = tr("np.exp of a large number (e^x passes float64's largest value, about 1.8e308, for x > 709.8)") \
                if op in ("exp", "exp2", "expm1", "cosh", "sinh") else tr("a result too large for float64 in {op}").format(op=op)
            return "overflow", tr("an overflow: {source}. Rewrite the formula so that no intermediate value explodes.").format(
                source=source)
    for event, op in found:
        if event == "divide by zero" and op in _LOGS:
            return "log_of_zero", (
                tr("np.{op} received 0 (log 0 = -inf): a probability that is exactly 0 (or exactly 1, inside "
                   "log(1 - p)) reached the logarithm: clip it first, e.g. np.clip(p, 1e-12, 1 - 1e-12); or a sum "
                   "of exponentials underflowed to 0 (np.exp(-1000) is 0): subtract each row's maximum first.").format(op=op)
            )
        if event == "divide by zero":
            return "divide_by_zero", (
                tr("a division by zero (NumPy reported 'divide by zero encountered in {op}'): a denominator is 0 "
                   "on this input, e.g. N - 1 with N = 1, a difference of equal values, or a product with p(1 - p) "
                   "at p = 0 or 1.").format(op=op)
            )
    for event, op in found:
        if event == "invalid value":
            what = {
                "subtract": "inf - inf",
                "add": "inf + (-inf)",
                "multiply": "0 * inf",
                "divide": "0/0 or inf/inf",
                "true_divide": "0/0 or inf/inf",
                "sqrt": tr("the square root of a negative number"),
                "log": tr("the log of a negative number"),
                "power": tr("a negative number to a fractional power"),
            }.get(op) or tr("an invalid operation in {op}").format(op=op)
            return "nan", tr("an invalid operation, {what}, which gives NaN.").format(what=what)
    return None


def priority(warnings):
    """How telling a run's events are: 3 an overflow, 2 a division by zero, 1 an invalid operation, 0 none."""
    found = {event for event, _ in events(warnings)}
    return 3 if "overflow" in found else 2 if "divide by zero" in found else 1 if found else 0
