"""The MLP: forward cache layout, gradients against finite differences, training, dtype, guard."""

import numpy as np
import pytest

import mlcore
from mlcore import _guard

CONFIGS = [
    # (sizes, activation, head)
    ((3, 2), "relu", "softmax"),  # no hidden layer
    ((1, 4, 2), "tanh", "softmax"),
    ((2, 5, 3), "relu", "softmax"),
    ((3, 4, 3, 4), "sigmoid", "softmax"),
    ((2, 3, 1), "tanh", "sigmoid"),
    ((1, 1, 1), "sigmoid", "sigmoid"),
    ((3, 4, 2), "relu", "identity"),
    ((2, 3, 3, 1), "tanh", "identity"),
]


def targets(model, rng, N):
    if model.head == "softmax":
        return rng.integers(0, model.sizes[-1], N)
    if model.head == "sigmoid":
        return rng.integers(0, 2, N)
    return rng.standard_normal((N, model.sizes[-1]))


def test_cache_layout_matches_the_contract():
    rng = np.random.default_rng(0)
    model = mlcore.MLP((2, 3, 4, 2), activation="tanh", rng=rng)
    X = rng.standard_normal((5, 2))
    out, cache = model.forward(X)
    assert isinstance(cache, mlcore.Cache)
    assert len(cache.a) == len(cache.z) == 4
    assert cache.a[0] is X and cache.z[0] is None
    W1, b1, W2, b2, W3, b3 = model.params
    np.testing.assert_allclose(cache.z[1], X @ W1 + b1)
    np.testing.assert_allclose(cache.a[1], np.tanh(cache.z[1]))
    np.testing.assert_allclose(cache.z[2], cache.a[1] @ W2 + b2)
    np.testing.assert_allclose(cache.z[3], cache.a[2] @ W3 + b3)
    np.testing.assert_allclose(cache.a[3], mlcore.softmax(cache.z[3]))
    assert out is cache.a[3]
    assert [p.shape for p in model.params] == [(2, 3), (3,), (3, 4), (4,), (4, 2), (2,)]


@pytest.mark.parametrize("N", [1, 4])
@pytest.mark.parametrize("sizes, activation, head", CONFIGS)
def test_gradients_match_finite_differences(sizes, activation, head, N):
    rng = np.random.default_rng(sum(sizes) * 10 + N)
    model = mlcore.MLP(sizes, activation=activation, head=head, rng=rng)
    for p in model.params[1::2]:
        p += rng.standard_normal(p.shape) * 0.1  # nonzero biases, so their gradients are exercised
    X = rng.standard_normal((N, sizes[0]))
    y = targets(model, rng, N)
    loss, grads = model.loss_and_grads(X, y)
    assert loss == pytest.approx(model.loss(X, y))
    assert [g.shape for g in grads] == [p.shape for p in model.params]
    for i, (p, g) in enumerate(zip(model.params, grads)):
        num = mlcore.numerical_gradient(lambda _: model.loss(X, y), p)
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-8, err_msg=f"params[{i}]")


def test_backward_function_equals_method_and_uses_the_delta_recursion():
    rng = np.random.default_rng(1)
    model = mlcore.MLP((3, 4, 4, 2), rng=rng)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    _, cache = model.forward(X)
    delta_L = model.output_delta(cache, y)
    np.testing.assert_allclose(delta_L, mlcore.softmax_cross_entropy_grad(y, cache.z[3]))
    grads = mlcore.backward(model.params, cache, delta_L, mlcore.relu_prime)
    for g, h in zip(grads, model.backward(cache, y)):
        np.testing.assert_array_equal(g, h)
    # Written out by hand with the two steps:
    d3 = delta_L
    d2 = mlcore.hidden_delta(d3, model.params[4], cache.z[2], mlcore.relu_prime)
    d1 = mlcore.hidden_delta(d2, model.params[2], cache.z[1], mlcore.relu_prime)
    expected = [*mlcore.layer_grads(X, d1), *mlcore.layer_grads(cache.a[1], d2), *mlcore.layer_grads(cache.a[2], d3)]
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e)


