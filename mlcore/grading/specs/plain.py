"""Plain NumPy versions of the course's functions, for the specs to build cases and mistakes with.

The specs never call mlcore's references for this: those are guarded while a learner's function runs
(:mod:`mlcore._guard`) and a learner's cell may have rebound them. One copy of each here, shared by every
``nbNN.py``.
"""

import numpy as np


def sigmoid(z):
    # The two-branch form: exp of a non-positive number never overflows.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2


def relu_prime(z):
    return (z > 0).astype(np.float64)


def softmax(z):
    """Row-wise softmax of logits ``z`` (N, K), shifted by each row's maximum."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z):
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def one_hot(y, K):
    """Integer labels ``y`` (N,) as rows of the identity, (N, K)."""
    Y = np.zeros((y.shape[0], K))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


def quiet(fn):
    """``fn(**case)`` with floating-point warnings silenced (a mistake's inf or NaN is its point)."""

    def wrapped(**case):
        with np.errstate(all="ignore"):
            return fn(**case)

    return wrapped


#: The derivatives a learner's function may be handed, by name, in plain NumPy.
PRIMES = {"sigmoid_prime": sigmoid_prime, "tanh_prime": tanh_prime, "relu_prime": relu_prime}
