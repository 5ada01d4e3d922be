"""Linear layer pair and the delta-recursion steps: hand values and finite differences."""

import numpy as np
import pytest

import mlcore

SHAPES = [(1, 1, 1), (1, 3, 2), (4, 1, 3), (5, 3, 1), (6, 4, 5)]  # (N, D_in, D_out)
ACTS = ["sigmoid", "tanh", "relu", "identity"]


def away_from_zero(rng, shape):
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def test_linear_forward_hand_values():
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 2.0]])
    b = np.array([0.0, 1.0, -1.0])
    z, cache = mlcore.linear_forward(x, W, b)
    np.testing.assert_allclose(z, [[2.0, 3.0, 2.0]])
    assert cache[0] is x and cache[1] is W


@pytest.mark.parametrize("N, D_in, D_out", SHAPES)
def test_linear_backward_matches_finite_differences(N, D_in, D_out):
    rng = np.random.default_rng(N * 100 + D_in * 10 + D_out)
    x, W, b = rng.standard_normal((N, D_in)), rng.standard_normal((D_in, D_out)), rng.standard_normal(D_out)
    G = rng.standard_normal((N, D_out))  # dL/dz for L = sum(z * G)
    _, cache = mlcore.linear_forward(x, W, b)
    dx, dW, db = mlcore.linear_backward(G, cache)
    loss = lambda _: float(np.sum(mlcore.linear_forward(x, W, b)[0] * G))  # noqa: E731
    np.testing.assert_allclose(dx, mlcore.numerical_gradient(loss, x), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dW, mlcore.numerical_gradient(loss, W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(db, mlcore.numerical_gradient(loss, b), rtol=1e-6, atol=1e-9)
    assert dW.shape == W.shape and db.shape == b.shape and dx.shape == x.shape


def test_layer_grads_hand_values():
    a_prev = np.array([[1.0, 2.0], [3.0, 4.0]])
    delta = np.array([[1.0], [-1.0]])
    dW, db = mlcore.layer_grads(a_prev, delta)
    np.testing.assert_allclose(dW, [[-2.0], [-2.0]])
    np.testing.assert_allclose(db, [0.0])


def test_hidden_delta_hand_values_use_the_transpose():
    # Square W: W and W.T give different answers, only values reveal the mistake.
    delta_next = np.array([[1.0, 2.0]])
    W_next = np.array([[1.0, 3.0], [0.0, 1.0]])
    z = np.array([[1.0, -1.0]])
    got = mlcore.hidden_delta(delta_next, W_next, z, mlcore.relu_prime)
    np.testing.assert_allclose(got, [[7.0, 0.0]])  # delta_next @ W.T = [7, 2], relu'(z) = [1, 0]


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("N, D, D_next", SHAPES)
def test_hidden_delta_matches_finite_differences(act, N, D, D_next):
    f, f_prime = mlcore.ACTIVATIONS[act]
    rng = np.random.default_rng(N * 100 + D * 10 + D_next)
    z = away_from_zero(rng, (N, D))
    W_next, b_next = rng.standard_normal((D, D_next)), rng.standard_normal(D_next)
    delta_next = rng.standard_normal((N, D_next))  # dL/dz_next for L = sum(z_next * delta_next)
    loss = lambda _: float(np.sum((f(z) @ W_next + b_next) * delta_next))  # noqa: E731
    num = mlcore.numerical_gradient(loss, z)
    np.testing.assert_allclose(mlcore.hidden_delta(delta_next, W_next, z, f_prime), num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("N, D_prev, D", SHAPES)
def test_layer_grads_match_finite_differences(N, D_prev, D):
    rng = np.random.default_rng(N + D_prev + D)
    a_prev, W, b = rng.standard_normal((N, D_prev)), rng.standard_normal((D_prev, D)), rng.standard_normal(D)
    delta = rng.standard_normal((N, D))
    loss = lambda _: float(np.sum((a_prev @ W + b) * delta))  # noqa: E731
    dW, db = mlcore.layer_grads(a_prev, delta)
    np.testing.assert_allclose(dW, mlcore.numerical_gradient(loss, W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(db, mlcore.numerical_gradient(loss, b), rtol=1e-6, atol=1e-9)


def test_dtype_kept_and_inputs_untouched():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    W = rng.standard_normal((4, 2)).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    d = rng.standard_normal((3, 2)).astype(np.float32)
    copies = [a.copy() for a in (x, W, b, d)]
    z, cache = mlcore.linear_forward(x, W, b)
    outs = [z, *mlcore.linear_backward(d, cache), *mlcore.layer_grads(x, d),
            mlcore.hidden_delta(d, W, x, mlcore.relu_prime)]
    assert all(o.dtype == np.float32 for o in outs)
    for a, c in zip((x, W, b, d), copies):
        np.testing.assert_array_equal(a, c)
