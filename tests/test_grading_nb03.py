"""The checks of notebook 03 (binary cross-entropy, its gradients, softmax, softmax cross-entropy and
its gradient): every diagnosis fires on a learner-style wrong function, and correct functions written in
many ways pass, visible and hidden."""

import numpy as np
import pytest

import mlcore
from mlcore.grading import GradingError, check

from grading_util import assert_diagnosed, assert_passes

EPS = 1e-12


def sig(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def soft(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def soft32(z):
    # float32 arithmetic after the shift (float32 cannot hold 1000.123 to 1e-5, but z - max it can).
    e = np.exp((z - z.max(axis=1, keepdims=True)).astype(np.float32))
    return e / e.sum(axis=1, keepdims=True)


def onehot(y, K):
    return np.eye(K)[y]


# ----------------------------------------------------------------------------- binary_cross_entropy


def bce_clip(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_log1p(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return float(-(y * np.log(p) + (1 - y) * np.log1p(-p)).sum() / y.size)


def bce_where(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(np.log(np.where(y == 1, p, 1 - p)))


def bce_loop(y, p):
    total = 0.0
    for yi, pi in zip(y, p):
        pi = min(max(pi, EPS), 1 - EPS)
        total -= yi * np.log(pi) + (1 - yi) * np.log(1 - pi)
    return total / len(y)


def bce_einsum(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(np.einsum("i,i->", y, np.log(p)) + np.einsum("i,i->", 1 - y, np.log(1 - p))) / len(y)


@pytest.mark.parametrize(
    "fn", [bce_clip, bce_log1p, bce_where, bce_loop, bce_einsum,
           lambda y, p: np.float32(bce_clip(y.astype(np.float32), p))],
)
def test_binary_cross_entropy_correct_forms_pass(fn):
    assert_passes("binary_cross_entropy", fn)


def bce_unclipped(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_eps(eps):
    def bce(y, p):
        p = np.clip(p, eps, 1 - eps)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return bce


@pytest.mark.parametrize(
    "fn, key",
    [
        (bce_unclipped, "unclipped_log"),
        (lambda y, p: bce_unclipped(y, np.clip(p, EPS, None)), "unclipped_log"),
        (lambda y, p: bce_unclipped(y, np.minimum(p, 1 - EPS)), "unclipped_log"),
        (bce_eps(1e-7), "clip_bound"),
        (bce_eps(1e-15), "clip_bound"),
        (lambda y, p: -np.mean(y * np.log(np.clip(p, EPS, 1 - EPS))), "missing_negative_class"),
        (lambda y, p: bce_clip(y, p) / np.log(10), "log10"),
        (lambda y, p: -bce_clip(y, p), "sign"),
        (lambda y, p: bce_clip(y, p) * y.size, "factor"),
        (lambda y, p: mlcore.binary_cross_entropy(y, p), "reference"),
        (lambda y, p: np.clip(p, EPS, 1 - EPS) * 0 + bce_clip(y, p), "not_scalar"),
    ],
)
def test_binary_cross_entropy_mistakes_diagnosed(fn, key):
    assert_diagnosed("binary_cross_entropy", fn, key)


def test_bce_factor_names_the_mean():
    with pytest.raises(GradingError) as info:
        check("binary_cross_entropy", lambda y, p: bce_clip(y, p) * y.size, seed=0)
    assert "mean" in str(info.value)


# --------------------------------------------------------------------------------------- bce_grad


@pytest.mark.parametrize(
    "fn",
    [
        lambda y, p: (p - y) / (p * (1 - p)) / y.size,
        lambda y, p: (-y / p + (1 - y) / (1 - p)) / len(y),
        lambda y, p: -(y / p - (1 - y) / (1 - p)) / y.shape[0],
        lambda y, p: np.array([(pi - yi) / (pi * (1 - pi)) for yi, pi in zip(y, p)]) / len(y),
        lambda y, p: (lambda q: (q - y) / (q * (1 - q)) / y.size)(np.clip(p, EPS, 1 - EPS)),
        lambda y, p: ((p - y) / (p * (1 - p)) / y.size).astype(np.float32),
    ],
)
def test_bce_grad_correct_forms_pass(fn):
    assert_passes("bce_grad", fn)


@pytest.mark.parametrize(
    "fn, key",
    [
        (lambda y, p: (p - y) / y.size, "logits_grad_for_probabilities"),
        (lambda y, p: -(y / p + (1 - y) / (1 - p)) / y.size, "chain_rule_one_minus_p"),
        (lambda y, p: (p - y) * p * (1 - p) / y.size, "multiplied_by_p_one_minus_p"),
        (lambda y, p: (p - y) / (p * (1 - p)), "factor"),
        (lambda y, p: (y - p) / (p * (1 - p)) / y.size, "sign"),
        (lambda y, p: mlcore.bce_grad(y, p), "reference"),
        (lambda y, p: ((p - y) / (p * (1 - p)) / y.size)[:, None], "shape"),
    ],
)
def test_bce_grad_mistakes_diagnosed(fn, key):
    assert_diagnosed("bce_grad", fn, key)


def test_bce_grad_factor_names_n():
    with pytest.raises(GradingError) as info:
        check("bce_grad", lambda y, p: (p - y) / (p * (1 - p)), seed=0)
    assert "1/N" in str(info.value)


# ---------------------------------------------------------------------------- bce_with_logits_grad


def bce_logits_in_place_sigmoid(y, z):
    g = sig(z)
    g -= y
    g /= y.size
    return g


@pytest.mark.parametrize(
    "fn",
    [
        lambda y, z: (sig(z) - y) / y.size,
        lambda y, z: (mlcore.sigmoid(z) - y) / len(y),
        lambda y, z: (1 / (1 + np.exp(-z)) - y) / y.size,  # overflow warnings are not graded here
        lambda y, z: (0.5 * (1 + np.tanh(z / 2)) - y) / y.size,
        bce_logits_in_place_sigmoid,
        lambda y, z: ((sig(z) - y) / y.size).astype(np.float32),
    ],
)
def test_bce_with_logits_grad_correct_forms_pass(fn):
    assert_passes("bce_with_logits_grad", fn)


@pytest.mark.parametrize(
    "fn, key",
    [
        (lambda y, z: (z - y) / y.size, "missing_sigmoid"),
        (lambda y, z: (sig(z) - y) / (sig(z) * (1 - sig(z))) / y.size, "missing_chain_factor"),
        (lambda y, z: (sig(z) - y) * sig(z) * (1 - sig(z)) / y.size, "extra_sigmoid_prime"),
        (lambda y, z: sig(z) - y, "factor"),
        (lambda y, z: (y - sig(z)) / y.size, "sign"),
        (lambda y, z: mlcore.bce_with_logits_grad(y, z), "reference"),
    ],
)
def test_bce_with_logits_grad_mistakes_diagnosed(fn, key):
    assert_diagnosed("bce_with_logits_grad", fn, key)


# ------------------------------------------------------------------------------------------ softmax


def softmax_loop(z):
    out = np.empty_like(z, dtype=float)
    for i, row in enumerate(z):
        e = np.exp(row - max(row))
        out[i] = e / e.sum()
    return out


def softmax_logsumexp(z):
    m = z.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - lse)


def softmax_einsum(z):
    e = np.exp(z - z.max(axis=1)[:, None])
    return np.einsum("ik,i->ik", e, 1 / e.sum(axis=1))


def softmax_transposed_twice(z):
    e = np.exp(z.T - z.T.max(axis=0))
    return (e / e.sum(axis=0)).T


@pytest.mark.parametrize(
    "fn",
    [soft, softmax_loop, softmax_logsumexp, softmax_einsum, softmax_transposed_twice,
     lambda z: soft32(z)],
)
def test_softmax_correct_forms_pass(fn):
    assert_passes("softmax", fn)


def softmax_naive(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def softmax_in_place(z):
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "fn, key, visible",
    [
        (softmax_naive, "softmax_overflow", True),
        (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True), "softmax_global_max", False),
        (lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0), "softmax_wrong_axis", True),
        (lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=1, keepdims=True),
         "softmax_max_wrong_axis", True),
        (lambda z: soft(z - z.max(axis=0)), "softmax_max_wrong_axis", True),
        (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(), "softmax_sum_all", True),
        (lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1),
         "softmax_keepdims", True),
        (softmax_in_place, "in_place", True),
        (lambda z: mlcore.softmax(z), "reference", True),
    ],
)
def test_softmax_mistakes_diagnosed(fn, key, visible):
    assert_diagnosed("softmax", fn, key, visible=visible)


# ---------------------------------------------------------------------------- softmax_cross_entropy


def ce_logsumexp(y, z):
    m = z.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(np.mean(lse - z[np.arange(len(y)), y]))


def ce_log_softmax(y, z):
    return -np.mean(np.log(soft(z)[np.arange(z.shape[0]), y]))


def ce_onehot(y, z):
    return -np.sum(onehot(y, z.shape[1]) * np.log(soft(z))) / z.shape[0]


def ce_loop(y, z):
    total = 0.0
    for row, label in zip(z, y):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m))) - row[label]
    return total / len(y)


