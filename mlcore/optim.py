r"""Gradient descent, momentum, mini-batches and a small training loop (notebook 05).

Update rules return new parameter lists and never modify their inputs.
"""

import os
import sys
import time

import numpy as np

from ._guard import reference
from ._validate import as_float_array, check_positive_int, check_rng, check_scalar
from .i18n import tr

__all__ = ["gd_step", "momentum_step", "weight_decay_step", "minibatches", "train"]


def _as_param(p, name):
    if isinstance(p, np.ndarray):
        return as_float_array(p, name)
    if isinstance(p, (int, float, np.number)) and not isinstance(p, bool):
        return float(p)  # a scalar parameter such as the bias b of linear regression
    return as_float_array(p, name)


def _check_lists(params, grads, grads_name="grads"):
    for obj, name in ((params, "params"), (grads, grads_name)):
        if not isinstance(obj, (list, tuple)):
            raise TypeError(tr(
                "{name} must be a list of arrays, got {type}").format(
                    name=name, type=type(obj).__name__))
    if len(params) != len(grads):
        raise ValueError(tr(
            "{grads_name} has {n} entries, expected {n2} (one per entry of params)").format(
                grads_name=grads_name, n=len(grads), n2=len(params)))


def _pair(p, g, i, g_name):
    p = _as_param(p, f"params[{i}]")
    g = _as_param(g, f"{g_name}[{i}]")
    if np.shape(p) != np.shape(g):
        raise ValueError(
            tr(
            "{g_name}[{i}] has shape {shape}, expected {shape2} (the shape of params[{i}])").format(
                g_name=g_name, i=i, shape=np.shape(g), shape2=np.shape(p))
        )
    return p, g


@reference("gd_step")
def gd_step(params, grads, lr):
    r"""One step of gradient descent on every parameter.

    .. math:: \theta \leftarrow \theta - \alpha \, \nabla_\theta L

    Parameters
    ----------
    params : list of ndarray (or floats)
        Current parameters, any shapes.
    grads : list of ndarray (or floats)
        :math:`\partial L / \partial \theta`, same length and shapes as ``params``.
    lr : float
        Learning rate :math:`\alpha \ge 0`.

    Returns
    -------
    list
        New parameters ``[p - lr * g]``; the inputs are left untouched.
    """
    _check_lists(params, grads)
    lr = check_scalar(lr, "lr", minimum=0.0)
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        p, g = _pair(p, g, i, "grads")
        new.append(p - lr * g)
    return new


@reference("momentum_step")
def momentum_step(params, grads, velocity, lr, beta):
    r"""One step of gradient descent with (heavy-ball) momentum, PyTorch's convention.

    .. math:: v \leftarrow \beta v + \nabla_\theta L, \qquad \theta \leftarrow \theta - \alpha v

    Parameters
    ----------
    params : list of ndarray (or floats)
    grads : list of ndarray (or floats), shapes of ``params``
    velocity : list of ndarray (or floats), shapes of ``params``, or None
        The previous :math:`v`; ``None`` means zeros (the first step).
    lr : float
        Learning rate :math:`\alpha \ge 0`.
    beta : float
        Momentum :math:`\beta \in [0, 1)`.

    Returns
    -------
    new_params : list
    new_velocity : list
    """
    _check_lists(params, grads)
    if velocity is None:
        velocity = [np.zeros_like(g) if isinstance(g, np.ndarray) else 0.0 for g in grads]
    _check_lists(params, velocity, "velocity")
    lr = check_scalar(lr, "lr", minimum=0.0)
    beta = check_scalar(beta, "beta", minimum=0.0, maximum=1.0, strict_max=True)
    new_p, new_v = [], []
    for i, (p, g, v) in enumerate(zip(params, grads, velocity)):
        p, g = _pair(p, g, i, "grads")
        _, v = _pair(p, v, i, "velocity")
        v = beta * v + g
        new_v.append(v)
        new_p.append(p - lr * v)
    return new_p, new_v