def test_reference_guard_covers_the_mlp_path():
    rng = np.random.default_rng(2)
    model = mlcore.MLP((2, 3, 2), rng=rng)
    X, y = rng.standard_normal((4, 2)), np.array([0, 1, 1, 0])
    _, cache = model.forward(X)
    for name in ["backward", "hidden_delta", "layer_grads", "softmax_cross_entropy_grad"]:
        with _guard.blocking([name]):
            with pytest.raises(_guard.ReferenceBlocked, match=f"use your own implementation of {name}"):
                model.backward(cache, y)
    model.backward(cache, y)  # unblocked again afterwards


@pytest.mark.parametrize("name", ["backward", "hidden_delta", "layer_grads", "gd_step", "softmax_cross_entropy",
                                  "softmax_cross_entropy_grad", "relu_prime"])
def test_reference_guard_covers_the_step_hot_path(name):
    """MLP.step computes these itself on its hot path: it refuses while any of them is being graded."""
    model = mlcore.MLP((2, 3, 2), rng=np.random.default_rng(2))
    X, y = np.ones((4, 2)), np.array([0, 1, 1, 0])
    before = model.params
    with _guard.blocking([name]):
        with pytest.raises(_guard.ReferenceBlocked, match=f"use your own implementation of {name}"):
            model.step(X, y, 0.1)
    assert model.params is before
    model.step(X, y, 0.1)  # unblocked again afterwards


def test_xor_is_learned_perfectly():
    rng = np.random.default_rng(0)
    X, y = mlcore.make_xor(4, noise=0.0, rng=rng)
    model = mlcore.MLP((2, 8, 2), activation="tanh", rng=rng)
    history = mlcore.train(model, X, y, epochs=500, lr=0.5)
    assert model.accuracy(X, y) == 1.0
    assert history["loss"][-1] < history["loss"][0]


def test_xor_with_a_sigmoid_head():
    rng = np.random.default_rng(0)
    X, y = mlcore.make_xor(4, noise=0.0, rng=rng)
    model = mlcore.MLP((2, 8, 1), activation="tanh", head="sigmoid", rng=rng)
    mlcore.train(model, X, y, epochs=1000, lr=1.0)
    assert model.accuracy(X, y) == 1.0


def test_spirals_reach_95_percent_training_accuracy():
    rng = np.random.default_rng(0)
    X, y = mlcore.make_spirals(300, 3, rng=rng)
    model = mlcore.MLP((2, 64, 3), rng=rng)
    history = mlcore.train(model, X, y, epochs=400, lr=1.0)
    assert model.accuracy(X, y) >= 0.95
    assert history["accuracy"][-1] == model.accuracy(X, y)


def test_identity_head_fits_a_line():
    rng = np.random.default_rng(0)
    X, y = mlcore.make_linear(50, 2, noise=0.0, rng=rng)
    model = mlcore.MLP((2, 1), head="identity", rng=rng)
    mlcore.train(model, X, y, epochs=300, lr=0.5)
    assert model.loss(X, y) < 1e-6
    assert model.predict(X).shape == (50, 1)


def test_float32_model_stays_float32():
    rng = np.random.default_rng(0)
    model = mlcore.MLP((4, 8, 3), rng=rng, dtype=np.float32)
    X = rng.standard_normal((5, 4)).astype(np.float32)
    y = np.array([0, 1, 2, 1, 0])
    X_copy = X.copy()
    out, cache = model.forward(X)
    assert out.dtype == np.float32
    assert all(a.dtype == np.float32 for a in cache.a) and all(z.dtype == np.float32 for z in cache.z[1:])
    loss, grads = model.loss_and_grads(X, y)
    assert all(g.dtype == np.float32 for g in grads)
    new = mlcore.gd_step(model.params, grads, 0.1)
    assert all(p.dtype == np.float32 for p in new)
    np.testing.assert_array_equal(X, X_copy)


