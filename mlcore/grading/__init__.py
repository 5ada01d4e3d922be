"""Grading for the course's exercises: checks that run the learner's code and explain mistakes.

Notebook test cells call::

    from mlcore.grading import check
    check("mse_grad", mse_grad)               # visible: a few small random cases
    check("mse_grad", mse_grad, hidden=True)  # hidden: about 20 varied random cases

A failure raises :class:`GradingError` (an ``AssertionError``) whose message starts with the diagnosis,
ended by ``[mistake: <key>]``, then says how many cases passed and which seed reproduces it;
``GradingError.mistake`` holds the key. The keys are listed in
:mod:`mlcore.grading.diagnose`; exercises are declared in :mod:`mlcore.grading.specs`.

Importing this package records the namespaces of builtins, NumPy and mlcore
(:mod:`mlcore.grading.pristine`): checks compute and compare with those, so a learner's cell that
reassigns ``np.allclose``, ``len`` or ``mlcore.mse`` changes no verdict.
"""

from mlcore.grading.exercise import Exercise, Mistake, size_plan
from mlcore.grading.check import GradingError, check, grade
from mlcore.grading.specs import EXERCISES
from mlcore.grading import pristine as _pristine

__all__ = ["check", "grade", "GradingError", "Exercise", "Mistake", "size_plan", "EXERCISES"]

_pristine.snapshot()
