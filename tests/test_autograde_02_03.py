"""The instructor's path for 02_sigmoid_derivative and 03_cross_entropy: nbgrader autogrades synthetic
submissions (one nbgrader run per notebook) and every score and every diagnosis in the feedback is what it
should be.

The submissions are ``VARIANTS`` of ``mlcore.classroom.answers.a02_sigmoid_derivative`` and
``a03_cross_entropy``: the blank notebook, the correct one, one per diagnosed mistake (COURSE.md's
tanh(z)(1 - tanh(z)), the derivative taken at a instead of z and the dropped 1/N among them), and correct
answers written differently.
"""

import pytest

from mlcore.classroom.answers import a02_sigmoid_derivative as a02
from mlcore.classroom.answers import a03_cross_entropy as a03
from nbgrader_harness import assert_cell_feedback, assert_hidden_tests_cleared, assert_scores
from nbgrader_harness import autograde, make_submission, nbgrader_meta, read_notebook, release_path, graded_cells

MODULES = {a02.ASSIGNMENT: a02, a03.ASSIGNMENT: a03}
CASES = [(assignment, name) for assignment, module in MODULES.items() for name in sorted(module.VARIANTS)]
FAILING = [(a, n) for a, n in CASES if MODULES[a].VARIANTS[n]["mistakes"]]

_graded = {}


def graded(assignment):
    """Autograde every variant of ``assignment`` once (one nbgrader process) and keep the results."""
    if assignment not in _graded:
        module = MODULES[assignment]
        released = read_notebook(release_path(assignment))
        submissions = {name: make_submission(released, v["answers"]) for name, v in module.VARIANTS.items()}
        _graded[assignment] = autograde(assignment, submissions)
    return _graded[assignment]


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_points_and_cells_match_the_notebook(assignment):
    module = MODULES[assignment]
    nb = read_notebook(release_path(assignment))
    points = {gid: nbgrader_meta(cell)["points"] for gid, cell in graded_cells(nb).items()}
    assert points == module.POINTS
    for variant in module.VARIANTS.values():
        assert set(variant["points"]) == set(points)
        assert set(variant["answers"]) <= set(module.TEST_OF)


def _keys(module):
    return {key for v in module.VARIANTS.values() for key in v["mistakes"].values()}


def test_02_variants_cover_every_diagnosis():
    from mlcore.grading.specs import nb02

    spec_keys = {m.key for exercise in nb02.EXERCISES for m in exercise.mistakes}
    assert spec_keys <= _keys(a02), f"no variant for {spec_keys - _keys(a02)}"
    assert {"not_implemented", "warning", "sign", "in_place", "none", "reference", "exception"} <= _keys(a02)
    # COURSE.md's misconceptions that belong to notebook 02.
    assert a02.VARIANTS["tanh_prime_sigmoid_pattern"]["mistakes"] == {"tanh_prime_tests": "tanh_sigmoid_pattern"}
    assert a02.VARIANTS["sigmoid_prime_at_a"]["mistakes"] == {"sigmoid_prime_tests": "derivative_at_a"}
    assert a02.VARIANTS["tanh_prime_at_a"]["mistakes"] == {"tanh_prime_tests": "derivative_at_a"}
    assert sum(1 for v in a02.VARIANTS.values() if not v["mistakes"]) >= 5, "correct answers written differently"


def test_03_variants_cover_every_diagnosis():
    from mlcore.grading.specs import nb03

    spec_keys = {m.key for exercise in nb03.EXERCISES for m in exercise.mistakes}
    assert spec_keys <= _keys(a03), f"no variant for {spec_keys - _keys(a03)}"
    assert {"not_implemented", "factor", "sign", "in_place", "not_scalar", "reference"} <= _keys(a03)
    # COURSE.md's dropped 1/N of a mean, carried over to both gradients.
    assert a03.VARIANTS["grad_dropped_1_over_n"]["mistakes"] == {"softmax_cross_entropy_grad_tests": "factor"}
    assert a03.VARIANTS["bce_grad_dropped_1_over_n"]["mistakes"] == {"bce_grad_tests": "factor"}
    assert sum(1 for v in a03.VARIANTS.values() if not v["mistakes"]) >= 5, "correct answers written differently"


@pytest.mark.parametrize("assignment, name", CASES)
def test_scores(assignment, name):
    module = MODULES[assignment]
    assert_scores(graded(assignment)[name], module.VARIANTS[name]["points"], sum(module.POINTS.values()))


@pytest.mark.parametrize("assignment, name", FAILING)
def test_feedback_names_the_mistake(assignment, name):
    module = MODULES[assignment]
    result = graded(assignment)[name]
    for cell, key in module.VARIANTS[name]["mistakes"].items():
        assert_cell_feedback(result, cell, key)
    for cell in set(module.POINTS) - set(module.VARIANTS[name]["mistakes"]):
        assert_cell_feedback(result, cell)


def test_sigmoid_overflow_feedback_gives_the_two_branch_fix():
    text = graded(a02.ASSIGNMENT)["sigmoid_textbook_overflow"].outputs["sigmoid_tests"]
    assert "overflow encountered in exp" in text
    assert "np.exp(-np.abs(z))" in text


def test_tanh_misconception_feedback_names_the_right_formula():
    text = graded(a02.ASSIGNMENT)["tanh_prime_sigmoid_pattern"].outputs["tanh_prime_tests"]
    assert "sigmoid's pattern" in text and "1 - tanh(z)**2" in text


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_feedback_clears_hidden_tests(assignment):
    assert_hidden_tests_cleared(graded(assignment)["correct"])
