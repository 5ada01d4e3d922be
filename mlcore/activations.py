"""Activation functions and their derivatives (notebook 02), plus the row-wise softmax (notebook 03).

Every function works elementwise on an array of any shape (softmax: row-wise over the last axis),
returns a new array and keeps float32 inputs float32; integers become float64.
"""


import numpy as np

from ._guard import reference
from ._validate import as_float_array, check_nonempty, check_scalar
from .i18n import tr

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "leaky_relu",
    "leaky_relu_prime",
    "identity",
    "identity_prime",
    "softmax",
    "ACTIVATIONS",
]


@reference("sigmoid")
def sigmoid(z):
    r"""Logistic sigmoid, elementwise.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    ndarray, same shape as ``z``
        Values in [0, 1]; finite and warning-free for any float input (e.g. ``z = -1000``).
    """
    z = as_float_array(z, "z")
    # Two-branch form: e^{-|z|} never overflows. For z >= 0 use 1 / (1 + e^{-z}); for z < 0 the
    # equivalent e^{z} / (1 + e^{z}), both written with e = e^{-|z|}.
    e = np.exp(-np.abs(z))
    s = 1.0 / (1.0 + e)
    return np.where(z >= 0, s, e * s)


@reference("sigmoid_prime")
def sigmoid_prime(z):
    r"""Derivative of the sigmoid with respect to its input ``z``, elementwise.

    .. math:: \sigma'(z) = \sigma(z)\,(1 - \sigma(z))

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations (not the activations :math:`a = \sigma(z)`).

    Returns
    -------
    ndarray, same shape as ``z``
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    r"""Hyperbolic tangent, elementwise.

    .. math:: \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in [-1, 1]
    """
    return np.tanh(as_float_array(z, "z"))


@reference("tanh_prime")
def tanh_prime(z):
    r"""Derivative of tanh with respect to ``z``, elementwise.

    .. math:: \tanh'(z) = 1 - \tanh^2(z)

    (Not :math:`\tanh(z)(1 - \tanh(z))`: that is the sigmoid's pattern, wrongly carried over.)

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``
    """
    return 1.0 - np.tanh(as_float_array(z, "z")) ** 2


def relu(z):
    r"""Rectified linear unit, elementwise.

    .. math:: \mathrm{relu}(z) = \max(z, 0)

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``
    """
    z = as_float_array(z, "z")
    return np.maximum(z, z.dtype.type(0))


@reference("relu_prime")
def relu_prime(z):
    r"""Derivative of ReLU with respect to ``z``, elementwise; 0 at ``z = 0``.

    .. math:: \mathrm{relu}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray of floats (1.0 or 0.0), same shape as ``z``
    """
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def identity(z):
    r"""Identity activation, :math:`f(z) = z` (returns a copy).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``
    """
    return as_float_array(z, "z").copy()


def identity_prime(z):
    r"""Derivative of the identity, :math:`f'(z) = 1`, elementwise.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray of ones, same shape as ``z``
    """
    return np.ones_like(as_float_array(z, "z"))


@reference("softmax")
def softmax(z):
    r"""Softmax over the last axis: each row of ``z`` becomes a probability distribution.

    .. math:: \mathrm{softmax}(z)_{ik} = \frac{e^{z_{ik}}}{\sum_j e^{z_{ij}}}

    Parameters
    ----------
    z : array_like, shape (N, K) (any shape with K >= 1 on the last axis)
        Logits, one row per sample.

    Returns
    -------
    ndarray, same shape as ``z``
        Non-negative, every row sums to 1. Stable for large logits.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError(tr("z has shape () (a single number), expected logits of shape (N, K)"))
    check_nonempty(z, "z")
    m = z.max(axis=-1, keepdims=True)
    if not np.isfinite(m).all():  # max propagates NaN and +inf: the row maxima show both
        bad = np.argwhere(~np.isfinite(m))[0][:-1]
        raise ValueError(tr(
            "z (shape {z.shape}) has NaN or +inf in row {value}, expected finite logits").format(
                z=z, value=tuple(int(i) for i in bad)))
    e = np.exp(z - m)  # subtracting the row maximum leaves softmax unchanged and keeps exp from overflowing
    return e / e.sum(axis=-1, keepdims=True)


#: Hidden-layer activations by name: ``name -> (f, f_prime)``, both functions of ``z``.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "identity": (identity, identity_prime),
}


def leaky_relu(z, alpha=0.01):
    r"""Leaky rectified linear unit, elementwise.

    .. math:: \mathrm{lrelu}_\alpha(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    Parameters
    ----------
    z : array_like, any shape
    alpha : float >= 0, default 0.01
        Slope for negative ``z``.

    Returns
    -------
    ndarray, same shape as ``z``
    """
    z = as_float_array(z, "z")
    alpha = check_scalar(alpha, "alpha", minimum=0.0)
    return np.where(z > 0, z, alpha * z)


@reference("leaky_relu_prime")
def leaky_relu_prime(z, alpha=0.01):
    r"""Derivative of the leaky ReLU with respect to ``z``, elementwise; ``alpha`` at ``z = 0``.

    .. math:: \mathrm{lrelu}_\alpha'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    Unlike :func:`relu_prime`, never 0 (for ``alpha > 0``): a unit whose pre-activations are all negative
    still passes a gradient back, so it cannot die.

    Parameters
    ----------
    z : array_like, any shape
    alpha : float >= 0, default 0.01
        Slope for negative ``z``.

    Returns
    -------
    ndarray of floats (1.0 or ``alpha``), same shape as ``z``
    """
    z = as_float_array(z, "z")
    alpha = check_scalar(alpha, "alpha", minimum=0.0)
    g = np.full_like(z, alpha)
    g[z > 0] = 1.0
    return g


ACTIVATIONS["leaky_relu"] = (leaky_relu, leaky_relu_prime)  # alpha = 0.01
