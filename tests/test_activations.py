"""Activations and their derivatives: hand values, finite differences, properties, dtypes."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlcore

SHAPES = [(1,), (7,), (1, 1), (1, 5), (4, 1), (3, 4), (2, 3, 2)]
PAIRS = [
    (mlcore.sigmoid, mlcore.sigmoid_prime),
    (mlcore.tanh, mlcore.tanh_prime),
    (mlcore.relu, mlcore.relu_prime),
    (mlcore.identity, mlcore.identity_prime),
]


def away_from_zero(rng, shape):
    """Values in +-[0.1, 3]: ReLU's kink at 0 would spoil a finite difference."""
    return rng.uniform(0.1, 3.0, shape) * rng.choice([-1.0, 1.0], shape)


def test_sigmoid_hand_values():
    np.testing.assert_allclose(mlcore.sigmoid(np.array([0.0, np.log(3.0), -np.log(3.0)])), [0.5, 0.75, 0.25])
    np.testing.assert_allclose(mlcore.sigmoid_prime(np.array([0.0, np.log(3.0)])), [0.25, 0.1875])


def test_sigmoid_extreme_inputs_are_finite_and_warning_free():
    z = np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 745.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = mlcore.sigmoid(z)
        sp = mlcore.sigmoid_prime(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(sp))
    assert s[0] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(s[2], np.exp(-50.0) / (1 + np.exp(-50.0)), rtol=1e-12)


def test_tanh_prime_hand_values_and_not_the_sigmoid_pattern():
    z = np.arctanh(np.array([0.0, 0.5, -0.5]))
    np.testing.assert_allclose(mlcore.tanh_prime(z), [1.0, 0.75, 0.75])
    # The misconception tanh(z)(1 - tanh(z)) would give 0.25 and -0.75 here.
    assert not np.allclose(mlcore.tanh_prime(z)[1:], [0.25, -0.75])


def test_relu_and_relu_prime_hand_values():
    z = np.array([-2.0, -0.0, 0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(mlcore.relu(z), [0.0, 0.0, 0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(mlcore.relu_prime(z), [0.0, 0.0, 0.0, 1.0, 1.0])


def test_identity_pair():
    z = np.array([[-1.0, 2.0]])
    np.testing.assert_array_equal(mlcore.identity(z), z)
    assert mlcore.identity(z) is not z
    np.testing.assert_array_equal(mlcore.identity_prime(z), [[1.0, 1.0]])


def test_softmax_hand_values_and_large_logits():
    np.testing.assert_allclose(mlcore.softmax(np.array([[0.0, np.log(2.0)]])), [[1 / 3, 2 / 3]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = mlcore.softmax(np.array([[1000.0, 1000.0], [-1000.0, 0.0], [1e308, 0.0]]))
    np.testing.assert_allclose(s, [[0.5, 0.5], [0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("f, f_prime", PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_derivatives_match_finite_differences(f, f_prime, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[0])
    z = away_from_zero(rng, shape)
    df = rng.standard_normal(shape)
    num = mlcore.numerical_gradient(f, z, df=df)
    np.testing.assert_allclose(f_prime(z) * df, num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (5, 1), (3, 4)])
def test_softmax_jacobian_matches_finite_differences(shape):
    rng = np.random.default_rng(shape[0] * 7 + shape[1])
    z = rng.standard_normal(shape) * 2
    df = rng.standard_normal(shape)
    s = mlcore.softmax(z)
    analytic = s * (df - np.sum(s * df, axis=1, keepdims=True))  # J^T df for each row
    num = mlcore.numerical_gradient(mlcore.softmax, z, df=df)
    np.testing.assert_allclose(analytic, num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("fn", [f for pair in PAIRS for f in pair] + [mlcore.softmax], ids=lambda f: f.__name__)
def test_dtype_kept_and_input_untouched(fn):
    z32 = np.array([[-1.5, 0.5, 2.0]], dtype=np.float32)
    before = z32.copy()
    assert fn(z32).dtype == np.float32
    np.testing.assert_array_equal(z32, before)
    assert fn(np.array([[1, -2, 3]])).dtype == np.float64
    assert fn([[0.5, 1.5]]).shape == (1, 2)


def test_scalar_input_gives_scalar_shape():
    assert np.shape(mlcore.sigmoid(0.0)) == ()
    assert float(mlcore.sigmoid(0.0)) == 0.5
    assert float(mlcore.relu_prime(0.0)) == 0.0


finite = st.floats(-50, 50, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=finite),
       st.floats(-100, 100))
def test_softmax_rows_sum_to_one_and_ignore_a_shift(z, c):
    s = mlcore.softmax(z)
    assert s.shape == z.shape
    assert np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(mlcore.softmax(z + c), s, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)))
def test_sigmoid_is_a_symmetric_probability(z):
    s = mlcore.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(mlcore.sigmoid(-z), 1 - s, atol=1e-15)
    assert np.all(mlcore.sigmoid_prime(z) <= 0.25)


# ----------------------------------------------------------------------------- leaky ReLU (second edition)


def test_leaky_relu_prime_hand_values_and_alpha_at_zero():
    z = np.array([-2.0, -0.0, 0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(mlcore.leaky_relu_prime(z), [0.01, 0.01, 0.01, 1.0, 1.0])
    np.testing.assert_array_equal(mlcore.leaky_relu_prime(z, 0.2), [0.2, 0.2, 0.2, 1.0, 1.0])
    np.testing.assert_array_equal(mlcore.leaky_relu_prime(z, alpha=0.0), mlcore.relu_prime(z))  # alpha 0 is ReLU
    np.testing.assert_array_equal(mlcore.leaky_relu(z, 0.2), [-0.4, 0.0, 0.0, 1e-300, 3.0])
    assert mlcore.ACTIVATIONS["leaky_relu"] == (mlcore.leaky_relu, mlcore.leaky_relu_prime)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("alpha", [0.01, 0.3])
def test_leaky_relu_prime_matches_finite_differences(shape, alpha):
    rng = np.random.default_rng(sum(shape))
    z = away_from_zero(rng, shape)
    num = mlcore.numerical_gradient(lambda v: float(np.sum(mlcore.leaky_relu(v, alpha))), z)
    np.testing.assert_allclose(mlcore.leaky_relu_prime(z, alpha), num, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("fn", [mlcore.leaky_relu, mlcore.leaky_relu_prime], ids=lambda f: f.__name__)
def test_leaky_relu_pair_keeps_dtype_shape_and_input(fn):
    for z in (np.array([[-1.5, 2.0]], np.float32), np.array(-3.0), np.array([[-1.0], [0.0]])):
        copy = z.copy()
        out = fn(z, 0.1)
        assert out.dtype == z.dtype and out.shape == z.shape and out is not z
        np.testing.assert_array_equal(z, copy)
    assert fn([1, -1]).dtype == np.float64


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)), st.floats(0, 1))
def test_leaky_relu_prime_takes_only_two_values(z, alpha):
    g = mlcore.leaky_relu_prime(z, alpha)
    np.testing.assert_array_equal(g, np.where(z > 0, 1.0, alpha))
    np.testing.assert_array_equal(mlcore.leaky_relu(z, alpha), z * g)  # piecewise linear through 0
