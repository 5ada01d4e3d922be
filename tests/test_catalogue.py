"""Every learner answer of the catalogue (``instructor/answers/nbNN.py``) graded in-process, as the
notebook's test cells grade it: a right answer passes each check of its test cell; a wrong one fails
with the mistake key (and the words) the catalogue lists. The same entries are autograded end to end by
``tests/test_autograde.py`` (all but the ``autograde=False`` spellings) and sampled by the synthetic class.
"""

import builtins
import importlib
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
from mlcore.grading.messages import mistakes_in, tag

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
        held = [(e, h) for e, h in calls if h or variant.get("visible", True)]
        for (exercise, hidden), seed in itertools.product(held, seeds):
            error = _failure(exercise, namespace[exercise], hidden, seed)
            assert error is not None, (exercise, hidden, seed)
            assert error.mistakes == exact if exact else error.mistake == key, (exercise, hidden, seed, str(error))
            assert tag(error.mistakes[0] if exact else key) in str(error), (exercise, hidden, seed, str(error))
            assert mistakes_in(str(error)) == list(error.mistakes), (exercise, hidden, seed, str(error))
            assert all(re.search(re.escape(words), str(error)) for words in says or ()), (exercise, hidden, str(error))


# Data table: the mistake keys each notebook's catalogue must exercise beyond its spec's own (generic
# diagnoses that apply there), and COURSE.md's misconceptions as named entries with the key they must get.
REQUIRED_KEYS = {
    "01_mse": {"not_implemented", "factor", "sign", "transpose", "shape", "in_place", "nan", "no_return",
               "reference", "rmse", "x_not_transposed", "missing_b", "db_not_summed"},
    "02_sigmoid_derivative": {"not_implemented", "warning", "sign", "in_place", "no_return", "reference",
                              "shape_dependent"},
    "03_cross_entropy": {"not_implemented", "factor", "sign", "in_place", "not_scalar", "reference"},
    "04_delta_recursion": {"not_implemented", "W_not_transposed", "missing_act_prime", "act_prime_composed",
                           "act_prime_wrong_variable", "sigmoid_prime_from_a", "sign", "in_place", "no_return",
                           "reference", "dW_transposed", "db_mean", "dW_mean", "db_wrong_axis", "db_not_summed",
                           "db_total_sum", "shape", "act_prime_at_a", "z_off_by_one", "a_off_by_one",
                           "W_off_by_one", "act_prime_on_output", "grads_reversed", "grads_grouped"},
    "05_gradient_descent": {"not_implemented", "in_place", "climbs", "lr_ignored", "step_only", "exception",
                            "no_return", "reference", "ema", "lr_in_velocity", "lr_in_velocity_plus",
                            "old_velocity", "velocity_not_updated", "no_momentum", "nesterov", "order",
                            "not_shuffled", "pairs_broken", "drops_last", "with_replacement", "global_rng",
                            "ignores_rng", "batch_order_only", "within_batches_only", "empty_last_batch"},
}
REQUIRED_ENTRIES = {  # entry -> its mistakes (None: the entry exists; its keys are in its notebook's table)
    "01_mse": {"mse_grad_dropped_2_over_n": None, "linear_dropped_2_over_n": None, "mse_grad_flipped_sign": None,
               "linear_flipped_sign": None},
    "02_sigmoid_derivative": {
        "tanh_prime_sigmoid_pattern": {"tanh_prime_tests": "tanh_sigmoid_pattern"},
        "sigmoid_prime_at_a": {"sigmoid_prime_tests": "derivative_at_a"},
        "tanh_prime_at_a": {"tanh_prime_tests": "derivative_at_a"}},
    "03_cross_entropy": {  # COURSE.md's dropped 1/N of a mean, carried over to both gradients
        "grad_dropped_1_over_n": {"softmax_cross_entropy_grad_tests": "factor"},
        "bce_grad_dropped_1_over_n": {"bce_grad_tests": "factor"}},
    "04_delta_recursion": {name: None for name in (
        "hidden_delta_W_not_transposed", "backward_W_not_transposed", "backward_act_prime_at_a",
        "layer_grads_flipped_sign", "layer_grads_db_mean", "hunt_untouched", "hunt_two_left",
        "hunt_one_left_db_mean")},
}

# Data table: spec keys with no catalogue entry yet; tests/test_grading_nb04.py,
# tests/test_hand_backward.py and tests/test_grading_nb05.py still grade them. Shrinks as they move here.
NOT_YET_CATALOGUED = {
    "04_delta_recursion": {"W_not_transposed+missing_act_prime", "act_prime_at_a+missing_act_prime", "act_prime_matmul"},
    "05_gradient_descent": {"beta_swapped", "step_only_positive"},
}


@pytest.mark.parametrize("assignment", sorted(CATALOGUE))
def test_catalogue_covers_every_diagnosis(assignment):
    """One entry per mistake the notebook's spec names, per generic diagnosis that applies, per COURSE.md
    misconception; and at least five correct answers written differently."""
    spec = importlib.import_module(f"mlcore.grading.specs.{answers.module_of(assignment).__name__.rsplit('.', 1)[1]}")
    variants = CATALOGUE[assignment]
    keys = {key for v in variants.values() for key in v["mistakes"].values()}
    spec_keys = {m.key for exercise in spec.EXERCISES for m in getattr(exercise, "mistakes", ())}
    missing = spec_keys - NOT_YET_CATALOGUED.get(assignment, set()) | REQUIRED_KEYS.get(assignment, set())
    assert missing <= keys, f"no entry for {missing - keys}"
    assert not NOT_YET_CATALOGUED.get(assignment, set()) & keys, "catalogued now: take it off NOT_YET_CATALOGUED"
    for name, mistakes in REQUIRED_ENTRIES.get(assignment, {}).items():
        assert name in variants and mistakes in (None, variants[name]["mistakes"]), name
    assert sum(1 for v in variants.values() if not v["mistakes"]) >= 5, "correct answers written differently"
