"""Notebook 01's checks: every correct form passes, every learner mistake fails with its key.

The functions below are written the way learners write them: loops, einsum, algebraic variants,
float32 arithmetic, each mistake the way it shows up in a real answer cell.
"""

import re

import numpy as np
import pytest

from mlcore.grading import GradingError, check

from grading_util import BOTH
from grading_util import mistakes_of as verdict


# ============================================================================= mse


def mse_mean(y, y_hat):
    return np.mean((y - y_hat) ** 2)


def mse_loop(y, y_hat):
    total = 0.0
    for a, b in zip(y.ravel(), y_hat.ravel()):
        total += (a - b) ** 2
    return total / y.size


def mse_einsum(y, y_hat):
    r = (y_hat - y).ravel()
    return np.einsum("i,i->", r, r) / r.size


def mse_norm(y, y_hat):
    return float(np.linalg.norm(y - y_hat) ** 2 / y.size)


def mse_float32(y, y_hat):
    r = (y - y_hat).astype(np.float32)
    return np.mean(r * r)


def mse_zero_d_array(y, y_hat):
    return np.asarray(np.square(y_hat - y).sum() / np.size(y))


@BOTH
@pytest.mark.parametrize("fn", [mse_mean, mse_loop, mse_einsum, mse_norm, mse_float32, mse_zero_d_array])
def test_mse_correct_forms_pass(fn, hidden):
    assert verdict("mse", fn, hidden) is None


MSE_MISTAKES = {
    "sum instead of mean": (lambda y, y_hat: np.sum((y - y_hat) ** 2), "factor", "y.size times"),
    "rmse": (lambda y, y_hat: np.sqrt(np.mean((y - y_hat) ** 2)), "rmse", "square root"),
    "mae": (lambda y, y_hat: np.mean(np.abs(y - y_hat)), "mae", "absolute"),
    "square of the mean": (lambda y, y_hat: np.mean(y - y_hat) ** 2, "square_of_mean", "mean of the squares"),
    "divide by len": (lambda y, y_hat: np.sum((y - y_hat) ** 2) / len(y), "len_not_size", "len(y)"),
    "half": (lambda y, y_hat: 0.5 * np.mean((y - y_hat) ** 2), "factor", "½"),
    "per column": (lambda y, y_hat: np.mean((y - y_hat) ** 2, axis=0), "not_scalar", "single number"),
    "forgot return": (lambda y, y_hat: None, "no_return", "return"),
    "forgot the square": (lambda y, y_hat: np.mean(y - y_hat), "forgot_square", "without squaring"),
    # any single number is some multiple of another: an offset is a mismatch, not a "factor"
    "offset": (lambda y, y_hat: np.mean((y - y_hat) ** 2) + 1e-3, "not_zero_at_target", "is not 0 when y_hat = y"),
    "matrix product of the residuals": (
        lambda y, y_hat: (y - y_hat).T @ (y - y_hat) / len(y),
        "not_scalar",
        "should be a single number",
    ),
}


@BOTH
@pytest.mark.parametrize("mistake", list(MSE_MISTAKES))
def test_mse_mistakes_are_named(mistake, hidden):
    fn, key, words = MSE_MISTAKES[mistake]
    with pytest.raises(GradingError, match=re.escape(words)) as info:
        check("mse", fn, hidden=hidden)
    assert info.value.mistakes == (key,)


# ============================================================================= mse_grad


def grad_vectorised(y, y_hat):
    return 2 * (y_hat - y) / y.size


def grad_loop(y, y_hat):
    g = np.zeros_like(y_hat)
    n = y.size
    for index in np.ndindex(*y.shape):
        g[index] = 2 * (y_hat[index] - y[index]) / n
    return g


def grad_minus_form(y, y_hat):
    return -2.0 / np.size(y) * (y - y_hat)


def grad_over_half_n(y, y_hat):
    return np.subtract(y_hat, y) / (y.size / 2)


def grad_float32(y, y_hat):
    return (2 * (y_hat.astype(np.float32) - y.astype(np.float32)) / y.size).astype(np.float32)


def grad_einsum(y, y_hat):
    return np.einsum("...,->...", y_hat - y, 2.0 / y.size)


@BOTH
@pytest.mark.parametrize(
    "fn", [grad_vectorised, grad_loop, grad_minus_form, grad_over_half_n, grad_float32, grad_einsum]
)
def test_mse_grad_correct_forms_pass(fn, hidden):
    assert verdict("mse_grad", fn, hidden) is None


