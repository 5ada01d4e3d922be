"""Losses and their gradients: hand values, finite differences, properties, dtypes."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlcore

SHAPES = [(1,), (6,), (1, 1), (1, 4), (5, 1), (3, 4)]
ND = [(1, 1), (1, 3), (4, 1), (6, 3)]


def test_mse_hand_values():
    y, y_hat = np.array([1.0, 2.0]), np.array([1.0, 4.0])
    assert mlcore.mse(y, y_hat) == 2.0
    np.testing.assert_allclose(mlcore.mse_grad(y, y_hat), [0.0, 2.0])
    assert isinstance(mlcore.mse(y, y_hat), float)


def test_linear_mse_grads_hand_values():
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    y = np.array([1.0, 0.0])
    w = np.array([2.0, 1.0])
    # y_hat = X w + b = [2.5, 2.5]; residual r = [1.5, 2.5]; dw = (2/2) X^T r = [1.5, 5.0]; db = 4.0
    dw, db = mlcore.linear_mse_grads(X, y, w, 0.5)
    np.testing.assert_allclose(dw, [1.5, 5.0])
    assert db == pytest.approx(4.0) and isinstance(db, float)


def test_bce_hand_values_and_clipping():
    y, p = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    assert mlcore.binary_cross_entropy(y, p) == pytest.approx(np.log(2))
    np.testing.assert_allclose(mlcore.bce_grad(y, p), [-1.0, 1.0])  # (p - y) / (p(1-p)) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = mlcore.binary_cross_entropy(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
        grad = mlcore.bce_grad(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert loss == pytest.approx(-np.log(1e-12))
    assert np.all(np.isfinite(grad))
    assert mlcore.binary_cross_entropy(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == pytest.approx(0.0, abs=1e-11)


def test_bce_with_logits_matches_bce_of_sigmoid():
    rng = np.random.default_rng(0)
    z = rng.standard_normal(10) * 3
    y = rng.integers(0, 2, 10).astype(float)
    p = mlcore.sigmoid(z)
    assert mlcore.bce_with_logits(y, z) == pytest.approx(mlcore.binary_cross_entropy(y, p), rel=1e-10)
    np.testing.assert_allclose(mlcore.bce_with_logits_grad(y, z), (p - y) / y.size)
    # The grad through the sigmoid collapses to sigma(z) - y: chain rule bce_grad * sigmoid_prime.
    np.testing.assert_allclose(mlcore.bce_grad(y, p) * mlcore.sigmoid_prime(z), (p - y) / y.size, rtol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mlcore.bce_with_logits(np.array([1.0, 0.0]), np.array([-1000.0, 1000.0])) == pytest.approx(1000.0)


def test_softmax_cross_entropy_hand_values():
    z = np.zeros((2, 4))
    assert mlcore.softmax_cross_entropy(np.array([0, 3]), z) == pytest.approx(np.log(4))
    g = mlcore.softmax_cross_entropy_grad(np.array([0, 3]), z)
    np.testing.assert_allclose(g, [[-0.375, 0.125, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = mlcore.softmax_cross_entropy(np.array([1]), np.array([[1000.0, 0.0]]))
    assert big == pytest.approx(1000.0)


def test_one_hot():
    np.testing.assert_array_equal(mlcore.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    assert mlcore.one_hot([1, 1]).shape == (2, 2)
    g = mlcore.softmax_cross_entropy_grad(np.array([1, 0]), np.zeros((2, 2)))
    np.testing.assert_allclose(g, (mlcore.softmax(np.zeros((2, 2))) - mlcore.one_hot([1, 0], 2)) / 2)


@pytest.mark.parametrize("shape", SHAPES)
def test_mse_grad_matches_finite_differences(shape):
    rng = np.random.default_rng(sum(shape))
    y, y_hat = rng.standard_normal(shape), rng.standard_normal(shape)
    num = mlcore.numerical_gradient(lambda v: mlcore.mse(y, v), y_hat)
    np.testing.assert_allclose(mlcore.mse_grad(y, y_hat), num, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("N, D", ND)
def test_linear_mse_grads_match_finite_differences(N, D):
    rng = np.random.default_rng(N * 10 + D)
    X, y, w = rng.standard_normal((N, D)), rng.standard_normal(N), rng.standard_normal(D)
    b = np.array([0.3])
    dw, db = mlcore.linear_mse_grads(X, y, w, float(b[0]))
    num_w = mlcore.numerical_gradient(lambda v: mlcore.mse(y, X @ v + b[0]), w)
    num_b = mlcore.numerical_gradient(lambda v: mlcore.mse(y, X @ w + v[0]), b)
    np.testing.assert_allclose(dw, num_w, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(db, num_b[0], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(dw, mlcore.mse_grad(y, X @ w + b[0]) @ X, rtol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_bce_grads_match_finite_differences(shape):
    rng = np.random.default_rng(sum(shape) + 1)
    y = rng.integers(0, 2, shape).astype(float)
    p = rng.uniform(0.05, 0.95, shape)
    z = rng.standard_normal(shape) * 2
    num_p = mlcore.numerical_gradient(lambda v: mlcore.binary_cross_entropy(y, v), p)
    np.testing.assert_allclose(mlcore.bce_grad(y, p), num_p, rtol=1e-6, atol=1e-10)
    num_z = mlcore.numerical_gradient(lambda v: mlcore.bce_with_logits(y, v), z)
    np.testing.assert_allclose(mlcore.bce_with_logits_grad(y, z), num_z, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("N, K", [(1, 1), (1, 3), (5, 1), (4, 2), (6, 5)])
def test_softmax_cross_entropy_grad_matches_finite_differences(N, K):
    rng = np.random.default_rng(N * 10 + K)
    z = rng.standard_normal((N, K)) * 2
    y = rng.integers(0, K, N)
    num = mlcore.numerical_gradient(lambda v: mlcore.softmax_cross_entropy(y, v), z)
    np.testing.assert_allclose(mlcore.softmax_cross_entropy_grad(y, z), num, rtol=1e-6, atol=1e-10)


def test_float32_is_kept_and_inputs_untouched():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, (4, 3)).astype(np.float32)
    p = rng.uniform(0.1, 0.9, (4, 3)).astype(np.float32)
    z = rng.standard_normal((4, 3)).astype(np.float32)
    labels = np.array([0, 2, 1, 1])
    copies = [a.copy() for a in (y, p, z, labels)]
    assert mlcore.mse_grad(y, p).dtype == np.float32
    assert mlcore.bce_grad(y, p).dtype == np.float32
    assert mlcore.bce_with_logits_grad(y, z).dtype == np.float32
    assert mlcore.softmax_cross_entropy_grad(labels, z).dtype == np.float32
    X = z
    dw, _ = mlcore.linear_mse_grads(X, z[:, 0], z[0], 0.5)
    assert dw.dtype == np.float32
    for a, c in zip((y, p, z, labels), copies):
        np.testing.assert_array_equal(a, c)
    assert mlcore.mse_grad([1, 2], [3, 4]).dtype == np.float64


def test_float_labels_with_whole_values_are_accepted():
    z = np.zeros((2, 3))
    assert mlcore.softmax_cross_entropy(np.array([0.0, 2.0]), z) == pytest.approx(np.log(3))


probs = st.floats(0, 1)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(
    arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
    arrays(np.float64, n, elements=probs),
    arrays(np.float64, n, elements=st.floats(-30, 30)))))
def test_losses_are_non_negative(data):
    y, p, z = data
    assert mlcore.mse(y, p) >= 0
    assert mlcore.binary_cross_entropy(y, p) >= 0
    assert mlcore.bce_with_logits(y, z) >= 0
    labels = (y > 0).astype(int)
    assert mlcore.softmax_cross_entropy(labels, np.column_stack([z, -z])) >= 0


def test_targets_follow_the_dtype_of_the_predictions():
    p32 = np.array([0.2, 0.7], dtype=np.float32)
    labels = np.array([0, 1])
    assert mlcore.mse_grad(labels, p32).dtype == np.float32
    assert mlcore.bce_grad(labels, p32).dtype == np.float32
    assert mlcore.bce_with_logits_grad(labels.astype(np.float64), p32).dtype == np.float32
    np.testing.assert_allclose(mlcore.bce_grad(labels, p32), mlcore.bce_grad(labels, p32.astype(np.float64)), rtol=1e-5)


def test_bce_is_finite_at_0_and_1_in_float32_too():
    y = np.array([1.0, 0.0], dtype=np.float32)
    p = np.array([0.0, 1.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = mlcore.binary_cross_entropy(y, p)
        grad = mlcore.bce_grad(y, p)
    assert np.isfinite(loss) and np.all(np.isfinite(grad)) and grad.dtype == np.float32


# ----------------------------------------------------------------------------- mae_grad (second edition)


def test_mae_grad_hand_values_and_zero_at_ties():
    y, y_hat = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 2.0], [5.0, 4.5]])
    # sign(y_hat - y) = [[-1, 0], [1, 1]], divided by y.size = 4 (every element, not the 2 rows)
    np.testing.assert_array_equal(mlcore.mae_grad(y, y_hat), [[-0.25, 0.0], [0.25, 0.25]])
    assert mlcore.mae_grad([3.0], [3.0]).tolist() == [0.0]


@pytest.mark.parametrize("shape", SHAPES)
def test_mae_grad_matches_finite_differences_away_from_ties(shape):
    rng = np.random.default_rng(sum(shape) + 7)
    y = rng.standard_normal(shape)
    y_hat = y + rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)  # |y_hat - y| >= 0.1: no kink
    mae = lambda v: float(np.mean(np.abs(y - v)))  # noqa: E731
    num = mlcore.numerical_gradient(mae, y_hat)
    np.testing.assert_allclose(mlcore.mae_grad(y, y_hat), num, rtol=1e-6, atol=1e-10)


def test_mae_grad_keeps_float32_leaves_inputs_and_has_the_shape_of_y_hat():
    y, y_hat = np.zeros((3, 2), np.float32), np.ones((3, 2), np.float32)
    copies = y.copy(), y_hat.copy()
    g = mlcore.mae_grad(y, y_hat)
    assert g.dtype == np.float32 and g.shape == (3, 2) and g is not y_hat
    np.testing.assert_array_equal(y, copies[0])
    np.testing.assert_array_equal(y_hat, copies[1])
    assert mlcore.mae_grad([1, 2], [3, 4]).dtype == np.float64


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(-1e6, 1e6)),
       arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(-1e6, 1e6)))
def test_mae_grad_is_a_subgradient_of_the_mean_absolute_error(y, y_hat):
    """|g| = 1/n except 0 at ties, and L(v) >= L(y_hat) + <g, v - y_hat> (convexity) for a step v."""
    y_hat = np.resize(y_hat, y.shape)
    g = mlcore.mae_grad(y, y_hat)
    assert set(np.unique(np.abs(g) * y.size)) <= {0.0, 1.0}
    assert np.all((g == 0) == (y_hat == y))
    v = y_hat - 0.5
    mae = lambda u: float(np.mean(np.abs(y - u)))  # noqa: E731
    assert mae(v) >= mae(y_hat) + float(np.sum(g * (v - y_hat))) - 1e-9 * (1 + mae(y_hat))


# ----------------------------------------------------------------------------- bce_with_logits at extreme z


def test_bce_with_logits_is_finite_and_warning_free_for_any_float64_logit():
    big = np.finfo(np.float64).max
    z = np.array([-big, -1e300, -1000.0, -40.0, 0.0, 40.0, 1000.0, 1e300, big])
    for y in (np.zeros_like(z), np.ones_like(z), np.full_like(z, 0.5)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss = mlcore.bce_with_logits(y, z)
        assert np.isfinite(loss) and loss >= 0
    # Hand values: confidently right costs ~0, confidently wrong costs |z|; z = 0 costs log 2.
    assert mlcore.bce_with_logits(np.array([1.0, 0.0]), np.array([1000.0, -1000.0])) == pytest.approx(0.0, abs=1e-300)
    assert mlcore.bce_with_logits(np.ones(3), np.full(3, -big)) == pytest.approx(big)
    assert mlcore.bce_with_logits(np.array([1.0]), np.array([0.0])) == pytest.approx(np.log(2))
