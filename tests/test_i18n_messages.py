"""The grader speaks Chinese in the Chinese edition: every diagnosis, pass line, hint and input-validation
error of mlcore comes from mlcore/locale/zh/LC_MESSAGES/mlcore.po, with the same ``[mistake: key]`` tags as
in English, and a pass line the autograder reads in either language.

(tests/test_i18n.py checks that the catalogue is complete, not fuzzy, and compiled.)
"""

import itertools
import re
import string

import numpy as np
import pytest

import mlcore
from instructor import translate
from mlcore import i18n
from mlcore.grading import GradingError, check
from mlcore.grading.check import wrap
from mlcore.grading.messages import mistakes_in, pass_line, pass_pattern
from test_catalogue import CATALOGUE, checks_of, learner_namespace, restored_modules  # noqa: F401

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SEED = 20240601  # the same cases in both languages, so the same mistakes are found
PER_NOTEBOOK = 10  # wrong answers sampled per notebook, one per mistake key, spread over the catalogue


def fields(text):
    """The str.format fields of a message ({name}, {value:.4g}), as a sorted set."""
    return sorted({f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None})


def test_translations_keep_the_format_fields():
    """A translation that drops, renames or adds a {field} breaks .format() or loses a value; spec texts
    (shown without .format) have none to keep, and neither has their translation."""
    catalog = translate.read_catalog(translate.messages_po_path("zh"))
    bad = [(m.id, m.string) for m in catalog if m.id and m.string and fields(m.id) != fields(m.string)]
    assert bad == []


def test_translations_are_chinese():
    """Every translated message with words in it is written in Chinese (not a copy of the English)."""
    catalog = translate.read_catalog(translate.messages_po_path("zh"))
    words = re.compile(r"[A-Za-z]{3,}")
    copied = [m.id for m in catalog if m.id and words.search(re.sub(r"\{[^}]*\}|`[^`]*`", "", m.id))
              and not CHINESE.search(m.string or "")]
    assert copied == []


def test_pass_line_read_in_both_languages():
    english = pass_line("mse_grad", 4, False)
    assert english == "mse_grad: passed 4 checks"  # the English edition's text is unchanged
    mlcore.set_language("zh")
    chinese, hidden = pass_line("mse_grad", 4, False), pass_line("mse_grad", 20, True)
    assert CHINESE.search(chinese) and chinese != english
    for language in ("en", "zh"):  # the parser does not depend on the language the grader runs in
        mlcore.set_language(language)
        visible, secret = pass_pattern("mse_grad", False), pass_pattern("mse_grad", True)
        assert visible.search(f"x\n{english} on random inputs") and visible.search(f"{chinese}（随机输入")
        assert secret.search(hidden + "（") and not secret.search(chinese) and not visible.search(hidden)
        assert not visible.search("mse_grad_x: passed 4 checks") and not visible.search("mse_grad: passed four")


def test_passing_check_prints_a_chinese_pass_line(capsys):
    mlcore.set_language("zh")
    check("mse_grad", lambda y, y_hat: 2 * (y_hat - y) / y.size, seed=SEED)
    out = capsys.readouterr().out
    assert pass_pattern("mse_grad", False).search(out) and CHINESE.search(out)
    assert "passed" not in out


def test_chinese_lines_wrapped_to_the_dialog_width():
    """The Validate dialog shows lines unwrapped: a Chinese line (no spaces, characters two columns wide) is cut
    at half the width, its tag kept whole; English lines are wrapped as before."""
    chinese = "导数" * 80 + " [mistake: factor]"
    lines = wrap(chinese, 100)
    assert "".join(lines).replace(" [mistake: factor]", "") == "导数" * 80
    assert all(len(line) <= 50 for line in lines) and lines[-1].endswith("[mistake: factor]")
    english = "lengthy " * 30 + "[mistake: factor]"
    lines = wrap(english, 100)
    assert " ".join(lines).split() == english.split() and lines[-1].endswith("[mistake: factor]")
    assert max(len(line) for line in lines) > 50 and all(len(line) <= 100 for line in lines)