@reference("minibatches")
def minibatches(X, y, batch_size, rng):
    r"""Split ``(X, y)`` into shuffled mini-batches: one pass, every sample exactly once.

    Parameters
    ----------
    X : array_like, shape (N, ...)
    y : array_like, shape (N, ...)
        Kept paired with ``X`` row by row.
    batch_size : int >= 1
    rng : numpy.random.Generator
        Source of the shuffle.

    Yields
    ------
    X_batch : ndarray, shape (B, ...)
    y_batch : ndarray, shape (B, ...)
        ``B = batch_size`` except the last batch, which is smaller when N is not a multiple.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(tr(
            "X has shape {X.shape} and y has shape {y.shape}, expected one row per sample in each").format(
                X=X, y=y))
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            tr(
            "y has shape {y.shape}, expected {X.shape[0]} rows: one target per row of X (X has shape "
            "{X.shape})").format(
                y=y, X=X)
        )
    batch_size = check_positive_int(batch_size, "batch_size")
    check_rng(rng)
    order = rng.permutation(X.shape[0])
    return _batches(X, y, order, batch_size)


def _batches(X, y, order, batch_size):
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def _quiet():
    return bool(os.environ.get("NBGRADER_EXECUTION")) or "pytest" in sys.modules


def _train_inputs(model, X, y, epochs, lr, batch_size, momentum, rng, on_epoch, progress):
    """Check :func:`train`'s arguments; return them converted, ``(X, y, epochs, lr, batch_size, momentum,
    show)`` (``show``: print progress lines)."""
    if not hasattr(model, "params") or not hasattr(model, "loss_and_grads"):
        raise TypeError(tr("model must have params and loss_and_grads(X, y), like mlcore.MLP"))
    epochs = check_positive_int(epochs, "epochs")
    lr = check_scalar(lr, "lr", minimum=0.0)
    momentum = check_scalar(momentum, "momentum", minimum=0.0, maximum=1.0, strict_max=True)
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
        check_rng(rng)
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(tr(
            "on_epoch must be a function on_epoch(epoch, history), got {type}").format(
                type=type(on_epoch).__name__))
    if progress not in ("auto", True, False):
        raise ValueError(tr(
            "progress is {progress!r}, expected 'auto', True or False").format(
                progress=progress))
    show = progress is True or (progress == "auto" and not _quiet())
    X = np.asarray(X)
    y = np.asarray(y)
    if X.shape[:1] != y.shape[:1]:
        raise ValueError(tr(
            "y has shape {y.shape}, expected {X.shape[0]} rows: one target per row of X {X.shape}").format(
                y=y, X=X))
    return X, y, epochs, lr, batch_size, momentum, show


def _print_progress(epoch, epochs, history, elapsed, always):
    # "auto" prints only once a run has taken more than two seconds.
    if always or elapsed > 2.0:
        acc = f"  accuracy {history['accuracy'][-1]:.3f}" if "accuracy" in history else ""
        print(f"epoch {epoch}/{epochs}  loss {history['loss'][-1]:.4f}{acc}  ({elapsed:.1f} s)")


def train(model, X, y, *, epochs=100, lr=0.1, batch_size=None, momentum=0.0, rng=None,
          on_epoch=None, progress="auto"):
    r"""Train ``model`` by (mini-batch) gradient descent and record the loss after every epoch.

    Each epoch is one pass of :func:`minibatches` (or one full-batch step when ``batch_size`` is
    None); each step is :func:`gd_step` (``momentum == 0``) or :func:`momentum_step`.

    Parameters
    ----------
    model : object with ``params`` (list) and ``loss_and_grads(X, y) -> (loss, grads)``
        E.g. :class:`mlcore.MLP`; ``model.params`` is replaced by the new list after each step.
    X : array_like, shape (N, D)
    y : array_like, labels (N,) or targets (N, ...)
    epochs : int >= 1
    lr : float
        Learning rate :math:`\alpha`.
    batch_size : int or None
        None means full batch (one step per epoch).
    momentum : float in [0, 1)
        :math:`\beta` of :func:`momentum_step`; 0 is plain gradient descent.
    rng : numpy.random.Generator, required when batch_size is given
    on_epoch : callable ``on_epoch(epoch, history)``, optional
        Called after every epoch (``epoch`` counts from 1); use it for live plots. If it returns
        True, training stops early.
    progress : "auto", True or False
        Print a line every ~10 % of the epochs. "auto" does so only once a run has taken more than
        two seconds, and never under pytest or nbgrader.

    Returns
    -------
    history : dict
        ``"loss"``: mean training loss of each epoch (average over its batches);
        ``"accuracy"``: training accuracy after each epoch, when the model has ``accuracy``
        and a classification head.
    """
    X, y, epochs, lr, batch_size, momentum, show = _train_inputs(
        model, X, y, epochs, lr, batch_size, momentum, rng, on_epoch, progress)
    track_acc = hasattr(model, "accuracy") and getattr(model, "head", None) in ("softmax", "sigmoid")
    history = {"loss": []}
    if track_acc:
        history["accuracy"] = []
    velocity = None
    t0 = time.perf_counter()
    every = max(1, epochs // 10)
    for epoch in range(1, epochs + 1):
        batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)
        total, count = 0.0, 0
        for Xb, yb in batches:
            loss, grads = model.loss_and_grads(Xb, yb)
            if momentum > 0:
                model.params, velocity = momentum_step(model.params, grads, velocity, lr, momentum)
            else:
                model.params = gd_step(model.params, grads, lr)
            total += loss * len(Xb)
            count += len(Xb)
        history["loss"].append(total / count)
        if track_acc:
            history["accuracy"].append(model.accuracy(X, y))
        if show and (epoch % every == 0 or epoch == epochs):
            _print_progress(epoch, epochs, history, time.perf_counter() - t0, always=progress is True)
        if on_epoch is not None and on_epoch(epoch, history) is True:
            break
    return history


@reference("weight_decay_step")
def weight_decay_step(params, grads, lr, lam):
    r"""One step of gradient descent on the L2-penalised loss :math:`L + \frac{\lambda}{2} \sum_\theta \|\theta\|^2`.

    .. math:: \theta \leftarrow \theta - \alpha \, (\nabla_\theta L + \lambda \theta)

    Parameters
    ----------
    params : list of ndarray (or floats)
        Current parameters, any shapes.
    grads : list of ndarray (or floats)
        :math:`\partial L / \partial \theta` of the unpenalised loss, same length and shapes as ``params``.
    lr : float
        Learning rate :math:`\alpha \ge 0`.
    lam : float
        Weight-decay strength :math:`\lambda \ge 0` (0 gives :func:`gd_step`).

    Returns
    -------
    list
        New parameters ``[p - lr * (g + lam * p)]``; the inputs are left untouched.
    """
    _check_lists(params, grads)
    lr = check_scalar(lr, "lr", minimum=0.0)
    lam = check_scalar(lam, "lam", minimum=0.0)
    new = []
    for i, (p, g) in enumerate(zip(params, grads)):
        p, g = _pair(p, g, i, "grads")
        if type(p) is float:
            new.append(p - lr * (float(g) + lam * p))
            continue
        step = np.multiply(p, lam, dtype=np.result_type(p, g))  # a fresh array, then in place
        step += g
        step *= -lr
        step += p
        new.append(step)
    return new
