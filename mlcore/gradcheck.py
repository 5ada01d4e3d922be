r"""Gradient checking by central differences (used by the tests and by notebooks 00 and 04).

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}
"""

from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, check_callable, check_scalar
from .i18n import tr

__all__ = ["numerical_gradient", "relative_error", "check_gradient", "GradientCheckResult", "GradientCheckError"]


def numerical_gradient(f, x, h=1e-6, df=None):
    r"""Numerical gradient of ``f`` at ``x`` by central differences, one entry at a time.

    .. math:: g_i = \frac{f(x + h e_i) - f(x - h e_i)}{2h}
              \quad\text{or, for array-valued } f,\quad
              g_i = \sum_j \mathrm{df}_j \frac{f(x + h e_i)_j - f(x - h e_i)_j}{2h}

    Each entry of ``x`` is perturbed **in place** and restored before the next one, so ``f`` may
    read ``x`` through a closure (e.g. ``lambda _: model.loss(X, y)`` with ``x = model.params[0]``).
    After the call ``x`` holds exactly its original values.

    Parameters
    ----------
    f : callable
        ``f(x)`` returning a number, or an array when ``df`` is given.
    x : ndarray of float64, any shape
        The point; must be a writable float64 array (float32 would swallow ``h``).
    h : float > 0
        Step size.
    df : array_like, optional
        Upstream gradient :math:`\partial L / \partial f(x)` for array-valued ``f``.

    Returns
    -------
    ndarray, shape of ``x``
    """
    check_callable(f, "f")
    if not isinstance(x, np.ndarray):
        raise TypeError(tr("x must be a NumPy array (it is perturbed in place), got {type}").format(type=type(x).__name__))
    if x.dtype != np.float64:
        raise TypeError(tr("x has dtype {dtype}, expected float64: a step of h = {h} would be lost in lower "
                        "precision").format(dtype=x.dtype, h=h))
    if not x.flags.writeable:
        raise ValueError(tr("x is read-only, expected a writable array (entries are perturbed and restored)"))
    h = check_scalar(h, "h", minimum=0.0, strict_min=True)
    if df is not None:
        df = as_float_array(df, "df")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        try:
            x[i] = old + h
            f_plus = np.array(f(x), dtype=np.float64, copy=True)
            x[i] = old - h
            f_minus = np.array(f(x), dtype=np.float64, copy=True)
        finally:
            x[i] = old  # restore, also when f raises
        diff = f_plus - f_minus
        if df is None:
            if diff.size != 1:
                raise ValueError(tr("f(x) has shape {shape}, expected a number (or pass df for array-valued f)").format(
                    shape=diff.shape))
            grad[i] = diff.item() / (2 * h)
        else:
            if diff.shape != df.shape:
                raise ValueError(tr("df has shape {shape}, expected {want} (the shape of f(x))").format(
                    shape=df.shape, want=diff.shape))
            grad[i] = np.sum(diff * df) / (2 * h)
    return grad


def relative_error(a, b, floor=1e-12):
    r"""Largest elementwise relative error between two arrays of the same shape.

    .. math:: \max_i \frac{|a_i - b_i|}{\max(|a_i| + |b_i|, \text{floor})}

    Parameters
    ----------
    a, b : array_like, same shape
    floor : float
        Keeps the ratio defined where both entries are 0.

    Returns
    -------
    float in [0, 1]
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(tr("b has shape {shape}, expected {want} (the shape of a)").format(shape=b.shape, want=a.shape))
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


class GradientCheckResult(NamedTuple):
    """Outcome of :func:`check_gradient`; ``str(result)`` is a one-line summary."""

    ok: bool
    error: float
    index: tuple
    expected: float
    got: float
    message: str

    def __str__(self):
        return self.message


class GradientCheckError(AssertionError):
    """Raised by :func:`check_gradient` when the analytic gradient is wrong."""


def check_gradient(f, x, grad, h=1e-6, tol=1e-5, raise_error=True):
    r"""Compare an analytic gradient with central differences and name the worst entry.

    The error of entry i is :math:`|g_i - n_i| / \max(|g_i| + |n_i|, 10^{-2} s, 10^{-12})` with
    :math:`s = \max_j (|g_j| + |n_j|)`: entries far smaller than the gradient's own scale are
    compared in absolute terms, so round-off on near-zero entries does not fail a correct gradient.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, the loss as a function of ``x`` (may read ``x`` through a closure).
    x : ndarray of float64
        The point (perturbed in place and restored, see :func:`numerical_gradient`).
    grad : array_like, shape of ``x``
        The analytic gradient :math:`\partial f / \partial x` to check.
    h : float
        Finite-difference step.
    tol : float
        Largest acceptable error.
    raise_error : bool
        Raise :class:`GradientCheckError` on failure (otherwise just return the result).

    Returns
    -------
    GradientCheckResult
        ``ok``, the worst ``error``, its ``index``, ``expected`` (numerical) and ``got`` (analytic).
    """
    grad = as_float_array(grad, "grad")
    if not isinstance(x, np.ndarray) or grad.shape != x.shape:
        raise ValueError(tr("grad has shape {shape}, expected {want} (the shape of x)").format(
            shape=grad.shape, want=np.shape(x)))
    tol = check_scalar(tol, "tol", minimum=0.0)
    num = numerical_gradient(f, x, h=h)
    if x.size == 0:
        return GradientCheckResult(True, 0.0, (), 0.0, 0.0, "gradient check passed (empty array)")
    mag = np.abs(grad) + np.abs(num)
    denom = np.maximum(mag, max(1e-2 * float(mag.max()), 1e-12))
    err = np.abs(grad - num) / denom
    if not np.all(np.isfinite(grad)):
        err = np.where(np.isfinite(grad), err, np.inf)
    flat = int(np.argmax(err))
    index = tuple(int(i) for i in np.unravel_index(flat, x.shape))
    worst = float(err.flat[flat])
    expected, got = float(num.flat[flat]), float(grad.flat[flat])
    ok = worst <= tol
    if ok:
        msg = tr("gradient check passed: {n} entries, largest relative error {worst:.2e} (tolerance {tol:.0e})").format(
            n=x.size, worst=worst, tol=tol)
    else:
        msg = tr(
            "gradient check failed at index {index}: expected {expected:.6g} (central differences), "
            "got {got:.6g}, relative error {worst:.2e} > tolerance {tol:.0e}"
        ).format(index=index, expected=expected, got=got, worst=worst, tol=tol)
    result = GradientCheckResult(ok, worst, index, expected, got, msg)
    if not ok and raise_error:
        raise GradientCheckError(msg)
    return result
