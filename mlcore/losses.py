"""Losses and their gradients (notebooks 01 and 03).

Losses are means: over every element for MSE and binary cross-entropy, over samples for softmax
cross-entropy. Gradients have the shape of the argument they differentiate with respect to.
"""


import numpy as np

from ._guard import reference
from ._validate import (
    as_float_array,
    as_labels,
    check_finite,
    check_nonempty,
    check_same_shape,
    check_scalar,
    check_shape,
    check_unit_interval,
)
from .activations import sigmoid, softmax
from .i18n import tr

__all__ = [
    "mse",
    "mse_grad",
    "mae_grad",
    "linear_mse_grads",
    "binary_cross_entropy",
    "bce_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "one_hot",
    "EPS",
]

#: Probabilities are clipped to [EPS, 1 - EPS] so that log(p) and 1 / (p (1 - p)) stay finite.
EPS = 1e-12


def _pair(y, y_name, other, other_name):
    y = as_float_array(y, y_name)
    other = as_float_array(other, other_name)
    check_same_shape(y, y_name, other, other_name)
    check_nonempty(y, y_name)
    if y.dtype != other.dtype:
        # Targets take the dtype of the predictions, so float32 predictions give float32 results
        # even with integer or float64 labels.
        y = y.astype(other.dtype)
    return y, other


def _clip(p):
    """p clipped to [EPS, 1 - EPS], in float64: in float32, 1 - 1e-12 would round back to 1."""
    return np.clip(p.astype(np.float64, copy=False), EPS, 1.0 - EPS)


def _targets01(y, name="y"):
    check_unit_interval(y, name, what=tr("targets (labels 0 or 1, or soft labels)"))


def _logits_and_labels(y, z):
    z = as_float_array(z, "z")
    if z.ndim != 2:
        raise ValueError(tr("z has shape {z.shape}, expected logits of shape (N, K)").format(z=z))
    check_nonempty(z, "z")
    y = as_labels(y, "y", n_classes=z.shape[1], n=z.shape[0])
    return y, z


@reference("mse")
def mse(y, y_hat):
    r"""Mean squared error over every element.

    .. math:: L = \frac{1}{n} \sum_i (y_i - \hat y_i)^2, \quad n = \texttt{y.size}

    Parameters
    ----------
    y : array_like, any shape
        Targets.
    y_hat : array_like, same shape as ``y``
        Predictions.

    Returns
    -------
    float
    """
    y, y_hat = _pair(y, "y", y_hat, "y_hat")
    loss = float(np.mean((y - y_hat) ** 2))
    if not np.isfinite(loss):
        check_finite(y, "y")
        check_finite(y_hat, "y_hat")
    return loss


@reference("mse_grad")
def mse_grad(y, y_hat):
    r"""Gradient of :func:`mse` with respect to ``y_hat``.

    .. math:: \frac{\partial L}{\partial \hat y} = \frac{2}{n} (\hat y - y), \quad n = \texttt{y.size}

    Parameters
    ----------
    y : array_like, any shape
    y_hat : array_like, same shape as ``y``

    Returns
    -------
    ndarray, shape of ``y_hat``
    """
    y, y_hat = _pair(y, "y", y_hat, "y_hat")
    return 2.0 * (y_hat - y) / y.size


