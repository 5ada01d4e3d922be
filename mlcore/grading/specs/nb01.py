"""Exercises of notebook 01_mse: ``mse``, ``mse_grad`` and ``linear_mse_grads``.

The pattern for every spec module: cases drawn from ``rng``, the sizes a wrong factor could be
made of, and the mistakes learners make, each computed from mlcore's references.
"""

import numpy as np

from mlcore.grading.exercise import Exercise, Mistake, size_plan
from mlcore.losses import linear_mse_grads, mae_grad, mse, mse_grad

# ----------------------------------------------------------------------------- mse and mse_grad


def _magnitude(rng, hidden):
    """A scale for the values: 1 in visible checks, 0.1 to 10 in hidden ones."""
    return 10 ** rng.uniform(-1, 1) if hidden else 1.0


def _residuals(rng, shape):
    """Differences ŷ − y between 0.2 and 2 in magnitude, either sign.

    Kept away from 0 so that a learner's float32 arithmetic never meets a near-cancellation that
    no tolerance relative to the result could forgive.
    """
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 2.0, size=shape)


def _pair_cases(rng, hidden):
    """``y`` and ``y_hat`` of one shape: 1-D ``(N,)`` in every third case, else ``(N, D)``."""
    cases = []
    for i, s in enumerate(size_plan(rng, hidden)):
        shape = (s["N"],) if i % 3 == 1 else (s["N"], s["D"])
        scale = _magnitude(rng, hidden)
        y = scale * rng.normal(size=shape)
        cases.append({"y": y, "y_hat": y + scale * _residuals(rng, shape)})
    return cases


