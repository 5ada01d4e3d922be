"""Grading of the second edition's exercises: ``mae_grad`` (01), ``leaky_relu_prime`` (02), ``bce_with_logits``
(03) and ``weight_decay_step`` (05).

Each check passes on the reference's spelling and on other correct spellings a learner writes (loops,
np.where, np.sign, float32), visible and hidden, for several seeds; each mistake the spec lists (and the
generic ones a learner meets first here) fails with its key and words that name it. The ``[mistake:
reference]`` delegation test in test_grading_framework.py iterates the registry, so it covers these too.
"""

import numpy as np
import pytest

import mlcore
from grading_util import BOTH, SEEDS, assert_passes, verdict
from mlcore.grading import EXERCISES


def assert_mistake(name, fn, key, phrase):
    """Visible and hidden checks fail with ``key`` for every seed, and the message contains ``phrase``."""
    for seed in SEEDS:
        for hidden in (False, True):
            error = verdict(name, fn, hidden, seed)
            assert error is not None, f"{name} passed a wrong answer (seed={seed}, hidden={hidden})"
            assert error.mistake == key, f"{name} seed={seed} hidden={hidden}: {error}"
            assert phrase in str(error), str(error)


def test_every_listed_mistake_is_tested_here():
    """A mistake added to a spec without a wrong answer below would be untested."""
    tested = {name: {key for key, *_ in table} for name, table in MISTAKES.items()}
    for name in MISTAKES:
        assert {m.key for m in EXERCISES[name].mistakes} <= tested[name], name


# ----------------------------------------------------------------------------- mae_grad


def _mae_loops(y, y_hat):
    g = np.zeros(y_hat.shape)
    for i in np.ndindex(y_hat.shape):
        if y_hat[i] > y[i]:
            g[i] = 1.0
        elif y_hat[i] < y[i]:
            g[i] = -1.0
    return g / y.size


MAE_RIGHT = {
    "reference": lambda y, y_hat: np.sign(y_hat - y) / y.size,
    "loops": _mae_loops,
    "where": lambda y, y_hat: np.where(y_hat > y, 1.0, np.where(y_hat < y, -1.0, 0.0)) / np.prod(y.shape),
    "minus_sign_of_y_minus_y_hat": lambda y, y_hat: -np.sign(y - y_hat) / len(y.ravel()),
    "float32": lambda y, y_hat: np.sign(y_hat.astype(np.float32) - y.astype(np.float32)) / np.float32(y.size),
    "comparisons": lambda y, y_hat: ((y_hat > y).astype(float) - (y_hat < y)) / y.size,
}


@pytest.mark.parametrize("spelling", sorted(MAE_RIGHT))
def test_mae_grad_accepts_correct_spellings(spelling):
    assert_passes("mae_grad", MAE_RIGHT[spelling])


# ----------------------------------------------------------------------------- leaky_relu_prime


def _leaky_loops(z, alpha=0.01):
    out = np.empty(z.shape)
    for i in np.ndindex(z.shape):
        out[i] = 1.0 if z[i] > 0 else alpha
    return out


def _leaky_fill(z, alpha=0.01):
    g = np.full(z.shape, alpha)
    g[z > 0] = 1
    return g


LEAKY_RIGHT = {
    "where": lambda z, alpha=0.01: np.where(z > 0, 1.0, alpha),
    "loops": _leaky_loops,
    "fill": _leaky_fill,
    "arithmetic_on_booleans": lambda z, alpha=0.01: (z > 0) + alpha * (z <= 0),
    "float32": lambda z, alpha=0.01: np.where(z.astype(np.float32) > 0, np.float32(1), np.float32(alpha)),
    "relu_prime_style": lambda z, alpha=0.01: alpha + (1 - alpha) * (z > 0).astype(float),
}


@pytest.mark.parametrize("spelling", sorted(LEAKY_RIGHT))
def test_leaky_relu_prime_accepts_correct_spellings(spelling):
    assert_passes("leaky_relu_prime", LEAKY_RIGHT[spelling])


@BOTH
def test_leaky_relu_prime_needs_the_default_alpha(hidden):
    error = verdict("leaky_relu_prime", lambda z, alpha: np.where(z > 0, 1.0, alpha), hidden, seed=0)
    assert error.mistake == "exception" and "alpha" in str(error)


# ----------------------------------------------------------------------------- bce_with_logits


