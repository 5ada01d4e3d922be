"""``check(name, fn)``: grade one learner function on fresh random cases and explain any failure.

The order of a check follows GRADING.md:

1. draw the cases from a seeded generator (the seed is printed, so any result can be reproduced);
2. compute every reference value first, on the grader's own copies, with the import-time
   namespace restored (:mod:`mlcore.grading.pristine`);
3. run the learner's function on fresh copies, with mlcore's references switched off
   (:func:`mlcore._guard.blocking`) and its warnings and stderr captured;
4. compare and, on failure, diagnose (:mod:`mlcore.grading.diagnose`) with the import-time
   namespace restored again (the diagnosis may call the learner's function again on other cases,
   through the same capture: :func:`_prober`), then raise :class:`GradingError`.

A failure's message puts the diagnoses first (one line each, ending with ``[mistake: key]``), then how
many cases passed and the inputs of the case the diagnosis quotes, then the seed line. In a notebook
(:meth:`GradingError._render_traceback_`) the lines are wrapped at WIDTH characters, the tag kept whole.
"""

import contextlib
import copy
import io
import os
import re
import textwrap
import warnings

import numpy as np

from mlcore._guard import blocking
from mlcore.grading import specs
from mlcore.grading.compare import as_numbers, leaves, pick
from mlcore.grading.diagnose import Run, describe_case, diagnose, fails
from mlcore.grading.messages import mistakes_in, pass_line, tag, tagged
from mlcore.grading.pristine import pristine
from mlcore.grading.question import Question
from mlcore.i18n import tr

SEED_VARIABLE = "MLCORE_GRADING_SEED"
FLOAT32_EPS = float(np.finfo(np.float32).eps)
SLACK_FACTOR = 30  # float32 arithmetic inside a function rounds many times, not just its inputs
WIDTH = 100  # nbgrader's Validate dialog shows each line unwrapped in a box about 920 px wide
_WIDE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")  # Chinese: two columns a character, no spaces


class GradingError(AssertionError):
    """A graded function is not right yet; the message says why.

    Attributes
    ----------
    exercise : str
        The graded function's name.
    mistake : str
        Key of the first diagnosis (see :mod:`mlcore.grading.diagnose`), e.g. ``"factor"``.
    mistakes : tuple of str
        Keys of every diagnosis, one per wrong returned value.
    seed : int
        The seed that reproduces the failure: ``check(name, fn, seed=seed)``.
    hidden : bool
        Whether the failing check was a hidden one.
    """

    def __init__(self, message, *, exercise, mistakes, seed, hidden):
        super().__init__(message)
        self.exercise = exercise
        self.mistakes = tuple(mistakes)
        self.mistake = self.mistakes[0]
        self.seed = seed
        self.hidden = hidden

    def __str__(self):
        return self.args[0]

    def _render_traceback_(self):
        # IPython (and so nbgrader's Validate dialog, which shows each line unwrapped in a box about 920 px
        # wide) shows these lines instead of a traceback through the grader's internals.
        return wrap(f"GradingError: {self}")


@contextlib.contextmanager
def _captured(exercise):
    """Run the learner's code with its references blocked and its warnings and stderr captured."""
    with (
        warnings.catch_warnings(record=True) as caught,
        # Floating-point trouble becomes a recorded warning, not output; underflow to 0 is
        # harmless and NumPy ignores it by default.
        np.errstate(all="warn", under="ignore"),
        contextlib.redirect_stderr(io.StringIO()),  # nbgrader fails a cell that writes to stderr
        blocking(exercise.guarded),
    ):
        warnings.simplefilter("always")
        yield caught


def _inputs_changed(original, given):
    """Names of the inputs whose values differ from the grader's copy after the call."""
    return tuple(name for name in original if not _same_input(original[name], given[name]))


def _same_input(a, b):
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same_input(x, y) for x, y in zip(a, b))
    return True  # numbers are immutable; generators and functions are meant to be used


@contextlib.contextmanager
def _quiet():
    """The grader's own work (cases, references, diagnosis) writes no warnings and no stderr."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _run_reference(exercise, case):
    return exercise.reference(*copy.deepcopy(case).values())


def _perturbed(value, rng):
    """``value`` with every float multiplied by (1 + u·eps32), u uniform in [-1, 1]."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value * (1 + FLOAT32_EPS * rng.uniform(-1, 1, size=value.shape))
    if isinstance(value, float):
        return value * (1 + FLOAT32_EPS * float(rng.uniform(-1, 1)))
    if isinstance(value, (list, tuple)):
        return type(value)(_perturbed(item, rng) for item in value)
    return value


