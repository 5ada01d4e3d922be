"""Notebook 04's checks: every correct form passes, every learner mistake fails with its key.

backward's mistakes (made by the spec's own bug switches). The spellings of hidden_delta and layer_grads,
backward's correct ones and the bug hunt with any of its bugs left are catalogue entries
(``instructor/answers/nb04.py``, graded by ``tests/test_catalogue.py``); of those, only the cases the checks
draw are tested here.
"""

import numpy as np
import pytest

import mlcore
from mlcore.grading.specs import nb04

from grading_util import BOTH, verdict
from instructor.answers.nb04 import CORRECT
from test_catalogue import learner_namespace


# ============================================================================= hidden_delta


# Not a catalogue entry: a property of the cases the check draws, not of a learner's answer.
def test_hidden_delta_checks_include_square_layers():
    rng = np.random.default_rng(0)
    for hidden in (False, True):
        cases = nb04.HIDDEN_DELTA.cases(rng, hidden)
        square = [c for c in cases if c["W_next"].shape[0] == c["W_next"].shape[1] and c["z"].shape[0] != c["z"].shape[1]]
        assert square, "a square layer with N != D shows W vs W.T by value only"


# ============================================================================= backward


#: The catalogue's correct backward, as a learner's kernel defines it.
bw_reference_style = learner_namespace({"backward_answer": CORRECT["backward_answer"]})["backward"]


def _buggy(*bugs, order="normal"):
    def fn(params, cache, delta_L, act_prime):
        return nb04._variant(params, cache, delta_L, act_prime, bugs, order)

    return fn


def bw_appends_top_down(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads, delta = [], delta_L
    for l in range(L, 0, -1):
        grads += [cache.a[l - 1].T @ delta, delta.sum(axis=0)]
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads


def bw_sigma_prime_of_a(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads, delta = [None] * (2 * L), delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2], grads[2 * l - 1] = cache.a[l - 1].T @ delta, delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.a[l - 1])
    return grads


BACKWARD_MISTAKES = {
    "W instead of W.T (COURSE misconception)": (_buggy("W_not_transposed"), "W_not_transposed"),
    "act_prime at a instead of z (COURSE misconception)": (bw_sigma_prime_of_a, "act_prime_at_a"),
    "recursion forgets act_prime": (_buggy("missing_act_prime"), "missing_act_prime"),
    "dW transposed": (_buggy("dW_transposed"), "dW_transposed"),
    "db as a mean (1/N twice)": (_buggy("db_mean"), "db_mean"),
    "dW as a mean": (_buggy("dW_mean"), "dW_mean"),
    "db over the wrong axis": (_buggy("db_wrong_axis"), "db_wrong_axis"),
    "z[l] instead of z[l-1]": (_buggy("z_off_by_one"), "z_off_by_one"),
    "a[l] instead of a[l-1]": (_buggy("a_off_by_one"), "a_off_by_one"),
    "W of the wrong layer": (_buggy("W_off_by_one"), "W_off_by_one"),
    "act_prime applied to delta_L": (_buggy("act_prime_on_output"), "act_prime_on_output"),
    "grads from the top layer down": (bw_appends_top_down, "grads_reversed"),
    "grads grouped": (_buggy(order="grouped"), "grads_grouped"),
    "W and act_prime(a) together": (_buggy("W_not_transposed", "act_prime_at_a"), "W_not_transposed+act_prime_at_a"),
    "calls MLP.backward": (
        lambda params, cache, delta_L, act_prime: mlcore.MLP([1, 2]).backward(cache, np.zeros(len(delta_L), int)),
        "reference",
    ),
    "calls mlcore.backward": (lambda *args: mlcore.backward(*args), "reference"),
    "forgot return": (lambda *args: None, "no_return"),
    "returns one array": (lambda *args: np.concatenate([g.ravel() for g in bw_reference_style(*args)]), "exception"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(BACKWARD_MISTAKES))
def test_backward_mistakes_are_named(mistake, hidden):
    fn, key = BACKWARD_MISTAKES[mistake]
    error = verdict("backward", fn, hidden)
    assert error is not None and error.mistakes == (key,), error


def test_backward_wrong_sign_is_named_per_layer():
    error = verdict("backward", lambda *a: [-g for g in bw_reference_style(*a)], True)
    assert set(error.mistakes) == {"sign"}


def test_backward_keepdims_bias_names_the_layer():
    def keepdims(*args):
        return [g if i % 2 == 0 else g[None, :] for i, g in enumerate(bw_reference_style(*args))]

    error = verdict("backward", keepdims, False)
    assert error.mistake == "shape" and "grads[1] has shape (1," in str(error)


def test_backward_checks_cover_depths_and_square_layers():
    rng = np.random.default_rng(3)
    cases = nb04.BACKWARD.cases(rng, True)
    depths = {len(c["params"]) // 2 for c in cases}
    assert depths == {1, 2, 3, 4}
    square = [c for c in cases if any(W.shape[0] == W.shape[1] for W in c["params"][2::2])]
    assert len(square) >= 4
    names = {c["act_prime"].__name__ for c in cases}
    assert {"tanh_prime", "sigmoid_prime", "relu_prime"} <= names


def test_backward_visible_check_catches_act_prime_at_a():
    for seed in range(5):
        assert verdict("backward", bw_sigma_prime_of_a, False, seed=seed).mistake == "act_prime_at_a"

