"""The out-of-kernel step of autograding (instructor.verify): a test cell whose checks did not print
their pass line earns nothing, even when a learner's code silenced the failure inside the kernel."""

import pytest
from nbformat.v4 import new_code_cell, new_output

from mlcore.grading import check
from instructor.verify import VerifyChecks, expected_passes, missing_passes, tampering
from nbgrader_harness import autograde, make_submission, read_notebook, release_path

TEST_SOURCE = 'check("mse", mse)\n### BEGIN HIDDEN TESTS\ncheck("mse", mse, hidden=True)\n### END HIDDEN TESTS\n'


def _test_cell(stdout):
    cell = new_code_cell(TEST_SOURCE, metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "mse_tests", "points": 1}})
    if stdout is not None:
        cell.outputs = [new_output("stream", name="stdout", text=stdout)]
    return cell


def _real_pass_lines(capsys):
    def mse(y, y_hat):
        return float(((y - y_hat) ** 2).mean())

    check("mse", mse)
    check("mse", mse, hidden=True)
    return capsys.readouterr().out


def test_expected_passes_reads_each_call():
    assert expected_passes(TEST_SOURCE) == [("mse", False), ("mse", True)]


def test_the_real_pass_lines_satisfy_the_verifier(capsys):
    # If check() ever changes the wording of its pass line, this fails before any class is graded.
    assert missing_passes(_test_cell(_real_pass_lines(capsys))) == []


@pytest.mark.parametrize("stdout", [None, "", "mse: passed 5 checks\n", "nothing to see\n"])
def test_a_cell_without_every_pass_line_gets_an_error(stdout):
    cell = _test_cell(stdout)
    cell, _ = VerifyChecks().preprocess_cell(cell, {}, 0)
    errors = [out for out in cell.outputs if out.output_type == "error"]
    assert len(errors) == 1 and "[mistake: tampered]" in errors[0].evalue


def test_a_cell_with_every_pass_line_is_left_alone(capsys):
    cell = _test_cell(_real_pass_lines(capsys))
    cell, _ = VerifyChecks().preprocess_cell(cell, {}, 0)
    assert not any(out.output_type == "error" for out in cell.outputs)


WRONG_MSE = """
def mse(y, y_hat):
    return 0.0
"""

# An answer cell that makes IPython wrap every later cell in try/except: inside the kernel the failing
# check is silenced and nbgrader alone would give full marks (measured, GRADING.md).
SILENCER = WRONG_MSE + """
def _silence(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]
get_ipython().input_transformers_post.append(_silence)
"""

CORRECT_MSE = """
def mse(y, y_hat):
    return float(((y - y_hat) ** 2).mean())
"""


# A forged check that prints exactly what the real one prints on a pass.
FORGER = WRONG_MSE + """
def check(name, fn, hidden=False, seed=None):
    print(f"{name}: passed 20 {'hidden checks' if hidden else 'checks'} on random inputs")
"""


@pytest.mark.parametrize(
    "source",
    [
        "check = lambda *a, **k: None",
        "def check(name, fn, hidden=False):\n    pass",
        "from builtins import print as check",
        "get_ipython().input_transformers_post.append(f)",
        "import sys\nsys.modules['mlcore.grading'].check = print",
        "import mlcore.grading\nmlcore.grading.check = print",
        "__builtins__.len = lambda x: 0",
        "import builtins\nbuiltins.abs = None",
        "globals()['ch' + 'eck'] = print",
    ],
)
def test_tampering_is_recognised(source):
    assert tampering(source)


@pytest.mark.parametrize(
    "source",
    [
        "def mse(y, y_hat):\n    checked = (y - y_hat) ** 2\n    return float(checked.mean())",
        "def check_shapes(a, b):\n    return a.shape == b.shape",
        "def mse_grad(y, y_hat):\n    # check: same shape as y_hat\n    return 2 * (y_hat - y) / y.size",
        "import numpy as np\nimport mlcore\nx = mlcore.sigmoid(np.zeros(3))",
        "result = np.isclose(a, b)\nif result.all() == True: pass",
    ],
)
def test_ordinary_answers_are_not_taken_for_tampering(source):
    assert tampering(source) == []


def test_autograde_gives_no_points_to_a_silenced_or_forged_check():
    released = read_notebook(release_path("01_mse"))
    subs = {
        "silencer": make_submission(released, {"mse_answer": SILENCER}),
        "forger": make_submission(released, {"mse_answer": FORGER}),
        "honest": make_submission(released, {"mse_answer": CORRECT_MSE}),
    }
    results = autograde("01_mse", subs, feedback=True)
    for cheat in ("silencer", "forger"):
        assert results[cheat].scores["mse_tests"][0] == 0
        assert "[mistake: tampered]" in results[cheat].feedback_text
    assert results["honest"].scores["mse_tests"][0] == results["honest"].scores["mse_tests"][1] > 0
