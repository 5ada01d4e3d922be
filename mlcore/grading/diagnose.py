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
``exception``             any other exception (type, message, input shapes)
``none``                  returned None (a forgotten ``return``)
``type``                  not numbers, or not the expected tuple of values
``order``                 the right values returned in the wrong order, e.g. (db, dw)
``in_place``              an input array was changed
``transpose``             the transpose of the expected value
``not_scalar``            an array where a single number is expected
``shape``                 the wrong shape, including broadcasting that built an (N, N) table
``nan`` / ``overflow``    NaN / inf where the expected value is finite
``sign``                  the negative of the expected value (possibly also scaled)
``factor``                the expected value times a constant, named from the case's sizes
``warning``               a warning, for exercises where warnings are the graded mistake
``mismatch``              none of the above: the worst entry is shown
========================  ================================================================
"""

import copy
import itertools
from dataclasses import dataclass

import numpy as np

from mlcore._guard import ReferenceBlocked
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
        return f"an array of shape {value.shape}" if value.ndim else "a 0-d array"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if is_real_scalar(value):
        return "a single number"
    return f"a {type(value).__name__}"


def describe_case(case):
    """The inputs of a case in a few words: 'y (7, 3), y_hat (7, 3)' or 'X (5, 2), ..., b = 0.31'."""
    words = []
    for name, value in case.items():
        if isinstance(value, np.ndarray):
            words.append(f"{name} {value.shape}")
        elif is_real_scalar(value):
            words.append(f"{name} = {float(value):.3g}")
        elif isinstance(value, (tuple, list)):
            words.append(f"{name} ({type(value).__name__} of {len(value)})")
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
            return Diagnosis(mistake.key, prefix + mistake.message, shown)
    return None


def _fails(exercise, run):
    return run.error is not None or not same_structure_close(run.got, run.expected, exercise.rtol)


def _degenerate(exercise, run):
    """True when some size of the case is 1: such cases are shown last, they reveal the least."""
    return any(value == 1 for value in exercise.sizes(**run.case).values())


# ----------------------------------------------------------------------------- the whole call


def _cause_chain(error):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _raised(exercise, runs):
    failed = [run for run in runs if run.error is not None]
    if not failed:
        return None
    name = exercise.name
    for run in failed:
        blocked = [e for e in _cause_chain(run.error) if isinstance(e, ReferenceBlocked)]
        if blocked:
            return Diagnosis(
                "reference",
                f"{name} called mlcore's reference instead of computing the result itself: "
                f"{blocked[0]} Write the formula with NumPy operations.",
                run,
            )
    for run in failed:
        if isinstance(run.error, NotImplementedError):
            return Diagnosis(
                "not_implemented",
                f"{name} still raises NotImplementedError: replace `raise NotImplementedError()` "
                "in the answer cell with your implementation, run that cell, then this one.",
                run,
            )
    found = _spec_mistake(exercise, runs, any_part=True)
    if found:
        return found
    run = failed[0]
    return Diagnosis(
        "exception",
        f"{name} raised {type(run.error).__name__}: {run.error}. Print the shapes of the arrays "
        "inside your function to find the line that fails.",
        run,
    )


def _returned_none(exercise, runs):
    for run in runs:
        if run.got is None:
            return Diagnosis(
                "none", f"{exercise.name} returned None: did you forget the `return` statement?", run
            )
    return None


def _structure(exercise, runs):
    for run in runs:
        expected, got = run.expected, run.got
        if isinstance(expected, (tuple, list)):
            if not isinstance(got, (tuple, list)) or len(got) != len(expected):
                names = ", ".join(exercise.parts) if exercise.parts else f"{len(expected)} values"
                return Diagnosis(
                    "type",
                    f"{exercise.name} should return {len(expected)} values ({names}) "
                    f"but returned {describe(got)}.",
                    run,
                )
        elif isinstance(got, tuple):
            return Diagnosis(
                "type",
                f"{exercise.name} should return one value, {describe(expected)}, "
                f"but returned {describe(got)}: is there a stray comma after the return value?",
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
            names = exercise.parts or tuple(f"value {i + 1}" for i in range(n))
            swapped = ", ".join(names[i] for i in order)
            return Diagnosis(
                "order",
                f"{exercise.name} returns the right values in the wrong order: ({swapped}) "
                f"instead of ({', '.join(names)}).",
                runs[0],
            )
    return None


def _in_place(exercise, runs):
    for run in runs:
        if run.modified:
            names = " and ".join(run.modified)
            return Diagnosis(
                "in_place",
                f"{exercise.name} changed its input {names} in place (for example with `-=`, `*=` or "
                "an assignment into a slice). Functions must leave their inputs as they were: "
                "compute into a new variable instead, e.g. `r = y_hat - y`.",
                run,
            )
    return None


def _whole_output_mistake(exercise, runs):
    return _spec_mistake(exercise, runs, part=None)


def _warned(exercise, runs):
    if not exercise.no_warnings:
        return None
    for run in runs:
        if run.warnings:
            advice = exercise.no_warnings if isinstance(exercise.no_warnings, str) else (
                "Use a numerically stable form that stays finite without warnings for every input."
            )
            return Diagnosis("warning", f"{exercise.name} emitted a warning: {run.warnings[0]}. {advice}", run)
    return None


# ----------------------------------------------------------------------------- one returned value


@dataclass
class _Part:
    """One returned value (a leaf) across all runs."""

    exercise: object
    runs: list
    label: str
    path: tuple

    def got(self, run):
        return pick(run.got, self.path)

    def expected(self, run):
        return as_numbers(pick(run.expected, self.path))

    def slack(self, run):
        return run.slack.get(self.path) if run.slack else None

    def passes(self, run):
        return close(self.got(run), self.expected(run), self.exercise.rtol, self.slack(run))

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
            return Diagnosis("none", f"{part.named()} is None: did you forget to compute it?", run)
        if as_numbers(got) is None:
            return Diagnosis(
                "type",
                f"{part.named()} is {describe(got)}, not real numbers: expected "
                f"{_expected_kind(part.expected(run))}.",
                run,
            )
    return None


def _expected_kind(expected):
    return "a single number (a float)" if expected.ndim == 0 else f"an array of shape {expected.shape}"


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
        f"{part.named()} is the transpose of the expected value: somewhere you used a matrix "
        "where its transpose belongs (A instead of A.T, or the factors of a product swapped). "
        "Rows are samples: write down the shape of every factor.",
        part.failing()[0],
    )


def _not_scalar(part):
    for run in part.runs:
        expected, got = part.expected(run), as_numbers(part.got(run))
        if expected.ndim == 0 and got.ndim > 0:
            if got.size == 1 and abs(float(got.ravel()[0]) - float(expected)) <= part.exercise.rtol * max(
                abs(float(expected)), 1e-8
            ):
                advice = "the value is right, return it as a number, e.g. `float(total)` or `total.item()`."
            else:
                advice = "did you forget to sum or average over an axis?"
            return Diagnosis(
                "not_scalar",
                f"{part.named()} should be a single number (a float) but is an array of shape "
                f"{got.shape}: {advice}",
                run,
            )
    return None


def _shape(part):
    for run in part.runs:
        expected, got = part.expected(run), as_numbers(part.got(run))
        if got.shape == expected.shape:
            continue
        text = f"{part.named()} has shape {got.shape} but should have shape {expected.shape}"
        if got.ndim == 0:
            text += ": you returned a single number; did you sum or average over everything?"
        elif got.size == expected.size:
            same = close(got.reshape(expected.shape), expected, part.exercise.rtol)
            text += (
                ". The values are right, only the shape is not"
                if same
                else ". Even reshaped, the values do not match"
            ) + ": look for a reshape, `keepdims=True` or a column vector (N, 1) where a flat (N,) belongs."
        elif got.size > expected.size and got.ndim > expected.ndim:
            text += (
                ": broadcasting probably combined a column (N, 1) with a flat (N,) array into a "
                "table of every pair. Check the shapes of the arrays you subtract or multiply."
            )
        else:
            text += ": check which axis you sum or average over, and the orientation of your products."
        return Diagnosis("shape", text, run)
    return None


def _non_finite(part):
    for run in part.runs:
        got, expected = as_numbers(part.got(run)), part.expected(run)
        for key, bad, what in (
            ("nan", np.isnan(got), "NaN (not a number, e.g. from 0/0 or inf - inf)"),
            ("overflow", np.isinf(got), "inf (an overflow, e.g. exp of a large number)"),
        ):
            where = bad & np.isfinite(expected)
            if where.any():
                index = tuple(int(i) for i in np.argwhere(where)[0])
                return Diagnosis(
                    key,
                    f"{part.named()} contains {what} at index {index} where the expected value is "
                    f"{float(expected[index]):.6g}. Look for the operation that leaves the finite range.",
                    run,
                )
    return None


# ----------------------------------------------------------------------------- sign and factors


def factor_candidates(sizes):
    """Named factors for one case, simplest first: ``[(expression, value), ...]``.

    Constants 2, 1/2, 4, 1/4; for each size s: s, 1/s, s/2, 2/s, 2*s, 1/(2*s); for each pair of
    sizes s, t: s*t, s/t, t/s.
    """
    found = list(CONSTANTS.items())
    for s, v in sizes.items():
        found += [(s, v), (f"1/{s}", 1 / v), (f"{s}/2", v / 2), (f"2/{s}", 2 / v)]
        found += [(f"2*{s}", 2 * v), (f"1/(2*{s})", 1 / (2 * v))]
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
        return hints[expression]
    meanings = part.exercise.size_meanings
    if expression in meanings:
        return f"did you forget to divide by {expression} ({meanings[expression]})?"
    if expression.startswith("1/") and expression[2:] in meanings:
        return f"did you divide by {expression[2:]} ({meanings[expression[2:]]}) where you should not?"
    return f"look for a missing or extra factor {expression}."


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
            f"{part.named()} has the wrong sign: check the order of a subtraction "
            "(ŷ − y versus y − ŷ) or a lost minus sign."
        )
        return Diagnosis("sign", sign if text is None else f"{sign} Also, {text}", runs[shown])
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
                where = f" (here {_sizes_text(sizes[k])})"
            elif expression not in CONSTANTS:
                where = f" (here {expression} = {magnitudes[k]:.4g}, with {_sizes_text(sizes[k])})"
            return f"{who} is {expression} times the expected value{where}: {_factor_hint(part, expression)}"
    # For single numbers, ratios near 1 agree across cases by chance (an offset looks like one).
    clearly_scaled = not name_only or abs(magnitudes[0] - 1.0) > 0.01
    if clearly_scaled and all(_same(c, magnitudes[0]) for c in magnitudes):
        return f"{who} is {magnitudes[0]:.6g} times the expected value in every case: look for a wrong constant factor."
    if name_only:
        return None
    listing = "; ".join(f"{c:.4g} when {_sizes_text(s)}" for c, s in zip(magnitudes, sizes))
    return (
        f"{who} is proportional to the expected value, but the factor changes from case to case "
        f"({listing}): compare it with the sizes to find the wrong division or multiplication."
    )


def _some_signs(part):
    """Right magnitudes, but some entries (not all) of the wrong sign: an abs() somewhere."""
    for run in part.runs:
        got, expected = as_numbers(part.got(run)), part.expected(run)
        if not close(np.abs(got), np.abs(expected), part.exercise.rtol):
            return None
    return Diagnosis(
        "sign",
        f"{part.named()} has the right magnitudes, but some entries have the wrong sign: did you "
        "take an absolute value (abs, or the square root of a square) where the sign matters?",
        part.failing()[0],
    )


# ----------------------------------------------------------------------------- last resort


def _mismatch(part):
    run = part.failing()[0]
    got, expected = as_numbers(part.got(run)), part.expected(run)
    index, want, have, relative = worst_entry(got, expected)
    at = f" at index {index}" if index else ""
    rtol = part.exercise.rtol
    rounding = (
        ", and more where rounding the inputs to float32 alone would move the value"
        if part.exercise.rounding_slack
        else ", enough for float32 arithmetic"
    )
    return Diagnosis(
        "mismatch",
        f"{part.named()} is wrong{at}: expected {want:.6g}, got {have:.6g} (error {relative:.3g} "
        f"relative to the largest expected magnitude; up to {rtol:g} is accepted{rounding}). "
        "None of the usual mistakes explains it: recheck the formula term by term.",
        run,
    )


WHOLE_CALL = (_raised, _returned_none, _structure, _in_place, _order, _whole_output_mistake)
PER_PART = (
    _part_mistake,
    _part_type,
    _transposed,
    _not_scalar,
    _shape,
    _non_finite,
    _scaled,
    _some_signs,
    _mismatch,
)


def _diagnose_part(part):
    for detector in PER_PART:
        found = detector(part)
        if found:
            return found
    raise AssertionError("unreachable: _mismatch always answers")


def diagnose(exercise, runs):
    """Every reason the learner's function failed, most specific first; [] when it passed."""
    runs = sorted(runs, key=lambda run: _degenerate(exercise, run))  # stable: otherwise in order
    for detector in WHOLE_CALL:
        found = detector(exercise, runs)
        if found:
            return [found]
    found = []
    for label, path in leaves(runs[0].expected, exercise.parts):
        part = _Part(exercise, runs, label, path)
        if part.failing():
            found.append(_diagnose_part(part))
    if not found:
        warned = _warned(exercise, runs)
        found = [warned] if warned else []
    return found
