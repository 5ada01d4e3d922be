"""Self-check questions (``mlcore.grading.question``): ``check("q_name", value)`` grades a value.

The mechanism's tests come first, on toy questions registered for the test; the course's own questions
(declared in the spec modules) are tested below them.
"""

import builtins
from fractions import Fraction

import numpy as np
import pytest

from mlcore.grading import EXERCISES, GradingError, check
from mlcore.grading.messages import mistakes_in, pass_pattern
from mlcore.grading.question import Question, Wrong

NUMBER = Question(
    name="q_toy_number",
    prompt="three quarters",
    answer=0.75,
    rtol=1e-3,
    explanations={
        1.0: "one is too many: explanation ONE.",
        0.5: Wrong("toy_half", "a half is too few: explanation HALF."),
        (75, 75.0): "a percentage: explanation PERCENT.",
    },
    otherwise="explanation OTHER.",
    why="explanation WHY.",
)

WORD = Question(
    name="q_toy_word",
    answer=("dead units", "dying relu"),
    explanations={("vanishing gradients", "vanishing"): "explanation VANISH.", "no": Wrong("toy_no", "explanation NO.")},
    otherwise="explanation WORD-OTHER.",
)

CHOICE = Question(
    name="q_toy_choice",
    choices={"a": "relu", "b": "sigmoid", "c": "neither"},
    answer="b",
    explanations={"a": "explanation A.", "c": "explanation C."},
    otherwise="",
)

TOYS = (NUMBER, WORD, CHOICE)


@pytest.fixture(autouse=True)
def _register(monkeypatch):
    for question in TOYS:
        monkeypatch.setitem(EXERCISES, question.name, question)


def failure(name, value):
    with pytest.raises(GradingError) as info:
        check(name, value)
    error = info.value
    lines = str(error).splitlines()
    assert len(lines) == 2 and mistakes_in(lines[1]) == [error.mistake], str(error)
    assert error.exercise == name
    return error


def passes(name, value, capsys, hidden=False):
    check(name, value, hidden=hidden)
    out = capsys.readouterr().out
    assert pass_pattern(name, hidden).search(out), out
    return out


# ----------------------------------------------------------------------------- right answers


@pytest.mark.parametrize(
    "value", [0.75, 0.7502, 3 / 4, np.float64(0.75), np.float32(0.75), np.array(0.75), np.array([0.75]), "0.75", " 3/4 ", Fraction(3, 4)]
)
def test_a_right_number_passes_in_any_spelling(value, capsys):
    out = passes("q_toy_number", value, capsys)
    assert "explanation WHY." in out and "is right (three quarters)" in out


def test_the_hidden_flag_gives_the_hidden_pass_line(capsys):
    passes("q_toy_number", 0.75, capsys, hidden=True)


@pytest.mark.parametrize("value", ["dead units", "Dead Units", "  DEADUNITS.", "dying ReLU", np.str_("dead units")])
def test_a_right_word_passes_ignoring_case_and_spaces(value, capsys):
    passes("q_toy_word", value, capsys)


@pytest.mark.parametrize("value", ["b", "B", " b "])
def test_the_right_choice_passes(value, capsys):
    passes("q_toy_choice", value, capsys)


# ----------------------------------------------------------------------------- listed wrong answers


@pytest.mark.parametrize(
    "name, value, key, phrase",
    [
        ("q_toy_number", 1.0, "q_choice_1", "explanation ONE."),
        ("q_toy_number", 1, "q_choice_1", "explanation ONE."),
        ("q_toy_number", "1", "q_choice_1", "explanation ONE."),
        ("q_toy_number", 0.5, "toy_half", "explanation HALF."),
        ("q_toy_number", "1/2", "toy_half", "explanation HALF."),
        ("q_toy_number", 75, "q_choice_75", "explanation PERCENT."),
        ("q_toy_number", 75.01, "q_choice_75", "explanation PERCENT."),  # within rtol of a listed answer
        ("q_toy_word", "Vanishing Gradients", "q_choice_vanishinggradients", "explanation VANISH."),
        ("q_toy_word", "vanishing", "q_choice_vanishinggradients", "explanation VANISH."),
        ("q_toy_word", "NO", "toy_no", "explanation NO."),
        ("q_toy_choice", "a", "q_choice_a", "explanation A."),
        ("q_toy_choice", "C", "q_choice_c", "explanation C."),
    ],
)
def test_each_listed_wrong_answer_fails_with_its_own_key_and_text(name, value, key, phrase):
    error = failure(name, value)
    assert error.mistake == key
    assert phrase in str(error)
    others = {"explanation ONE.", "explanation HALF.", "explanation PERCENT.", "explanation VANISH.", "explanation NO.",
              "explanation A.", "explanation C.", "explanation OTHER.", "explanation WORD-OTHER."} - {phrase}
    assert not any(other in str(error) for other in others)


