"""Notebook 04's pen-and-paper backward pass (``hand_backward``) and its computational-graph figure.

The network is fixed (it is printed in the notebook), so the checks have one case; what is tested here is that
the right numbers pass in every reasonable spelling, that each mistake the exercise names is recognised from
its own numbers, and that the network has the properties its diagnoses rely on.
"""

import numpy as np
import pytest

from grading_util import BOTH, assert_diagnosed, assert_passes, mistakes_of
from mlcore.grading.specs.nb04 import HAND_NETWORK, HAND_PARTS

# Worked out by hand from HAND_NETWORK (independently of the spec's code): z1 = [[1, -2], [1, 2]],
# a1 = [[1, 0], [1, 2]], y_hat = [[2], [0]], and with N = 2 the mean's 2/N is 1.
DELTA2 = [[2.0], [-1.0]]
DELTA1 = [[2.0, 0.0], [-1.0, 1.0]]
DW1 = [[-1.0, -1.0], [-2.0, 2.0]]
DB1 = [1.0, 1.0]
DW2 = [[1.0], [-2.0]]
DB2 = [1.0]
RIGHT = tuple(np.array(v) for v in (DELTA2, DELTA1, DW1, DB1, DW2, DB2))
# delta1 when f'(z1) is forgotten, and what follows from it.
NO_F_PRIME = (np.array([[2.0, -2.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [-2.0, 2.0]]), np.array([1.0, -1.0]))


def answer(*values):
    return lambda: values


def test_the_network_has_what_its_diagnoses_need():
    net = HAND_NETWORK
    z1 = net["X"] @ net["W1"] + net["b1"]
    assert np.all(np.abs(z1) >= 1), "pre-activations away from ReLU's kink"
    assert (z1 < 0).sum() == 1, "one unit switched off: a forgotten f' changes delta1"
    assert not np.allclose(RIGHT[2], RIGHT[2].T), "dW1 not symmetric: a transposed dW1 shows"
    assert RIGHT[0][0, 0] != RIGHT[0][1, 0], "the two samples' errors differ"
    for value in (*HAND_NETWORK.values(), *RIGHT):
        assert np.array_equal(value, np.round(value)), "small integers only"
    assert len(HAND_PARTS) == 6


@pytest.mark.parametrize(
    "values",
    [
        RIGHT,
        (DELTA2, DELTA1, DW1, DB1, DW2, DB2),  # plain lists
        ([2, -1], DELTA1, DW1, DB1, [1, -2], 1),  # vectors flat, db2 a number
        tuple(np.asarray(v, dtype=np.float32) for v in RIGHT),
        [np.array(v) for v in RIGHT],  # a list instead of a tuple
    ],
    ids=["arrays", "lists", "flat_vectors", "float32", "list"],
)
def test_the_right_numbers_pass_in_any_spelling(values):
    assert_passes("hand_backward", answer(*values))


@pytest.mark.parametrize(
    "values, key",
    [
        (tuple(-v for v in RIGHT), "sign_flipped"),  # y - y_hat: COURSE.md's flipped sign
        ((RIGHT[0], NO_F_PRIME[0], NO_F_PRIME[1], NO_F_PRIME[2], RIGHT[4], RIGHT[5]), "missing_act_prime"),
        ((RIGHT[0], NO_F_PRIME[0]) + RIGHT[2:], "missing_act_prime"),  # delta1 alone
        (RIGHT[:2] + (RIGHT[2].T,) + RIGHT[3:], "dW_transposed"),  # W where W.T belongs
        (tuple(v / 2 for v in RIGHT), "half"),  # the 2 of the square dropped
        (RIGHT[:3] + (RIGHT[3] / 2,) + RIGHT[4:], "db_mean"),
        (RIGHT[:5] + (RIGHT[5] / 2,), "db_mean"),
        (RIGHT[:4] + (RIGHT[4] / 2,) + RIGHT[5:], "factor"),  # dW2 divided by N again
        (RIGHT[:5], "type"),
        ((RIGHT[0], RIGHT[1], RIGHT[2].ravel()) + RIGHT[3:], "shape"),  # a flat list of four leaves W's orientation open
    ],
    ids=["sign", "f_prime", "f_prime_delta1_only", "dW1_transposed", "half", "db1_mean", "db2_mean", "dW2_mean",
         "five_values", "dW1_flat"],
)
def test_each_mistake_is_named(values, key):
    assert_diagnosed("hand_backward", answer(*values), key)


@BOTH
def test_not_written_yet(hidden):
    def hand_backward():
        raise NotImplementedError()

    assert mistakes_of("hand_backward", hand_backward, hidden) == ("not_implemented",)


@BOTH
def test_a_wrong_number_nobody_predicted_shows_the_entry(hidden):
    wrong = RIGHT[:2] + (RIGHT[2] + np.array([[1.0, 0.0], [0.0, 0.0]]),) + RIGHT[3:]
    assert mistakes_of("hand_backward", answer(*wrong), hidden) == ("mismatch",)


def test_the_graph_figure_draws_every_step():
    import matplotlib

    matplotlib.use("Agg")
    from mlcore import plots

    for step in (None, *plots.BACKPROP_STEPS):
        fig, ax = plots.subplots(width=10, height=4.6)
        plots.plot_backprop_graph(ax, step=step)
        assert ax.get_title() and ax.get_xlabel()
        plots.plt.close(fig)
    with pytest.raises(ValueError, match="step must be one of"):
        plots.plot_backprop_graph(ax, step="delta3")


def test_the_notebook_prints_the_network_the_spec_grades():
    """The numbers in notebook 04 (its array cell and its displayed matrices) are HAND_NETWORK's."""
    import re

    from nbgrader_harness import read_notebook, solution_path

    nb = read_notebook(solution_path("04_delta_recursion"))
    code = next(c.source for c in nb.cells if c.cell_type == "code" and "X_hand = " in c.source)
    names = {}
    exec(code.split("\nz1_hand")[0], {"np": np}, names)
    for key in ("X", "W1", "b1", "W2", "b2", "y"):
        assert np.array_equal(names[f"{key}_hand"], HAND_NETWORK[key]), key
    text = next(c.source for c in nb.cells if c.cell_type == "markdown" and "2-2-1 network" in c.source)
    matrices = re.findall(r"([Xy]|[Wb]\^\d) = \\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", text)
    assert len(matrices) == 6, matrices
    for name, body in matrices:
        rows = [[float(v) for v in row.split("&")] for row in body.split("\\\\")]
        want = HAND_NETWORK[name.replace("^", "")]
        assert np.array_equal(np.array(rows).reshape(want.shape), want), name
