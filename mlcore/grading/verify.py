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

Enable it in ``nbgrader_config.py``, right after ``Execute`` in ``Autograde.autograde_preprocessors``.
"""

import re

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

# One check(...) call per line, at the start of the line, as every test cell in solutions/ writes it.
_CALL = re.compile(r"""^\s*check\(\s*["'](?P<name>\w+)["'](?P<rest>.*)$""", re.MULTILINE)
_HIDDEN = re.compile(r"hidden\s*=\s*True")
MISTAKE = "tampered"


def expected_passes(source):
    """The pass lines a test cell must print: a list of ``(name, hidden)``, one per check call."""
    return [(m["name"], bool(_HIDDEN.search(m["rest"]))) for m in _CALL.finditer(source)]


def pass_line(name, hidden):
    """The regular expression of the line :func:`mlcore.grading.check` prints when ``name`` passes."""
    kind = "hidden checks" if hidden else "checks"
    return re.compile(rf"^{re.escape(name)}: passed \d+ {kind}\b", re.MULTILINE)


def missing_passes(cell):
    """The ``(name, hidden)`` checks of a code cell whose pass line is not in its stdout."""
    stdout = "".join(
        out.get("text", "") for out in cell.get("outputs", []) if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )
    missing, position = [], 0
    for name, hidden in expected_passes(cell.source):
        found = pass_line(name, hidden).search(stdout, position)
        if found is None:
            missing.append((name, hidden))
        else:
            position = found.end()
    return missing


def _is_test_cell(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def _has_error(cell):
    return any(out.get("output_type") == "error" for out in cell.get("outputs", []))


class VerifyChecks(Preprocessor):
    """Fail every autograder test cell whose ``check`` calls did not all print their pass line."""

    enabled = Bool(True, help="nbconvert's preprocessors are off unless enabled").tag(config=True)

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
                f"[mistake: {MISTAKE}]"
            )
            self.log.warning("Test cell %s: %s", cell.metadata["nbgrader"].get("grade_id"), message)
            cell.outputs.append(new_output("error", ename="GradingError", evalue=message, traceback=[f"GradingError: {message}"]))
        return cell, resources
