"""An autograde step that runs outside the learner's kernel: a test cell earns its points only if its
checks said they passed.

nbgrader scores a test cell by its outputs alone: no error means full marks. Everything in the
kernel, the checks included, runs next to the learner's code, and GRADING.md measured that an IPython
input transformer registered in an answer cell (one that wraps every later cell in ``try/except``)
silences a failing check and earns full marks. No check inside the kernel can stop that, because the
transformer rewrites the check's own cell. This preprocessor runs in the nbgrader process after the
notebook was executed: for every ``check("name", fn)`` call in a test cell's source (restored from the
gradebook, so the learner cannot edit it) it requires the pass line that :func:`mlcore.grading.check`
prints; a missing one turns the cell into a failure with an explanation.

A learner could still print a forged pass line, for instance by redefining ``check``. So the step
also reads the answer cells: code that rebinds ``check``, reaches into IPython's cell machinery, the
grading package, ``sys.modules`` or the builtins fails every test cell of the notebook, with a message
that says an instructor should look at it. A learner never needs any of that to answer an exercise.

Enable it in ``nbgrader_config.py``, right after ``Execute`` in ``Autograde.autograde_preprocessors``.
"""

import re

from nbconvert.preprocessors import Preprocessor
from nbgrader.utils import is_grade, is_solution
from nbformat.v4 import new_output
from traitlets import Bool

from mlcore.grading.messages import pass_pattern, tag

# One check(...) call per line, at the start of the line, as every test cell in solutions/ writes it.
_CALL = re.compile(r"""^\s*check\(\s*["'](?P<name>\w+)["'](?P<rest>.*)$""", re.MULTILINE)
_HIDDEN = re.compile(r"hidden\s*=\s*True")
MISTAKE = "tampered"

# Code no answer needs, that can change what a check reports. Each pattern is a reason shown to the instructor.
_TAMPERING = {
    "rebinds check": re.compile(r"(^|[^.\w])check\s*=[^=]|\bdef\s+check\b|\bas\s+check\b|\bglobals\(\)|\bdel\s+check\b"),
    "changes how IPython runs cells": re.compile(
        r"get_ipython|input_transformer|ast_transformers|\bevents\.register|register_magic|set_custom_exc|\bsys\.(settrace|setprofile|displayhook|excepthook|stdout|stderr)\b"
    ),
    "touches the grader or the module registry": re.compile(r"mlcore\.(grading|_guard)|\b_guard\b|\bsys\.modules\b|\bimportlib\b"),
    "rebinds builtins": re.compile(r"\b__builtins__\b|\bimport\s+builtins\b|\bbuiltins\.\w+\s*="),
}


def tampering(source):
    """Reasons why answer-cell ``source`` may change what a check reports (empty if none)."""
    return [reason for reason, pattern in _TAMPERING.items() if pattern.search(source)]


def expected_passes(source):
    """The pass lines a test cell must print: a list of ``(name, hidden)``, one per check call."""
    return [(m["name"], bool(_HIDDEN.search(m["rest"]))) for m in _CALL.finditer(source)]


def missing_passes(cell):
    """The ``(name, hidden)`` checks of a code cell whose pass line is not in its stdout."""
    stdout = "".join(
        out.get("text", "") for out in cell.get("outputs", []) if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )
    missing, position = [], 0
    for name, hidden in expected_passes(cell.source):
        found = pass_pattern(name, hidden).search(stdout, position)
        if found is None:
            missing.append((name, hidden))
        else:
            position = found.end()
    return missing


def _is_test_cell(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def _is_answer_cell(cell):
    return cell.cell_type == "code" and is_solution(cell)


def _fail(cell, message):
    cell.outputs.append(new_output("error", ename="GradingError", evalue=message, traceback=[f"GradingError: {message}"]))


def _has_error(cell):
    return any(out.get("output_type") == "error" for out in cell.get("outputs", []))


class VerifyChecks(Preprocessor):
    """Fail every autograder test cell whose ``check`` calls did not all print their pass line."""

    enabled = Bool(True, help="nbconvert's preprocessors are off unless enabled").tag(config=True)

    def preprocess(self, nb, resources):
        reasons = sorted({r for cell in nb.cells if _is_answer_cell(cell) for r in tampering(cell.source)})
        if reasons:
            message = (
                f"an answer cell {' and '.join(reasons)}, which no exercise needs and which can change what "
                "the checks report; the test cells of this notebook earn no points until an instructor "
                f"has looked at it. {tag(MISTAKE)}"
            )
            self.log.warning("%s", message)
            for cell in nb.cells:
                if _is_test_cell(cell):
                    _fail(cell, message)
            return nb, resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if not _is_test_cell(cell) or _has_error(cell):
            return cell, resources
        missing = missing_passes(cell)
        if missing:
            names = ", ".join(f"{name}{' (hidden)' if hidden else ''}" for name, hidden in missing)
            message = (
                f"the check of {names} did not report a pass, although the cell raised no error. Something "
                "in the notebook changed how its cells run (for example an IPython input transformer or "
                "a redirected output), so this cell earns no points; an instructor can grade it by hand. "
                f"{tag(MISTAKE)}"
            )
            self.log.warning("Test cell %s: %s", cell.metadata["nbgrader"].get("grade_id"), message)
            _fail(cell, message)
        return cell, resources
