"""Notebook 01's checks. Every learner answer (right ones, each mistake with the keys and words its
message must show) is in the catalogue ``instructor/answers/nb01.py``, graded in-process by
``tests/test_catalogue.py`` and end to end by ``tests/test_autograde.py``. Here: how a message with
several wrong values reads.
"""

import numpy as np
import pytest

from mlcore.grading import GradingError, check


def test_each_wrong_value_gets_its_own_diagnosis():
    def linear_mse_grads(X, y, w, b):
        r = X @ w + b - y
        return X.T @ r, np.sum(2 / len(y) * r, keepdims=True)  # dropped 2/N; db an array

    with pytest.raises(GradingError) as info:
        check("linear_mse_grads", linear_mse_grads)
    assert info.value.mistakes == ("factor", "not_scalar")
    lines = str(info.value).splitlines()
    assert lines[0].startswith("linear_mse_grads: dw is N/2 times")
    assert lines[1].startswith("linear_mse_grads: db should be a single number")
