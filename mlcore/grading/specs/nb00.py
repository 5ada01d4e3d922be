"""The warm-up of notebook 00_start_here: ``central_difference`` (checked, never graded).

It shows a learner, before anything counts, what a passing check prints and how a failing one
explains itself (e.g. the forgotten 2 of the denominator is named as a factor of 2).
"""

import numpy as np

from mlcore._guard import reference
from mlcore.grading.exercise import Exercise, Mistake, size_plan


# mlcore has no public central_difference; the reference lives here, guarded like every other one, so a
# warm-up answer that hands its work to it fails as it would in the graded notebooks.
@reference("central_difference")
def _central_difference(f, x, h):
    """(f(x + h) - f(x - h)) / (2h), elementwise."""
    return (f(x + h) - f(x - h)) / (2 * h)


def cubic(t):
    return t**3 - 2 * t


_FUNCTIONS = (np.sin, np.exp, np.tanh, cubic)


def _cases(rng, hidden):
    cases = []
    for i, s in enumerate(size_plan(rng, hidden)):
        shape = (s["N"],) if i % 2 else (s["N"], s["D"])
        cases.append({
            "f": _FUNCTIONS[i % len(_FUNCTIONS)],
            "x": rng.uniform(-2, 2, size=shape),
            "h": float(10 ** rng.uniform(-4, -2)),
        })
    return cases


def _sizes(f, x, h):
    return {"N": x.shape[0]}


CENTRAL_DIFFERENCE = Exercise(
    name="central_difference",
    reference=_central_difference,
    cases=_cases,
    sizes=_sizes,
    guarded=("central_difference",),
    size_meanings={"N": "the number of rows of x"},
    factor_hints={
        "2": "did you divide by h instead of 2h? The two points x - h and x + h are 2h apart.",
        "1/2": "did you divide by 4h? The two points x - h and x + h are 2h apart: divide by 2h.",
    },
    mistakes=(
        Mistake(
            "forward_difference",
            "that is the forward difference (f(x + h) - f(x)) / h, whose error shrinks only like h. "
            "The central difference uses both neighbours: (f(x + h) - f(x - h)) / (2h).",
            lambda f, x, h: (f(x + h) - f(x)) / h,
        ),
        Mistake(
            "backward_difference",
            "that is the backward difference (f(x) - f(x - h)) / h. "
            "The central difference uses both neighbours: (f(x + h) - f(x - h)) / (2h).",
            lambda f, x, h: (f(x) - f(x - h)) / h,
        ),
    ),
    # The learner's quotient may be grouped differently, e.g. (f(x+h) - f(x-h)) / 2 / h: rounding in
    # the subtraction of two close values costs up to eps|f| / h relative to the result.
    rtol=1e-6,
)

EXERCISES = (CENTRAL_DIFFERENCE,)