def _bce_logits_loop(y, z):
    total = 0.0
    for yi, zi in zip(y.ravel(), z.ravel()):
        total += max(zi, 0.0) - zi * yi + np.log1p(np.exp(-abs(zi)))
    return total / y.size


def _bce_logits_branches(y, z):
    # softplus(-z) for label 1, softplus(z) for label 0, each written stably
    return float(np.mean(np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z))))


BCE_LOGITS_RIGHT = {
    "reference": lambda y, z: float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))),
    "logaddexp": lambda y, z: np.mean(np.logaddexp(0, z) - z * y),
    "log_not_log1p": lambda y, z: np.mean(np.maximum(z, 0) - z * y + np.log(1 + np.exp(-np.abs(z)))),
    "loop": _bce_logits_loop,
    "branches_by_label": _bce_logits_branches,
    "float32": lambda y, z: float(np.mean(
        np.maximum(z.astype(np.float32), 0) - z.astype(np.float32) * y.astype(np.float32)
        + np.log1p(np.exp(-np.abs(z.astype(np.float32))))
    )),
}


@pytest.mark.parametrize("spelling", sorted(BCE_LOGITS_RIGHT))
def test_bce_with_logits_accepts_correct_spellings(spelling):
    assert_passes("bce_with_logits", BCE_LOGITS_RIGHT[spelling])


# ----------------------------------------------------------------------------- weight_decay_step


def _decay_loop(params, grads, lr, lam):
    new = []
    for p, g in zip(params, grads):
        q = p.copy()
        for i in np.ndindex(p.shape):
            q[i] = p[i] - lr * (g[i] + lam * p[i])
        new.append(q)
    return new


DECAY_RIGHT = {
    "reference": lambda params, grads, lr, lam: [p - lr * (g + lam * p) for p, g in zip(params, grads)],
    "shrink_then_step": lambda params, grads, lr, lam: [(1 - lr * lam) * p - lr * g for p, g in zip(params, grads)],
    "loop": _decay_loop,
    "tuple": lambda params, grads, lr, lam: tuple(p - lr * (g + lam * p) for p, g in zip(params, grads)),
    "float32": lambda params, grads, lr, lam: [
        p.astype(np.float32) - np.float32(lr) * (g.astype(np.float32) + np.float32(lam) * p.astype(np.float32))
        for p, g in zip(params, grads)
    ],
}


@pytest.mark.parametrize("spelling", sorted(DECAY_RIGHT))
def test_weight_decay_step_accepts_correct_spellings(spelling):
    assert_passes("weight_decay_step", DECAY_RIGHT[spelling])


def _decay_in_place(params, grads, lr, lam):
    for p, g in zip(params, grads):
        p -= lr * (g + lam * p)
    return params


# ----------------------------------------------------------------------------- mistakes


