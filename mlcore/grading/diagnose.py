"""Explain why a learner's function failed, from what it returned on every case.

:func:`diagnose` tries explanations from the most specific to the least and returns the first that
fits (for a function returning several values, one per wrong value). Each explanation has a stable
key, shown as ``[mistake: key]``:

========================  ================================================================
key                       meaning
========================  ================================================================
``reference``             the learner's function called mlcore's reference it should replace
``not_implemented``       still ``raise NotImplementedError()``
spec keys                 an exercise-specific :class:`~mlcore.grading.exercise.Mistake`
``shape_dependent``       an exception on some sizes only: which sizes the code confuses ("runs only when N == K")
``exception``             any other exception (its type, message, the learner's line and what it usually means)
``divide_by_zero``        an exception or a NaN/inf from dividing by zero (also ``log_of_zero``)
``no_return``             returned None (a forgotten ``return``); ``missing_value``: one returned value is None
``type``                  not numbers, or not the expected tuple of values
``not_array``             a list, tuple or other non-array where the contract returns a NumPy array
``order``                 the right values returned in the wrong order, e.g. (db, dw)
``in_place``              an input array was changed
``transpose``             the transpose of the expected value
``not_scalar``            an array where a single number is expected
``shape``                 the wrong shape, including broadcasting that built an (N, N) table
``nan`` / ``overflow``    NaN / inf where the expected value is finite; the cause is read from the recorded
                          floating-point event (``log_of_zero`` and ``divide_by_zero`` too)
list keys                 a list-valued result judged as a whole: ``missing_entry``, ``extra_entry``,
                          ``list_length``, ``list_reversed``, ``list_order``, ``repeated_entry``, ``step_factor``
``ignores_input``         the value does not change with an input that changes the right one
near-miss keys            the right formula on transformed inputs or a simple function of its value
                          (:func:`mlcore.grading.probes.near_miss`): ``scaled_input``, ``swapped_inputs``,
                          ``labels_flipped``, ``applied_twice``, ``dampened``, ``variance``, ...
property keys             a property of every right value broken: ``rows_not_normalised``, ``negative``,
                          ``out_of_range``, ``not_zero_at_target``, ``not_shift_invariant``, ...
``sign``                  the negative of the expected value (possibly also scaled)
``factor``                the expected value times a constant, named from the case's sizes
``warning``               a warning, for exercises where warnings are the graded mistake
``mismatch``              none of the above: the worst entry is shown
========================  ================================================================
"""

import copy
import itertools
import re
from dataclasses import dataclass

import numpy as np

from mlcore._guard import ReferenceBlocked
from mlcore.grading import probes, raised
from mlcore.i18n import tr
from mlcore.grading.compare import (
    as_numbers,
    close,
    is_real_scalar,
    leaves,
    pick,
    same_structure_close,
    worst_entry,
)

FACTOR_RTOL = 1e-4  # how closely a measured factor must equal a named one (float32 safe)
CONSTANTS = {"2": 2.0, "1/2": 0.5, "4": 4.0, "1/4": 0.25}


@dataclass(eq=False)
class Run:
    """One case of a check: its inputs and what the reference and the learner's function did."""

    case: dict  # the grader's own copy of the inputs, in the function's argument order
    expected: object  # the reference's return value
    got: object = None
    error: Exception | None = None
    modified: tuple = ()  # names of the inputs the learner's function changed
    warnings: tuple = ()  # messages of the warnings it emitted
    slack: dict | None = None  # leaf path -> per-entry extra tolerance (see mlcore.grading.compare)


@dataclass(frozen=True)
class Diagnosis:
    """Why a function failed: a stable key, words for the learner, and the case it is about."""

    key: str
    text: str
    run: Run | None = None


# ----------------------------------------------------------------------------- describing things


