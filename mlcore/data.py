"""Small generated data sets (nothing is ever downloaded). Every generator takes an explicit ``rng``.

Classification sets return ``X`` (N, 2) float64 and integer labels ``y`` (N,); :func:`make_linear`
returns a regression problem.
"""

import numpy as np

from ._validate import as_float_array, check_positive_int, check_rng, check_scalar
from .i18n import tr

__all__ = ["make_xor", "make_moons", "make_spirals", "make_blobs", "make_linear"]


def _counts(n, k):
    """Split n samples over k groups as evenly as possible."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def make_xor(n_samples=200, noise=0.1, *, rng):
    r"""The XOR problem: four corners of the unit square, label :math:`y = x_1 \oplus x_2`.

    Sample i sits at corner ``i % 4`` of (0,0), (0,1), (1,0), (1,1) plus Gaussian noise, so
    ``make_xor(4, noise=0, rng=rng)`` is the classic four-point truth table. Not linearly separable.

    Parameters
    ----------
    n_samples : int >= 1
    noise : float >= 0
        Standard deviation of the Gaussian noise added to each coordinate.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n_samples, 2), float64
    y : ndarray, shape (n_samples,), int
    """
    n = check_positive_int(n_samples, "n_samples")
    noise = check_scalar(noise, "noise", minimum=0.0)
    check_rng(rng)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    which = np.arange(n) % 4
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = np.array([0, 1, 1, 0])[which]
    return X, y


def make_moons(n_samples=200, noise=0.1, *, rng):
    r"""Two interleaving half circles ("two moons").

    Class 0: :math:`(\cos t, \sin t)`; class 1: :math:`(1 - \cos t, \tfrac12 - \sin t)`,
    :math:`t \in [0, \pi]` uniform, plus Gaussian noise.

    Parameters
    ----------
    n_samples : int >= 2
    noise : float >= 0
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray, shape (n_samples,), int in {0, 1}
    """
    n = check_positive_int(n_samples, "n_samples", minimum=2)
    noise = check_scalar(noise, "noise", minimum=0.0)
    check_rng(rng)
    n0, n1 = _counts(n, 2)
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n1)
    X = np.concatenate([
        np.column_stack([np.cos(t0), np.sin(t0)]),
        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
    ])
    y = np.repeat([0, 1], [n0, n1])
    X += noise * rng.standard_normal(X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


def make_spirals(n_samples=300, n_classes=3, noise=0.2, *, rng):
    r"""Interleaved spiral arms, one per class.

    Arm k: radius :math:`r \in [0, 1]` evenly spaced, angle
    :math:`\theta = 2\pi k / K + 4 r + \varepsilon`, :math:`\varepsilon \sim \mathcal N(0, \text{noise}^2)`;
    :math:`x = r (\sin\theta, \cos\theta)`.

    Parameters
    ----------
    n_samples : int >= n_classes
        Total number of points (split as evenly as possible over the arms).
    n_classes : int >= 2
    noise : float >= 0
        Standard deviation of the angle noise, in radians.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray, shape (n_samples,), int in 0 .. n_classes-1
    """
    K = check_positive_int(n_classes, "n_classes", minimum=2)
    n = check_positive_int(n_samples, "n_samples", minimum=K)
    noise = check_scalar(noise, "noise", minimum=0.0)
    check_rng(rng)
    Xs, ys = [], []
    for k, nk in enumerate(_counts(n, K)):
        r = np.linspace(0.0, 1.0, nk)
        theta = 2 * np.pi * k / K + 4.0 * r + noise * rng.standard_normal(nk)
        Xs.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        ys.append(np.full(nk, k))
    X, y = np.concatenate(Xs), np.concatenate(ys)
    order = rng.permutation(n)
    return X[order], y[order]


def make_blobs(n_samples=300, centers=3, std=1.0, *, rng, n_features=2):
    r"""Gaussian blobs: class k drawn from :math:`\mathcal N(\mu_k, \text{std}^2 I)`.

    Parameters
    ----------
    n_samples : int >= 1
    centers : int or array_like of shape (K, n_features)
        The number of blobs (centres drawn uniformly in [-5, 5]) or the centres themselves.
    std : float > 0
    rng : numpy.random.Generator
    n_features : int >= 1
        Dimension D when ``centers`` is an int.

    Returns
    -------
    X : ndarray, shape (n_samples, D)
    y : ndarray, shape (n_samples,), int in 0 .. K-1
    """
    n = check_positive_int(n_samples, "n_samples")
    std = check_scalar(std, "std", minimum=0.0, strict_min=True)
    check_rng(rng)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        K = check_positive_int(centers, "centers")
        D = check_positive_int(n_features, "n_features")
        mu = rng.uniform(-5, 5, (K, D))
    else:
        mu = as_float_array(centers, "centers")
        if mu.ndim != 2 or mu.shape[0] < 1:
            raise ValueError(tr(
                "centers has shape {mu.shape}, expected an int or an array of shape (K, D)").format(
                    mu=mu))
    K, D = mu.shape
    y = np.repeat(np.arange(K), _counts(n, K))
    X = mu[y] + std * rng.standard_normal((n, D))
    order = rng.permutation(n)
    return X[order], y[order]


def make_linear(n_samples=100, n_features=1, noise=0.1, *, rng, w=None, b=None, return_params=False):
    r"""A linear regression problem :math:`y = X w + b + \varepsilon`.

    Parameters
    ----------
    n_samples : int >= 1
    n_features : int >= 1
        D, ignored when ``w`` is given.
    noise : float >= 0
        Standard deviation of :math:`\varepsilon`.
    rng : numpy.random.Generator
    w : array_like of shape (D,), optional
        True weights; drawn from N(0, 1) when omitted.
    b : float, optional
        True bias; drawn from N(0, 1) when omitted.
    return_params : bool
        Also return the true ``w`` and ``b``.

    Returns
    -------
    X : ndarray, shape (n_samples, D), entries uniform in [-1, 1]
    y : ndarray, shape (n_samples,)
    w, b : ndarray (D,) and float, only with ``return_params=True``
    """
    n = check_positive_int(n_samples, "n_samples")
    noise = check_scalar(noise, "noise", minimum=0.0)
    check_rng(rng)
    if w is None:
        D = check_positive_int(n_features, "n_features")
        w = rng.standard_normal(D)
    else:
        w = as_float_array(w, "w")
        if w.ndim != 1 or w.size == 0:
            raise ValueError(tr("w has shape {w.shape}, expected (D,) with D >= 1").format(w=w))
        w = w.copy()
        D = w.shape[0]
    b = float(rng.standard_normal()) if b is None else check_scalar(b, "b")
    X = rng.uniform(-1, 1, (n, D))
    y = X @ w + b + noise * rng.standard_normal(n)
    if return_params:
        return X, y, w, b
    return X, y