def ce_take_along_axis(y, z):
    return -np.take_along_axis(np.log(mlcore.softmax(z)), y[:, None], axis=1).mean()


@pytest.mark.parametrize(
    "fn",
    [ce_logsumexp, ce_log_softmax, ce_onehot, ce_loop, ce_take_along_axis,
     lambda y, z: -np.mean(np.log(soft32(z)[np.arange(len(y)), y]))],
)
def test_softmax_cross_entropy_correct_forms_pass(fn):
    assert_passes("softmax_cross_entropy", fn)


def ls(z):
    return np.log(soft(z))


@pytest.mark.parametrize(
    "fn, key, visible",
    [
        (lambda y, z: -np.mean(np.log(softmax_naive(z)[np.arange(len(y)), y])), "ce_overflow", True),
        (lambda y, z: -ls(z).sum() / len(y), "ce_whole_row", True),
        (lambda y, z: -ls(z).mean(), "ce_whole_row", True),
        (lambda y, z: -ls(z)[:, y].mean(), "ce_fancy_index", True),
        (lambda y, z: -np.sum(y * ls(z)) / len(y), "labels_as_onehot", False),
        (lambda y, z: -ls(z)[np.arange(len(y)), y].sum() / z.shape[1], "ce_divide_by_K", True),
        (lambda y, z: -soft(z)[np.arange(len(y)), y].mean(), "ce_missing_log", True),
        (lambda y, z: -z[np.arange(len(y)), y].mean(), "ce_missing_logsumexp", True),
        (lambda y, z: ls(z)[np.arange(len(y)), y].mean(), "sign", True),
        (lambda y, z: -ls(z)[np.arange(len(y)), y].sum(), "factor", True),
        (lambda y, z: mlcore.softmax_cross_entropy(y, z), "reference", True),
    ],
)
def test_softmax_cross_entropy_mistakes_diagnosed(fn, key, visible):
    assert_diagnosed("softmax_cross_entropy", fn, key, visible=visible)