def _slack(exercise, case, expected, rng):
    """Per leaf path, how far rounding the inputs to float32 moves the reference, times SLACK_FACTOR.

    None when the reference refuses the rounded inputs (e.g. a probability pushed above 1).
    """
    try:
        moved = [_run_reference(exercise, {k: _perturbed(v, rng) for k, v in case.items()}) for _ in range(2)]
    except Exception:
        return None
    slack = {}
    for _, path in leaves(expected, exercise.parts):
        want = as_numbers(pick(expected, path))
        shifts = [as_numbers(pick(m, path)) for m in moved]
        if want is None or any(s is None or s.shape != want.shape for s in shifts):
            return None
        with np.errstate(all="ignore"):
            biggest = np.max([np.abs(s - want) for s in shifts], axis=0)
        slack[path] = SLACK_FACTOR * np.where(np.isfinite(biggest), biggest, 0.0)
    return slack


def _copied(value):
    try:
        return copy.deepcopy(value)
    except Exception:  # e.g. a generator: keep the object itself
        return value


def _run_learner(exercise, fn, run):
    """Call ``fn`` on a fresh copy of the case; record what it returned, raised, changed and warned.

    Only the call itself sees the learner's namespace; everything around it runs pristine.
    """
    got = None
    with pristine() as learner_namespace:
        given = copy.deepcopy(run.case)
        with _captured(exercise) as caught:
            try:
                with learner_namespace():
                    got = fn(*given.values())
                    if exercise.collect is not None:
                        got = exercise.collect(got)
            except Exception as error:  # any failure of the learner's code is reported, not raised
                run.error = error
        run.got = _copied(got)  # a later call must not be able to change this result
        run.warnings = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
        run.modified = _inputs_changed(run.case, given)


def _choose_seed(seed):
    if seed is not None:
        return int(seed)
    if os.environ.get(SEED_VARIABLE):
        return int(os.environ[SEED_VARIABLE])
    return int.from_bytes(os.urandom(4), "little") % 1_000_000


def _reproduce(name, seed, hidden):
    flag = ", hidden=True" if hidden else ""
    return tr("seed {seed}: {call} reproduces this.").format(seed=seed, call=f"check({name!r}, {name}{flag}, seed={seed})")


def _failure_message(exercise, runs, found, seed, hidden):
    """The diagnoses first (one line each, ending with its tag), then how many cases passed and which one is
    shown, then the seed line. :meth:`GradingError._render_traceback_` wraps it for the notebook."""
    run = next((d.run for d in found if d.run is not None), None) or next(
        (r for r in runs if r.error is not None), runs[0]
    )
    passed = sum(1 for r in runs if not r.modified and not fails(exercise, r))
    lines = [tagged(d.text if d.text.startswith(exercise.name) else f"{exercise.name}: {d.text}", d.key) for d in found]
    summary = (tr("{name} passed {passed} of {n} hidden checks; the one shown above failed on inputs {inputs}.")
               if hidden else
               tr("{name} passed {passed} of {n} checks; the one shown above failed on inputs {inputs}."))
    if run.case:  # a fixed answer (numbers worked by hand) has no inputs and no seed worth showing
        lines.append(summary.format(name=exercise.name, passed=passed, n=len(runs), inputs=describe_case(run.case)))
        lines.append(_reproduce(exercise.name, seed, hidden))
    return "\n".join(lines)


def wrap(text, width=None):
    """``text``'s lines wrapped at ``width`` characters (WIDTH by default), a ``[mistake: key]`` tag kept whole
    at the end of its line (never split from its key) and long words never broken; a line with Chinese in it
    gets half as many characters (each is two columns wide) and breaks inside a run of Chinese."""
    width = width or WIDTH
    out = []
    for line in text.splitlines():
        found = mistakes_in(line)
        mark = tag(found[-1]) if found and line.endswith(tag(found[-1])) else ""
        body = line[: len(line) - len(mark)].rstrip() if mark else line
        # A Chinese line has no spaces to break at and twice as wide characters: half the characters a line,
        # broken inside a run of Chinese.
        wide = bool(_WIDE.search(body))
        fits = width // 2 if wide else width
        pieces = textwrap.wrap(body, fits, break_long_words=wide, break_on_hyphens=False) or [""]
        if mark and len(pieces[-1]) + 1 + len(mark) <= fits:
            pieces[-1] = f"{pieces[-1]} {mark}"
        elif mark:
            pieces.append(mark)
        out += pieces
    return out