def test_the_keys_of_listed_wrong_answers_are_the_questions_mistakes():
    assert [m.key for m in NUMBER.mistakes] == ["q_choice_1", "toy_half", "q_choice_75"]
    for mistake in NUMBER.mistakes:  # each mistake's wrong() is an answer that the question diagnoses with its key
        assert NUMBER.verdict(mistake.wrong()).key == mistake.key


# ----------------------------------------------------------------------------- anything else


@pytest.mark.parametrize("value", [0.7, 0.76, 0.0, -0.75, 2, "0.8", float("nan"), float("inf"), 10**400, "-1e400"])
def test_an_unlisted_wrong_number_fails_with_the_general_explanation(value):
    error = failure("q_toy_number", value)
    assert error.mistake == "q_other" and "explanation OTHER." in str(error)


def test_an_unlisted_wrong_word_fails_with_the_general_explanation():
    error = failure("q_toy_word", "exploding gradients")
    assert error.mistake == "q_other" and "explanation WORD-OTHER." in str(error)


@pytest.mark.parametrize("value", ["d", "sigmoid", 2])
def test_an_answer_that_is_not_a_choice_names_the_choices(value):
    error = failure("q_toy_choice", value)
    assert error.mistake == "q_not_a_choice" and "'a', 'b' or 'c'" in str(error)


@pytest.mark.parametrize("name", ["q_toy_number", "q_toy_word", "q_toy_choice"])
def test_none_says_not_answered_yet(name):
    error = failure(name, None)
    assert error.mistake == "not_implemented"
    assert f"you have not answered yet: set {name} = " in str(error)


@pytest.mark.parametrize("value", [[0.75], np.array([0.75, 0.75]), "three quarters", True, 0.75j, {"a": 1}, "1/0"])
def test_a_value_of_the_wrong_kind_says_a_number_is_asked_for(value):
    error = failure("q_toy_number", value)
    assert error.mistake == "type" and "asks for a number" in str(error)


@pytest.mark.parametrize("value", [["b"], 0.5])
def test_a_choice_question_answered_with_a_list_or_a_fraction_is_a_type_or_choice_error(value):
    assert failure("q_toy_choice", value).mistake in {"type", "q_not_a_choice"}


def test_a_learners_object_is_never_asked_to_convert_itself():
    class Sneaky(float):
        def __float__(self):
            return 0.75

        def __eq__(self, other):
            return True

    class Text(str):
        def casefold(self):
            return "b"

    assert failure("q_toy_number", Sneaky(0.1)).mistake == "type"
    assert failure("q_toy_choice", Text("a")).mistake == "type"


def test_the_verdict_is_a_pure_function_of_the_value():
    """The clean room grades from a plain value: same value, same verdict, no matter how often or in which order."""
    values = [0.75, 1.0, 0.5, 0.1, None, "x", [1]]
    first = [NUMBER.verdict(v) for v in values]
    again = [NUMBER.verdict(v) for v in reversed(values)][::-1]
    assert first == again
    assert [v.key for v in first] == [None, "q_choice_1", "toy_half", "q_other", "not_implemented", "type", "type"]


def test_reassigned_builtins_change_no_verdict(capsys):
    saved = builtins.abs, builtins.isinstance, builtins.max
    builtins.abs, builtins.isinstance, builtins.max = (lambda x: 0), (lambda *a: True), (lambda *a, **k: 1e9)
    try:
        verdicts = []
        for value in (0.75, 0.1):
            try:
                check("q_toy_number", value)
                verdicts.append(None)
            except GradingError as error:
                verdicts.append(error.mistake)
    finally:
        builtins.abs, builtins.isinstance, builtins.max = saved
    assert verdicts == [None, "q_other"]