@reference("linear_mse_grads")
def linear_mse_grads(X, y, w, b):
    r"""Gradients of the MSE of linear regression :math:`\hat y = X w + b`.

    .. math::
        \frac{\partial L}{\partial w} = \frac{2}{N} X^\top (\hat y - y), \qquad
        \frac{\partial L}{\partial b} = \frac{2}{N} \sum_i (\hat y_i - y_i)

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like, shape (N,)
    w : array_like, shape (D,)
    b : float

    Returns
    -------
    dw : ndarray, shape (D,)
    db : float
    """
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(tr("X has shape {X.shape}, expected (N, D): one row per sample").format(X=X))
    N, D = X.shape
    if N == 0:
        raise ValueError(tr("X has shape {X.shape}, expected at least one sample").format(X=X))
    y = as_float_array(y, "y")
    check_shape(y, "y", (N,), why=tr("one target per row of X (X has shape {shape})").format(shape=X.shape))
    w = as_float_array(w, "w")
    check_shape(w, "w", (D,), why=tr("one weight per column of X (X has shape {shape})").format(shape=X.shape))
    b = check_scalar(b, "b")
    r = X @ w + b - y  # y_hat - y, (N,)
    dw = 2.0 / N * (X.T @ r)
    db = 2.0 / N * float(r.sum())
    if not np.isfinite(db):
        for a, name in ((X, "X"), (y, "y"), (w, "w")):
            check_finite(a, name)
    return dw, db


@reference("binary_cross_entropy")
def binary_cross_entropy(y, p):
    r"""Binary cross-entropy of probabilities, averaged over every element.

    .. math:: L = -\frac{1}{n} \sum_i \bigl(y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr)

    ``p`` is clipped to ``[1e-12, 1 - 1e-12]`` first, so ``p`` exactly 0 or 1 gives a large but
    finite loss.

    Parameters
    ----------
    y : array_like, any shape
        Targets in [0, 1] (usually 0 or 1).
    p : array_like, same shape as ``y``
        Predicted probabilities in [0, 1].

    Returns
    -------
    float, >= 0
    """
    y, p = _pair(y, "y", p, "p")
    _targets01(y)
    check_unit_interval(p, "p")
    p = _clip(p)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


@reference("bce_grad")
def bce_grad(y, p):
    r"""Gradient of :func:`binary_cross_entropy` with respect to ``p``.

    .. math:: \frac{\partial L}{\partial p} = \frac{p - y}{p (1 - p)} \cdot \frac{1}{n}, \quad n = \texttt{y.size}

    Like the loss, this uses ``p`` clipped to ``[1e-12, 1 - 1e-12]``, so it is finite for ``p``
    exactly 0 or 1 (and matches the derivative of the clipped loss inside the interval). The
    arithmetic runs in float64; a float32 ``p`` gets a float32 result.

    Parameters
    ----------
    y : array_like, any shape
    p : array_like, same shape as ``y``

    Returns
    -------
    ndarray, shape of ``p``
    """
    y, p = _pair(y, "y", p, "p")
    _targets01(y)
    check_unit_interval(p, "p")
    dtype = p.dtype
    p = _clip(p)
    return ((p - y) / (p * (1.0 - p)) / y.size).astype(dtype, copy=False)


@reference("bce_with_logits")
def bce_with_logits(y, z):
    r"""Binary cross-entropy computed from logits ``z`` (stable form), averaged over every element.

    .. math:: L = \frac{1}{n} \sum_i \bigl(\max(z_i, 0) - z_i y_i + \log(1 + e^{-|z_i|})\bigr)

    which equals :func:`binary_cross_entropy` of :math:`p = \sigma(z)` without ever forming
    :math:`\log 0`.

    Parameters
    ----------
    y : array_like, any shape
        Targets in [0, 1].
    z : array_like, same shape as ``y``
        Logits.

    Returns
    -------
    float, >= 0
    """
    y, z = _pair(y, "y", z, "z")
    _targets01(y)
    terms = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    with np.errstate(over="ignore"):
        loss = float(np.mean(terms))
    if not np.isfinite(loss):
        check_finite(z, "z")
        # Every term is finite and >= 0, but near float's largest |z| their sum overflows: average
        # them scaled by the largest (the scaled mean is at most 1, so the product stays finite).
        terms = terms.astype(np.float64)
        top = float(terms.max())
        loss = top * float(np.mean(terms / top))
    return loss