def _success_message(exercise, runs, seed, hidden):
    if not any(run.case for run in runs):  # a fixed answer (numbers worked by hand): nothing random to list
        return tr("{pass_line}: your values match the expected ones within a relative {rtol:g}.").format(
            pass_line=pass_line(exercise.name, len(runs), hidden), rtol=exercise.rtol)
    shown = [describe_case(run.case) for run in runs[:4]]
    examples = "; ".join(shown) + ("; ..." if len(runs) > 4 else "")
    more = "" if hidden else tr(" More checks on other random inputs run at grading.")
    rounding = tr(" (more where float32 rounding of the inputs alone moves them)") if exercise.rounding_slack else ""
    return tr(
        "{pass_line} on random inputs ({examples}): values within a relative "
        "{rtol:g} of the expected ones{rounding}, inputs left unchanged.{more} ({reproduce})"
    ).format(pass_line=pass_line(exercise.name, len(runs), hidden), examples=examples, rtol=exercise.rtol,
             rounding=rounding, more=more, reproduce=_reproduce(exercise.name, seed, hidden))


def grade(exercise, fn, *, hidden=False, seed=None):
    """Run ``fn`` on fresh cases; return ``(runs, diagnoses, seed)`` without printing or raising."""
    with pristine(), _quiet():
        seed = _choose_seed(seed)
        rng = np.random.default_rng([seed, int(hidden)])
        runs = [Run(case, _run_reference(exercise, case)) for case in exercise.cases(rng, hidden)]
        rounding = np.random.default_rng([seed, int(hidden), 1])
        for run in runs:
            if exercise.rounding_slack:
                run.slack = _slack(exercise, run.case, run.expected, rounding)
    for run in runs:
        _run_learner(exercise, fn, run)
    with pristine() as learner_namespace, _quiet():
        return runs, diagnose(exercise, runs, _prober(exercise, fn, learner_namespace)), seed


def _prober(exercise, fn, learner_namespace):
    """``probe(case) -> Run``: the learner's function on a new case, run exactly like a check's case.

    The diagnosis calls it (from inside the grader's pristine namespace) to re-run the function on other
    sizes or changed inputs; it only ever calls ``fn`` with ordinary arguments.
    """

    def probe(case):
        try:
            expected = _run_reference(exercise, case)
        except Exception:
            expected = None
        run = Run(case, expected)
        # What the function prints on the grader's extra cases would only bury the message.
        with learner_namespace(), contextlib.redirect_stdout(io.StringIO()):
            _run_learner(exercise, fn, run)
        return run

    return probe


def check(name, fn, *, hidden=False, seed=None):
    """Grade the learner's function ``fn`` for the exercise ``name``.

    Parameters
    ----------
    name : str
        The graded function's name in COURSE.md, e.g. ``"mse_grad"``.
    fn : callable
        The learner's function, called positionally in the signature's order; for a self-check
        question (:class:`mlcore.grading.question.Question`), the learner's answer value.
    hidden : bool
        False: a few small random cases (the visible check). True: about 20 varied random cases.
    seed : int, optional
        Reproduces an earlier run; default: the environment variable ``MLCORE_GRADING_SEED``,
        else a fresh seed. The seed is always printed or part of the failure message.

    Raises
    ------
    GradingError
        When ``fn`` is not right on some case, with a message that names the mistake.
    """
    __tracebackhide__ = True  # noqa: F841  (hides this frame in IPython and pytest tracebacks)
    with pristine():
        exercise = specs.exercise(name)
        if isinstance(exercise, Question):  # a self-check question: fn is the learner's answer value
            return exercise.check(fn, hidden=hidden)
    runs, found, seed = grade(exercise, fn, hidden=hidden, seed=seed)
    with pristine():
        if not found:
            print(_success_message(exercise, runs, seed, hidden))
            return
        message = _failure_message(exercise, runs, found, seed, hidden)
        error = GradingError(message, exercise=name, mistakes=[d.key for d in found], seed=seed, hidden=hidden)
    raise error from None
