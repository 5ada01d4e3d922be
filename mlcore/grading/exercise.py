"""What a spec module declares about one graded function: :class:`Exercise`, :class:`Mistake`, and
:func:`size_plan`, the helper that picks the sizes of a check's random cases."""

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Mistake:
    """A mistake learners make in one exercise, described by what it computes.

    Parameters
    ----------
    key : str
        Short stable id (``"rmse"``, ``"x_not_transposed"``); it ends the failure message as
        ``[mistake: key]`` and is what tests and the item-analysis report look for.
    message : str
        What went wrong and how to fix it, in words a learner can act on.
    wrong : callable
        ``wrong(**case)`` returns what a learner making this mistake returns (for a tuple output,
        only the value of ``part``). Build it from reference pieces: it runs on a copy of the case,
        with the references available and warnings silenced. It may raise where the mistake would
        raise (e.g. a shape mismatch): a learner's function that raises in exactly those cases and
        matches everywhere else is recognised too. A mistake that coincides with the right answer on
        every case is never reported.
    part : str or None
        For functions returning a tuple, the name of the returned value this mistake is about
        (one of ``Exercise.parts``). None for single-value functions.
    """

    key: str
    message: str
    wrong: Callable
    part: str | None = None


@dataclass(frozen=True)
class Exercise:
    """One graded function and everything :func:`mlcore.grading.check` needs to grade it.

    Parameters
    ----------
    name : str
        The graded function's name in COURSE.md, e.g. ``"mse_grad"``.
    reference : callable
        mlcore's reference, captured when the spec module is imported (so reassigning
        ``mlcore.<name>`` later changes nothing). Called as ``reference(**case)``.
    cases : callable
        ``cases(rng, hidden) -> list of dict``: fresh random keyword arguments for the function.
        Visible checks: a few small cases including the size-1 edge cases; hidden checks: about 20,
        varied (use :func:`size_plan`).
    sizes : callable
        ``sizes(**case) -> dict`` mapping names to the case's sizes, e.g. ``{"N": 7, "D": 3}``. The
        names are used to identify a constant factor ("your values are N/2 times the expected ones").
    mistakes : tuple of Mistake
        Exercise-specific mistakes, most specific first. They are tried before the generic ones.
    guarded : tuple of str
        Names of mlcore references (wrapped by ``mlcore._guard.reference``) that refuse to run while
        the learner's function runs. Always include ``name`` itself.
    parts : tuple of str
        Names of the returned values when the function returns a tuple, e.g. ``("dw", "db")``.
    size_meanings : dict
        Optional words for each size name, e.g. ``{"N": "the number of samples"}``.
    factor_hints : dict
        Optional advice per factor expression, e.g. ``{"N/2": "did you drop the 2/N? ..."}``;
        expressions are written as :func:`mlcore.grading.diagnose.factor_candidates` names them
        (``"2"``, ``"1/2"``, ``"N"``, ``"1/N"``, ``"N/2"``, ``"2/N"``, ``"2N"``, ``"1/(2N)"``,
        ``"N*D"``, ``"N/D"``, ...).
    rtol : float
        Relative tolerance, measured against the largest magnitude of the expected value of each
        case (so float32 arithmetic inside the learner's function passes).
    no_warnings : bool or str
        True when a warning from the learner's function is itself the graded mistake (e.g. a
        sigmoid that overflows). Otherwise warnings are captured and ignored. A string also turns
        this on and is the advice shown after the warning (e.g. how to compute stably).
    rounding_slack : bool
        True when a result can come from a cancellation (a sum of terms of both signs, such as
        ``db``): entries then also pass within 30 times how far rounding the inputs to float32
        moves the reference (so a learner's float32 arithmetic passes). Leave False when the
        reference is not continuous in its float inputs (thresholds, ``int(x)``).
    collect : callable or None
        Applied to the learner's return value while the check still guards it, for functions whose
        work happens lazily (a generator: ``collect=list``).
    explain : callable or None
        For a returned value that is a summary of behaviour (``minibatches``' properties), words for
        a wrong one: ``explain(label, expected, got, case) -> (key, text)`` or None. Tried right
        after the exercise's own mistakes, so the learner reads about samples and batches, not codes.
    """

    name: str
    reference: Callable
    cases: Callable
    sizes: Callable
    mistakes: tuple = ()
    guarded: tuple = ()
    parts: tuple = ()
    size_meanings: dict = field(default_factory=dict)
    factor_hints: dict = field(default_factory=dict)
    rtol: float = 1e-5
    no_warnings: bool | str = False
    rounding_slack: bool = False
    collect: Callable | None = None
    explain: Callable | None = None


def _distinct(rng, count, low, high):
    """``count`` integers in [low, high], distinct while the range allows it."""
    span = high - low + 1
    if count <= span:
        return [int(v) for v in rng.choice(range(low, high + 1), size=count, replace=False)]
    return [int(v) for v in rng.integers(low, high + 1, size=count)]


def size_plan(rng, hidden, names=("N", "D"), *, visible_high=6, hidden_high=40, hidden_count=20):
    """Pick the sizes of a check's cases.

    Parameters
    ----------
    rng : numpy.random.Generator
    hidden : bool
    names : tuple of str
        The sizes to pick, e.g. ``("N", "D")``.

    Returns
    -------
    list of dict
        One ``{name: int}`` per case. Visible (``len(names) + 2`` cases, 3 for one name): each
        name is 1 once, with the others between 2 and ``visible_high``; a square case (all sizes
        equal, at least 2) when there are several names; a case with every size between 2 and
        ``visible_high``, distinct where possible. Hidden (``hidden_count`` cases):
        all ones; each name 1 alone; a square case (all sizes equal); then cases of varied
        magnitude up to ``hidden_high`` in which no two sizes are equal (non-square).
    """
    k = len(names)
    plans = []
    for one in range(k):
        values = _distinct(rng, k, 2, visible_high)
        values[one] = 1
        plans.append(values)
    if k > 1:
        plans.append([int(rng.integers(2, visible_high + 1))] * k)
    plans += [_distinct(rng, k, 2, visible_high) for _ in range(1 if k > 1 else 2)]
    if hidden:
        plans = [[1] * k]
        for one in range(k):
            values = _distinct(rng, k, 2, hidden_high)
            values[one] = 1
            plans.append(values)
        plans.append([int(rng.integers(2, hidden_high + 1))] * k)
        while len(plans) < hidden_count:
            high = int(rng.choice([8, hidden_high]))
            plans.append(_distinct(rng, k, 2, high))
    return [dict(zip(names, values)) for values in plans]