@reference("bce_with_logits_grad")
def bce_with_logits_grad(y, z):
    r"""Gradient of :func:`bce_with_logits` with respect to the logits ``z``.

    .. math:: \frac{\partial L}{\partial z} = \frac{\sigma(z) - y}{n}, \quad n = \texttt{y.size}

    Parameters
    ----------
    y : array_like, any shape
    z : array_like, same shape as ``y``

    Returns
    -------
    ndarray, shape of ``z``
    """
    y, z = _pair(y, "y", z, "z")
    _targets01(y)
    return (sigmoid(z) - y) / y.size


@reference("softmax_cross_entropy")
def softmax_cross_entropy(y, z):
    r"""Softmax cross-entropy with integer labels, averaged over samples.

    .. math:: L = -\frac{1}{N} \sum_i \log \mathrm{softmax}(z)_{i, y_i}
              = \frac{1}{N} \sum_i \Bigl(\log \sum_k e^{z_{ik}} - z_{i y_i}\Bigr)

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Class labels in 0 .. K-1.
    z : array_like, shape (N, K)
        Logits.

    Returns
    -------
    float, >= 0
    """
    y, z = _logits_and_labels(y, z)
    m = z.max(axis=1, keepdims=True)
    if not np.isfinite(m).all():
        check_finite(z, "z")
    # log-sum-exp with the row maximum taken out: exp never overflows.
    log_sum_exp = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(log_sum_exp - z[np.arange(z.shape[0]), y]))


@reference("softmax_cross_entropy_grad")
def softmax_cross_entropy_grad(y, z):
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits ``z``.

    .. math:: \frac{\partial L}{\partial z} = \frac{1}{N} \bigl(\mathrm{softmax}(z) - Y\bigr),
              \quad Y = \mathrm{onehot}(y)

    Parameters
    ----------
    y : array_like of int, shape (N,)
    z : array_like, shape (N, K)

    Returns
    -------
    ndarray, shape (N, K)
    """
    y, z = _logits_and_labels(y, z)
    return (softmax(z) - one_hot(y, z.shape[1], dtype=z.dtype)) / z.shape[0]


def one_hot(y, K=None, dtype=np.float64):
    r"""One-hot encode integer labels.

    .. math:: Y_{ik} = [y_i = k]

    Parameters
    ----------
    y : array_like of int, shape (N,)
    K : int, optional
        Number of classes; defaults to ``max(y) + 1``.
    dtype : numpy float dtype, default float64

    Returns
    -------
    ndarray, shape (N, K)
    """
    if K is not None:
        if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
            raise ValueError(tr("K must be a positive integer number of classes, got {K!r}").format(K=K))
        K = int(K)
    y = as_labels(y, "y", n_classes=K)
    if K is None:
        K = int(y.max()) + 1 if y.size else 1
        if y.size and y.min() < 0:
            raise ValueError(tr(
                "y contains the label {value}, expected labels >= 0").format(
                    value=int(y.min())))
    Y = np.zeros((y.shape[0], K), dtype=dtype)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


@reference("mae_grad")
def mae_grad(y, y_hat):
    r"""Gradient of the mean absolute error :math:`L = \frac{1}{n} \sum_i |y_i - \hat y_i|` with respect to ``y_hat``.

    .. math:: \frac{\partial L}{\partial \hat y} = \frac{1}{n} \operatorname{sign}(\hat y - y),
              \quad n = \texttt{y.size}, \quad \operatorname{sign}(0) = 0

    :math:`|\cdot|` has no derivative at 0; where :math:`\hat y_i = y_i` the entry is 0, a subgradient
    (PyTorch's choice too).

    Parameters
    ----------
    y : array_like, any shape
        Targets.
    y_hat : array_like, same shape as ``y``
        Predictions.

    Returns
    -------
    ndarray, shape of ``y_hat``
        Every entry is :math:`-1/n`, 0 or :math:`1/n`.
    """
    y, y_hat = _pair(y, "y", y_hat, "y_hat")
    g = np.sign(y_hat - y)
    g /= y.size
    return g
