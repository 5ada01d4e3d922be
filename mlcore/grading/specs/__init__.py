"""Exercise specs: what :func:`mlcore.grading.check` knows about each graded function.

One module per notebook, ``nb01.py`` ... ``nb05.py``. Each defines ``EXERCISES``, a tuple of
:class:`~mlcore.grading.Exercise`; this package imports every ``nb*.py`` module it contains and
registers their exercises by name (names are unique across the course).

How to add an exercise (copy the pattern of ``nb01.py``):

1. Import the reference from the mlcore module that defines it (``from mlcore.losses import
   mse_grad``), not through ``mlcore.<name>``: the spec captures it at import time, so a learner who
   reassigns ``mlcore.mse_grad`` changes nothing. References are wrapped by
   ``mlcore._guard.reference(name)`` so that ``guarded`` can switch them off.
2. Write ``cases(rng, hidden) -> list of dict``: keyword arguments in the function's argument
   order (the learner's function is called positionally). Draw everything from ``rng``; use
   :func:`~mlcore.grading.size_plan` for the sizes, so visible checks cover N=1 and D=1 and
   hidden ones cover about 20 varied, square and non-square shapes. Vary the magnitude of values
   too (``10 ** rng.uniform(-2, 2)``) so that only relative errors matter.
3. Write ``sizes(**case) -> dict`` naming the sizes a constant factor could be made of
   (``{"N": X.shape[0], "D": X.shape[1]}``); give them words in ``size_meanings`` and advice for
   the factors learners really get wrong in ``factor_hints`` (``{"N/2": "did you drop 2/N?"}``).
4. List the exercise's own mistakes as :class:`~mlcore.grading.Mistake` objects, most specific
   first: ``Mistake(key, message, wrong)`` where ``wrong(**case)`` computes, from reference
   pieces, what a learner making that mistake returns. The generic mistakes (sign, factor,
   transpose, shape, NaN, in-place changes, a forgotten return, ...) need no spec.
5. Only when needed: ``parts`` names the values of a tuple result (``("dw", "db")``, each
   diagnosed on its own); ``rounding_slack=True`` when a result comes from sums of terms of both
   signs (so float32 arithmetic passes); ``no_warnings`` when a warning is itself the mistake;
   ``collect`` for generators.
6. Add the learner answers to the catalogue ``instructor/answers/nbXX.py``: every mistake with its key
   and words, several correct forms (loops, einsum, float32); ``tests/test_catalogue.py`` grades each,
   visible and hidden.

A self-check question (the learner answers with a value, ``check("q_name", q_name)``) is a
:class:`~mlcore.grading.question.Question` in the same ``EXERCISES`` tuple; that module shows how to
declare one. Its tests go in ``tests/test_questions.py``.
"""

import importlib
import pkgutil


def _load():
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if not info.name.startswith("nb"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for exercise in module.EXERCISES:
            if exercise.name in found:
                raise ValueError(f"exercise {exercise.name!r} is defined twice (again in {module.__name__})")
            found[exercise.name] = exercise
    return found


#: Every exercise of the course, by graded function name.
EXERCISES = _load()


def exercise(name):
    """The :class:`~mlcore.grading.Exercise` called ``name``; ValueError naming the known ones otherwise."""
    if name not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"no graded exercise is called {name!r}; known exercises: {known}")
    return EXERCISES[name]