def _sig(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _log_of(sig):
    def loss(y, z):
        p = sig(z)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return loss


def _decay(update):
    return lambda params, grads, lr, lam: [update(p, g, lr, lam) for p, g in zip(params, grads)]


MISTAKES = {
    "mae_grad": [
        ("sign", lambda y, y_hat: np.sign(y - y_hat) / y.size, "the sign is flipped"),
        ("factor", lambda y, y_hat: np.sign(y_hat - y), "forget the mean's 1/n"),
        ("residual_not_sign", lambda y, y_hat: (y_hat - y) / y.size, "MSE's habit"),
        ("mse_grad_not_mae", lambda y, y_hat: 2 * (y_hat - y) / y.size, "mean *squared* error"),
        ("nan_at_ties", lambda y, y_hat: (y_hat - y) / np.abs(y_hat - y) / y.size, "0/0"),
        ("tie_value", lambda y, y_hat: np.where(y_hat >= y, 1.0, -1.0) / y.size, "where you return 1/n"),
        ("tie_value", lambda y, y_hat: np.where(y_hat > y, 1.0, -1.0) / y.size, "where you return -1/n"),
        ("tie_value", lambda y, y_hat: (np.sign(y_hat - y) + 0.5 * (y_hat == y)) / y.size, "where you return ½/n"),
        ("len_not_size", lambda y, y_hat: np.sign(y_hat - y) / len(y), "divide by y.size"),
        ("loss_not_gradient", lambda y, y_hat: np.abs(y_hat - y) / y.size, "terms of the loss"),
    ],
    "leaky_relu_prime": [
        ("relu_prime_not_leaky", lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.0), "plain ReLU's derivative"),
        ("leaky_slopes_swapped", lambda z, alpha=0.01: np.where(z > 0, alpha, 1.0), "slopes are swapped"),
        ("leaky_one_at_zero", lambda z, alpha=0.01: np.where(z >= 0, 1.0, alpha), "where you return 1"),
        ("leaky_zero_at_zero", lambda z, alpha=0.01: np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.0)),
         "where you return 0"),
        ("alpha_ignored", lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01), "alpha is a parameter"),
        ("activation_not_derivative", lambda z, alpha=0.01: np.where(z > 0, z, alpha * z), "the activation"),
    ],
    "bce_with_logits": [
        ("log_of_sigmoid", _log_of(lambda z: 1 / (1 + np.exp(-z))), "log(0) = −inf"),
        ("log_of_sigmoid", _log_of(_sig), "log(0) = −inf"),
        ("log_of_sigmoid", _log_of(lambda z: np.clip(_sig(z), 1e-7, 1 - 1e-7)), "clipped σ(z)"),
        ("softplus_overflow", lambda y, z: np.mean(np.log1p(np.exp(z)) - z * y), "overflows beyond 709.8"),
        ("softplus_overflow", lambda y, z: np.mean(np.log(1 + np.exp(-z)) + z * (1 - y)), "overflows beyond 709.8"),
        ("logits_missing_abs", lambda y, z: np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-z))),
         "not log(1 + e^{−|z|})"),
        ("logits_zy_sign", lambda y, z: np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z)))),
         "adds z·y"),
        ("labels_swapped", lambda y, z: np.mean(np.maximum(z, 0) - z * (1 - y) + np.log1p(np.exp(-np.abs(z)))),
         "y and 1 − y are swapped"),
        ("logits_missing_max", lambda y, z: np.mean(-z * y + np.log1p(np.exp(-np.abs(z)))), "leaves out max(z, 0)"),
        ("logits_missing_log", lambda y, z: np.mean(np.maximum(z, 0) - z * y), "leaves out log(1 + e^{−|z|})"),
        ("factor", lambda y, z: np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))), "you summed"),
        ("warning", lambda y, z: np.mean(np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z))) - z * y),
         "does not protect an np.exp"),
    ],
    "weight_decay_step": [
        ("decay_sign", _decay(lambda p, g, lr, lam: p - lr * (g - lam * p)), "away from 0"),
        ("decay_half", _decay(lambda p, g, lr, lam: p - lr * (g + lam / 2 * p)), "cancels the 2"),
        ("decay_on_gradient", _decay(lambda p, g, lr, lam: p - lr * (1 + lam) * g), "not the gradient"),
        ("decayed_twice", _decay(lambda p, g, lr, lam: (1 - lr * lam) * p - lr * (g + lam * p)), "decayed twice"),
        ("decay_without_lr", _decay(lambda p, g, lr, lam: (1 - lam) * p - lr * g), "multiplies the decay term"),
        ("forgot_gradient", _decay(lambda p, g, lr, lam: (1 - lr * lam) * p), "g, is missing"),
        ("no_decay", _decay(lambda p, g, lr, lam: p - lr * g), "lam is not used"),
        ("climbs", _decay(lambda p, g, lr, lam: p + lr * (g + lam * p)), "a step up the gradient"),
        ("step_only", _decay(lambda p, g, lr, lam: -lr * (g + lam * p)), "the step alone"),
        ("in_place", _decay_in_place, "in place"),
        ("exception", lambda params, grads, lr, lam: (p - lr * (g + lam * p) for p, g in zip(params, grads)),
         "weight_decay_step should return a list"),
    ],
}


@pytest.mark.parametrize(
    "name, key, fn, phrase",
    [(name, key, fn, phrase) for name, table in MISTAKES.items() for key, fn, phrase in table],
    ids=[f"{name}-{key}-{i}" for name, table in MISTAKES.items() for i, (key, *_) in enumerate(table)],
)
def test_each_mistake_is_diagnosed_with_its_key_and_words(name, key, fn, phrase):
    assert_mistake(name, fn, key, phrase)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_delegating_to_the_reference_is_refused(name):
    reference = getattr(mlcore, name)
    error = verdict(name, lambda *args: reference(*args), hidden=True, seed=0)
    assert error.mistake == "reference" and "your own implementation" in str(error)