def test_autograder_verify_reads_chinese_check_output(capsys):
    """instructor.verify requires one pass line per check() of a test cell: the Chinese edition's output
    satisfies it (and a cell missing one is still caught)."""
    from nbformat.v4 import new_code_cell, new_output

    from instructor.verify import missing_passes

    mlcore.set_language("zh")
    check("mse_grad", lambda y, y_hat: 2 * (y_hat - y) / y.size, seed=SEED)
    check("mse_grad", lambda y, y_hat: 2 * (y_hat - y) / y.size, hidden=True, seed=SEED)
    printed = capsys.readouterr().out
    source = 'check("mse_grad", mse_grad)\ncheck("mse_grad", mse_grad, hidden=True)'
    cell = new_code_cell(source, outputs=[new_output("stream", name="stdout", text=printed)])
    assert CHINESE.search(printed) and missing_passes(cell) == []
    first_only = new_code_cell(source, outputs=[new_output("stream", name="stdout", text=printed.splitlines()[0])])
    assert missing_passes(first_only) == [("mse_grad", True)]


def test_untranslated_and_empty_messages_pass_through():
    mlcore.set_language("zh")
    assert i18n.tr("a message nobody translated") == "a message nobody translated"
    assert i18n.tr("") == ""  # gettext("") would be the catalogue's header


def test_input_validation_errors_in_chinese():
    y = np.ones(3)
    for language in ("en", "zh"):
        mlcore.set_language(language)
        with pytest.raises(ValueError) as error:
            mlcore.mse(y, np.ones(4))
        with pytest.raises(TypeError) as kind:
            mlcore.sigmoid("z")
        assert ("(4,)" in str(error.value)) and ("y_hat" in str(error.value))
        assert bool(CHINESE.search(str(error.value))) == (language == "zh")
        assert bool(CHINESE.search(str(kind.value))) == (language == "zh")


def _sample():
    """(assignment, answer name): per notebook, the first wrong answer of each mistake key, up to
    PER_NOTEBOOK of them, so that the sample spans specific, generic and probed diagnoses."""
    chosen = []
    for assignment, variants in sorted(CATALOGUE.items()):
        seen, picked = set(), []
        for name in sorted(variants):
            keys = set(variants[name]["mistakes"].values())
            if variants[name]["answers"] and keys and not keys <= seen:
                seen |= keys
                picked.append((assignment, name))
        step = max(1, len(picked) // PER_NOTEBOOK)
        chosen += picked[::step][:PER_NOTEBOOK]
    return chosen


def _first_failure(assignment, namespace, test):
    for exercise, hidden in checks_of(assignment)[test]:
        try:
            check(exercise, namespace[exercise], hidden=hidden, seed=SEED)
        except GradingError as error:
            return error
    return None


@pytest.mark.parametrize("assignment,name", _sample())
def test_wrong_answer_diagnosed_in_chinese_with_the_english_keys(assignment, name):
    variant = CATALOGUE[assignment][name]
    namespace = learner_namespace(variant["answers"])
    for test, key in variant["mistakes"].items():
        if test not in checks_of(assignment):
            continue
        mlcore.set_language("en")
        english = _first_failure(assignment, namespace, test)
        mlcore.set_language("zh")
        chinese = _first_failure(assignment, namespace, test)
        assert english is not None and chinese is not None, test
        assert chinese.mistakes == english.mistakes and mistakes_in(str(chinese)) == mistakes_in(str(english))
        assert key in english.mistakes or key in mistakes_in(str(english)) or f"[mistake: {key}]" in str(english)
        tagged = [line for line in str(chinese).splitlines() if mistakes_in(line)]
        assert tagged and all(CHINESE.search(line) for line in tagged), str(chinese)
        assert not CHINESE.search(str(english)), str(english)


def test_language_does_not_leak_into_the_next_test():
    """Runs after tests that switch to Chinese (file order): tests/conftest.py put English back."""
    assert i18n.language() == "en" and i18n.tr("{name}: passed {count} checks") == "{name}: passed {count} checks"


def test_sample_spans_every_notebook():
    assert {a for a, _ in _sample()} == set(CATALOGUE)
    assert len(_sample()) >= 3 * len(CATALOGUE)
    assert len(list(itertools.chain(*(CATALOGUE[a][n]["mistakes"] for a, n in _sample())))) > 0