def describe(value):
    """Name a value's kind for a message: 'an array of shape (3,)', 'a float', 'a tuple of 2 values'."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        kind = "" if value.dtype.kind in "biuf" else tr(" of dtype {dtype}").format(dtype=value.dtype)
        if value.ndim:
            return tr("an array of shape {shape}{kind}").format(shape=value.shape, kind=kind)
        return tr("a 0-d array{kind}").format(kind=kind)
    if isinstance(value, (tuple, list)):
        return tr("a {type} of {n} values").format(type=type(value).__name__, n=len(value))
    if is_real_scalar(value):
        return tr("a single number")
    return tr("a {type}").format(type=type(value).__name__)


def describe_case(case):
    """The inputs of a case in a few words: 'y (7, 3), y_hat (7, 3)' or 'X (5, 2), ..., b = 0.31'."""
    words = []
    for name, value in case.items():
        if isinstance(value, np.ndarray):
            words.append(f"{name} {value.shape}")
        elif is_real_scalar(value):
            words.append(f"{name} = {float(value):.3g}")
        elif isinstance(value, (tuple, list)):
            words.append(tr("{name} ({type} of {n})").format(name=name, type=type(value).__name__, n=len(value)))
        else:
            words.append(f"{name} ({getattr(value, '__name__', type(value).__name__)})")
    return ", ".join(words)


def _sizes_text(sizes):
    return ", ".join(f"{name} = {value:g}" for name, value in sizes.items())


# ----------------------------------------------------------------------------- exercise-specific


def _expected_leaf_path(exercise, run, label):
    for leaf_label, path in leaves(run.expected, exercise.parts):
        if leaf_label == label:
            return path
    return None


def _mistake_matches(exercise, mistake, runs):
    """True when the learner's function behaves exactly like ``mistake`` on every case.

    Where the learner's function raised, the mistake must raise too; at least one case must
    return a value that matches.
    """
    matched = 0
    for run in runs:
        try:
            want = mistake.wrong(**copy.deepcopy(run.case))  # the grader's copy stays as it was
        except Exception:
            want = _RAISED
        if run.error is not None or want is _RAISED:
            if run.error is None or want is not _RAISED:
                return False
            continue
        got = run.got
        if mistake.part is not None:
            path = _expected_leaf_path(exercise, run, mistake.part)
            got = pick(run.got, path) if path is not None else _RAISED
        if not same_structure_close(got, want, exercise.rtol):
            return False
        matched += 1
    return matched > 0


_RAISED = object()


def _spec_mistake(exercise, runs, part=None, any_part=False):
    for mistake in exercise.mistakes:
        if (any_part or mistake.part == part) and _mistake_matches(exercise, mistake, runs):
            shown = next((run for run in runs if _fails(exercise, run)), None)
            if shown is None:
                continue  # the mistake coincides with the right answer on every case: nothing to explain
            prefix = f"{mistake.part}: " if mistake.part else ""
            return Diagnosis(mistake.key, prefix + tr(mistake.message), shown)
    return None


def _fails(exercise, run):
    return (
        run.error is not None
        or not same_structure_close(run.got, run.expected, exercise.rtol)
        or _first_non_array(run.expected, run.got) is not None
    )


def fails(exercise, run):
    """Whether the learner's function got this case wrong (raised, wrong value, or not an array)."""
    return _fails(exercise, run)


