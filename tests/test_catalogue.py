"""Every learner answer of the catalogue (``instructor/answers/nbNN.py``) graded in-process, as the
notebook's test cells grade it: a right answer passes each check of its test cell; a wrong one fails
with the mistake key (and the words) the catalogue lists. The same entries are autograded end to end by
``tests/test_autograde_*.py`` and sampled by the synthetic class.
"""

import builtins
import itertools
import re
import textwrap
from functools import lru_cache
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.utils import is_grade, is_solution

import mlcore
from instructor import answers
from instructor.verify import expected_passes
from mlcore.grading import GradingError, check
from mlcore.grading.messages import tag

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = answers.catalogue()


@lru_cache(maxsize=None)
def checks_of(assignment):
    """{test cell grade_id: [(exercise, hidden), ...]}: the check calls of each test cell, in order."""
    nb = nbformat.read(str(ROOT / "solutions" / assignment / f"{assignment}.ipynb"), as_version=4)
    return {c.metadata.nbgrader["grade_id"]: expected_passes(c.source) for c in nb.cells
            if c.cell_type == "code" and is_grade(c) and not is_solution(c)}


def learner_namespace(sources):
    """What the answer cells define, run as a notebook runs them (NumPy as np, mlcore imported)."""
    namespace = {"np": np, "mlcore": mlcore}
    for source in sources.values():
        exec(compile(textwrap.dedent(source), "<answer cell>", "exec"), namespace)
    return namespace


@pytest.fixture(autouse=True)
def restored_modules():
    """Some answers reassign np.allclose or mlcore's references, as a learner's kernel may: in a notebook
    that dies with the kernel; here the modules are shared, so each test puts them back."""
    modules = (np, np.testing, mlcore, builtins)
    saved = [dict(vars(m)) for m in modules]
    yield
    for module, before in zip(modules, saved):
        for name in set(vars(module)) - set(before):
            delattr(module, name)
        for name, value in before.items():
            if vars(module).get(name) is not value:
                setattr(module, name, value)


def _entries():
    return [(a, name) for a, variants in sorted(CATALOGUE.items()) for name in sorted(variants)
            if variants[name]["answers"]]  # the blank notebook is autograded only: it defines nothing


def _failure(exercise, fn, hidden, seed=None):
    try:
        check(exercise, fn, hidden=hidden, seed=seed)
    except GradingError as error:
        return error
    return None


@pytest.mark.parametrize("assignment,name", _entries())
def test_catalogue_entry_is_graded_as_listed(assignment, name):
    variant = CATALOGUE[assignment][name]
    namespace = learner_namespace(variant["answers"])
    seeds = variant.get("seeds", (None,))
    for test, calls in checks_of(assignment).items():
        key = variant["mistakes"].get(test)
        if variant["points"].get(test, 0) and not key:
            for (exercise, hidden), seed in itertools.product(calls, seeds):
                assert _failure(exercise, namespace[exercise], hidden, seed) is None, (test, exercise, hidden, seed)
            continue
        if key is None:
            continue
        # The cell stops at its first failing check: that failure names the key.
        first = next(filter(None, (_failure(e, namespace[e], h) for e, h in calls)), None)
        assert first is not None and tag(key) in str(first), f"{test}: {first}"
        exact, says = variant.get("diagnoses", {}).get(test), variant.get("says", {}).get(test)
        if not (exact or says or "seeds" in variant):
            continue
        for (exercise, hidden), seed in itertools.product(calls, seeds):
            error = _failure(exercise, namespace[exercise], hidden, seed)
            assert error is not None, (exercise, hidden, seed)
            assert error.mistakes == exact if exact else error.mistake == key, (exercise, hidden, seed, str(error))
            assert all(re.search(re.escape(words), str(error)) for words in says or ()), (exercise, hidden, str(error))


def test_every_catalogue_is_autograded_end_to_end():
    """A new notebook's catalogue needs a tests/test_autograde_*.py importing it (README, maintainers)."""
    sources = "".join(p.read_text() for p in (ROOT / "tests").glob("test_autograde_*.py"))
    names = [answers.module_of(assignment).__name__ for assignment in CATALOGUE]
    missing = [name for name in names if name.rsplit(".", 1)[1] not in sources]
    assert missing == [], f"no tests/test_autograde_*.py imports {missing}"