def test_an_unknown_name_still_lists_the_known_exercises():
    with pytest.raises(ValueError, match="q_toy_number"):
        check("q_no_such_question", 1)


# ----------------------------------------------------------------------------- declaring a question


@pytest.mark.parametrize(
    "kwargs, phrase",
    [
        ({"answer": 0.75, "explanations": {0.75: "x"}}, "matches the right answer"),
        ({"answer": 0.75, "explanations": {0.7505: "x"}, "rtol": 1e-3}, "matches the right answer"),
        ({"answer": 0.75, "explanations": {"many": "x"}}, "is not a number"),
        ({"answer": 0.75, "explanations": {1: "x", 2: Wrong("q_choice_1", "y")}}, "share a key"),
        ({"answer": 0.75, "explanations": {1: Wrong("bad key!", "x")}}, "mistake key"),
        ({"answer": "b", "explanations": {"a": "x"}, "choices": {"a": "", "b": "", "c": ""}}, "every wrong choice explained"),
        ({"answer": "d", "explanations": {"a": "x"}, "choices": {"a": "", "b": ""}}, "every wrong choice explained"),
        ({"answer": 1, "explanations": {}, "name": "q toy"}, "identifier"),
    ],
)
def test_a_badly_declared_question_fails_at_import(kwargs, phrase):
    kwargs = {"name": "q_bad", "otherwise": "", **kwargs}
    with pytest.raises(ValueError, match=phrase):
        Question(**kwargs)


# ----------------------------------------------------------------------------- q_relu_vanishing (notebook 02)
# Misconception 7, "ReLU causes vanishing gradients": the right choice is the saturating sigmoid's stack.


@pytest.mark.parametrize("value", ["b", "B", " b"])
def test_q_relu_vanishing_right_choice_passes(value, capsys):
    out = passes("q_relu_vanishing", value, capsys)
    assert "dead units" in out  # the pass line says what the answer teaches


# Each wrong choice: its own key, and a phrase found only in its own explanation.
Q_RELU_WRONG = {
    "a": ("q_choice_a", "relu' is 0 only where a unit is inactive"),
    "c": ("q_choice_c", "the two stacks behave very differently"),
    "d": ("q_choice_d", "'at most 1' is not 'equally'"),
}


@pytest.mark.parametrize("choice", sorted(Q_RELU_WRONG))
def test_q_relu_vanishing_each_wrong_choice_has_its_own_key_and_explanation(choice):
    key, phrase = Q_RELU_WRONG[choice]
    error = failure("q_relu_vanishing", choice)
    assert error.mistake == key
    assert phrase in str(error)
    for other, (_, other_phrase) in Q_RELU_WRONG.items():
        if other != choice:
            assert other_phrase not in str(error)


def test_q_relu_vanishing_every_wrong_choice_is_tested():
    question = EXERCISES["q_relu_vanishing"]
    assert set(question.choices) - {"b"} == set(Q_RELU_WRONG)
    assert {m.key for m in question.mistakes} == {key for key, _ in Q_RELU_WRONG.values()}


@pytest.mark.parametrize("value, key", [(None, "not_implemented"), ("e", "q_not_a_choice"), ("relu", "q_not_a_choice")])
def test_q_relu_vanishing_no_answer_or_no_choice(value, key):
    assert failure("q_relu_vanishing", value).mistake == key


# ----------------------------------------------------------------------------- q_applied_twice (notebook 03)
# Misconception 4, the activation applied twice: sigma(sigma(z)) never goes below sigma(0) = 1/2.

Q_TWICE_WRONG = {
    0.0: ("applied_once", "where sigma(z) itself heads"),
    0.731: ("upper_end", "the other end of the range"),
    1.0: ("applied_once_upper", "after the second sigma the values stay below"),
    0.25: ("slope_not_value", "the sigmoid's slope at 0"),
    0.269: ("negative_input", "would need the outer sigma to receive -1"),
}