def _first_non_array(expected, got, path=()):
    """Path of the first place where the reference returns an array (of 1 or more axes) and ``got`` does not."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return None
        for i, (e, g) in enumerate(zip(expected, got)):
            found = _first_non_array(e, g, path + (i,))
            if found is not None:
                return found
        return None
    if isinstance(expected, np.ndarray) and expected.ndim > 0 and not isinstance(got, np.ndarray):
        return path
    return None


def _degenerate(exercise, run):
    """True when some size of the case is 1: such cases are shown last, they reveal the least."""
    return any(value == 1 for value in exercise.sizes(**run.case).values())


# ----------------------------------------------------------------------------- the whole call


def _cause_chain(error):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _raised(exercise, runs, lab=None):
    failed = [run for run in runs if run.error is not None]
    if not failed:
        return None
    name = exercise.name
    for run in failed:
        blocked = [e for e in _cause_chain(run.error) if isinstance(e, ReferenceBlocked)]
        if blocked:
            return Diagnosis(
                "reference",
                tr("{name} called mlcore's reference instead of computing the result itself: "
                   "{blocked} Write the formula with NumPy operations.").format(name=name, blocked=blocked[0]),
                run,
            )
    for run in failed:
        if isinstance(run.error, NotImplementedError):
            return Diagnosis(
                "not_implemented",
                tr("{name} still raises NotImplementedError: replace `raise NotImplementedError()` "
                   "in the answer cell with your implementation, run that cell, then this one.").format(name=name),
                run,
            )
    found = _spec_mistake(exercise, runs, any_part=True)
    if found:
        return found
    run = max(failed, key=lambda r: not _degenerate(exercise, r))
    error = run.error
    said = tr("{name} raised {error_type}{where}: {error}.").format(
        name=name, error_type=type(error).__name__, where=raised.where(error), error=error)
    said += _shapes_in_sizes(str(error), exercise.sizes(**run.case))
    meaning = raised.advice(error)
    if isinstance(error, ZeroDivisionError):
        return Diagnosis("divide_by_zero", f"{said} {meaning}", run)
    dependence = _unless_it_breaks(probes.shape_dependence, exercise, runs, lab, _fails) if lab is not None else None
    if dependence is not None:
        condition, involved = dependence
        meanings = exercise.size_meanings
        known = tr("; ").join(tr("{size} is {meaning}").format(size=s, meaning=tr(meanings[s]))
                              for s in involved if s in meanings)
        confusion = (
            tr(": a size of one axis is used where the other belongs (an array built with {a} where "
               "{b} belongs, or the other way round; or W where W.T belongs)").format(a=involved[0], b=involved[1])
            if len(involved) == 2
            else ""
        )
        return Diagnosis(
            "shape_dependent",
            tr("{said} It {condition}").format(said=said, condition=probes.condition_text(condition))
            + (tr(" ({known})").format(known=known) if known else "")
            + (tr(" (a single number, not an array)") if condition.endswith(".ndim == 0") else "")
            + (tr(" and raises otherwise") if condition.startswith("works") else "")
            + confusion + tr(".")
            + (f" {meaning}" if meaning else ""),
            run,
        )
    advice = meaning or tr("Print the shapes of the arrays inside your function to find what does not fit.")
    return Diagnosis("exception", f"{said} {advice}", run)


def _shapes_in_sizes(text, sizes):
    """' Here (6, 2) is (N, K) and (6, 6) is (N, N).' for the shapes (or the sizes of a matrix product) an
    exception message quotes, when every number in them is exactly one named size of the case."""
    by_value = {}
    for name, value in sizes.items():
        by_value.setdefault(int(value), []).append(name)

    def named(n):
        names = by_value.get(int(n), ())
        return names[0] if len(names) == 1 else None

    read = []
    for shape in dict.fromkeys(re.findall(r"\((\d+(?:,\s*\d+)*),?\)", text)):
        numbers = [n for n in re.split(r",\s*", shape) if n]
        if not all(named(n) for n in numbers):
            return ""
        comma = "," if len(numbers) == 1 else ""
        read.append(tr("{shape} is {names}").format(
            shape=f"({shape}{comma})", names=f"({', '.join(named(n) for n in numbers)}{comma})"))
    for a, b in re.findall(r"size (\d+) is different from (\d+)", text):
        if not (named(a) and named(b)):
            return ""
        read.append(tr("{a} is {name_a} and {b} is {name_b}").format(a=a, name_a=named(a), b=b, name_b=named(b)))
    return tr(" Here {what}.").format(what=tr(" and ").join(read)) if read else ""


def _returned_none(exercise, runs):
    for run in runs:
        if run.got is None:
            return Diagnosis(
                "no_return",
                tr("{name} returned None: did you forget the `return` statement?").format(name=exercise.name),
                run,
            )
    return None


def _structure(exercise, runs):
    for run in runs:
        expected, got = run.expected, run.got
        if isinstance(expected, (tuple, list)):
            if not isinstance(got, (tuple, list)) or len(got) != len(expected):
                names = ", ".join(exercise.parts) if exercise.parts else tr("{n} values").format(n=len(expected))
                return Diagnosis(
                    "type",
                    tr("{name} should return {n} values ({names}) but returned {got}.").format(
                        name=exercise.name, n=len(expected), names=names, got=describe(got)),
                    run,
                )
        elif isinstance(got, tuple):
            return Diagnosis(
                "type",
                tr("{name} should return one value, {expected}, "
                   "but returned {got}: is there a stray comma after the return value?").format(
                    name=exercise.name, expected=describe(expected), got=describe(got)),
                run,
            )
    return None


def _order(exercise, runs):
    """The right values in another order: ``return db, dw`` for ``(dw, db)``."""
    expected = runs[0].expected
    if not isinstance(expected, (tuple, list)) or not 2 <= len(expected) <= 3:
        return None  # longer results are lists of like values, where "order" is not a slip
    if not any(_fails(exercise, run) for run in runs):
        return None
    n = len(expected)
    for order in itertools.permutations(range(n)):
        if order == tuple(range(n)):
            continue
        if all(
            same_structure_close([run.got[i] for i in order], list(run.expected), exercise.rtol)
            for run in runs
        ):
            names = exercise.parts or tuple(tr("value {i}").format(i=i + 1) for i in range(n))
            swapped = ", ".join(names[i] for i in order)
            return Diagnosis(
                "order",
                tr("{name} returns the right values in the wrong order: ({swapped}) "
                   "instead of ({names}).").format(name=exercise.name, swapped=swapped, names=", ".join(names)),
                runs[0],
            )
    return None


def _in_place(exercise, runs):
    for run in runs:
        if run.modified:
            names = tr(" and ").join(run.modified)
            return Diagnosis(
                "in_place",
                tr("{name} changed its input {names} in place (for example with `-=`, `*=` or "
                   "an assignment into a slice). Functions must leave their inputs as they were: ").format(
                    name=exercise.name, names=names)
                + _new_instead(run.modified[0], run.case.get(run.modified[0])),
                run,
            )
    return None


def _new_instead(name, value):
    """How to compute without changing the input ``name``, in its own terms (an array or a list of them)."""
    if isinstance(value, (list, tuple)):
        return tr("build new arrays instead: `[p - step for p in {name}]` makes new ones, while `p -= step` in "
                  "a loop over `{name}` changes the caller's.").format(name=name)
    return tr("compute into a new array instead: `out = {name} * 2` makes a new one, while `{name} *= 2` "
              "changes the caller's.").format(name=name)


def _whole_output_mistake(exercise, runs):
    return _spec_mistake(exercise, runs, part=None)


def _warned(exercise, runs):
    if not exercise.no_warnings:
        return None
    for run in runs:
        if run.warnings:
            advice = tr(exercise.no_warnings) if isinstance(exercise.no_warnings, str) else (
                tr("Use a numerically stable form that stays finite without warnings for every input.")
            )
            text = tr("{name} emitted a warning: {warning}. {advice}").format(
                name=exercise.name, warning=run.warnings[0], advice=advice)
            return Diagnosis("warning", text, run)
    return None


# ----------------------------------------------------------------------------- one returned value


@dataclass
class _Part:
    """One returned value (a leaf) across all runs."""

    exercise: object
    runs: list
    label: str
    path: tuple
    lab: object = None  # a probes.Lab: the reference and the learner's function on new cases

    def value(self, result):
        """This part of any returned value (the reference's or the learner's, on any case), as numbers."""
        return as_numbers(pick(result, self.path))

    def got(self, run):
        return pick(run.got, self.path)

    def expected(self, run):
        return as_numbers(pick(run.expected, self.path))

    def slack(self, run):
        return run.slack.get(self.path) if run.slack else None

    def passes(self, run):
        got = self.got(run)
        raw = pick(run.expected, self.path)
        if isinstance(raw, np.ndarray) and raw.ndim > 0 and not isinstance(got, np.ndarray):
            return False  # a list of the right numbers is still not the array the contract returns
        return close(got, self.expected(run), self.exercise.rtol, self.slack(run))

    def failing(self):
        return [run for run in self.runs if not self.passes(run)]

    def named(self):
        return self.exercise.name if self.label == "result" else self.label


def _part_mistake(part):
    return _spec_mistake(part.exercise, part.runs, part=part.label) if part.label != "result" else None


def _part_type(part):
    for run in part.runs:
        got = part.got(run)
        if got is None:
            return Diagnosis("missing_value", tr("{name} is None: did you forget to compute it?").format(name=part.named()),
                             run)
        if as_numbers(got) is None:
            return Diagnosis(
                "type",
                tr("{name} is {got}, not real numbers: expected {expected}.").format(
                    name=part.named(), got=describe(got), expected=_expected_kind(part.expected(run))),
                run,
            )
    return None


def _not_array(part):
    """A list (of rows), tuple or other container where the contract returns a NumPy array."""
    for run in part.runs:
        raw, got = pick(run.expected, part.path), part.got(run)
        if isinstance(raw, np.ndarray) and raw.ndim > 0 and not isinstance(got, np.ndarray) and not is_real_scalar(got):
            what = describe(got)
            if isinstance(got, list) and got and isinstance(got[0], (list, tuple, np.ndarray)):
                what = tr("a Python list of {n} rows").format(n=len(got))
            elif isinstance(got, list):
                what = tr("a Python list of {n} numbers").format(n=len(got))
            return Diagnosis(
                "not_array",
                tr("{name} is {what}, not a NumPy array of shape {shape}: arithmetic on lists does "
                   "something else (+ joins them, * repeats them), so code that uses it later breaks far from the "
                   "cause. Compute it with NumPy operations on arrays, or convert once: np.array(...).").format(
                    name=part.named(), what=what, shape=raw.shape),
                run,
            )
    return None


def _expected_kind(expected):
    if expected.ndim == 0:
        return tr("a single number (a float)")
    return tr("an array of shape {shape}{kind}").format(shape=expected.shape, kind="")


def _transposed(part):
    seen = False
    for run in part.runs:
        got, expected = as_numbers(part.got(run)), part.expected(run)
        if part.passes(run):
            continue
        if expected.ndim != 2 or not close(got, expected.T, part.exercise.rtol):
            return None
        seen = True
    if not seen:
        return None
    return Diagnosis(
        "transpose",
        tr("{name} is the transpose of the expected value: somewhere you used a matrix "
           "where its transpose belongs (A instead of A.T, or the factors of a product swapped). "
           "Rows are samples: write down the shape of every factor.").format(name=part.named()),
        part.failing()[0],
    )


def _not_scalar(part):
    for run in part.runs:
        expected, got = part.expected(run), as_numbers(part.got(run))
        if expected.ndim == 0 and got.ndim > 0:
            if got.size == 1 and abs(float(got.ravel()[0]) - float(expected)) <= part.exercise.rtol * max(
                abs(float(expected)), 1e-8
            ):
                advice = tr("the value is right, return it as a number, e.g. `float(total)` or `total.item()`.")
            else:
                advice = tr("did you forget to sum or average over an axis?")
            return Diagnosis(
                "not_scalar",
                tr("{name} should be a single number (a float) but is an array of shape {shape}: {advice}").format(
                    name=part.named(), shape=got.shape, advice=advice),
                run,
            )
    return None


def _shape(part):
    for run in part.runs:
        expected, got = part.expected(run), as_numbers(part.got(run))
        if got.shape == expected.shape:
            continue
        text = tr("{name} has shape {got} but should have shape {expected}").format(
            name=part.named(), got=got.shape, expected=expected.shape)
        if got.ndim == 0:
            text += tr(": you returned a single number; did you sum or average over everything?")
        elif got.size == expected.size:
            same = close(got.reshape(expected.shape), expected, part.exercise.rtol)
            text += (
                tr(". The values are right, only the shape is not")
                if same
                else tr(". Even reshaped, the values do not match")
            ) + tr(": look for a reshape, `keepdims=True` or a column vector (N, 1) where a flat (N,) belongs.")
        elif got.size > expected.size and got.ndim > expected.ndim:
            text += tr(
                ": broadcasting probably combined a column (N, 1) with a flat (N,) array into a "
                "table of every pair. Check the shapes of the arrays you subtract or multiply."
            )
        else:
            text += tr(": check which axis you sum or average over, and the orientation of your products.")
        return Diagnosis("shape", text, run)
    return None


def _non_finite(part):
    bad_runs = []
    for run in part.runs:
        got, expected = as_numbers(part.got(run)), part.expected(run)
        if (~np.isfinite(got) & np.isfinite(expected)).any():
            bad_runs.append(run)
    if not bad_runs:
        return None
    # Prefer a case whose warnings say what happened; among those, a case without a size of 1.
    run = max(bad_runs, key=lambda r: (raised.priority(r.warnings), not _degenerate(part.exercise, r)))
    got, expected = as_numbers(part.got(run)), part.expected(run)
    where = ~np.isfinite(got) & np.isfinite(expected)
    index = tuple(int(i) for i in np.argwhere(where)[0])
    value = got[index]
    shown = "NaN" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    at = tr(" at index {index}").format(index=index) if index else ""
    head = tr("{name} is {shown}{at} where the expected value is {expected:.6g}").format(
        name=part.named(), shown=shown, at=at, expected=float(expected[index]))
    cause = raised.cause(run.warnings)
    only_at_one = _only_where_a_size_is_one(part.exercise, part.runs, bad_runs)
    if cause is not None:
        key, words = cause
        if only_at_one and key == "divide_by_zero":
            # the sizes below say which denominator (the translation keeps this piece of the sentence)
            words = words.split(tr(": a denominator"))[0] + tr(".")
        return Diagnosis(key, tr("{head}: {words}").format(head=head, words=words) + only_at_one, run)
    key = "nan" if np.isnan(value) else "overflow"
    what = tr("0/0, inf - inf or 0 * inf") if key == "nan" else tr("a division by a tiny number or an overflow")
    text = tr("{head}: look for the operation that leaves the finite range ({what}).").format(head=head, what=what)
    return Diagnosis(key, text + only_at_one, run)


def _only_where_a_size_is_one(exercise, runs, bad_runs):
    """' It happens only where N = 1 ...' when exactly the cases with some size 1 go non-finite."""
    sizes = [exercise.sizes(**run.case) for run in runs]
    bad = {id(run) for run in bad_runs}
    for name in sizes[0] if sizes else ():
        ones = {id(run) for run, z in zip(runs, sizes) if z.get(name) == 1}
        if ones and ones == bad:
            return (
                tr(" It happens only in the cases where {name} = 1: a denominator such as {name} - 1 is 0 there "
                   "(the mean over {name} divides by {name}, not {name} - 1).").format(name=name)
            )
    return ""


# ----------------------------------------------------------------------------- sign and factors


def factor_candidates(sizes):
    """Named factors for one case, simplest first: ``[(expression, value), ...]``.

    Constants 2, 1/2, 4, 1/4; for each size s: s, 1/s, s/2, 2/s, 2*s, 1/(2*s), s/(s-1); for each pair
    of sizes s, t: s*t, s/t, t/s.
    """
    found = list(CONSTANTS.items())
    for s, v in sizes.items():
        found += [(s, v), (f"1/{s}", 1 / v), (f"{s}/2", v / 2), (f"2/{s}", 2 / v)]
        found += [(f"2*{s}", 2 * v), (f"1/(2*{s})", 1 / (2 * v))]
        # a mean taken over s - 1 (the sample variance's correction) instead of s
        found += [(f"{s}/({s}-1)", v / (v - 1) if v > 1 else np.inf)]
    for (s, v), (t, w) in itertools.combinations(sizes.items(), 2):
        found += [(f"{s}*{t}", v * w), (f"{s}/{t}", v / w), (f"{t}/{s}", w / v)]
    return found


def _factor(got, expected):
    """c with got = c * expected (None when expected is zero), or False when not proportional."""
    denominator = float(np.sum(expected * expected))
    if denominator == 0.0:
        return None if not np.any(got) else False
    c = float(np.sum(got * expected)) / denominator
    return c if close(got, c * expected, 1e-4) else False


def _factor_hint(part, expression):
    hints = part.exercise.factor_hints
    if expression in hints:
        return tr(hints[expression])
    meanings = part.exercise.size_meanings
    if expression in meanings:
        return tr("did you forget to divide by {size} ({meaning})?").format(
            size=expression, meaning=tr(meanings[expression]))
    if expression.endswith("-1)"):
        size = expression.split("/")[0]
        return tr("did you divide by {size} - 1 instead of by {size}? The mean divides by the number of terms.").format(
            size=size)
    if expression.startswith("1/") and expression[2:] in meanings:
        return tr("did you divide by {size} ({meaning}) where you should not?").format(
            size=expression[2:], meaning=tr(meanings[expression[2:]]))
    return tr("look for a missing or extra factor {expression}.").format(expression=expression)


def _scaled(part):
    factors, sizes, runs = [], [], []
    for run in part.runs:
        c = _factor(as_numbers(part.got(run)), part.expected(run))
        if c is False:
            return None
        if c is not None:
            factors.append(c)
            sizes.append(part.exercise.sizes(**run.case))
            runs.append(run)
    if not factors or not (all(c < 0 for c in factors) or all(c > 0 for c in factors)):
        return None
    magnitudes = [abs(c) for c in factors]
    exercise = part.exercise
    shown = max(
        range(len(factors)),
        key=lambda k: (not _degenerate(exercise, runs[k]), abs(np.log(magnitudes[k]))),
    )
    if all(_same(c, 1.0) for c in magnitudes):
        text = None  # a pure sign flip
        if factors[0] > 0:
            return None  # a factor of 1 within FACTOR_RTOL yet outside rtol: not a scaling mistake
    else:
        # Any single number is "proportional" to another: only arrays show that a changing
        # factor is really a factor.
        arrays = any(as_numbers(part.got(run)).size > 1 for run in runs)
        text = _name_factor(part, magnitudes, sizes, shown, name_only=not arrays)
        if text is None:
            return None
    if factors[0] < 0:
        sign = (
            tr("{name} has the wrong sign: check the order of a subtraction "
               "(ŷ − y versus y − ŷ) or a lost minus sign.").format(name=part.named())
        )
        also = tr("{sign} Also, {text}").format(sign=sign, text=text) if text is not None else sign
        return Diagnosis("sign", also, runs[shown])
    return Diagnosis("factor", text, runs[shown])


def _same(a, b):
    return abs(a - b) <= FACTOR_RTOL * max(abs(b), 1e-12)


def _name_factor(part, magnitudes, sizes, k, name_only=False):
    """Words for 'the values are c times the expected ones', naming c.

    ``k`` is the case the words quote. With ``name_only``, None unless c has a name or is the same
    in every case.
    """
    who = part.named()
    candidates = [factor_candidates(s) for s in sizes]
    for i, (expression, _) in enumerate(candidates[0]):
        if all(_same(c, cands[i][1]) for c, cands in zip(magnitudes, candidates)):
            where = ""
            if expression in sizes[k]:
                where = tr(" (here {sizes})").format(sizes=_sizes_text(sizes[k]))
            elif expression not in CONSTANTS:
                where = tr(" (here {expression} = {value:.4g}, with {sizes})").format(
                    expression=expression, value=magnitudes[k], sizes=_sizes_text(sizes[k]))
            return tr("{name} is {expression} times the expected value{where}: {hint}").format(
                name=who, expression=expression, where=where, hint=_factor_hint(part, expression))
    # For single numbers, ratios near 1 agree across cases by chance (an offset looks like one).
    clearly_scaled = not name_only or abs(magnitudes[0] - 1.0) > 0.01
    if clearly_scaled and all(_same(c, magnitudes[0]) for c in magnitudes):
        return tr("{name} is {factor:.6g} times the expected value in every case: look for a wrong constant "
                  "factor.").format(name=who, factor=magnitudes[0])
    if name_only:
        return None
    listing = tr("; ").join(tr("{factor:.4g} when {sizes}").format(factor=c, sizes=_sizes_text(s))
                            for c, s in zip(magnitudes, sizes))
    return tr(
        "{name} is proportional to the expected value, but the factor changes from case to case "
        "({listing}): compare it with the sizes to find the wrong division or multiplication."
    ).format(name=who, listing=listing)


def _some_signs(part):
    """Right magnitudes, but some entries (not all) of the wrong sign: an abs() somewhere."""
    for run in part.runs:
        got, expected = as_numbers(part.got(run)), part.expected(run)
        if not close(np.abs(got), np.abs(expected), part.exercise.rtol):
            return None
    return Diagnosis(
        "sign",
        tr("{name} has the right magnitudes, but some entries have the wrong sign: did you "
           "take an absolute value (abs, or the square root of a square) where the sign matters?").format(
            name=part.named()),
        part.failing()[0],
    )


# ----------------------------------------------------------------------------- last resort


def _mismatch(part):
    run = part.failing()[0]
    got, expected = as_numbers(part.got(run)), part.expected(run)
    index, want, have, relative = worst_entry(got, expected)
    at = tr(" at index {index}").format(index=index) if index else ""
    rtol = part.exercise.rtol
    rounding = (
        tr(", and more where rounding the inputs to float32 alone would move the value")
        if part.exercise.rounding_slack
        else tr(", enough for float32 arithmetic")
    )
    return Diagnosis(
        "mismatch",
        tr("{name} is wrong{at}: expected {want:.6g}, got {have:.6g} (error {relative:.3g} "
           "relative to the largest expected magnitude; up to {rtol:g} is accepted{rounding}). "
           "None of the usual mistakes explains it: recheck the formula term by term.").format(
            name=part.named(), at=at, want=want, have=have, relative=relative, rtol=rtol, rounding=rounding),
        run,
    )


# ----------------------------------------------------------------------------- found by probing


def _unless_it_breaks(explain, *args):
    """``explain(*args)``, or None when it fails: a learner's odd return value (an object whose arithmetic
    raises, say) must cost an explanation, never the check itself."""
    try:
        return explain(*args)
    except Exception:
        return None


def _probed(finder):
    """A per-part detector from a :mod:`mlcore.grading.probes` finder returning ``(key, text, run)``."""

    def detector(part):
        if part.lab is None:
            return None
        found = _unless_it_breaks(finder, part, part.lab)
        return Diagnosis(*found) if found else None

    detector.__name__ = finder.__name__
    return detector


def _explained(part):
    """Words from the exercise itself for a value that is a summary (e.g. minibatches' properties)."""
    explain = part.exercise.explain
    if explain is None:
        return None
    for run in part.failing():
        found = _unless_it_breaks(explain, part.label, pick(run.expected, part.path), part.got(run), run.case)
        if found:
            return Diagnosis(found[0], found[1], run)
    return None


# ----------------------------------------------------------------------------- list-valued results


def _entries(value):
    """The arrays of a returned list, without the empty slots a ``collect`` function pads it with."""
    found = []
    for item in value:
        if isinstance(item, np.ndarray) and item.size == 0:
            break
        found.append(item)
    return found


def _list_tops(runs):
    """Indices of the top-level returned values that are lists of arrays (params, grads, velocity)."""
    expected = runs[0].expected
    if not isinstance(expected, (tuple, list)):
        return []
    return [
        i for i, value in enumerate(expected)
        if isinstance(value, (tuple, list)) and len(value) >= 2 and all(isinstance(v, np.ndarray) for v in value)
    ]


@dataclass
class _WholeList(_Part):
    """Every entry of a returned list at once, flattened into one vector."""

    def value(self, result):
        items = pick(result, self.path)
        if not isinstance(items, (tuple, list)) or not all(isinstance(v, np.ndarray) for v in items):
            return None
        arrays = [as_numbers(v) for v in items]
        if any(a is None for a in arrays):
            return None
        return np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)

    def got(self, run):
        return self.value(run.got)

    def expected(self, run):
        return self.value(run.expected)

    def slack(self, run):
        return None

    def passes(self, run):
        return same_structure_close(pick(run.got, self.path), pick(run.expected, self.path), self.exercise.rtol)


