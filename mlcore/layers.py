r"""The linear layer as a forward/backward pair, and the two steps of the delta recursion (notebook 04).

Rows are samples: ``x (N, D_in)``, ``W (D_in, D_out)``, ``b (D_out,)``, ``z = x @ W + b``.
``dW`` always means :math:`\partial L / \partial W` and has ``W``'s shape.
"""

from ._guard import reference
from ._validate import as_float_array, check_callable, check_shape
from .i18n import tr

__all__ = ["linear_forward", "linear_backward", "hidden_delta", "layer_grads"]


def _matrix(a, name, what):
    a = as_float_array(a, name)
    if a.ndim != 2:
        raise ValueError(tr(
            "{name} has shape {a.shape}, expected a 2-D array {what}").format(
                name=name, a=a, what=what))
    return a


def linear_forward(x, W, b):
    r"""Affine layer, forward: one row of pre-activations per sample.

    .. math:: z = x W + b

    Parameters
    ----------
    x : array_like, shape (N, D_in)
    W : array_like, shape (D_in, D_out)
    b : array_like, shape (D_out,)

    Returns
    -------
    z : ndarray, shape (N, D_out)
    cache : tuple ``(x, W, b)``
        What :func:`linear_backward` needs.
    """
    x = _matrix(x, "x", "(N, D_in)")
    W = _matrix(W, "W", "(D_in, D_out)")
    b = as_float_array(b, "b")
    if W.shape[0] != x.shape[1]:
        raise ValueError(
            tr(
            "W has shape {W.shape}, expected ({x.shape[1]}, {W.shape[1]}): W needs one row per column "
            "of x, and x has shape {x.shape}").format(
                W=W, x=x)
        )
    if b.shape != (W.shape[1],):
        check_shape(b, "b", (W.shape[1],), why=tr("one bias per column of W (W has shape {shape})").format(shape=W.shape))
    return x @ W + b, (x, W, b)


def linear_backward(dz, cache):
    r"""Affine layer, backward: gradients of the loss with respect to the layer's inputs.

    .. math::
        \frac{\partial L}{\partial x} = \delta W^\top, \qquad
        \frac{\partial L}{\partial W} = x^\top \delta, \qquad
        \frac{\partial L}{\partial b} = \sum_i \delta_i, \qquad \delta = \frac{\partial L}{\partial z}

    Parameters
    ----------
    dz : array_like, shape (N, D_out)
        :math:`\partial L / \partial z`.
    cache : tuple ``(x, W, b)``
        As returned by :func:`linear_forward`.

    Returns
    -------
    dx : ndarray, shape (N, D_in)
    dW : ndarray, shape (D_in, D_out)
    db : ndarray, shape (D_out,)
    """
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(tr("cache must be the (x, W, b) tuple returned by linear_forward"))
    x, W, _ = cache
    dz = _matrix(dz, "dz", "(N, D_out)")
    if dz.shape != (x.shape[0], W.shape[1]):
        check_shape(dz, "dz", (x.shape[0], W.shape[1]), why=tr("the shape of z = x @ W + b (x {x}, W {W})").format(x=x.shape, W=W.shape))
    dx = dz @ W.T
    dW, db = layer_grads(x, dz)
    return dx, dW, db


@reference("hidden_delta")
def hidden_delta(delta_next, W_next, z, act_prime):
    r"""One step of the delta recursion: the error signal of a hidden layer.

    .. math:: \delta^{l} = \bigl(\delta^{l+1} (W^{l+1})^\top\bigr) \odot f'(z^{l})

    Parameters
    ----------
    delta_next : array_like, shape (N, D_next)
        :math:`\delta^{l+1} = \partial L / \partial z^{l+1}`.
    W_next : array_like, shape (D, D_next)
        The weights of layer l+1 (mapping layer l's D units to D_next).
    z : array_like, shape (N, D)
        Layer l's pre-activations :math:`z^l` (not its activations).
    act_prime : callable
        The derivative :math:`f'` of layer l's activation, applied elementwise to ``z``.

    Returns
    -------
    ndarray, shape (N, D)
        :math:`\delta^l = \partial L / \partial z^l`.
    """
    delta_next = _matrix(delta_next, "delta_next", "(N, D_next)")
    W_next = _matrix(W_next, "W_next", "(D, D_next)")
    z = _matrix(z, "z", "(N, D)")
    check_callable(act_prime, "act_prime")
    N, D = z.shape
    if W_next.shape != (D, delta_next.shape[1]):
        raise ValueError(
            tr(
            "W_next has shape {W_next.shape}, expected ({D}, {delta_next.shape[1]}): one row per unit "
            "of z {z.shape}, one column per unit of delta_next {delta_next.shape}").format(
                W_next=W_next, D=D, delta_next=delta_next, z=z)
        )
    if delta_next.shape[0] != N:
        raise ValueError(
            tr(
            "delta_next has shape {delta_next.shape}, expected ({N}, {delta_next.shape[1]}): the batch "
            "size must match z {z.shape}").format(
                delta_next=delta_next, N=N, z=z)
        )
    fp = act_prime(z)
    if getattr(fp, "shape", None) != z.shape:
        raise ValueError(
            tr(
            "act_prime(z) has shape {value}, expected {z.shape} (the shape of z): act_prime must work "
            "elementwise").format(
                value=getattr(fp, 'shape', '(a scalar)'), z=z)
        )
    return (delta_next @ W_next.T) * fp


@reference("layer_grads")
def layer_grads(a_prev, delta):
    r"""Gradients of the loss with respect to one layer's weights and biases.

    .. math::
        \frac{\partial L}{\partial W^l} = (a^{l-1})^\top \delta^l, \qquad
        \frac{\partial L}{\partial b^l} = \sum_{i=1}^{N} \delta^l_i

    Parameters
    ----------
    a_prev : array_like, shape (N, D_prev)
        The layer's input :math:`a^{l-1}` (``X`` for the first layer).
    delta : array_like, shape (N, D)
        :math:`\delta^l = \partial L / \partial z^l`.

    Returns
    -------
    dW : ndarray, shape (D_prev, D)
    db : ndarray, shape (D,)
    """
    a_prev = _matrix(a_prev, "a_prev", "(N, D_prev)")
    delta = _matrix(delta, "delta", "(N, D)")
    if delta.shape[0] != a_prev.shape[0]:
        raise ValueError(
            tr(
            "delta has shape {delta.shape}, expected ({a_prev.shape[0]}, {delta.shape[1]}): one row per"
            " sample, and a_prev has shape {a_prev.shape}").format(
                delta=delta, a_prev=a_prev)
        )
    return a_prev.T @ delta, delta.sum(axis=0)
