"""Update rules, mini-batches and the training loop."""

import numpy as np
import pytest

import mlcore


def test_gd_step_values_and_no_mutation():
    params = [np.array([1.0, 2.0]), np.array([[3.0]])]
    grads = [np.array([0.5, -1.0]), np.array([[2.0]])]
    copies = [p.copy() for p in params + grads]
    new = mlcore.gd_step(params, grads, 0.1)
    np.testing.assert_allclose(new[0], [0.95, 2.1])
    np.testing.assert_allclose(new[1], [[2.8]])
    assert isinstance(new, list) and new[0] is not params[0]
    for a, c in zip(params + grads, copies):
        np.testing.assert_array_equal(a, c)


def test_gd_step_accepts_a_scalar_bias():
    w, b = mlcore.gd_step([np.array([1.0]), 0.5], [np.array([1.0]), 2.0], 0.25)
    np.testing.assert_allclose(w, [0.75])
    assert b == pytest.approx(0.0) and isinstance(b, float)


def test_gd_step_keeps_float32_even_with_a_numpy_learning_rate():
    p = [np.ones(3, dtype=np.float32)]
    g = [np.ones(3, dtype=np.float32)]
    assert mlcore.gd_step(p, g, np.float64(0.1))[0].dtype == np.float32


def test_momentum_step_follows_pytorch_convention():
    p, g, v = [np.array([1.0])], [np.array([0.5])], [np.array([2.0])]
    new_p, new_v = mlcore.momentum_step(p, g, v, lr=0.1, beta=0.9)
    np.testing.assert_allclose(new_v[0], [0.9 * 2.0 + 0.5])
    np.testing.assert_allclose(new_p[0], [1.0 - 0.1 * 2.3])
    np.testing.assert_array_equal(v[0], [2.0])


def test_momentum_step_with_beta_zero_is_gd_and_none_velocity_is_zeros():
    rng = np.random.default_rng(0)
    p, g = [rng.standard_normal((2, 3))], [rng.standard_normal((2, 3))]
    new_p, new_v = mlcore.momentum_step(p, g, None, 0.05, 0.0)
    np.testing.assert_allclose(new_p[0], mlcore.gd_step(p, g, 0.05)[0])
    np.testing.assert_allclose(new_v[0], g[0])


def test_momentum_accumulates_over_steps():
    p, v = [np.zeros(1)], None
    for _ in range(3):
        p, v = mlcore.momentum_step(p, [np.ones(1)], v, lr=1.0, beta=0.5)
    # v: 1, 1.5, 1.75 -> p = -(1 + 1.5 + 1.75)
    np.testing.assert_allclose(p[0], [-4.25])