def _list_rows(exercise, runs, top):
    rows = []
    for run in runs:
        if run.error is not None:
            continue
        got = pick(run.got, (top,))
        if not isinstance(got, (tuple, list)):
            return None
        got_entries = _entries(got)
        if not all(isinstance(g, np.ndarray) for g in got_entries):
            return None  # a list where an array belongs: the entry's own diagnosis says so
        rows.append((run, _entries(run.expected[top]), got_entries))
    return rows or None


def _same_entry(got, want, rtol):
    array = as_numbers(got)
    return array is not None and array.shape == want.shape and close(array, as_numbers(want), rtol)


def _list_length(label, rows, rtol):
    wrong = [(run, e, g) for run, e, g in rows if len(g) != len(e)]
    if not wrong:
        return None
    run, e, g = max(wrong, key=lambda row: len(row[1]))
    missing, extra = set(), set()
    for _, e_, g_ in wrong:
        if len(g_) == len(e_) - 1:
            missing |= {j for j in range(len(e_)) if all(
                _same_entry(x, y, rtol) for x, y in zip(g_, e_[:j] + e_[j + 1:]))}
        if len(g_) == len(e_) + 1:
            extra |= {j for j in range(len(g_)) if all(
                _same_entry(x, y, rtol) for x, y in zip(g_[:j] + g_[j + 1:], e_))}
    head = tr("{label} has {got} entries but should have {want}, one per parameter in the order of params").format(
        label=label, got=len(g), want=len(e))
    if missing and all(len(g_) == len(e_) - 1 for _, e_, g_ in wrong):
        last = all(len(e_) - 1 in missing for _, e_, _ in wrong)
        which = tr("the last one") if last else tr("entry {i}").format(i=min(missing))
        return Diagnosis(
            "missing_entry",
            tr("{head}: {which} is missing, the others are right. Does a loop stop one step early "
               "(range(len(params) - 1), or a range that leaves out the first or last layer)?").format(
                head=head, which=which),
            run,
        )
    if extra and all(len(g_) == len(e_) + 1 for _, e_, g_ in wrong):
        return Diagnosis(
            "extra_entry",
            tr("{head}: there is one entry too many (position {i}); without it the list is right. Look "
               "for an append that runs once more than it should.").format(head=head, i=min(extra)),
            run,
        )
    return Diagnosis("list_length", head + tr("."), run)


