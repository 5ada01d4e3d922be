"""The instructor's path for every notebook with an answer catalogue: nbgrader autogrades the catalogue's
learner answers (``instructor/answers/nbNN.py``, found by listing that folder) and every score, every
mistake key and the words the catalogue lists are in the feedback.

Variants that change different answer cells (and call no answer cell another variant changes) share a
submission, so each notebook is ONE nbgrader run over a few submissions (:func:`graded_catalogue`, shared
with the notebook-specific autograde tests of the same pytest run).
"""

import pytest

from instructor import answers
from nbgrader_harness import assert_hidden_tests_cleared, assert_scores, assert_variant_scored_and_explained
from nbgrader_harness import catalogue_home, catalogue_packs, graded_catalogue, graded_cells, nbgrader_meta
from nbgrader_harness import read_notebook, release_path

ASSIGNMENTS = sorted(answers.catalogue())
PACKS = [(a, pack) for a in ASSIGNMENTS for pack in catalogue_packs(a)]
VARIANTS = [(a, name) for a in ASSIGNMENTS for name, v in sorted(answers.module_of(a).VARIANTS.items())
            if v.get("autograde", True)]  # the others: spellings graded in-process only (answers.spellings)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_and_cells_match_the_notebook(assignment):
    module = answers.module_of(assignment)
    nb = read_notebook(release_path(assignment))
    points = {gid: nbgrader_meta(cell)["points"] for gid, cell in graded_cells(nb).items()}
    assert points == module.POINTS
    for variant in module.VARIANTS.values():
        assert set(variant["points"]) == set(points)
        assert set(variant["answers"]) <= set(module.TEST_OF)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_variant_is_graded_in_fewer_submissions(assignment):
    module = answers.module_of(assignment)
    assert sorted(catalogue_home(assignment)) == sorted(n for n, v in module.VARIANTS.items() if v.get("autograde", True))
    assert len(catalogue_packs(assignment)) < len(module.VARIANTS)


@pytest.mark.parametrize("assignment,pack", PACKS, ids=lambda x: getattr(x, "name", x))
def test_scores(assignment, pack):
    total = sum(answers.module_of(assignment).POINTS.values())
    assert_scores(graded_catalogue(assignment)[pack.name], pack.points, total)


@pytest.mark.parametrize("assignment,name", VARIANTS)
def test_variant_scored_and_explained(assignment, name):
    """The variant's own test cells get its expected points; each failing one names the mistake and says
    the catalogue's words."""
    variant = answers.module_of(assignment).VARIANTS[name]
    pack = catalogue_home(assignment)[name]
    result = graded_catalogue(assignment)[pack.name]
    assert_variant_scored_and_explained(result, variant, pack.members[name])
    for cell, words in variant.get("says", {}).items():
        if cell in pack.members[name]:  # the feedback wraps long lines: compared with runs of spaces as one
            text = " ".join(result.outputs[cell].split())
            assert all(" ".join(w.split()) in text for w in words), (cell, words, result.outputs[cell][-2000:])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_clears_hidden_tests(assignment):
    """The hidden checks ran (their summaries are in the feedback), but their source is not shown."""
    result = graded_catalogue(assignment)["correct"]
    assert "BEGIN HIDDEN TESTS" in "".join(c.source for c in result.autograded.cells)
    assert_hidden_tests_cleared(result)
