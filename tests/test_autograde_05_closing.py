"""Notebook 05's closing comparison, autograded: not a check of a test cell (the catalogue cannot express it),
but a section that trains the learner's own network next to mlcore's. Reuses the catalogue's nbgrader run
(``tests/test_autograde.py``)."""

import re

from nbgrader_harness import graded_catalogue

# Two correct trainings differ only by rounding (about 1e-16, depending on BLAS threads and summation order);
# a wrong function or another batch order moves the losses by per cent. The curves coincide when they agree
# to 1e-9 (relative; the losses are of order 1), notebook 05's SAME_RTOL.
CURVES_AGREE = 1e-9
_GAP = re.compile(r"(?:largest difference between the two curves:|agrees with mlcore's to a relative)\s*([-+0-9.eE]+)")


def test_closing_comparison_runs_on_the_correct_submission():
    """05's last section trains the learner's own network next to mlcore's: with the correct answers the two
    loss curves coincide, to rounding."""
    result = graded_catalogue("05_gradient_descent")["correct"]
    closing = [c for c in result.autograded.cells if c.cell_type == "code" and "train_own(start" in c.source]
    assert len(closing) == 1
    text = "".join(o.get("text", "") for o in closing[0].outputs if o.output_type == "stream")
    gap = _GAP.search(text)
    assert gap is not None and "Different" not in text, text
    assert float(gap.group(1)) <= CURVES_AGREE, text