def _placement(g, e, rtol):
    """For each returned entry, the index of the expected entry it equals (its own if possible), or None."""
    options = [[k for k in range(len(e)) if _same_entry(item, e[k], rtol)] for item in g]
    if not all(options):
        return None
    found, used = [], set()
    for j, matches in enumerate(options):
        unused = [k for k in matches if k not in used]  # equal values: prefer a one-to-one reading
        k = j if j in unused else (unused or matches)[0]
        found.append(k)
        used.add(k)
    return found


def _list_order(label, rows, rtol):
    kinds = []
    for run, e, g in rows:
        if len(g) != len(e) or same_structure_close(list(g), list(e), rtol):
            continue
        placed = _placement(g, e, rtol)
        if placed is None:
            return None
        n = len(e)
        if sorted(placed) != list(range(n)):
            missing = sorted(set(range(n)) - set(placed))
            repeated = sorted({k for k in placed if placed.count(k) > 1})
            kinds.append(("repeated_entry", run, False, (
                tr("{label}: the value that belongs at position {repeated} appears more than once, and the one for "
                   "position {missing} is missing. A loop probably reuses the same variable or index (an append of "
                   "the same array twice, or an index that is not updated).").format(
                    label=label, repeated=repeated[0], missing=missing[0])
            )))
        elif placed == list(range(n - 1, -1, -1)) and n > 2:
            kinds.append(("list_reversed", run, False, (
                tr("{label} has the right entries in reverse order. Return them in the order of params (entry i "
                   "belongs to params[i]): reverse the list at the end, or fill it by index.").format(label=label)
            )))
        else:
            moved = [(j, k) for j, k in enumerate(placed) if j != k]
            words = tr(", ").join(tr("position {j} holds what belongs at {k}").format(j=j, k=k) for j, k in moved[:4])
            kinds.append(("list_order", run, n == 2, (
                tr("{label} has the right entries in the wrong order ({words}). Entry i belongs to params[i].").format(
                    label=label, words=words)
            )))
    if not kinds:
        return None
    # A list of two swapped entries is also reversed: such cases agree with either reading.
    telling = [kind for kind in kinds if not kind[2]] or kinds
    if len({key for key, *_ in telling}) == 1:
        key, run, _, text = telling[-1]
        return Diagnosis(key, text, run)
    return None


