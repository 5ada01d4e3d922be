"""The checks of notebook 02 (sigmoid, sigmoid_prime, tanh_prime, relu_prime): every diagnosis fires on
a learner-style wrong function, and correct functions written in many ways pass, visible and hidden."""

import numpy as np
import pytest

import mlcore
from mlcore.grading import GradingError, check

from grading_util import assert_diagnosed, assert_passes


# ------------------------------------------------------------------------------------------ sigmoid


def sigmoid_two_branch(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_masks(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def sigmoid_tanh(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_clipped(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def sigmoid_loop(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, v in np.ndenumerate(z):
        out[index] = 1 / (1 + np.exp(-v)) if v >= 0 else np.exp(v) / (1 + np.exp(v))
    return out


def sigmoid_vectorize(z):
    def one(v):
        return 1 / (1 + np.exp(-v)) if v >= 0 else np.exp(v) / (1 + np.exp(v))

    return np.vectorize(one, otypes=[float])(z)


def sigmoid_float32(z):
    return sigmoid_two_branch(np.asarray(z, dtype=np.float32))


@pytest.mark.parametrize(
    "fn",
    [sigmoid_two_branch, sigmoid_masks, sigmoid_tanh, sigmoid_logaddexp, sigmoid_clipped, sigmoid_loop,
     sigmoid_vectorize, sigmoid_float32],
)
def test_sigmoid_correct_forms_pass(fn):
    assert_passes("sigmoid", fn)


def sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_where_both_branches(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def sigmoid_exp_over(z):
    return np.exp(z) / (1 + np.exp(z))


def sigmoid_sign(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))


@pytest.mark.parametrize(
    "fn, key",
    [
        (sigmoid_naive, "warning"),
        (sigmoid_where_both_branches, "warning"),
        (sigmoid_exp_over, "sigmoid_nan_large_z"),
        (sigmoid_sign, "sigmoid_sign"),
        (np.tanh, "sigmoid_is_tanh"),
        (lambda z: -sigmoid_two_branch(z), "sign"),
        (lambda z: 2 * sigmoid_two_branch(z), "factor"),
        (lambda z: mlcore.sigmoid(z), "reference"),
        (lambda z: None, "no_return"),
        (lambda z: sigmoid_two_branch(np.atleast_1d(z)), "not_scalar"),
        (lambda z: sigmoid_two_branch(z).ravel() if np.ndim(z) > 1 else sigmoid_two_branch(z), "shape"),
    ],
)
def test_sigmoid_mistakes_diagnosed(fn, key):
    assert_diagnosed("sigmoid", fn, key)


def test_sigmoid_overflow_message_explains_the_two_branch_form():
    with pytest.raises(GradingError) as info:
        check("sigmoid", sigmoid_naive, seed=3)
    text = str(info.value)
    assert "overflow" in text
    assert "np.exp(-np.abs(z))" in text


def test_sigmoid_in_place_diagnosed():
    def sigmoid_in_place(z):
        np.negative(z, out=z)
        np.exp(-np.abs(z), out=z)
        return z

    with pytest.raises(GradingError) as info:
        check("sigmoid", sigmoid_in_place, seed=0)
    assert info.value.mistake == "in_place"


# ------------------------------------------------------------------------------------ sigmoid_prime


def sigmoid_prime_mlcore_sigmoid(z):
    s = mlcore.sigmoid(z)
    return s * (1 - s)


def sigmoid_prime_exp(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2


def sigmoid_prime_symmetric(z):
    return sigmoid_two_branch(z) * sigmoid_two_branch(-z)


def sigmoid_prime_difference(z):
    s = sigmoid_two_branch(z)
    return s - s**2


def sigmoid_prime_cosh(z):
    return 0.25 / np.cosh(z / 2) ** 2


def sigmoid_prime_loop(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        s = 1 / (1 + np.exp(-z[index]))
        out[index] = s * (1 - s)
    return out


@pytest.mark.parametrize(
    "fn",
    [sigmoid_prime_mlcore_sigmoid, sigmoid_prime_exp, sigmoid_prime_symmetric, sigmoid_prime_difference,
     sigmoid_prime_cosh, sigmoid_prime_loop, lambda z: sigmoid_prime_symmetric(np.asarray(z, dtype=np.float32))],
)
def test_sigmoid_prime_correct_forms_pass(fn):
    assert_passes("sigmoid_prime", fn)


@pytest.mark.parametrize(
    "fn, key",
    [
        (sigmoid_two_branch, "activation_not_derivative"),
        (lambda z: sigmoid_prime_difference(sigmoid_two_branch(z)), "derivative_at_a"),
        (lambda z: sigmoid_two_branch(z) * (1 + sigmoid_two_branch(z)), "sigmoid_prime_plus"),
        (lambda z: 1 - sigmoid_two_branch(z) ** 2, "tanh_pattern_for_sigmoid"),
        (lambda z: 1 - sigmoid_two_branch(z), "one_minus_sigma_only"),
        (lambda z: -sigmoid_prime_difference(z), "sign"),
        (lambda z: 4 * sigmoid_prime_difference(z), "factor"),
        (lambda z: mlcore.sigmoid_prime(z), "reference"),
    ],
)
def test_sigmoid_prime_mistakes_diagnosed(fn, key):
    assert_diagnosed("sigmoid_prime", fn, key)


# --------------------------------------------------------------------------------------- tanh_prime


def tanh_prime_via_sigmoid(z):
    s = sigmoid_two_branch(2 * z)
    return 4 * s * (1 - s)


def tanh_prime_cosh(z):
    return 1 / np.cosh(z) ** 2


def tanh_prime_factored(z):
    t = np.tanh(z)
    return (1 - t) * (1 + t)


def tanh_prime_exp(z):
    return 4 / (np.exp(z) + np.exp(-z)) ** 2


def tanh_prime_einsum(z):
    t = np.tanh(np.asarray(z, dtype=float))
    return 1 - np.einsum("...,...->...", t, t)


@pytest.mark.parametrize(
    "fn",
    [tanh_prime_via_sigmoid, tanh_prime_cosh, tanh_prime_factored, tanh_prime_exp, tanh_prime_einsum,
     np.vectorize(lambda v: 1 - np.tanh(v) ** 2, otypes=[float]),
     lambda z: tanh_prime_cosh(np.asarray(z, dtype=np.float32))],
)
def test_tanh_prime_correct_forms_pass(fn):
    assert_passes("tanh_prime", fn)


@pytest.mark.parametrize(
    "fn, key",
    [
        (lambda z: np.tanh(z) * (1 - np.tanh(z)), "tanh_sigmoid_pattern"),
        (np.tanh, "activation_not_derivative"),
        (lambda z: 1 - np.tanh(np.tanh(z)) ** 2, "derivative_at_a"),
        (lambda z: 1 - np.tanh(z), "tanh_no_square"),
        (lambda z: 1 + np.tanh(z) ** 2, "tanh_plus_square"),
        (sigmoid_prime_difference, "sigmoid_prime_for_tanh"),
        (lambda z: 1 / np.cosh(z), "sech_not_squared"),
        (lambda z: np.tanh(z) ** 2 - 1, "sign"),
        (lambda z: 0.5 * (1 - np.tanh(z) ** 2), "factor"),
        (lambda z: mlcore.tanh_prime(z), "reference"),
    ],
)
def test_tanh_prime_mistakes_diagnosed(fn, key):
    assert_diagnosed("tanh_prime", fn, key)


def test_tanh_sigmoid_pattern_is_named_as_the_popular_mistake():
    with pytest.raises(GradingError) as info:
        check("tanh_prime", lambda z: np.tanh(z) * (1 - np.tanh(z)), seed=0)
    assert "1 - tanh(z)**2" in str(info.value)


# --------------------------------------------------------------------------------------- relu_prime


def relu_prime_loop(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros(z.shape)
    for index in np.ndindex(z.shape):
        if z[index] > 0:
            out[index] = 1.0
    return out


@pytest.mark.parametrize(
    "fn",
    [
        lambda z: np.where(z > 0, 1.0, 0.0),
        lambda z: (z > 0).astype(float),
        lambda z: np.heaviside(z, 0.0),
        lambda z: z > 0,  # booleans: right values, accepted (see the spec's docstring)
        lambda z: (z > 0).astype(int),
        lambda z: np.greater(z, 0).astype(np.float32),
        relu_prime_loop,
        np.vectorize(lambda v: 1.0 if v > 0 else 0.0, otypes=[float]),
    ],
)
def test_relu_prime_correct_forms_pass(fn):
    assert_passes("relu_prime", fn)


@pytest.mark.parametrize(
    "fn, key",
    [
        (lambda z: (z >= 0).astype(float), "relu_prime_one_at_zero"),
        (lambda z: np.heaviside(z, 1.0), "relu_prime_one_at_zero"),
        (lambda z: np.heaviside(z, 0.5), "relu_prime_half_at_zero"),
        (lambda z: np.maximum(z, 0), "activation_not_derivative"),
        (lambda z: (z < 0).astype(float), "relu_prime_flipped"),
        (lambda z: (z <= 0).astype(float), "relu_prime_flipped"),
        (np.sign, "sign_function"),
        (lambda z: 2.0 * (z > 0), "factor"),
        (lambda z: mlcore.relu_prime(z), "reference"),
    ],
)
def test_relu_prime_mistakes_diagnosed(fn, key):
    assert_diagnosed("relu_prime", fn, key)
