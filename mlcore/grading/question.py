"""Self-check questions: ``check("q_name", value)`` grades a learner's answer *value*, not a function.

A notebook asks a short conceptual question; the learner answers with a number or a word in an answer
cell, and a locked test cell grades it::

    # answer cell (nbgrader solution cell): the line before BEGIN SOLUTION survives the release
    q_xor_single_unit = None   # your answer: a number
    # test cell
    from mlcore.grading import check
    check("q_xor_single_unit", q_xor_single_unit)

A :class:`Question` is declared in the notebook's spec module, in the same ``EXERCISES`` tuple as the
functions (names are unique across the course; start a question's name with ``q_``)::

    from mlcore.grading.question import Question, Wrong

    Q_XOR_SINGLE_UNIT = Question(
        name="q_xor_single_unit",
        prompt="the highest training accuracy one sigmoid unit can reach on the four XOR points",
        answer=0.75,                       # numbers match within a relative rtol
        rtol=1e-3,
        explanations={
            1.0: "...why a single unit cannot get all four...",     # key: q_choice_1
            0.5: Wrong("xor_chance", "...a line can do better..."),  # a named key instead
            (75, 75.0): "...give the accuracy as a fraction...",    # several spellings, one explanation
        },
        otherwise="...what to think about, for any other answer...",
        why="...shown with the pass line: what the right answer teaches...",
    )

    Q_RELU_VANISHING = Question(
        name="q_relu_vanishing",
        prompt="which activation makes deep stacks' gradients vanish",
        choices={"a": "relu", "b": "sigmoid", "c": "neither"},  # the learner answers a label
        answer="b",                        # strings match ignoring case and spaces
        explanations={"a": "...", "c": "..."},                   # every wrong choice explained
        otherwise="",                      # unused: with choices, other answers get q_not_a_choice
    )

Keys (each ends the failure message as ``[mistake: key]``):

- a listed wrong answer: its :class:`Wrong` key, else ``q_choice_<answer>`` (``q_choice_0.5``, ``q_choice_b``);
- any other wrong answer: ``q_other`` with ``otherwise`` (with ``choices``: ``q_not_a_choice``);
- ``None`` (not answered yet): ``not_implemented``, the key of an unwritten function, so a blank
  submission reads the same in every test cell;
- a value of the wrong kind (a list for a number, a word for a number): ``type``.

:meth:`Question.verdict` is a pure function of the value (no state, no randomness, no learner code
runs), so a grader in another process grades a question from the plain value alone. Values are
normalised by their exact type (int, float, NumPy scalars, a one-element array, a string such as
``"0.75"`` or ``"3/4"``); objects of other types are never asked to convert themselves.
"""

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from mlcore.grading.exercise import Mistake
from mlcore.grading.messages import pass_line, tag, tagged
from mlcore.i18n import tr

NOT_ANSWERED = "not_implemented"
OTHER = "q_other"
NOT_A_CHOICE = "q_not_a_choice"
WRONG_TYPE = "type"
_BAD = object()  # a value of the wrong kind


@dataclass(frozen=True)
class Wrong:
    """A listed wrong answer's explanation under a named key (instead of ``q_choice_<answer>``)."""

    key: str
    text: str


@dataclass(frozen=True)
class Verdict:
    """What a question says about one value: ``key`` is None when the answer is right."""

    key: str | None
    text: str
    shown: str  # the learner's answer as the message quotes it

    @property
    def passed(self):
        return self.key is None


def _is_number(value):
    return _as_number(value) is not _BAD and not isinstance(value, str)