def _step_factor(part, rows):
    """The change made to a list input (params) is c times the right change, the same c everywhere."""
    run0, e0, _ = rows[0]
    for name, value in run0.case.items():
        if not (isinstance(value, (list, tuple)) and len(value) == len(e0)
                and all(isinstance(v, np.ndarray) and v.shape == w.shape for v, w in zip(value, e0))):
            continue
        factors = []
        for run, e, g in rows:
            start = np.concatenate([np.ravel(v) for v in run.case[name]]) if run.case[name] else np.zeros(0)
            got, want = part.got(run), part.expected(run)
            if got is None or want is None or got.shape != start.shape or want.shape != start.shape:
                return None
            c = _factor(got - start, want - start)
            if c is False:
                break
            if c is not None:
                factors.append(c)
        else:
            if factors and not _same(factors[0], 1.0) and all(_same(c, factors[0]) for c in factors):
                c = factors[0]
                how = (
                    tr("in the opposite direction: the update climbs the loss; descent subtracts the step")
                    if _same(c, -1.0) else tr("{c:.4g} times the right step in every case: look for a wrong factor").format(c=c)
                )
                return Diagnosis(
                    "step_factor",
                    tr("{label}: your change to {name} (new minus old) is {how}.").format(
                        label=part.label, name=name, how=how),
                    part.failing()[0],
                )
    return None


