"""The instructor's path for 01_mse: nbgrader autogrades synthetic submissions (all in one nbgrader run)
and every score and every diagnosis in the feedback is what it should be.

The submissions are ``mlcore.classroom.answers.a01_mse.VARIANTS``: the blank notebook, the correct one,
one per diagnosed mistake (COURSE.md's dropped 2/N and flipped sign among them), and correct answers
written differently.
"""

import pytest

from mlcore.classroom.answers.a01_mse import POINTS, VARIANTS
from nbgrader_harness import autograde, make_submission, read_notebook, release_path

ASSIGNMENT = "01_mse"


@pytest.fixture(scope="module")
def graded():
    released = read_notebook(release_path(ASSIGNMENT))
    submissions = {name: make_submission(released, v["answers"]) for name, v in VARIANTS.items()}
    return autograde(ASSIGNMENT, submissions)


def test_variants_cover_every_diagnosis():
    """One submission per mistake the course names for 01 and per generic diagnosis that applies."""
    keys = {key for v in VARIANTS.values() for key in v["mistakes"].values()}
    assert {"not_implemented", "factor", "sign", "transpose", "shape", "in_place", "nan", "none", "reference",
            "rmse", "x_not_transposed", "missing_b", "db_not_summed"} <= keys
    for course_misconception in ("mse_grad_dropped_2_over_n", "linear_dropped_2_over_n",
                                 "mse_grad_flipped_sign", "linear_flipped_sign"):
        assert course_misconception in VARIANTS
    assert sum(1 for v in VARIANTS.values() if not v["mistakes"]) >= 5, "correct answers written differently"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_scores(graded, name):
    result = graded[name]
    assert result.needs_manual_grade == [], "every cell is graded automatically"
    got = {cell: score for cell, (score, _) in result.scores.items()}
    assert got == pytest.approx(VARIANTS[name]["points"])
    assert result.max_total == sum(POINTS.values())


@pytest.mark.parametrize("name", sorted(n for n, v in VARIANTS.items() if v["mistakes"]))
def test_feedback_names_the_mistake(graded, name):
    result = graded[name]
    for cell, key in VARIANTS[name]["mistakes"].items():
        tag = f"[mistake: {key}]"
        assert tag in result.outputs[cell], f"{cell} output:\n{result.outputs[cell][-2000:]}"
        assert tag in result.feedback_text
    # Cells that pass say so, and carry no diagnosis.
    for cell in set(POINTS) - set(VARIANTS[name]["mistakes"]):
        assert "[mistake:" not in result.outputs[cell], result.outputs[cell][-2000:]


def test_feedback_clears_hidden_tests(graded):
    """The hidden checks ran (their summaries are in the feedback), but their source is not shown."""
    result = graded["correct"]
    assert "BEGIN HIDDEN TESTS" in "".join(c.source for c in result.autograded.cells)
    assert "hidden checks" in result.feedback_text
    assert "BEGIN HIDDEN TESTS" not in result.feedback_html
