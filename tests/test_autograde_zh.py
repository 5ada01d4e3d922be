"""The Chinese edition graded end to end: nbgrader autogrades the 01_mse catalogue's submissions in the
Chinese course (zh/nbgrader_config.py, zh/solutions), with the same scores and the same ``[mistake: key]``
tags as the English course (tests/test_autograde.py grades the same variants there), and the learner
reads the diagnoses in Chinese.
"""

import re

import pytest

from instructor.answers.nb01 import CORRECT, POINTS, TEST_OF, VARIANTS
from mlcore.grading.messages import mistakes_in
from nbgrader_harness import ROOT, assert_scores, assert_variant_scored_and_explained
from nbgrader_harness import autograde, make_submission, pack_variants, read_notebook

ASSIGNMENT = "01_mse"
EDITION = ROOT / "zh"
PACKS = pack_variants(VARIANTS, CORRECT, POINTS, TEST_OF)
HOME = {variant: pack for pack in PACKS for variant in pack.members}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def graded():
    released = read_notebook(EDITION / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return autograde(ASSIGNMENT, {p.name: make_submission(released, p.answers) for p in PACKS}, course=EDITION)


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_scores(graded, pack):
    assert_scores(graded[pack.name], pack.points, sum(POINTS.values()))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_scored_and_explained_with_the_english_keys(graded, name):
    pack = HOME[name]
    assert_variant_scored_and_explained(graded[pack.name], VARIANTS[name], pack.members[name])


def test_feedback_is_the_chinese_notebook(graded):
    result = graded["correct"]
    assert "mlcore.set_language(\"zh\")" in result.autograded.cells[
        next(i for i, c in enumerate(result.autograded.cells) if c.cell_type == "code")].source
    assert CHINESE.search(result.feedback_text), "the feedback shows the Chinese text"
    assert "BEGIN HIDDEN TESTS" in "".join(c.source for c in result.autograded.cells)
    # the hidden checks ran (their Chinese pass lines are in the feedback), but their source is not shown
    assert "BEGIN HIDDEN TESTS" not in result.feedback_html
    from mlcore import i18n

    try:
        i18n.set_language("zh")
        hidden_pass = i18n.tr("{name}: passed {count} hidden checks").split("{count}")[0].format(name="mse")
    finally:
        i18n.set_language("en")
    assert CHINESE.search(hidden_pass) and hidden_pass in result.feedback_text


def _failing_outputs(graded):
    for name, variant in VARIANTS.items():
        result = graded[HOME[name].name]
        for cell, keys in variant["mistakes"].items():
            yield name, cell, keys, result.outputs[cell]


def test_diagnoses_keep_their_keys(graded):
    """Each failing cell names exactly the keys the English course names, in the same order."""
    for name, cell, keys, output in _failing_outputs(graded):
        expected = list(keys) if isinstance(keys, tuple) else [keys]
        assert mistakes_in(output)[:len(expected)] == expected, f"{name} / {cell}:\n{output[-1500:]}"


def test_diagnoses_in_chinese(graded):
    """The words of every diagnosis a learner reads are Chinese (the message catalogue mlcore.po)."""
    english_only = []
    for name, cell, _, output in _failing_outputs(graded):
        message = output.split("Traceback")[-1]
        if not CHINESE.search(message):
            english_only.append(f"{name} / {cell}: {message[-300:]}")
    assert not english_only, "diagnoses not in Chinese:\n" + "\n".join(english_only[:5])
