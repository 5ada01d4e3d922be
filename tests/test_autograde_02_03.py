"""The instructor's path for 02_sigmoid_derivative and 03_cross_entropy: nbgrader autogrades synthetic
submissions (one nbgrader run per notebook) and every score and every diagnosis in the feedback is what it
should be.

The submissions are ``VARIANTS`` of ``instructor.answers.nb02`` and
``nb03``: the blank notebook, the correct one, one per diagnosed mistake (COURSE.md's
tanh(z)(1 - tanh(z)), the derivative taken at a instead of z and the dropped 1/N among them), and correct
answers written differently. Variants that change different answer cells share a submission (an answer
cell another variant's code calls counts as influencing that cell's test too), so each notebook is one
nbgrader run over a few submissions.
"""

import re

import pytest

from instructor.answers import nb02 as a02
from instructor.answers import nb03 as a03
from nbgrader_harness import assert_hidden_tests_cleared, assert_variant_scored_and_explained, pack_variants
from nbgrader_harness import autograde, make_submission, nbgrader_meta, read_notebook, release_path, graded_cells

MODULES = {a02.ASSIGNMENT: a02, a03.ASSIGNMENT: a03}
CASES = [(assignment, name) for assignment, module in MODULES.items() for name in sorted(module.VARIANTS)]


def influenced_tests(module):
    """answer cell -> the test cells its function can change: its own, and those of every answer cell whose
    code (correct or in some variant) calls it, e.g. a sigmoid_prime written as s = sigmoid(z)."""
    name = {cell: cell[: -len("_answer")] for cell in module.CORRECT}
    sources = [module.CORRECT] + [v["answers"] for v in module.VARIANTS.values()]
    tests = {cell: {module.TEST_OF[cell]} for cell in module.CORRECT}
    for answers in sources:
        for caller, source in answers.items():
            for callee in module.CORRECT:
                if callee != caller and re.search(rf"(?<![\w.]){name[callee]}\(", source):
                    tests[callee].add(module.TEST_OF[caller])
    return {cell: sorted(t) for cell, t in tests.items()}


PACKS = {a: pack_variants(m.VARIANTS, m.CORRECT, m.POINTS, influenced_tests(m)) for a, m in MODULES.items()}
HOME = {a: {v: p for p in packs for v in p.members} for a, packs in PACKS.items()}

_graded = {}


def graded(assignment):
    """Autograde every pack of ``assignment`` once (one nbgrader process) and keep the results."""
    if assignment not in _graded:
        released = read_notebook(release_path(assignment))
        submissions = {p.name: make_submission(released, p.answers) for p in PACKS[assignment]}
        _graded[assignment] = autograde(assignment, submissions)
    return _graded[assignment]


def result_of(assignment, name):
    """The graded submission that carries the variant ``name``."""
    return graded(assignment)[HOME[assignment][name].name]


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
    assert {"not_implemented", "warning", "sign", "in_place", "no_return", "reference", "shape_dependent"} <= _keys(a02)
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


def test_every_variant_is_graded():
    for assignment, module in MODULES.items():
        assert sorted(HOME[assignment]) == sorted(module.VARIANTS)
        assert len(PACKS[assignment]) < len(module.VARIANTS)


@pytest.mark.parametrize("assignment, name", CASES)
def test_variant_scored_and_explained(assignment, name):
    """The variant's own test cells get its expected points; each failing one names the mistake."""
    variant = MODULES[assignment].VARIANTS[name]
    pack = HOME[assignment][name]
    assert_variant_scored_and_explained(result_of(assignment, name), variant, pack.members[name])


def test_sigmoid_overflow_feedback_gives_the_two_branch_fix():
    text = result_of(a02.ASSIGNMENT, "sigmoid_textbook_overflow").outputs["sigmoid_tests"]
    assert "overflow encountered in exp" in text
    assert "np.exp(-np.abs(z))" in text


def test_tanh_misconception_feedback_names_the_right_formula():
    text = result_of(a02.ASSIGNMENT, "tanh_prime_sigmoid_pattern").outputs["tanh_prime_tests"]
    assert "sigmoid's pattern" in text and "1 - tanh(z)**2" in text


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_feedback_clears_hidden_tests(assignment):
    assert_hidden_tests_cleared(result_of(assignment, "correct"))