# ----------------------------------------------------------------------- softmax_cross_entropy_grad


def ce_grad_fancy(y, z):
    g = soft(z)
    g[np.arange(len(y)), y] -= 1
    return g / len(y)


def ce_grad_loop(y, z):
    N, K = z.shape
    g = np.zeros((N, K))
    for i in range(N):
        e = np.exp(z[i] - z[i].max())
        s = e / e.sum()
        for k in range(K):
            g[i, k] = (s[k] - (1.0 if k == y[i] else 0.0)) / N
    return g


def ce_grad_jacobian(y, z):
    # The long way: dl/ds (N, K) times each row's softmax Jacobian s_k (delta_kj - s_j).
    s = soft(z)
    N, K = s.shape
    dl_ds = np.zeros((N, K))
    dl_ds[np.arange(N), y] = -1.0 / s[np.arange(N), y] / N
    jac = np.einsum("ik,kj->ikj", s, np.eye(K)) - np.einsum("ik,ij->ikj", s, s)
    return np.einsum("ik,ikj->ij", dl_ds, jac)


@pytest.mark.parametrize(
    "fn",
    [
        lambda y, z: (soft(z) - onehot(y, z.shape[1])) / z.shape[0],
        lambda y, z: (mlcore.softmax(z) - mlcore.one_hot(y, z.shape[1])) / len(y),
        ce_grad_fancy,
        ce_grad_loop,
        lambda y, z: ((soft(z) - onehot(y, z.shape[1])) / len(y)).astype(np.float32),
    ],
)
def test_softmax_cross_entropy_grad_correct_forms_pass(fn):
    assert_passes("softmax_cross_entropy_grad", fn)


def test_softmax_cross_entropy_grad_through_the_jacobian_passes_on_moderate_logits():
    # Dividing by s underflows for the +-1000 rows, so this form is checked where it is exact.
    from mlcore.grading.specs import nb03

    rng = np.random.default_rng(0)
    for n, k in [(1, 2), (5, 3), (4, 4)]:
        y, z = rng.integers(0, k, n), rng.normal(size=(n, k))
        np.testing.assert_allclose(ce_grad_jacobian(y, z), nb03._losses.softmax_cross_entropy_grad(y, z), atol=1e-12)


@pytest.mark.parametrize(
    "fn, key, visible",
    [
        (lambda y, z: (softmax_naive(z) - onehot(y, z.shape[1])) / len(y), "grad_overflow", True),
        (lambda y, z: soft(z) / len(y), "grad_missing_onehot", True),
        (lambda y, z: (soft(z) - y[:, None]) / len(y), "grad_subtract_labels", True),
        (lambda y, z: (soft(z) - y) / len(y), "grad_subtract_labels", False),
        (lambda y, z: (z - onehot(y, z.shape[1])) / len(y), "grad_missing_softmax", True),
        (lambda y, z: -onehot(y, z.shape[1]) / soft(z) / len(y), "grad_wrt_probabilities", True),
        (lambda y, z: (soft(z) - onehot(y, z.shape[1])) * soft(z) * (1 - soft(z)) / len(y),
         "grad_extra_softmax_prime", True),
        (lambda y, z: soft(z) - onehot(y, z.shape[1]), "factor", True),
        (lambda y, z: (onehot(y, z.shape[1]) - soft(z)) / len(y), "sign", True),
        (lambda y, z: ((soft(z) - onehot(y, z.shape[1])) / len(y)).T, "transpose", False),
        (lambda y, z: mlcore.softmax_cross_entropy_grad(y, z), "reference", True),
    ],
)
def test_softmax_cross_entropy_grad_mistakes_diagnosed(fn, key, visible):
    assert_diagnosed("softmax_cross_entropy_grad", fn, key, visible=visible)
