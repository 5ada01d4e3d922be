"""The instructor's path for 01_mse: nbgrader autogrades synthetic submissions and every score and every
diagnosis in the feedback is what it should be.

The submissions are ``mlcore.classroom.answers.a01_mse.VARIANTS``: the blank notebook, the correct one,
one per diagnosed mistake (COURSE.md's dropped 2/N and flipped sign among them), and correct answers
written differently. Variants that change different functions share a submission (each test cell
grades only its own function), so the whole class is one nbgrader run per CPU.
"""

import pytest

from mlcore.classroom.answers.a01_mse import CORRECT, POINTS, TEST_OF, VARIANTS
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
    assert {"not_implemented", "factor", "sign", "transpose", "shape", "in_place", "nan", "none", "reference",
            "rmse", "x_not_transposed", "missing_b", "db_not_summed"} <= keys
    for course_misconception in ("mse_grad_dropped_2_over_n", "linear_dropped_2_over_n",
                                 "mse_grad_flipped_sign", "linear_flipped_sign"):
        assert course_misconception in VARIANTS
    assert sum(1 for v in VARIANTS.values() if not v["mistakes"]) >= 5, "correct answers written differently"
    assert sorted(HOME) == sorted(VARIANTS), "every variant is graded"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_scores(graded, pack):
    result = graded[pack.name]
    assert result.needs_manual_grade == [], "every cell is graded automatically"
    assert {cell: score for cell, (score, _) in result.scores.items()} == pytest.approx(pack.points)
    assert result.max_total == sum(POINTS.values())


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_scored_and_explained(graded, name):
    """The variant's own test cells get its expected points; each failing one names the mistake."""
    pack = HOME[name]
    result = graded[pack.name]
    variant = VARIANTS[name]
    for cell in pack.members[name]:
        assert result.scores[cell][0] == variant["points"][cell], f"{cell}:\n{result.outputs[cell][-2000:]}"
        key = variant["mistakes"].get(cell)
        if key:
            tag = f"[mistake: {key}]"
            assert tag in result.outputs[cell], f"{cell} output:\n{result.outputs[cell][-2000:]}"
            assert tag in result.feedback_text
        else:
            assert "[mistake:" not in result.outputs[cell], result.outputs[cell][-2000:]


def test_feedback_clears_hidden_tests(graded):
    """The hidden checks ran (their summaries are in the feedback), but their source is not shown."""
    result = graded["correct"]
    assert "BEGIN HIDDEN TESTS" in "".join(c.source for c in result.autograded.cells)
    assert "hidden checks" in result.feedback_text
    assert "BEGIN HIDDEN TESTS" not in result.feedback_html