_LIST_DETECTORS = None  # set below, after the per-part detectors exist


def _whole_list(exercise, runs, top, lab):
    label = exercise.parts[top] if top < len(exercise.parts) else f"[{top}]"
    rows = _list_rows(exercise, runs, top)
    if rows is None:
        return None
    found = _list_length(label, rows, exercise.rtol) or _list_order(label, rows, exercise.rtol)
    if found:
        return found
    if any(len(g) != len(e) or any(a.shape != b.shape for a, b in zip(g, e)) for _, e, g in rows):
        return None
    part = _WholeList(exercise, runs, label, (top,), lab)
    if not part.failing():
        return None
    for detector in _LIST_DETECTORS:
        found = detector(part)
        if found:
            return found
    return _step_factor(part, rows)


def _merged(found, labels_by_top):
    """One diagnosis per list where every wrong entry has the same one: 'the same holds for ...'."""
    merged, seen = [], {}
    for diagnosis, top in found:
        if top in labels_by_top and top in seen and seen[top].key == diagnosis.key:
            continue
        if top in labels_by_top:
            same = [d for d, t in found if t == top and d.key == diagnosis.key]
            if len(same) > 1:
                more = tr(" (The same holds for {n} other entries of {label}.)").format(
                    n=len(same) - 1, label=labels_by_top[top])
                diagnosis = Diagnosis(diagnosis.key, diagnosis.text + more, diagnosis.run)
            seen[top] = diagnosis
        merged.append(diagnosis)
    return merged