@pytest.mark.parametrize("N, B", [(1, 1), (10, 3), (12, 4), (5, 10)])
def test_minibatches_cover_every_sample_once_and_keep_pairs(N, B):
    X = np.arange(N * 2, dtype=float).reshape(N, 2)
    y = np.arange(N)
    batches = list(mlcore.minibatches(X, y, B, np.random.default_rng(0)))
    sizes = [len(xb) for xb, _ in batches]
    assert sizes == [B] * (N // B) + ([N % B] if N % B else [])
    seen = np.concatenate([yb for _, yb in batches])
    np.testing.assert_array_equal(np.sort(seen), y)
    for xb, yb in batches:
        np.testing.assert_array_equal(xb, X[yb])


def test_minibatches_shuffle_through_rng():
    X, y = np.zeros((50, 1)), np.arange(50)
    order = lambda seed: np.concatenate([b for _, b in mlcore.minibatches(X, y, 7, np.random.default_rng(seed))])  # noqa: E731
    np.testing.assert_array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    assert not np.array_equal(order(1), y)


def test_minibatches_checks_before_iterating():
    with pytest.raises(ValueError, match="y has shape"):
        mlcore.minibatches(np.zeros((3, 2)), np.zeros(4), 2, np.random.default_rng(0))


def test_train_records_history_calls_back_and_stays_quiet(capsys):
    rng = np.random.default_rng(0)
    X, y = mlcore.make_moons(100, rng=rng)
    model = mlcore.MLP((2, 16, 2), rng=rng)
    calls = []
    history = mlcore.train(model, X, y, epochs=20, lr=0.3, batch_size=32, momentum=0.9, rng=rng,
                           on_epoch=lambda epoch, h: calls.append((epoch, len(h["loss"]))))
    assert len(history["loss"]) == len(history["accuracy"]) == 20
    assert calls == [(e, e) for e in range(1, 21)]
    assert history["loss"][-1] < history["loss"][0]
    assert capsys.readouterr().out == ""


def test_train_stops_early_when_callback_returns_true():
    rng = np.random.default_rng(0)
    X, y = mlcore.make_xor(8, rng=rng)
    model = mlcore.MLP((2, 4, 2), rng=rng)
    history = mlcore.train(model, X, y, epochs=50, on_epoch=lambda epoch, h: epoch == 3)
    assert len(history["loss"]) == 3


def test_train_progress_true_prints(capsys):
    rng = np.random.default_rng(0)
    X, y = mlcore.make_xor(8, rng=rng)
    mlcore.train(mlcore.MLP((2, 4, 2), rng=rng), X, y, epochs=10, progress=True)
    out = capsys.readouterr().out
    assert "epoch 10/10" in out and "loss" in out


# ----------------------------------------------------------------------------- weight_decay_step (second edition)


def test_weight_decay_step_values_and_no_mutation():
    params = [np.array([1.0, -2.0]), np.array([[3.0]]), 0.5]
    grads = [np.array([0.5, 1.0]), np.array([[0.0]]), 2.0]
    copies = [np.copy(a) for a in params + grads]
    new = mlcore.weight_decay_step(params, grads, lr=0.1, lam=0.5)
    # p - lr (g + lam p): 1 - 0.1 (0.5 + 0.5) = 0.9; -2 - 0.1 (1 - 1) = -2; 3 - 0.1 (0 + 1.5) = 2.85; 0.5 - 0.1 (2 + 0.25)
    np.testing.assert_allclose(new[0], [0.9, -2.0])
    np.testing.assert_allclose(new[1], [[2.85]])
    assert new[2] == pytest.approx(0.275) and isinstance(new[2], float)
    assert isinstance(new, list) and new[0] is not params[0]
    for a, c in zip(params + grads, copies):
        np.testing.assert_array_equal(a, c)


def test_weight_decay_step_is_gd_on_the_penalised_loss():
    """One step equals gd_step with the finite-difference gradient of L + (lam/2) sum ||p||^2."""
    rng = np.random.default_rng(5)
    lam = 0.3
    for shape in [(1,), (3,), (1, 1), (3, 2)]:
        p, c = rng.standard_normal(shape), rng.standard_normal(shape)
        loss = lambda v: float(np.sum(c * np.sin(v)))  # noqa: E731  (any smooth L)
        penalised = lambda v: loss(v) + lam / 2 * float(np.sum(v * v))  # noqa: E731
        g = mlcore.numerical_gradient(loss, p)
        expected = mlcore.gd_step([p], [mlcore.numerical_gradient(penalised, p)], 0.05)[0]
        np.testing.assert_allclose(mlcore.weight_decay_step([p], [g], 0.05, lam)[0], expected, rtol=1e-6, atol=1e-9)


def test_weight_decay_step_with_lam_zero_is_gd_step_and_keeps_float32():
    rng = np.random.default_rng(1)
    p, g = [rng.standard_normal((2, 3))], [rng.standard_normal((2, 3))]
    np.testing.assert_allclose(mlcore.weight_decay_step(p, g, 0.1, 0.0)[0], mlcore.gd_step(p, g, 0.1)[0], rtol=1e-15)
    p32, g32 = [np.ones(3, np.float32)], [np.ones(3, np.float32)]
    assert mlcore.weight_decay_step(p32, g32, np.float64(0.1), 0.01)[0].dtype == np.float32
    # With a zero gradient the parameters shrink by the factor (1 - lr lam): "decay".
    np.testing.assert_allclose(mlcore.weight_decay_step(p, [np.zeros((2, 3))], 0.1, 0.5)[0], 0.95 * p[0], rtol=1e-15)
