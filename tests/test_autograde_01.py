"""The instructor's path for 01_mse: nbgrader autogrades synthetic submissions and every score and every
diagnosis in the feedback is what it should be.

The submissions are ``instructor.answers.nb01.VARIANTS``: the blank notebook, the correct one,
one per diagnosed mistake (COURSE.md's dropped 2/N and flipped sign among them), and correct answers
written differently. Variants that change different functions share a submission (each test cell
grades only its own function), so the whole class is one nbgrader run per CPU.
"""

import pytest

from instructor.answers.nb01 import CORRECT, POINTS, TEST_OF, VARIANTS
from nbgrader_harness import assert_hidden_tests_cleared, assert_scores, assert_variant_scored_and_explained
from nbgrader_harness import autograde, make_submission, pack_variants, read_notebook, release_path

ASSIGNMENT = "01_mse"
PACKS = pack_variants(VARIANTS, CORRECT, POINTS, TEST_OF)
HOME = {variant: pack for pack in PACKS for variant in pack.members}


@pytest.fixture(scope="module")
def graded():
    released = read_notebook(release_path(ASSIGNMENT))
    return autograde(ASSIGNMENT, {p.name: make_submission(released, p.answers) for p in PACKS})


def test_variants_cover_every_diagnosis():
    """One submission per mistake the course names for 01 and per generic diagnosis that applies."""
    keys = {key for v in VARIANTS.values() for key in v["mistakes"].values()}
    assert {"not_implemented", "factor", "sign", "transpose", "shape", "in_place", "nan", "no_return", "reference",
            "rmse", "x_not_transposed", "missing_b", "db_not_summed"} <= keys
    for course_misconception in ("mse_grad_dropped_2_over_n", "linear_dropped_2_over_n",
                                 "mse_grad_flipped_sign", "linear_flipped_sign"):
        assert course_misconception in VARIANTS
    assert sum(1 for v in VARIANTS.values() if not v["mistakes"]) >= 5, "correct answers written differently"
    assert sorted(HOME) == sorted(VARIANTS), "every variant is graded"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_scores(graded, pack):
    assert_scores(graded[pack.name], pack.points, sum(POINTS.values()))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_scored_and_explained(graded, name):
    """The variant's own test cells get its expected points; each failing one names the mistake."""
    pack = HOME[name]
    assert_variant_scored_and_explained(graded[pack.name], VARIANTS[name], pack.members[name])


def test_feedback_clears_hidden_tests(graded):
    """The hidden checks ran (their summaries are in the feedback), but their source is not shown."""
    result = graded["correct"]
    assert "BEGIN HIDDEN TESTS" in "".join(c.source for c in result.autograded.cells)
    assert_hidden_tests_cleared(result)
