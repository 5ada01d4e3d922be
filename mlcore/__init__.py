"""mlcore: the small NumPy library behind the course on how neural networks learn.

Everything public is available flat, e.g. ``mlcore.mse``, ``mlcore.sigmoid``, ``mlcore.MLP``,
``mlcore.make_spirals``. Plotting (``mlcore.plots``), widgets (``mlcore.widgets``) and grading
(``mlcore.grading``) are submodules imported on demand, so ``import mlcore`` stays fast.
"""

from .activations import (
    ACTIVATIONS,
    identity,
    identity_prime,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    tanh,
    tanh_prime,
)
from .i18n import set_language
from .data import make_blobs, make_linear, make_moons, make_spirals, make_xor
from .gradcheck import (
    GradientCheckError,
    GradientCheckResult,
    check_gradient,
    numerical_gradient,
    relative_error,
)
from .layers import hidden_delta, layer_grads, linear_backward, linear_forward
from .losses import (
    bce_grad,
    bce_with_logits,
    bce_with_logits_grad,
    binary_cross_entropy,
    linear_mse_grads,
    mae_grad,
    mse,
    mse_grad,
    one_hot,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from .mlp import HEADS, MLP, Cache, backward
from .optim import gd_step, minibatches, momentum_step, train, weight_decay_step

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "HEADS",
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime", "identity", "identity_prime",
    "leaky_relu", "leaky_relu_prime", "softmax",
    "mse", "mse_grad", "mae_grad", "linear_mse_grads", "binary_cross_entropy", "bce_grad", "bce_with_logits",
    "bce_with_logits_grad", "softmax_cross_entropy", "softmax_cross_entropy_grad", "one_hot",
    "linear_forward", "linear_backward", "hidden_delta", "layer_grads",
    "Cache", "MLP", "backward",
    "gd_step", "momentum_step", "weight_decay_step", "minibatches", "train",
    "numerical_gradient", "relative_error", "check_gradient", "GradientCheckResult", "GradientCheckError",
    "make_xor", "make_moons", "make_spirals", "make_blobs", "make_linear",
    "set_language",
]
