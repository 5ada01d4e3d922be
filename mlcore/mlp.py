r"""A multi-layer perceptron whose backward pass is the delta recursion written out (notebook 04).

``params`` is a flat list ``[W1, b1, W2, b2, ..., WL, bL]`` with ``Wl`` of shape ``(D_{l-1}, D_l)``
and ``bl`` of shape ``(D_l,)``. The forward pass returns a :class:`Cache` indexed like the math:
``cache.a[0] = X``, ``cache.z[0] = None`` and, for l = 1..L, ``cache.z[l] = cache.a[l-1] @ Wl + bl``,
``cache.a[l] = f(cache.z[l])`` (the head's activation at l = L).
"""

import math
from typing import NamedTuple

import numpy as np

from ._guard import reference
from ._validate import as_float_array, as_labels, check_callable, check_positive_int, check_scalar
from .activations import ACTIVATIONS, identity, sigmoid, softmax
from .i18n import tr
from .layers import hidden_delta, layer_grads, linear_forward
from .losses import (
    bce_with_logits,
    bce_with_logits_grad,
    mse,
    mse_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

__all__ = ["Cache", "MLP", "backward", "Head", "HEADS"]

class Head(NamedTuple):
    """An output head: the last layer's activation, and its loss and the loss's delta, both from ``z^L``.

    ``fused``, when given, computes ``(loss, delta)`` together (one softmax for both) for :meth:`MLP.step`.
    """

    activation: object  # f(z) -> a^L
    loss: object  # loss(y, z^L) -> float
    delta: object  # delta(y, z^L) -> dL/dz^L, shape of z^L
    fused: object = None  # (y, z^L) -> (loss, delta), y already checked


# MLP.step only: bench_mlp measured its step 5-7 % faster at (784, 256, 10), 2-3 % at (784, 1024, 1024, 10)
# than with the loss and the delta computed apart.
@reference("softmax_cross_entropy", "softmax_cross_entropy_grad")
def _softmax_cross_entropy_and_grad(y, z):
    r""":func:`softmax_cross_entropy` and its gradient from one softmax, labels ``y`` already checked.

    .. math:: L = \frac{1}{N} \sum_i \Bigl(\log \sum_k e^{z_{ik}} - z_{i y_i}\Bigr), \qquad
              \frac{\partial L}{\partial z} = \frac{1}{N} \bigl(\mathrm{softmax}(z) - Y\bigr)
    """
    N = z.shape[0]
    rows = np.arange(N)
    shifted = z - z.max(axis=1, keepdims=True)  # softmax is unchanged by a shift per row; exp cannot overflow
    picked = shifted[rows, y]
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    loss = float(np.log(total).sum() - picked.sum()) / N
    e /= total  # softmax(z)
    e[rows, y] -= 1  # - Y
    e /= N
    return loss, e


#: Output heads by name, like ACTIVATIONS: softmax + cross-entropy (integer labels), sigmoid + binary
#: cross-entropy (computed from the logits), identity + MSE.
HEADS = {
    "softmax": Head(softmax, softmax_cross_entropy, softmax_cross_entropy_grad, _softmax_cross_entropy_and_grad),
    "sigmoid": Head(sigmoid, bce_with_logits, bce_with_logits_grad),
    "identity": Head(identity, mse, mse_grad),
}


class Cache(NamedTuple):
    """What the forward pass remembers for the backward pass.

    Attributes
    ----------
    a : list of ndarray, length L+1
        ``a[0] = X`` (N, D_0); ``a[l]`` (N, D_l) the activations of layer l; ``a[L]`` the output.
    z : list, length L+1
        ``z[0] = None``; ``z[l]`` (N, D_l) the pre-activations of layer l.
    """

    a: list
    z: list


def _check_params(params):
    if not isinstance(params, (list, tuple)):
        raise TypeError(tr(
            "params must be a list [W1, b1, ..., WL, bL], got {type}").format(
                type=type(params).__name__))
    if len(params) < 2 or len(params) % 2:
        raise ValueError(tr(
            "params has {n} entries, expected an even number >= 2: [W1, b1, ..., WL, bL]").format(
                n=len(params)))
    for i in range(0, len(params), 2):
        W, b = params[i], params[i + 1]
        l = i // 2 + 1
        if getattr(W, "ndim", None) != 2:
            raise ValueError(tr(
                "params[{i}] (W{l}) has shape {shape}, expected a 2-D array (D_{value}, D_{l})").format(
                    i=i, l=l, shape=np.shape(W), value=l - 1))
        if getattr(b, "shape", None) != (W.shape[1],):
            raise ValueError(tr(
                "params[{value}] (b{l}) has shape {shape}, expected ({W.shape[1]},) to match W{l} {W.shape}").format(
                    value=i + 1, l=l, shape=np.shape(b), W=W))
        if i and W.shape[0] != params[i - 2].shape[1]:
            raise ValueError(
                tr(
                "params[{i}] (W{l}) has shape {W.shape}, expected ({value}, {W.shape[1]}) to follow "
                "W{value2} {value3}").format(
                    i=i, l=l, W=W, value=params[i - 2].shape[1], value2=l - 1, value3=params[i - 2].shape)
            )


@reference("backward")
def backward(params, cache, delta_L, act_prime):
    r"""Backward pass of an MLP: the delta recursion from the output layer down to the first.

    .. math::
        \delta^{l} = \bigl(\delta^{l+1} (W^{l+1})^\top\bigr) \odot f'(z^{l}), \qquad
        \frac{\partial L}{\partial W^l} = (a^{l-1})^\top \delta^l, \qquad
        \frac{\partial L}{\partial b^l} = \sum_i \delta^l_i

    Parameters
    ----------
    params : list of ndarray
        ``[W1, b1, ..., WL, bL]``, ``Wl`` (D_{l-1}, D_l), ``bl`` (D_l,).
    cache : Cache
        From the forward pass: ``cache.a[l]`` and ``cache.z[l]`` for l = 0..L.
    delta_L : array_like, shape (N, D_L)
        :math:`\delta^L = \partial L / \partial z^L`, the output delta.
    act_prime : callable
        Derivative of the hidden activation, applied to ``cache.z[l]``.

    Returns
    -------
    grads : list of ndarray
        ``[dW1, db1, ..., dWL, dbL]`` in the order (and shapes) of ``params``.
    """
    _check_params(params)
    L = len(params) // 2
    if not hasattr(cache, "a") or not hasattr(cache, "z"):
        raise TypeError(tr(
            "cache must be the Cache(a, z) returned by the forward pass, got {type}").format(
                type=type(cache).__name__))
    if len(cache.a) != L + 1 or len(cache.z) != L + 1:
        raise ValueError(
            tr(
            "cache has {value} activations and {value2} pre-activations, expected {value3} each for the"
            " {L} layers in params").format(
                value=len(cache.a), value2=len(cache.z), value3=L + 1, L=L)
        )
    check_callable(act_prime, "act_prime")
    delta = as_float_array(delta_L, "delta_L")
    expected = (np.shape(cache.a[0])[0], params[-2].shape[1])
    if delta.shape != expected:
        raise ValueError(tr(
            "delta_L has shape {delta.shape}, expected {expected}: (N, D_L), the shape of cache.z[{L}]").format(
                delta=delta, expected=expected, L=L))
    grads = [None] * (2 * L)
    for l in range(L, 0, -1):
        grads[2 * l - 2], grads[2 * l - 1] = layer_grads(cache.a[l - 1], delta)
        if l > 1:  # the input X needs no delta
            delta = hidden_delta(delta, params[2 * l - 2], cache.z[l - 1], act_prime)
    return grads


@reference("backward", "hidden_delta", "layer_grads", "gd_step")
def _descend(params, X, y, lr, act, act_prime, head):
    r"""The hot path of :meth:`MLP.step`: forward, the delta recursion and :math:`p - \alpha g`, once.

    The formulas of :meth:`MLP.forward`, :func:`backward` and :func:`gd_step`, with ``params``, ``X``
    and ``y`` checked once by the caller instead of at every call, and :math:`-\alpha` applied to
    :math:`\delta^L` before the recursion rather than to each gradient after it (the same numbers up to
    rounding). Returns ``(loss, new_params)``.
    """
    L = len(params) // 2
    A, Z = [X], [None]
    for l in range(1, L + 1):
        z = A[-1] @ params[2 * l - 2] + params[2 * l - 1]
        Z.append(z)
        A.append(act(z) if l < L else None)  # the loss works from z^L
    if head.fused is not None:
        loss, delta = head.fused(y, Z[L])
    else:
        loss, delta = head.loss(y, Z[L]), head.delta(y, Z[L])
    # Every gradient is linear in delta^L: scaled by -lr here, the products give -lr * g directly and
    # the update is one pass, p + (-lr * g), over the parameters (bench_mlp: 3-9 % off the step).
    delta *= -lr
    new = [None] * (2 * L)
    for l in range(L, 0, -1):
        new[2 * l - 2], new[2 * l - 1] = A[l - 1].T @ delta, delta.sum(axis=0)
        if l > 1:
            delta = delta @ params[2 * l - 2].T
            delta *= act_prime(Z[l - 1])
    for step, p in zip(new, params):
        step += p  # the fresh -lr * g becomes the new parameter
    return loss, new


def _init_params(sizes, activation, rng, dtype):
    params = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        # He initialisation for ReLU keeps the variance of z roughly constant through the layers;
        # Glorot-style 1/d_in for the saturating activations.
        scale = np.sqrt((2.0 if activation == "relu" else 1.0) / d_in)
        params.append((rng.standard_normal((d_in, d_out)) * scale).astype(dtype))
        params.append(np.zeros(d_out, dtype=dtype))
    return params


class MLP:
    r"""Multi-layer perceptron with one hidden activation and an output head.

    Parameters
    ----------
    sizes : sequence of int
        ``(D_0, D_1, ..., D_L)``: input width, hidden widths, output width.
    activation : {"relu", "tanh", "sigmoid", "identity"}
        Activation of every hidden layer.
    head : {"softmax", "sigmoid", "identity"}
        Output activation paired with its loss: softmax + cross-entropy (integer labels (N,)),
        sigmoid + binary cross-entropy (labels 0/1 of shape (N,), needs ``D_L = 1``), identity + MSE
        (targets (N, D_L), or (N,) when ``D_L = 1``).
    rng : numpy.random.Generator or int
        Source of the initial weights (an int is used as a seed).
    dtype : float32 or float64
        dtype of the parameters; inputs are cast to it.

    Attributes
    ----------
    params : list of ndarray
        ``[W1, b1, ..., WL, bL]``.
    """

    def __init__(self, sizes, activation="relu", head="softmax", rng=None, dtype=np.float64):
        sizes = tuple(sizes)
        if len(sizes) < 2:
            raise ValueError(tr(
                "sizes has {n} entries, expected at least 2 (input and output widths)").format(
                    n=len(sizes)))
        self.sizes = tuple(check_positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes))
        if activation not in ACTIVATIONS:
            raise ValueError(tr(
                "activation is {activation!r}, expected one of {value}").format(
                    activation=activation, value=sorted(ACTIVATIONS)))
        if head not in HEADS:
            raise ValueError(tr(
                "head is {head!r}, expected one of {value}").format(
                    head=head, value=list(HEADS)))
        if head == "softmax" and sizes[-1] < 2:
            raise ValueError(tr(
                "sizes ends with {value}, a softmax head needs at least 2 outputs").format(
                    value=sizes[-1]))
        if head == "sigmoid" and sizes[-1] != 1:
            raise ValueError(tr(
                "sizes ends with {value}, a sigmoid head needs exactly 1 output").format(
                    value=sizes[-1]))
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(tr("dtype is {dtype}, expected float32 or float64").format(dtype=dtype))
        if rng is None or isinstance(rng, (int, np.integer)):
            rng = np.random.default_rng(rng)
        elif not isinstance(rng, np.random.Generator):
            raise TypeError(tr(
                "rng must be a numpy.random.Generator or an int seed, got {type}").format(
                    type=type(rng).__name__))
        self.activation, self.head, self.dtype = activation, head, dtype
        self.act, self.act_prime = ACTIVATIONS[activation]
        self.params = _init_params(self.sizes, activation, rng, dtype)

    def __repr__(self):
        return f"MLP(sizes={self.sizes}, activation={self.activation!r}, head={self.head!r}, dtype={self.dtype.name})"

    @property
    def n_layers(self):
        """Number of weight layers L."""
        return len(self.sizes) - 1

    def _input(self, X):
        X = as_float_array(X, "X")
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(tr(
                "X has shape {X.shape}, expected (N, {self.sizes[0]}): one row per sample").format(
                    X=X, self=self))
        if X.dtype != self.dtype:
            X = X.astype(self.dtype)
        return X

    def forward(self, X):
        r"""Forward pass.

        .. math:: z^l = a^{l-1} W^l + b^l, \qquad a^l = f(z^l), \qquad a^0 = X

        Parameters
        ----------
        X : array_like, shape (N, D_0)

        Returns
        -------
        out : ndarray, shape (N, D_L)
            ``cache.a[L]``: class probabilities (softmax head), probabilities of class 1 (sigmoid
            head) or predictions (identity head).
        cache : Cache
        """
        a = self._input(X)
        L = self.n_layers
        A, Z = [a], [None]
        for l in range(1, L + 1):
            z, _ = linear_forward(a, self.params[2 * l - 2], self.params[2 * l - 1])
            a = self.act(z) if l < L else HEADS[self.head].activation(z)
            A.append(a)
            Z.append(z)
        return a, Cache(A, Z)

    def _targets(self, y, N):
        if self.head == "softmax":
            return as_labels(y, "y", n_classes=self.sizes[-1], n=N)
        y = as_float_array(y, "y")
        D = self.sizes[-1]
        if y.ndim == 1 and D == 1:
            y = y.reshape(-1, 1)
        if y.shape != (N, D):
            want = f"({N},) or ({N}, 1)" if D == 1 else f"({N}, {D})"
            raise ValueError(tr(
                "y has shape {y.shape}, expected {want}: one target per row of X").format(
                    y=y, want=want))
        return y

    def _loss_from_cache(self, cache, y):
        return HEADS[self.head].loss(y, cache.z[-1])

    def loss(self, X, y):
        """Mean loss of the model on ``(X, y)`` (cross-entropy, binary cross-entropy or MSE)."""
        _, cache = self.forward(X)
        return self._loss_from_cache(cache, self._targets(y, cache.a[0].shape[0]))

    def output_delta(self, cache, y):
        r"""Output delta :math:`\delta^L = \partial L / \partial z^L`.

        softmax + cross-entropy: :math:`(\mathrm{softmax}(z^L) - Y)/N`; sigmoid + BCE:
        :math:`(\sigma(z^L) - y)/N`; identity + MSE: :math:`2 (z^L - y) / y.size`.

        Parameters
        ----------
        cache : Cache
        y : array_like, labels (N,) or targets (N, D_L)

        Returns
        -------
        ndarray, shape (N, D_L)
        """
        z = cache.z[-1]
        return HEADS[self.head].delta(self._targets(y, z.shape[0]), z)

    def backward(self, cache, y):
        """Gradients ``[dW1, db1, ..., dWL, dbL]`` of the mean loss, via :func:`mlcore.backward`."""
        return backward(self.params, cache, self.output_delta(cache, y), self.act_prime)

    def loss_and_grads(self, X, y):
        """Forward and backward in one go: returns ``(loss, grads)``."""
        _, cache = self.forward(X)
        y = self._targets(y, cache.a[0].shape[0])
        loss = self._loss_from_cache(cache, y)
        return loss, self.backward(cache, y)

    def step(self, X, y, lr):
        r"""One step of gradient descent on ``(X, y)``: :math:`\theta \leftarrow \theta - \alpha \nabla_\theta L`.

        The same step as ``loss, grads = self.loss_and_grads(X, y)`` followed by
        ``self.params = gd_step(self.params, grads, lr)``, up to rounding, computed on a hot path that
        checks the inputs once rather than in every function, scales :math:`\delta^L` by :math:`-\alpha`
        (so the recursion yields :math:`-\alpha \nabla L` layer by layer) and adds the parameters into
        those fresh arrays. ``self.params`` is a new list of new arrays; the arrays it held before are left
        untouched, and so they are when an input is rejected.

        Parameters
        ----------
        X : array_like, shape (N, D_0)
        y : array_like, labels (N,) or targets (N, D_L)
        lr : float
            Learning rate :math:`\alpha \ge 0`.

        Returns
        -------
        loss : float
            The mean loss before the step.
        """
        lr = check_scalar(lr, "lr", minimum=0.0)
        _check_params(self.params)
        X = self._input(X)
        y = self._targets(y, X.shape[0])
        loss, new = _descend(self.params, X, y, lr, self.act, self.act_prime, HEADS[self.head])
        if not math.isfinite(loss):
            self.loss_and_grads(X, y)  # names the non-finite input; raises unless the loss itself overflowed
        self.params = new
        return loss

    def predict(self, X):
        """Predicted labels (N,) for the classification heads, predictions (N, D_L) for identity."""
        out, _ = self.forward(X)
        if self.head == "softmax":
            return out.argmax(axis=1)
        if self.head == "sigmoid":
            return (out[:, 0] >= 0.5).astype(np.intp)
        return out

    def accuracy(self, X, y):
        """Fraction of correctly classified rows (classification heads only)."""
        if self.head == "identity":
            raise ValueError(tr(
                "accuracy needs a classification head ('softmax' or 'sigmoid'), this MLP has 'identity'"))
        pred = self.predict(X)
        if self.head == "softmax":
            y = as_labels(y, "y", n_classes=self.sizes[-1], n=pred.shape[0])
        else:
            y = as_float_array(y, "y").reshape(-1)
            if y.shape != pred.shape:
                raise ValueError(tr(
                    "y has shape {y.shape}, expected {pred.shape}: one label per row of X").format(
                        y=y, pred=pred))
        return float(np.mean(pred == y))