def test_predict_and_accuracy():
    rng = np.random.default_rng(0)
    model = mlcore.MLP((2, 3), rng=rng)
    X = rng.standard_normal((10, 2))
    pred = model.predict(X)
    assert pred.shape == (10,)
    assert model.accuracy(X, pred) == 1.0
    assert "MLP(sizes=(2, 3)" in repr(model)


def test_rng_makes_initialisation_reproducible():
    a = mlcore.MLP((3, 5, 2), rng=np.random.default_rng(7))
    b = mlcore.MLP((3, 5, 2), rng=np.random.default_rng(7))
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p, q)


GRADED = ["mse", "mse_grad", "linear_mse_grads", "sigmoid", "sigmoid_prime", "tanh_prime", "relu_prime",
          "binary_cross_entropy", "bce_grad", "bce_with_logits_grad", "softmax", "softmax_cross_entropy",
          "softmax_cross_entropy_grad", "hidden_delta", "layer_grads", "backward", "gd_step", "momentum_step",
          "minibatches"]


@pytest.mark.parametrize("name", GRADED)
def test_every_graded_reference_is_guarded(name):
    fn = getattr(mlcore, name)
    assert fn.__reference_name__ == name
    assert not hasattr(fn, "__wrapped__")
    alias = fn  # imported under another name before the check starts
    with _guard.blocking([name]):
        with pytest.raises(_guard.ReferenceBlocked, match=f"use your own implementation of {name}"):
            alias(None, None, None, None)[:0] if name in ("backward", "hidden_delta") else alias(None)


@pytest.mark.parametrize("head, sizes", [("softmax", (4, 6, 3)), ("sigmoid", (4, 6, 1)), ("identity", (4, 6, 2))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_step_is_gd_step_and_leaves_old_params_alone(head, sizes, dtype):
    """MLP.step is loss_and_grads + gd_step up to rounding (its hot path scales delta^L by -lr first)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((7, 4))
    y = {"softmax": rng.integers(0, 3, 7), "sigmoid": rng.integers(0, 2, 7).astype(float),
         "identity": rng.standard_normal((7, 2))}[head]
    model = mlcore.MLP(sizes, activation="tanh", head=head, rng=rng, dtype=dtype)
    old = model.params
    snapshot = [p.copy() for p in old]
    loss, grads = model.loss_and_grads(X, y)
    expected = mlcore.gd_step(old, grads, 0.3)

    eps = float(np.finfo(dtype).eps)
    assert model.step(X, y, 0.3) == pytest.approx(loss, rel=16 * eps)
    assert model.params is not old
    for new, want, before, kept, g in zip(model.params, expected, old, snapshot, grads):
        assert new.dtype == dtype and new is not before
        # a few roundings of the larger of |p| and |lr * g| apart, no more
        scale = max(np.abs(before).max(), 0.3 * np.abs(g).max())
        np.testing.assert_allclose(new, want, rtol=0, atol=64 * eps * scale)
        np.testing.assert_array_equal(before, kept)  # the previous arrays are untouched


def test_step_with_bad_input_changes_nothing():
    rng = np.random.default_rng(0)
    model = mlcore.MLP((3, 4, 2), rng=rng)
    before = [p.copy() for p in model.params]
    ids = [id(p) for p in model.params]
    for X, y, lr in [(np.ones((2, 3)), np.array([0, 1]), -1.0), (np.ones((2, 5)), np.array([0, 1]), 0.1),
                     (np.ones((2, 3)), np.array([0, 9]), 0.1)]:
        with pytest.raises(ValueError):
            model.step(X, y, lr)
        assert [id(p) for p in model.params] == ids
        for p, q in zip(model.params, before):
            np.testing.assert_array_equal(p, q)