def grad_in_place(y, y_hat):
    y_hat -= y
    y_hat *= 2 / y.size
    return y_hat


MSE_GRAD_MISTAKES = {
    "dropped 2/n (the misconception)": (lambda y, y_hat: y_hat - y, "factor", "y.size/2 times"),
    "dropped 1/n": (lambda y, y_hat: 2 * (y_hat - y), "factor", "is y.size times"),
    "dropped the 2": (lambda y, y_hat: (y_hat - y) / y.size, "factor", "is 1/2 times"),
    "sign flipped": (lambda y, y_hat: 2 * (y - y_hat) / y.size, "sign", "wrong sign"),
    "divide by len": (lambda y, y_hat: 2 * (y_hat - y) / len(y), "len_not_size", "len(y)"),
    "loss terms": (lambda y, y_hat: (y_hat - y) ** 2 / y.size, "loss_not_gradient", "derivative"),
    "mean of the gradient": (lambda y, y_hat: np.mean(2 * (y_hat - y)), "shape", "single number"),
    "in place": (grad_in_place, "in_place", "in place"),
    "absolute value": (lambda y, y_hat: 2 * np.abs(y_hat - y) / y.size, "sign", "absolute value"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(MSE_GRAD_MISTAKES))
def test_mse_grad_mistakes_are_named(mistake, hidden):
    fn, key, words = MSE_GRAD_MISTAKES[mistake]
    with pytest.raises(GradingError, match=re.escape(words)) as info:
        check("mse_grad", fn, hidden=hidden)
    assert info.value.mistakes == (key,)


def test_dropped_two_over_n_names_the_misconception():
    with pytest.raises(GradingError) as info:
        check("mse_grad", lambda y, y_hat: y_hat - y)
    assert "drop the 2/y.size" in str(info.value)
    assert "learning rate silently depends on the batch size" in str(info.value)


# ============================================================================= linear_mse_grads


def linear_vectorised(X, y, w, b):
    N = X.shape[0]
    r = X @ w + b - y
    dw = 2 / N * X.T @ r
    db = 2 / N * np.sum(r)
    return dw, db


def linear_loop(X, y, w, b):
    N, D = X.shape
    dw = np.zeros(D)
    db = 0.0
    for i in range(N):
        y_hat_i = 0.0
        for j in range(D):
            y_hat_i += X[i, j] * w[j]
        y_hat_i += b
        for j in range(D):
            dw[j] += 2 * (y_hat_i - y[i]) * X[i, j] / N
        db += 2 * (y_hat_i - y[i]) / N
    return dw, db


def linear_einsum(X, y, w, b):
    r = np.einsum("nd,d->n", X, w) + b - y
    return 2 * np.einsum("nd,n->d", X, r) / len(y), 2 * r.mean()


def linear_means(X, y, w, b):
    r = X.dot(w) + b - y
    return 2 * np.mean(X * r[:, None], axis=0), float(2 * np.mean(r))


def linear_row_vector(X, y, w, b):
    r = (X @ w + b - y) * (2 / len(X))
    return [r @ X, r.sum()]


def linear_float32(X, y, w, b):
    X32, y32, w32 = X.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
    r = X32 @ w32 + np.float32(b) - y32
    return (2 / len(y) * X32.T @ r), np.float32(2 / len(y) * r.sum())


def linear_zero_d_db(X, y, w, b):
    r = X @ w + b - y
    return 2 / len(y) * X.T @ r, np.asarray(2 / len(y) * r.sum())


@BOTH
@pytest.mark.parametrize(
    "fn",
    [linear_vectorised, linear_loop, linear_einsum, linear_means, linear_row_vector, linear_float32, linear_zero_d_db],
)
def test_linear_mse_grads_correct_forms_pass(fn, hidden):
    assert verdict("linear_mse_grads", fn, hidden) is None


def _r(X, y, w, b):
    return X @ w + b - y


def linear_in_place(X, y, w, b):
    y_hat = X @ w + b
    y_hat -= y
    y -= y  # "reuse" y's memory
    return 2 / len(X) * X.T @ y_hat, 2 / len(X) * y_hat.sum()


def linear_x_not_transposed(X, y, w, b):
    return 2 / len(y) * X @ _r(X, y, w, b), 2 / len(y) * _r(X, y, w, b).sum()


def linear_broadcast(X, y, w, b):
    y_hat = X @ w[:, None] + b  # (N, 1)
    r = y_hat - y  # (N, N)
    return 2 / len(y) * (X.T @ r), 2 / len(y) * r.sum()


LINEAR_MISTAKES = {
    "dropped 2/N": (lambda X, y, w, b: (X.T @ _r(X, y, w, b), _r(X, y, w, b).sum()), ("factor", "factor"), "N/2 times"),
    "dropped 1/N": (
        lambda X, y, w, b: (2 * X.T @ _r(X, y, w, b), 2 * _r(X, y, w, b).sum()),
        ("factor", "factor"),
        "average over the batch",
    ),
    "dropped the 2": (
        lambda X, y, w, b: (X.T @ _r(X, y, w, b) / len(y), _r(X, y, w, b).mean()),
        ("factor", "factor"),
        "is 1/2 times",
    ),
    "sign": (
        lambda X, y, w, b: (2 / len(y) * X.T @ (y - X @ w - b), 2 * np.mean(y - X @ w - b)),
        ("sign", "sign"),
        "wrong sign",
    ),
    "X instead of X.T": (linear_x_not_transposed, ("x_not_transposed",), "Xᵀ belongs"),
    "db as an array": (
        lambda X, y, w, b: (2 / len(y) * X.T @ _r(X, y, w, b), 2 / len(y) * np.sum(_r(X, y, w, b), keepdims=True)),
        ("not_scalar",),
        "float",
    ),
    "db not summed": (
        lambda X, y, w, b: (2 / len(y) * X.T @ _r(X, y, w, b), 2 / len(y) * _r(X, y, w, b)),
        ("db_not_summed",),
        "sum the per-sample terms",
    ),
    "dw not summed": (
        lambda X, y, w, b: (2 / len(y) * X * _r(X, y, w, b)[:, None], 2 * _r(X, y, w, b).mean()),
        ("dw_not_summed",),
        "sums those",
    ),
    "mean over D": (
        lambda X, y, w, b: (2 / X.shape[1] * X.T @ _r(X, y, w, b), 2 / X.shape[1] * _r(X, y, w, b).sum()),
        ("mean_over_d", "mean_over_d"),
        "divided by D",
    ),
    "missing b": (
        lambda X, y, w, b: (2 / len(y) * X.T @ (X @ w - y), 2 * np.mean(X @ w - y)),
        ("missing_b",),
        "bias",
    ),
    # db sums the (N, N) table: N times too big, which the second diagnosis says.
    "broadcasting (N, 1) against (N,)": (linear_broadcast, ("shape", "factor"), "broadcasting"),
    "in place": (linear_in_place, ("in_place",), "y in place"),
    "summed over the wrong axis": (
        lambda X, y, w, b: (2 / len(y) * np.sum(X.T * _r(X, y, w, b), axis=0), 2 * _r(X, y, w, b).mean()),
        ("wrong_axis",),
        "axis=1",
    ),
    "divided by X.size": (
        lambda X, y, w, b: (2 / X.size * X.T @ _r(X, y, w, b), 2 / X.size * _r(X, y, w, b).sum()),
        ("factor", "factor"),
        "X.size",
    ),
    "(db, dw)": (lambda X, y, w, b: linear_vectorised(X, y, w, b)[::-1], ("order",), "(db, dw) instead of (dw, db)"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(LINEAR_MISTAKES))
def test_linear_mse_grads_mistakes_are_named(mistake, hidden):
    fn, keys, words = LINEAR_MISTAKES[mistake]
    with pytest.raises(GradingError, match=re.escape(words)) as info:
        check("linear_mse_grads", fn, hidden=hidden)
    assert info.value.mistakes == keys


def test_each_wrong_value_gets_its_own_diagnosis():
    def linear_mse_grads(X, y, w, b):
        r = X @ w + b - y
        return X.T @ r, np.sum(2 / len(y) * r, keepdims=True)  # dropped 2/N; db an array

    with pytest.raises(GradingError) as info:
        check("linear_mse_grads", linear_mse_grads)
    assert info.value.mistakes == ("factor", "not_scalar")
    lines = str(info.value).splitlines()
    assert lines[0].startswith("linear_mse_grads: dw is N/2 times")
    assert lines[1].startswith("linear_mse_grads: db should be a single number")
