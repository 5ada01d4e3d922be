"""Notebook 04's checks: every correct form passes, every learner mistake fails with its key.

hidden_delta, layer_grads, backward and the bug hunt's fixed_backward, written the way learners write them:
loops, einsum, algebraic variants, float32 arithmetic, and each mistake as it shows up in an answer cell.
"""

import itertools
import re

import numpy as np
import pytest

import mlcore
from mlcore.grading.specs import nb04

from grading_util import BOTH, verdict


# ============================================================================= hidden_delta


def hd_vectorised(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * act_prime(z)


def hd_loops(delta_next, W_next, z, act_prime):
    N, D = z.shape
    out = np.zeros((N, D))
    fp = act_prime(z)
    for i in range(N):
        for j in range(D):
            out[i, j] = sum(delta_next[i, k] * W_next[j, k] for k in range(delta_next.shape[1])) * fp[i, j]
    return out


def hd_einsum(delta_next, W_next, z, act_prime):
    return np.einsum("ik,jk->ij", delta_next, W_next) * act_prime(z)


def hd_transpose_identity(delta_next, W_next, z, act_prime):
    return act_prime(z) * (W_next @ delta_next.T).T


def hd_float32(delta_next, W_next, z, act_prime):
    return (delta_next.astype(np.float32) @ W_next.astype(np.float32).T) * act_prime(z).astype(np.float32)


def hd_multiply(delta_next, W_next, z, act_prime):
    return np.multiply(np.dot(delta_next, np.transpose(W_next)), act_prime(z))


@BOTH
@pytest.mark.parametrize("fn", [hd_vectorised, hd_loops, hd_einsum, hd_transpose_identity, hd_float32, hd_multiply])
def test_hidden_delta_correct_forms_pass(fn, hidden):
    assert verdict("hidden_delta", fn, hidden) is None


def hd_in_place(delta_next, W_next, z, act_prime):
    z *= 0  # reuses z as scratch space
    z += (delta_next @ W_next.T)
    return z * 1.0


HIDDEN_DELTA_MISTAKES = {
    "W instead of W.T (COURSE misconception)": (
        lambda dn, W, z, ap: (dn @ W) * ap(z), "W_not_transposed", "only the values give this away"),
    "missing act_prime": (lambda dn, W, z, ap: dn @ W.T, "missing_act_prime", "missing chain-rule factor"),
    "act_prime of the product": (lambda dn, W, z, ap: ap(dn @ W.T), "act_prime_composed", "instead of multiplying"),
    "act_prime at the wrong variable": (
        lambda dn, W, z, ap: (dn @ W.T) * ap(dn @ W.T), "act_prime_wrong_variable", "wrong variable"),
    "sigmoid's a(1-a) on z": (lambda dn, W, z, ap: (dn @ W.T) * z * (1 - z), "sigmoid_prime_from_a", "a(1 - a)"),
    "sign flipped": (lambda dn, W, z, ap: -(dn @ W.T) * ap(z), "sign", "wrong sign"),
    "forgot return": (lambda dn, W, z, ap: None, "no_return", "return"),
    "in place": (hd_in_place, "in_place", "in place"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(HIDDEN_DELTA_MISTAKES))
def test_hidden_delta_mistakes_are_named(mistake, hidden):
    fn, key, words = HIDDEN_DELTA_MISTAKES[mistake]
    error = verdict("hidden_delta", fn, hidden)
    assert error is not None and error.mistake == key, error
    assert re.search(re.escape(words), str(error))


def test_hidden_delta_checks_include_square_layers():
    rng = np.random.default_rng(0)
    for hidden in (False, True):
        cases = nb04.HIDDEN_DELTA.cases(rng, hidden)
        square = [c for c in cases if c["W_next"].shape[0] == c["W_next"].shape[1] and c["z"].shape[0] != c["z"].shape[1]]
        assert square, "a square layer with N != D shows W vs W.T by value only"


def test_hidden_delta_reference_is_switched_off():
    error = verdict("hidden_delta", lambda dn, W, z, ap: mlcore.hidden_delta(dn, W, z, ap), True)
    assert error.mistake == "reference"


# ============================================================================= layer_grads


def lg_vectorised(a_prev, delta):
    return a_prev.T @ delta, delta.sum(axis=0)


def lg_loops(a_prev, delta):
    N, P = a_prev.shape
    D = delta.shape[1]
    dW = np.zeros((P, D))
    db = np.zeros(D)
    for i in range(N):
        for j in range(P):
            for k in range(D):
                dW[j, k] += a_prev[i, j] * delta[i, k]
        db += delta[i]
    return dW, db


def lg_einsum(a_prev, delta):
    return np.einsum("ij,ik->jk", a_prev, delta), np.einsum("ik->k", delta)


def lg_outer_sum(a_prev, delta):
    dW = sum(np.outer(a, d) for a, d in zip(a_prev, delta))
    return dW, np.ones(len(delta)) @ delta


def lg_float32(a_prev, delta):
    a, d = a_prev.astype(np.float32), delta.astype(np.float32)
    return a.T @ d, d.sum(axis=0)


def lg_list(a_prev, delta):
    return [(delta.T @ a_prev).T, np.sum(delta, axis=0)]


@BOTH
@pytest.mark.parametrize("fn", [lg_vectorised, lg_loops, lg_einsum, lg_outer_sum, lg_float32, lg_list])
def test_layer_grads_correct_forms_pass(fn, hidden):
    assert verdict("layer_grads", fn, hidden) is None


LAYER_GRADS_MISTAKES = {
    "dW transposed": (lambda a, d: (d.T @ a, d.sum(axis=0)), "dW_transposed", "transpose of the gradient"),
    "db as a mean (COURSE: the 1/N again)": (lambda a, d: (a.T @ d, d.mean(axis=0)), "db_mean", "mean over the samples"),
    "dW as a mean": (lambda a, d: (a.T @ d / len(a), d.sum(axis=0)), "dW_mean", "average over the samples"),
    "db over the wrong axis": (lambda a, d: (a.T @ d, d.sum(axis=1)), "db_wrong_axis", "over the units"),
    "db not summed": (lambda a, d: (a.T @ d, d), "db_not_summed", "summed over the"),
    "db summed over everything": (lambda a, d: (a.T @ d, float(d.sum())), "db_total_sum", "single number"),
    "sign flipped (a^T (y - y_hat))": (lambda a, d: (-(a.T @ d), -d.sum(axis=0)), "sign", "wrong sign"),
    "db with keepdims": (lambda a, d: (a.T @ d, d.sum(axis=0, keepdims=True)), "shape", "keepdims"),
    "only dW returned": (lambda a, d: a.T @ d, "type", "2 values"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(LAYER_GRADS_MISTAKES))
def test_layer_grads_mistakes_are_named(mistake, hidden):
    fn, key, words = LAYER_GRADS_MISTAKES[mistake]
    error = verdict("layer_grads", fn, hidden)
    assert error is not None and error.mistake == key, error
    assert re.search(re.escape(words), str(error))


# ============================================================================= backward


def bw_reference_style(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads


def bw_append_and_reverse(params, cache, delta_L, act_prime):
    L = len(params) // 2
    out = []
    delta = delta_L
    for l in reversed(range(1, L + 1)):
        W = params[2 * (l - 1)]
        out += [delta.sum(axis=0), cache.a[l - 1].T @ delta]
        delta = (delta @ W.T) * act_prime(cache.z[l - 1]) if l > 1 else None
    return out[::-1]


def bw_zip_pairs(params, cache, delta_L, act_prime):
    Ws = params[0::2]
    dWs, dbs = [], []
    delta = delta_L
    for l in range(len(Ws), 0, -1):
        dWs.insert(0, np.einsum("ij,ik->jk", cache.a[l - 1], delta))
        dbs.insert(0, np.einsum("ik->k", delta))
        if l > 1:
            delta = np.einsum("ik,jk->ij", delta, Ws[l - 1]) * act_prime(cache.z[l - 1])
    return [g for pair in zip(dWs, dbs) for g in pair]


def bw_float32(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L.astype(np.float32)
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].astype(np.float32).T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T.astype(np.float32)) * act_prime(cache.z[l - 1]).astype(np.float32)
    return grads


def bw_with_mlcore_pieces(params, cache, delta_L, act_prime):
    # Allowed: a learner stuck on hidden_delta or layer_grads builds backward from mlcore's.
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2], grads[2 * l - 1] = mlcore.layer_grads(cache.a[l - 1], delta)
        if l > 1:
            delta = mlcore.hidden_delta(delta, params[2 * l - 2], cache.z[l - 1], act_prime)
    return grads


def bw_tuple(params, cache, delta_L, act_prime):
    return tuple(bw_reference_style(params, cache, delta_L, act_prime))


@BOTH
@pytest.mark.parametrize(
    "fn", [bw_reference_style, bw_append_and_reverse, bw_zip_pairs, bw_float32, bw_with_mlcore_pieces, bw_tuple]
)
def test_backward_correct_forms_pass(fn, hidden):
    assert verdict("backward", fn, hidden) is None


def _buggy(*bugs, order="normal"):
    def fn(params, cache, delta_L, act_prime):
        return nb04._variant(params, cache, delta_L, act_prime, bugs, order)

    return fn


def bw_in_place(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = delta @ params[2 * l - 2].T
            delta *= act_prime(cache.z[l - 1])
            cache.z[l - 1] = None  # "free" the memory as it goes
    return grads


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
    "in place": (bw_in_place, "in_place"),
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


# ============================================================================= fixed_backward (bug hunt)


def test_fixed_backward_correct_passes():
    for hidden in (False, True):
        assert verdict("fixed_backward", bw_reference_style, hidden) is None


@BOTH
@pytest.mark.parametrize(
    "left", [c for k in range(1, 5) for c in itertools.combinations(nb04.HUNT_BUGS, k)], ids="+".join
)
def test_fixed_backward_names_the_bugs_left(left, hidden):
    error = verdict("fixed_backward", _buggy(*left), hidden)
    assert error is not None and error.mistake == "+".join(left), error
    if len(left) < 4:
        assert f"{len(left)} of the four bugs are" in str(error) or "one of the four bugs is" in str(error)


def test_fixed_backward_buggy_version_from_the_notebook():
    def buggy_backward(params, cache, delta_L, act_prime):
        L = len(params) // 2
        grads = [None] * (2 * L)
        delta = delta_L
        for l in range(L, 0, -1):
            W = params[2 * l - 2]
            grads[2 * l - 2] = delta.T @ cache.a[l - 1]
            grads[2 * l - 1] = delta.mean(axis=0)
            if l > 1:
                delta = (delta @ W) * act_prime(cache.a[l - 1])
        return grads

    error = verdict("fixed_backward", buggy_backward, True)
    assert error.mistake == "dW_transposed+db_mean+W_not_transposed+act_prime_at_a"