WHOLE_CALL = (_raised, _returned_none, _structure, _in_place, _order, _whole_output_mistake)
PER_PART = (
    _part_mistake,
    _explained,
    _part_type,
    _not_array,
    _transposed,
    _not_scalar,
    _shape,
    _non_finite,
    _scaled,
    _some_signs,
    _probed(probes.ignored_input),
    _probed(probes.near_miss),
    _probed(probes.broken_property),
    _mismatch,
)
_LIST_DETECTORS = (
    _scaled,
    _some_signs,
    _probed(probes.ignored_input),
    _probed(probes.near_miss),
)


def _diagnose_part(part):
    for detector in PER_PART:
        found = detector(part)
        if found:
            return found
    raise AssertionError("unreachable: _mismatch always answers")


def diagnose(exercise, runs, probe=None):
    """Every reason the learner's function failed, most specific first; [] when it passed.

    ``probe(case) -> Run``, when given, runs the learner's function on a new case exactly as the check
    does: the probing explanations (:mod:`mlcore.grading.probes`) use it.
    """
    runs = sorted(runs, key=lambda run: _degenerate(exercise, run))  # stable: otherwise in order
    lab = probes.Lab(exercise, runs, probe)
    for detector in WHOLE_CALL:
        found = detector(exercise, runs, lab) if detector is _raised else detector(exercise, runs)
        if found:
            return [found]
    found, done = [], set()
    tops = _list_tops(runs)
    for top in tops:
        whole = _unless_it_breaks(_whole_list, exercise, runs, top, lab)
        if whole:
            found.append((whole, top))
            done.add(top)
    for label, path in leaves(runs[0].expected, exercise.parts):
        if path and path[0] in done:
            continue
        part = _Part(exercise, runs, label, path, lab)
        if part.failing():
            found.append((_diagnose_part(part), path[0] if path else None))
    labels = {top: exercise.parts[top] if top < len(exercise.parts) else f"[{top}]" for top in tops}
    found = _merged(found, labels)
    if not found:
        warned = _warned(exercise, runs)
        found = [warned] if warned else []
    return found