def _as_number(value):
    """``value`` as a float, or ``_BAD``. Exact types only: a learner's object is never asked to convert itself."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.reshape(()).item()
    if type(value) in (bool, np.bool_):
        return _BAD  # True == 1 would be a coincidence, not an answer
    if type(value) in (str, np.str_):
        try:
            value = Fraction("".join(str.split(str(value))))  # "0.75", "3/4", "1e-3"
        except (ValueError, ZeroDivisionError):
            return _BAD
    if type(value) in (int, float, Fraction) or isinstance(value, (np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:  # an integer beyond float's range is simply a very large answer
            return math.inf if value > 0 else -math.inf
    return _BAD


def _as_text(value):
    """``value`` lower-cased with every space removed (and a final full stop dropped), or ``_BAD``."""
    if type(value) in (bool, np.bool_):
        return "true" if value else "false"
    if type(value) in (str, np.str_):
        text = "".join(str.split(str.casefold(str(value))))
        return text[:-1] if text.endswith(".") else text
    number = _as_number(value)
    return _BAD if number is _BAD else f"{number:g}"


def _spellings(entry):
    return tuple(entry) if isinstance(entry, (tuple, list)) else (entry,)


def _slug(spelling, numeric):
    text = f"{_as_number(spelling):g}" if numeric else _as_text(spelling)
    return "q_choice_" + re.sub(r"[^a-z0-9_.\-]+", "_", text.replace("+", ""))


@dataclass(frozen=True)
class Question:
    """A self-check question graded from the learner's answer value.

    Parameters
    ----------
    name : str
        The variable the learner sets and the name ``check`` is called with, e.g. ``"q_xor_single_unit"``.
    answer : number or str, or a tuple of accepted spellings
        Numbers match within ``rtol`` (relative) or ``atol``; strings ignoring case and spaces.
    explanations : dict
        Listed wrong answer (or a tuple of its spellings) -> explanation text, or a :class:`Wrong` for a
        named key. Each gets its own key and text.
    otherwise : str
        The explanation for any other wrong answer (key ``q_other``).
    prompt : str
        What is asked, in a few words; quoted in messages.
    why : str
        Shown after the pass line: what the right answer teaches.
    rtol, atol : float
        Tolerances for numeric answers: ``|value - answer| <= max(rtol * |answer|, atol)``.
    choices : dict or None
        Multiple choice: label -> wording (the learner answers with the label). Every wrong label
        must have its own explanation; an answer that is not a label gets ``q_not_a_choice``.
    """

    name: str
    answer: object
    explanations: dict
    otherwise: str
    prompt: str = ""
    why: str = ""
    rtol: float = 1e-6
    atol: float = 0.0
    choices: dict | None = None
    numeric: bool = field(init=False, repr=False, compare=False)
    _wrong: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"a question's name is the learner's variable, a Python identifier; got {self.name!r}")
        numeric = self.choices is None and all(_is_number(a) for a in _spellings(self.answer))
        object.__setattr__(self, "numeric", numeric)
        wrong = []
        for entry, explanation in self.explanations.items():
            spellings = _spellings(entry)
            for spelling in spellings:
                if self._normal(spelling) is _BAD:
                    raise ValueError(f"{self.name}: the listed wrong answer {spelling!r} is not a {self._kind()}")
                if self._is_right(spelling):
                    raise ValueError(f"{self.name}: the listed wrong answer {spelling!r} matches the right answer")
            if isinstance(explanation, Wrong):
                key, text = explanation.key, explanation.text
            else:
                key, text = _slug(spellings[0], numeric), explanation
            tag(key)  # a valid key, or ValueError now rather than at grading time
            wrong.append((spellings, key, text))
        keys = [key for _, key, _ in wrong]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.name}: two listed wrong answers share a key: {keys}")
        if self.choices is not None:
            labels = {_as_text(label) for label in self.choices}
            listed = {self._normal(s) for spellings, _, _ in wrong for s in spellings}
            right = {self._normal(a) for a in _spellings(self.answer)}
            if not right <= labels or not listed <= labels or labels - right - listed:
                raise ValueError(
                    f"{self.name}: the answer and the explained wrong answers must be the choices "
                    f"{sorted(labels)}, every wrong choice explained"
                )
        object.__setattr__(self, "_wrong", tuple(wrong))

    # ------------------------------------------------------------------ matching

    def _kind(self):
        return "number" if self.numeric else "word"

    def _normal(self, value):
        return _as_number(value) if self.numeric else _as_text(value)

    def _matches(self, value, spelling):
        if self.numeric:
            target = _as_number(spelling)
            return math.isfinite(value) and abs(value - target) <= max(self.rtol * abs(target), self.atol)
        return value == _as_text(spelling)

    def _is_right(self, value):
        value = self._normal(value)
        return value is not _BAD and any(self._matches(value, a) for a in _spellings(self.answer))

    # ------------------------------------------------------------------ grading

    @property
    def mistakes(self):
        """The listed wrong answers as :class:`~mlcore.grading.Mistake` objects (``wrong()`` returns the answer)."""
        return tuple(
            Mistake(key, text, lambda spelling=spellings[0]: spelling) for spellings, key, text in self._wrong
        )

    def verdict(self, value):
        """The :class:`Verdict` on ``value``: a pure function of the value."""
        shown = _show(value)
        if value is None:
            return Verdict(
                NOT_ANSWERED,
                tr("you have not answered yet: set {name} = <your answer> in the answer cell above, "
                   "run it, then run this cell.").format(name=self.name),
                shown,
            )
        normal = self._normal(value)
        if normal is _BAD:
            return Verdict(WRONG_TYPE, self._type_text(value), shown)
        if self._is_right(value):
            return Verdict(None, tr(self.why), shown)
        for spellings, key, text in self._wrong:
            if any(self._matches(normal, s) for s in spellings):
                return Verdict(key, tr(text), shown)
        if self.choices is not None:
            return Verdict(NOT_A_CHOICE, tr("{shown} is not one of the choices: answer with {labels}.").format(
                shown=shown, labels=self._labels()), shown)
        return Verdict(OTHER, tr(self.otherwise), shown)

    def _labels(self):
        labels = [repr(label) for label in self.choices]
        return tr(" or ").join([", ".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else labels[0]

    def _type_text(self, value):
        if self.choices is not None:
            return tr("your answer is {kind}; answer with the label of one choice: {labels}.").format(
                kind=_kind_of(value), labels=self._labels())
        if self.numeric:
            return tr(
                "your answer is {kind}; this question asks for a number, "
                "such as 0.25 (or a fraction written as a string, '1/4')."
            ).format(kind=_kind_of(value))
        return tr("your answer is {kind}; this question asks for a word, written as a string in quotes.").format(
            kind=_kind_of(value))

    def message(self, verdict, hidden=False):
        """The text a check prints (passed) or raises (failed) for ``verdict``."""
        about = tr(" ({prompt})").format(prompt=tr(self.prompt)) if self.prompt else ""
        if verdict.passed:
            line = tr("{pass_line}: your answer {shown} is right{about}.").format(
                pass_line=pass_line(self.name, 1, hidden), shown=verdict.shown, about=about)
            # TRANSLATORS: the pass line, then why the answer is right (Chinese needs no space between sentences)
            return tr("{line} {why}").format(line=line, why=verdict.text).rstrip()
        first = tr("{name}: your answer {shown} is not right yet{about}.").format(
            name=self.name, shown=verdict.shown, about=about)
        return f"{first}\n{tagged(verdict.text, verdict.key)}"

    def check(self, value, hidden=False):
        """Print the pass line, or raise :class:`~mlcore.grading.GradingError` naming the mistake."""
        from mlcore.grading.check import GradingError  # check imports the specs, which import this module

        verdict = self.verdict(value)
        text = self.message(verdict, hidden)
        if verdict.passed:
            print(text)
            return
        raise GradingError(text, exercise=self.name, mistakes=[verdict.key], seed=None, hidden=hidden)


def _show(value):
    if value is None or type(value) in (bool, int, float, str, np.bool_, np.str_) or isinstance(value, np.generic):
        text = repr(value.item() if isinstance(value, np.generic) else value)
    else:
        text = f"({_kind_of(value)})"
    return text if len(text) <= 40 else text[:37] + "..."


def _kind_of(value):
    if isinstance(value, np.ndarray):
        return tr("an array of shape {shape}{kind}").format(shape=value.shape, kind="")
    if type(value) in (str, np.str_):
        return tr("the word {word}").format(word=_show(str(value)))
    return tr("a {type}").format(type=type(value).__name__)