@pytest.mark.parametrize("value", [0.5, "1/2", 0.5004, np.float64(0.5)])
def test_q_applied_twice_right_answer_passes(value, capsys):
    out = passes("q_applied_twice", value, capsys)
    assert "can never predict class 0" in out


@pytest.mark.parametrize("value", sorted(Q_TWICE_WRONG))
def test_q_applied_twice_each_wrong_answer_has_its_own_key_and_explanation(value):
    key, phrase = Q_TWICE_WRONG[value]
    error = failure("q_applied_twice", value)
    assert error.mistake == key and phrase in str(error)
    others = [p for v, (_, p) in Q_TWICE_WRONG.items() if v != value]
    assert not any(p in str(error) for p in others)


def test_q_applied_twice_every_listed_wrong_answer_is_tested():
    keys = {m.key for m in EXERCISES["q_applied_twice"].mistakes}
    assert keys == {key for key, _ in Q_TWICE_WRONG.values()}


@pytest.mark.parametrize("value, key", [(None, "not_implemented"), (0.6, "q_other"), ("half", "type")])
def test_q_applied_twice_no_answer_another_number_or_a_word(value, key):
    assert failure("q_applied_twice", value).mistake == key


def test_q_applied_twice_answer_is_the_sigmoid_of_zero():
    # The answer is computed, not remembered: sigma(sigma(z)) over a wide range of z, and its infimum sigma(0).
    import mlcore

    z = np.linspace(-40, 40, 2001)
    values = mlcore.sigmoid(mlcore.sigmoid(z))
    assert values.min() >= 0.5 and np.isclose(values.min(), mlcore.sigmoid(0.0))  # 0.5 in float64 far out
    assert np.isclose(values.max(), mlcore.sigmoid(1.0))
    assert EXERCISES["q_applied_twice"].answer == mlcore.sigmoid(0.0)


# ----------------------------------------------------------------------------- q_xor_single_unit (notebook 05)
# Misconception 6: one unit draws one line, and a line gets at most three of XOR's four corners.

Q_XOR_WRONG = {
    1.0: ("xor_separable", "not linearly separable"),
    0.5: ("xor_loss_optimum", "loss-optimal one"),
    0.25: ("xor_flip", "once w and b change sign"),
    0.0: ("xor_zero", "every corner on the wrong side"),
    75: ("xor_percent", "That is a percentage"),
}


@pytest.mark.parametrize("value", [0.75, "3/4", "0.75", np.float32(0.75)])
def test_q_xor_single_unit_right_answer_passes(value, capsys):
    out = passes("q_xor_single_unit", value, capsys)
    assert "A hidden layer is needed" in out


@pytest.mark.parametrize("value", sorted(Q_XOR_WRONG))
def test_q_xor_single_unit_each_wrong_answer_has_its_own_key_and_explanation(value):
    key, phrase = Q_XOR_WRONG[value]
    error = failure("q_xor_single_unit", value)
    assert error.mistake == key and phrase in str(error)
    others = [p for v, (_, p) in Q_XOR_WRONG.items() if v != value]
    assert not any(p in str(error) for p in others)


def test_q_xor_single_unit_every_listed_wrong_answer_is_tested():
    keys = {m.key for m in EXERCISES["q_xor_single_unit"].mistakes}
    assert keys == {key for key, _ in Q_XOR_WRONG.values()}


@pytest.mark.parametrize("value, key", [(None, "not_implemented"), (2 / 3, "q_other"), ([0.75, 0.5], "type")])
def test_q_xor_single_unit_no_answer_another_number_or_a_list(value, key):
    assert failure("q_xor_single_unit", value).mistake == key


def test_q_xor_single_unit_answer_is_the_best_line_on_the_four_corners():
    # Every line through a fine grid of directions and offsets: the best accuracy on XOR's corners is 3/4.
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    angles = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    W = np.stack([np.cos(angles), np.sin(angles)])  # (2, 360)
    offsets = np.linspace(-2, 2, 161)
    scores = X @ W  # (4, 360)
    predictions = scores[:, :, None] + offsets[None, None, :] > 0  # (4, 360, 161)
    best = np.max(np.mean(predictions == y[:, None, None], axis=0))
    assert best == EXERCISES["q_xor_single_unit"].answer == 0.75