def _pair_sizes(y, y_hat):
    return {"y.size": y.size, "N": y.shape[0], "D": y.size // y.shape[0]}


PAIR_MEANINGS = {
    "y.size": "the number of elements the mean runs over",
    "N": "the number of rows of y",
    "D": "the number of columns of y, 1 for a 1-D y",
}


def _len_not_size(value):
    """What dividing by len(y) instead of y.size gives, from the right value."""
    return lambda y, y_hat: value(y, y_hat) * (y.size / len(y))


LEN_NOT_SIZE = (
    "you divided by len(y), the number of rows, but the mean runs over every element of y: "
    "divide by y.size (N·D for a 2-D y), or use np.mean."
)

MSE = Exercise(
    name="mse",
    reference=mse,
    cases=_pair_cases,
    sizes=_pair_sizes,
    guarded=("mse",),
    size_meanings=PAIR_MEANINGS,
    factor_hints={
        "y.size": "did you sum instead of taking the mean? Divide the sum of squares by y.size, or use np.mean.",
        "1/2": "did you use the ½·(y − ŷ)² convention? This course's MSE is the plain mean of the squares.",
        "2": "a factor 2 belongs to the gradient, not to the loss itself.",
    },
    mistakes=(
        Mistake(
            "rmse",
            "you took the square root: that is the root mean squared error (RMSE). "
            "The MSE is the mean of the squared differences, with no root.",
            lambda y, y_hat: np.sqrt(mse(y, y_hat)),
        ),
        Mistake(
            "square_of_mean",
            "you squared the mean difference, (mean(y − ŷ))². The MSE is the mean of the squares, "
            "mean((y − ŷ)²): square each difference first, then average.",
            lambda y, y_hat: float(np.mean(y - y_hat)) ** 2,
        ),
        Mistake(
            "forgot_square",
            "you averaged y − ŷ without squaring it: positive and negative errors cancel. "
            "Square each difference, then average: mean((y − ŷ)²).",
            lambda y, y_hat: float(np.mean(y - y_hat)),
        ),
        Mistake(
            "mae",
            "you averaged |y − ŷ|, the mean absolute error. The MSE squares each difference instead.",
            lambda y, y_hat: float(np.mean(np.abs(y - y_hat))),
        ),
        Mistake("len_not_size", LEN_NOT_SIZE, _len_not_size(mse)),
    ),
)

DROPPED_2_OVER_N = (
    "did you drop the 2/y.size? ŷ − y alone is the gradient of ½·Σ(ŷ − y)², not of the mean: "
    "the square brings down a 2 and the mean a 1/n, so ∂L/∂ŷ = 2(ŷ − y)/y.size. Without them "
    "the effective learning rate silently depends on the batch size."
)

MSE_GRAD = Exercise(
    name="mse_grad",
    reference=mse_grad,
    cases=_pair_cases,
    sizes=_pair_sizes,
    guarded=("mse_grad",),
    size_meanings=PAIR_MEANINGS,
    factor_hints={
        "y.size/2": DROPPED_2_OVER_N,
        "y.size": "did you forget the mean's 1/n? Every entry of the gradient carries it: divide by y.size.",
        "1/2": "did you forget the 2 that the derivative of the square brings down? "
        "d/dŷ (ŷ − y)² = 2(ŷ − y).",
        "2": "there is one factor 2 (from the square), not two.",
    },
    mistakes=(
        Mistake("len_not_size", LEN_NOT_SIZE, _len_not_size(mse_grad)),
        Mistake(
            "loss_not_gradient",
            "you returned the terms of the loss, (ŷ − y)²/n, not their derivative 2(ŷ − y)/n.",
            lambda y, y_hat: (y_hat - y) ** 2 / y.size,
        ),
    ),
)

# ----------------------------------------------------------------------------- linear_mse_grads


def _linear_cases(rng, hidden):
    cases = []
    for s in size_plan(rng, hidden):
        N, D = s["N"], s["D"]
        scale = _magnitude(rng, hidden)
        X, w, b = scale * rng.normal(size=(N, D)), rng.normal(size=D), float(rng.normal())
        # One sign for every residual of a case (a model that over- or under-shoots): db then
        # involves no cancellation that float32 arithmetic could not survive.
        y = X @ w + b - scale * rng.choice([-1.0, 1.0]) * np.abs(_residuals(rng, N))
        cases.append({"X": X, "y": y, "w": w, "b": b})
    return cases


def _linear_sizes(X, y, w, b):
    return {"N": X.shape[0], "D": X.shape[1]}


def _residual_grad(X, y, w, b):
    """(2/N)(ŷ − y): the gradient of the loss with respect to ŷ, shape (N,)."""
    return mse_grad(y, X @ w + b)


MEAN_OVER_D = (
    "you divided by D, the number of features (X.shape[1]); the mean runs over the N samples "
    "(X.shape[0], or len(y))."
)

LINEAR_MSE_GRADS = Exercise(
    name="linear_mse_grads",
    reference=linear_mse_grads,
    cases=_linear_cases,
    sizes=_linear_sizes,
    parts=("dw", "db"),
    # mse_grad is the heart of this exercise too: its reference stays off while the learner's runs.
    guarded=("linear_mse_grads", "mse_grad"),
    rounding_slack=True,  # dw = Xᵀr and db = Σr are sums of terms of both signs
    size_meanings={"N": "the number of samples", "D": "the number of features"},
    factor_hints={
        "N/2": "did you drop the 2/N? Xᵀ(ŷ − y) alone is the gradient of ½·Σ(ŷ − y)², not of the "
        "mean: the square brings down a 2 and the mean a 1/N. Without them the effective "
        "learning rate silently depends on the batch size.",
        "N": "did you forget to average over the batch? The loss is a mean over the N samples: divide by N.",
        "1/2": "did you forget the 2 that the derivative of the square brings down?",
        "2": "there is one factor 2 (from the square), not two.",
        "1/D": "did you divide by X.size (N·D) instead of by N, the number of samples?",
    },
    mistakes=(
        Mistake(
            "missing_b",
            "your prediction leaves out the bias: ŷ = X @ w + b, and both gradients use ŷ − y.",
            lambda X, y, w, b: linear_mse_grads(X, y, w, 0.0),
        ),
        Mistake(
            "x_not_transposed",
            "you multiplied by X where Xᵀ belongs. dw has one entry per feature, shape (D,): "
            "dw = (2/N) Xᵀ(ŷ − y), i.e. X.T @ r. (With X square the shapes even line up, so only "
            "the values reveal it.)",
            lambda X, y, w, b: X @ _residual_grad(X, y, w, b),
            part="dw",
        ),
        Mistake(
            "dw_not_summed",
            "dw has one entry per sample and feature, shape (N, D): the gradient sums those "
            "contributions over the samples, dw = (2/N) Σᵢ (ŷᵢ − yᵢ) xᵢ = (2/N) Xᵀ(ŷ − y).",
            lambda X, y, w, b: X * _residual_grad(X, y, w, b)[:, None],
            part="dw",
        ),
        Mistake(
            "wrong_axis",
            "you summed over the features (axis=1) instead of over the samples (axis=0): dw needs "
            "one entry per feature, dw_j = (2/N) Σᵢ (ŷᵢ − yᵢ) X_ij, i.e. X.T @ r.",
            lambda X, y, w, b: (X * _residual_grad(X, y, w, b)[:, None]).sum(axis=1),
            part="dw",
        ),
        Mistake(
            "db_not_summed",
            "db should be one number: sum the per-sample terms, db = (2/N) Σᵢ (ŷᵢ − yᵢ).",
            _residual_grad,
            part="db",
        ),
        Mistake(
            "mean_over_d",
            MEAN_OVER_D,
            lambda X, y, w, b: linear_mse_grads(X, y, w, b)[0] * (X.shape[0] / X.shape[1]),
            part="dw",
        ),
        Mistake(
            "mean_over_d",
            MEAN_OVER_D,
            lambda X, y, w, b: linear_mse_grads(X, y, w, b)[1] * (X.shape[0] / X.shape[1]),
            part="db",
        ),
    ),
)

# ----------------------------------------------------------------------------- mae_grad (second edition)


def _mae_cases(rng, hidden):
    """mse's cases with about a quarter of the entries tied (ŷ = y exactly), never the first one.

    A tie is where |y − ŷ| has no derivative: the contract takes 0 there (sign(0) = 0), so the ties
    separate np.sign from the conventions that put 1 or ½ there. Cases with a single element have no tie.
    """
    cases = _pair_cases(rng, hidden)
    for case in cases:
        y, y_hat = case["y"].reshape(-1), case["y_hat"].reshape(-1)  # views: writing ties writes the case
        if y.size > 1:
            ties = rng.choice(np.arange(1, y.size), size=max(1, y.size // 4), replace=False)
            y_hat[ties] = y[ties]
    if not hidden:  # small numbers to read off a failure: 2-D, with two ties
        cases.append({"y": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                      "y_hat": np.array([[1.5, 2.0, 2.0], [4.0, 7.0, 5.5]])})
    return cases


def _mae_variant(step, tie=0.0, scale=lambda y: 1.0 / y.size):
    """A wrong answer built from the sign: ``step(y, y_hat)`` where ŷ ≠ y, ``tie`` where ŷ = y, times ``scale``."""
    return lambda y, y_hat: np.where(y_hat == y, tie, step(y, y_hat)) * scale(y)


def _sign(y, y_hat):
    return np.sign(y_hat - y)


def _tie_message(value):
    return (
        f"your values are right except where ŷ = y exactly, where you return {value}/n. |ŷ − y| has no "
        "derivative there (a kink); the contract takes 0, the value np.sign gives at 0 (and PyTorch's "
        "choice): ŷ = y is the minimum of that term, so there is nothing to push."
    )


MAE_GRAD = Exercise(
    name="mae_grad",
    reference=mae_grad,
    cases=_mae_cases,
    sizes=_pair_sizes,
    guarded=("mae_grad",),
    size_meanings=PAIR_MEANINGS,
    factor_hints={
        "y.size": "did you forget the mean's 1/n? L = mean|y − ŷ| averages over every element, so every "
        "entry of its gradient carries 1/y.size.",
        "2": "there is no factor 2 here: that comes from the square of the MSE; |y − ŷ| has slope ±1.",
    },
    mistakes=(
        Mistake(
            "sign",
            "your values are sign(y − ŷ)/n: the sign is flipped. Differentiating |y − ŷ| with respect "
            "to ŷ brings the inner derivative of y − ŷ, which is −1: d|y − ŷ|/dŷ = −sign(y − ŷ) = "
            "sign(ŷ − y). Check: if ŷ is above y, raising ŷ makes the error bigger, so the gradient is "
            "positive.",
            _mae_variant(lambda y, y_hat: np.sign(y - y_hat)),
        ),
        Mistake(
            "residual_not_sign",
            "your values are (ŷ − y)/n: that is the MSE's habit (the derivative of a square grows with "
            "the error). The derivative of |ŷ − y| is only its sign: +1 where ŷ > y, −1 where ŷ < y, "
            "whatever the size of the error. Use np.sign(y_hat - y) / y.size.",
            lambda y, y_hat: (y_hat - y) / y.size,
        ),
        Mistake(
            "mse_grad_not_mae",
            "your values are 2(ŷ − y)/n, the gradient of the mean *squared* error. The mean absolute "
            "error's gradient is sign(ŷ − y)/n: every entry is ±1/n (0 where ŷ = y).",
            lambda y, y_hat: 2.0 * (y_hat - y) / y.size,
        ),
        Mistake(
            "nan_at_ties",
            "your values are NaN where ŷ = y exactly: (ŷ − y)/|ŷ − y| is 0/0 there. The contract takes 0 "
            "at a tie: np.sign(y_hat - y) gives exactly that (sign(0) = 0).",
            lambda y, y_hat: (y_hat - y) / np.abs(y_hat - y) / y.size,
        ),
        Mistake("tie_value", _tie_message(1), _mae_variant(_sign, tie=1.0)),
        Mistake("tie_value", _tie_message("½"), _mae_variant(_sign, tie=0.5)),
        Mistake("tie_value", _tie_message(-1), _mae_variant(_sign, tie=-1.0)),
        Mistake("len_not_size", LEN_NOT_SIZE, _len_not_size(mae_grad)),
        Mistake(
            "loss_not_gradient",
            "your values are |ŷ − y|/n, the terms of the loss, not their derivative sign(ŷ − y)/n.",
            lambda y, y_hat: np.abs(y_hat - y) / y.size,
        ),
    ),
)

EXERCISES = (MSE, MSE_GRAD, LINEAR_MSE_GRADS, MAE_GRAD)
