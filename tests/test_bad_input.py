"""Every public function rejects bad input with a message naming the argument and the problem."""

import numpy as np
import pytest

import mlcore

rng = np.random.default_rng(0)
A23 = np.ones((2, 3))
A32 = np.ones((3, 2))
P = np.full((2, 3), 0.5)
LABELS = np.array([0, 2])
MODEL = mlcore.MLP((3, 4, 2), rng=np.random.default_rng(0))
_, CACHE = MODEL.forward(np.ones((2, 3)))


def bad_cache():
    return mlcore.Cache(CACHE.a[:2], CACHE.z[:2])


CASES = [
    # (id, call, exception, regex the message must match)
    ("sigmoid-str", lambda: mlcore.sigmoid(np.array(["a"])), TypeError, r"z has dtype <U1"),
    ("sigmoid-none", lambda: mlcore.sigmoid(None), TypeError, r"z is None"),
    ("sigmoid_prime-complex", lambda: mlcore.sigmoid_prime(np.array([1j])), TypeError, r"z has dtype complex"),
    ("tanh-str", lambda: mlcore.tanh("x"), TypeError, r"z has dtype"),
    ("tanh_prime-ragged", lambda: mlcore.tanh_prime([[1, 2], [3]]), TypeError, r"z could not be turned"),
    ("relu-obj", lambda: mlcore.relu(np.array([None, 1])), TypeError, r"z has dtype object"),
    ("relu_prime-str", lambda: mlcore.relu_prime(["a"]), TypeError, r"z has dtype"),
    ("identity-str", lambda: mlcore.identity(["a"]), TypeError, r"z has dtype"),
    ("identity_prime-str", lambda: mlcore.identity_prime(["a"]), TypeError, r"z has dtype"),
    ("softmax-scalar", lambda: mlcore.softmax(1.0), ValueError, r"z has shape \(\)"),
    ("softmax-nan", lambda: mlcore.softmax(np.array([[1.0, np.nan]])), ValueError, r"NaN or \+inf in row \(0,\)"),
    ("softmax-empty", lambda: mlcore.softmax(np.ones((2, 0))), ValueError, r"z has shape \(2, 0\) and no elements"),
    ("mse-shape", lambda: mlcore.mse(np.ones(3), np.ones((3, 1))), ValueError, r"y_hat has shape \(3, 1\), expected \(3,\)"),
    ("mse-empty", lambda: mlcore.mse(np.ones(0), np.ones(0)), ValueError, r"y has shape \(0,\) and no elements"),
    ("mse-nan", lambda: mlcore.mse(np.ones(2), np.array([1.0, np.nan])), ValueError, r"y_hat .* contains nan at index 1"),
    ("mse_grad-shape", lambda: mlcore.mse_grad(np.ones((2, 3)), np.ones((3, 2))), ValueError, r"y_hat has shape \(3, 2\), expected \(2, 3\)"),
    ("linear_mse_grads-X", lambda: mlcore.linear_mse_grads(np.ones(3), np.ones(3), np.ones(1), 0.0), ValueError, r"X has shape \(3,\), expected \(N, D\)"),
    ("linear_mse_grads-w", lambda: mlcore.linear_mse_grads(A32, np.ones(3), np.ones(3), 0.0), ValueError, r"w has shape \(3,\), expected \(2,\)"),
    ("linear_mse_grads-y", lambda: mlcore.linear_mse_grads(A32, np.ones(2), np.ones(2), 0.0), ValueError, r"y has shape \(2,\), expected \(3,\)"),
    ("linear_mse_grads-b", lambda: mlcore.linear_mse_grads(A32, np.ones(3), np.ones(2), np.ones(2)), TypeError, r"b must be a single number"),
    ("bce-p-range", lambda: mlcore.binary_cross_entropy(np.ones(2), np.array([0.5, 1.5])), ValueError, r"p .* has 1.5 at index 1, expected probabilities in \[0, 1\]"),
    ("bce-p-nan", lambda: mlcore.binary_cross_entropy(np.ones(2), np.array([0.5, np.nan])), ValueError, r"p .* has nan at index 1"),
    ("bce-y-range", lambda: mlcore.binary_cross_entropy(np.array([2.0, 0.0]), P[0, :2]), ValueError, r"y .* has 2.0 at index 0, expected targets"),
    ("bce-shape", lambda: mlcore.binary_cross_entropy(np.ones(3), P), ValueError, r"p has shape \(2, 3\), expected \(3,\)"),
    ("bce_grad-p-range", lambda: mlcore.bce_grad(np.ones(2), np.array([-0.1, 0.5])), ValueError, r"p .* has -0.1 at index 0"),
    ("bce_with_logits-y", lambda: mlcore.bce_with_logits(np.array([3.0]), np.array([0.0])), ValueError, r"y .* has 3.0"),
    ("bce_with_logits-nan", lambda: mlcore.bce_with_logits(np.array([1.0]), np.array([np.nan])), ValueError, r"z .* contains nan"),
    ("bce_with_logits_grad-shape", lambda: mlcore.bce_with_logits_grad(np.ones(2), np.ones(3)), ValueError, r"z has shape \(3,\), expected \(2,\)"),
    ("sce-label-range", lambda: mlcore.softmax_cross_entropy(np.array([0, 3]), A23), ValueError, r"y contains the label 3, expected labels in 0 .. 2"),
    ("sce-negative", lambda: mlcore.softmax_cross_entropy(np.array([0, -1]), A23), ValueError, r"y contains the label -1"),
    ("sce-batch", lambda: mlcore.softmax_cross_entropy(np.array([0, 1, 1]), A23), ValueError, r"y has shape \(3,\), expected \(2,\)"),
    ("sce-float-labels", lambda: mlcore.softmax_cross_entropy(np.array([0.5, 1.0]), A23), TypeError, r"y has dtype float64 with non-integer values"),
    ("sce-onehot-labels", lambda: mlcore.softmax_cross_entropy(np.eye(2, 3), A23), ValueError, r"y has shape \(2, 3\), expected integer class labels of shape \(N,\)"),
    ("sce-z-1d", lambda: mlcore.softmax_cross_entropy(LABELS, np.ones(3)), ValueError, r"z has shape \(3,\), expected logits of shape \(N, K\)"),
    ("sce-nan", lambda: mlcore.softmax_cross_entropy(LABELS, np.array([[0, 0, np.nan], [0, 0, 0]])), ValueError, r"z .* contains nan at index \(0, 2\)"),
    ("sce_grad-label-range", lambda: mlcore.softmax_cross_entropy_grad(np.array([5, 0]), A23), ValueError, r"y contains the label 5"),
    ("one_hot-K", lambda: mlcore.one_hot(LABELS, 0), ValueError, r"K must be a positive integer"),
    ("one_hot-range", lambda: mlcore.one_hot(LABELS, 2), ValueError, r"y contains the label 2, expected labels in 0 .. 1"),
    ("linear_forward-W", lambda: mlcore.linear_forward(A23, np.ones((5, 4)), np.ones(4)), ValueError, r"W has shape \(5, 4\), expected \(3, 4\)"),
    ("linear_forward-b", lambda: mlcore.linear_forward(A23, A32, np.ones(3)), ValueError, r"b has shape \(3,\), expected \(2,\)"),
    ("linear_forward-x", lambda: mlcore.linear_forward(np.ones(3), A32, np.ones(2)), ValueError, r"x has shape \(3,\), expected a 2-D array"),
    ("linear_backward-dz", lambda: mlcore.linear_backward(A23, (A23, A32, np.ones(2))), ValueError, r"dz has shape \(2, 3\), expected \(2, 2\)"),
    ("linear_backward-cache", lambda: mlcore.linear_backward(A23, None), TypeError, r"cache must be the \(x, W, b\) tuple"),
    ("hidden_delta-W", lambda: mlcore.hidden_delta(np.ones((2, 4)), np.ones((4, 3)), A23, mlcore.relu_prime), ValueError, r"W_next has shape \(4, 3\), expected \(3, 4\)"),
    ("hidden_delta-batch", lambda: mlcore.hidden_delta(np.ones((5, 4)), np.ones((3, 4)), A23, mlcore.relu_prime), ValueError, r"delta_next has shape \(5, 4\), expected \(2, 4\)"),
    ("hidden_delta-act", lambda: mlcore.hidden_delta(np.ones((2, 4)), np.ones((3, 4)), A23, "relu"), TypeError, r"act_prime must be a function"),
    ("hidden_delta-act-shape", lambda: mlcore.hidden_delta(np.ones((2, 4)), np.ones((3, 4)), A23, lambda z: z[0]), ValueError, r"act_prime\(z\) has shape \(3,\), expected \(2, 3\)"),
    ("layer_grads-batch", lambda: mlcore.layer_grads(A23, np.ones((4, 2))), ValueError, r"delta has shape \(4, 2\), expected \(2, 2\)"),
    ("layer_grads-1d", lambda: mlcore.layer_grads(A23, np.ones(2)), ValueError, r"delta has shape \(2,\), expected a 2-D array"),
    ("backward-params", lambda: mlcore.backward(MODEL.params[:3], CACHE, np.ones((2, 2)), mlcore.relu_prime), ValueError, r"params has 3 entries, expected an even number"),
    ("backward-W-chain", lambda: mlcore.backward([np.ones((3, 4)), np.ones(4), np.ones((5, 2)), np.ones(2)], CACHE, np.ones((2, 2)), mlcore.relu_prime), ValueError, r"params\[2\] \(W2\) has shape \(5, 2\), expected \(4, 2\)"),
    ("backward-b", lambda: mlcore.backward([np.ones((3, 4)), np.ones(3), np.ones((4, 2)), np.ones(2)], CACHE, np.ones((2, 2)), mlcore.relu_prime), ValueError, r"params\[1\] \(b1\) has shape \(3,\), expected \(4,\)"),
    ("backward-delta", lambda: mlcore.backward(MODEL.params, CACHE, np.ones((2, 3)), mlcore.relu_prime), ValueError, r"delta_L has shape \(2, 3\), expected \(2, 2\)"),
    ("backward-cache", lambda: mlcore.backward(MODEL.params, bad_cache(), np.ones((2, 2)), mlcore.relu_prime), ValueError, r"cache has 2 activations .* expected 3"),
    ("backward-cache-type", lambda: mlcore.backward(MODEL.params, {}, np.ones((2, 2)), mlcore.relu_prime), TypeError, r"cache must be the Cache"),
    ("MLP-sizes", lambda: mlcore.MLP((3,)), ValueError, r"sizes has 1 entries"),
    ("MLP-size-type", lambda: mlcore.MLP((3, 2.5)), TypeError, r"sizes\[1\] must be an integer"),
    ("MLP-activation", lambda: mlcore.MLP((3, 2), activation="elu"), ValueError, r"activation is 'elu'"),
    ("MLP-head", lambda: mlcore.MLP((3, 2), head="svm"), ValueError, r"head is 'svm'"),
    ("MLP-sigmoid-head", lambda: mlcore.MLP((3, 2), head="sigmoid"), ValueError, r"sigmoid head needs exactly 1 output"),
    ("MLP-dtype", lambda: mlcore.MLP((3, 2), dtype=np.int64), TypeError, r"dtype is int64"),
    ("MLP-rng", lambda: mlcore.MLP((3, 2), rng="seed"), TypeError, r"rng must be a numpy.random.Generator"),
    ("MLP-forward-X", lambda: MODEL.forward(np.ones((2, 4))), ValueError, r"X has shape \(2, 4\), expected \(N, 3\)"),
    ("MLP-loss-y", lambda: MODEL.loss(A23, np.array([0, 1, 1])), ValueError, r"y has shape \(3,\), expected \(2,\)"),
    ("MLP-loss-label", lambda: MODEL.loss(A23, np.array([0, 2])), ValueError, r"y contains the label 2"),
    ("MLP-backward-y", lambda: MODEL.backward(CACHE, np.array([7, 0])), ValueError, r"y contains the label 7"),
    ("MLP-identity-y", lambda: mlcore.MLP((3, 2), head="identity").loss(A23, np.ones(2)), ValueError, r"y has shape \(2,\), expected \(2, 2\)"),
    ("MLP-step-lr", lambda: MODEL.step(A23, LABELS, -0.5), ValueError, r"lr must be >= 0.0, got -0.5"),
    ("MLP-step-X", lambda: MODEL.step(np.ones((2, 4)), LABELS, 0.1), ValueError, r"X has shape \(2, 4\), expected \(N, 3\)"),
    ("MLP-accuracy-identity", lambda: mlcore.MLP((3, 2), head="identity").accuracy(A23, np.ones((2, 2))), ValueError, r"accuracy needs a classification head"),
    ("gd_step-len", lambda: mlcore.gd_step([A23, A32], [A23], 0.1), ValueError, r"grads has 1 entries, expected 2"),
    ("gd_step-shape", lambda: mlcore.gd_step([A23], [A32], 0.1), ValueError, r"grads\[0\] has shape \(3, 2\), expected \(2, 3\)"),
    ("gd_step-lr", lambda: mlcore.gd_step([A23], [A23], -1.0), ValueError, r"lr must be >= 0.0, got -1.0"),
    ("gd_step-lr-nan", lambda: mlcore.gd_step([A23], [A23], float("nan")), ValueError, r"lr must be a finite number"),
    ("gd_step-type", lambda: mlcore.gd_step(A23, A23, 0.1), TypeError, r"params must be a list"),
    ("momentum-beta", lambda: mlcore.momentum_step([A23], [A23], None, 0.1, 1.0), ValueError, r"beta must be < 1.0, got 1.0"),
    ("momentum-velocity", lambda: mlcore.momentum_step([A23], [A23], [A32], 0.1, 0.9), ValueError, r"velocity\[0\] has shape \(3, 2\), expected \(2, 3\)"),
    ("minibatches-batch", lambda: mlcore.minibatches(A23, np.ones(2), 0, rng), ValueError, r"batch_size must be at least 1, got 0"),
    ("minibatches-rng", lambda: mlcore.minibatches(A23, np.ones(2), 1, 42), TypeError, r"rng must be a numpy.random.Generator"),
    ("minibatches-pairs", lambda: mlcore.minibatches(A23, np.ones(3), 1, rng), ValueError, r"y has shape \(3,\), expected 2 rows"),
    ("train-model", lambda: mlcore.train(object(), A23, LABELS), TypeError, r"model must have params and loss_and_grads"),
    ("train-epochs", lambda: mlcore.train(MODEL, A23, LABELS, epochs=0), ValueError, r"epochs must be at least 1"),
    ("train-rng", lambda: mlcore.train(MODEL, A23, LABELS, batch_size=1), TypeError, r"rng must be a numpy.random.Generator"),
    ("train-callback", lambda: mlcore.train(MODEL, A23, LABELS, on_epoch=3), TypeError, r"on_epoch must be a function"),
    ("numerical_gradient-x", lambda: mlcore.numerical_gradient(np.sum, [1.0, 2.0]), TypeError, r"x must be a NumPy array"),
    ("numerical_gradient-f", lambda: mlcore.numerical_gradient(3, np.ones(2)), TypeError, r"f must be a function"),
    ("numerical_gradient-vector-f", lambda: mlcore.numerical_gradient(lambda v: v * 2, np.ones(2)), ValueError, r"f\(x\) has shape \(2,\), expected a number"),
    ("relative_error-shape", lambda: mlcore.relative_error(np.ones(2), np.ones(3)), ValueError, r"b has shape \(3,\), expected \(2,\)"),
    ("check_gradient-shape", lambda: mlcore.check_gradient(np.sum, np.ones(2), np.ones(3)), ValueError, r"grad has shape \(3,\), expected \(2,\)"),
    ("make_xor-n", lambda: mlcore.make_xor(0, rng=rng), ValueError, r"n_samples must be at least 1, got 0"),
    ("make_moons-noise", lambda: mlcore.make_moons(10, noise=-1, rng=rng), ValueError, r"noise must be >= 0.0"),
    ("make_spirals-classes", lambda: mlcore.make_spirals(10, 1, rng=rng), ValueError, r"n_classes must be at least 2"),
    ("make_blobs-centers", lambda: mlcore.make_blobs(10, np.ones(3), rng=rng), ValueError, r"centers has shape \(3,\)"),
    ("make_blobs-std", lambda: mlcore.make_blobs(10, std=0, rng=rng), ValueError, r"std must be > 0.0"),
    ("mae_grad-shape", lambda: mlcore.mae_grad(np.ones((2, 3)), np.ones((3, 2))), ValueError, r"y_hat has shape \(3, 2\), expected \(2, 3\)"),
    ("mae_grad-str", lambda: mlcore.mae_grad(np.ones(2), np.array(["a", "b"])), TypeError, r"y_hat has dtype <U1"),
    ("mae_grad-empty", lambda: mlcore.mae_grad(np.ones(0), np.ones(0)), ValueError, r"y has shape \(0,\) and no elements"),
    ("leaky_relu-alpha", lambda: mlcore.leaky_relu(A23, -0.1), ValueError, r"alpha must be >= 0.0, got -0.1"),
    ("leaky_relu_prime-str", lambda: mlcore.leaky_relu_prime(["a"]), TypeError, r"z has dtype"),
    ("leaky_relu_prime-alpha", lambda: mlcore.leaky_relu_prime(A23, np.ones(2)), TypeError, r"alpha must be a single number, got an array of shape \(2,\)"),
    ("leaky_relu_prime-alpha-nan", lambda: mlcore.leaky_relu_prime(A23, float("nan")), ValueError, r"alpha must be a finite number"),
    ("weight_decay_step-lam", lambda: mlcore.weight_decay_step([A23], [A23], 0.1, -1.0), ValueError, r"lam must be >= 0.0, got -1.0"),
    ("weight_decay_step-lam-type", lambda: mlcore.weight_decay_step([A23], [A23], 0.1, "0.1"), TypeError, r"lam must be a number"),
    ("weight_decay_step-shape", lambda: mlcore.weight_decay_step([A23], [A32], 0.1, 0.1), ValueError, r"grads\[0\] has shape \(3, 2\), expected \(2, 3\)"),
    ("weight_decay_step-lr", lambda: mlcore.weight_decay_step([A23], [A23], -0.1, 0.1), ValueError, r"lr must be >= 0.0"),
    ("weight_decay_step-type", lambda: mlcore.weight_decay_step(A23, [A23], 0.1, 0.1), TypeError, r"params must be a list"),
    ("make_linear-w", lambda: mlcore.make_linear(10, w=np.ones((2, 2)), rng=rng), ValueError, r"w has shape \(2, 2\), expected \(D,\)"),
    ("set_language-unknown", lambda: mlcore.set_language("fr"), ValueError, r"code is 'fr', expected one of 'en', 'zh'"),
    ("set_language-type", lambda: mlcore.set_language(None), ValueError, r"code is None, expected one of 'en', 'zh'"),
]


@pytest.mark.parametrize("call, exc, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_named(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_every_public_function_has_a_bad_input_case():
    covered = {c[0].split("-")[0] for c in CASES}
    aliases = {"bce": "binary_cross_entropy", "sce": "softmax_cross_entropy", "sce_grad": "softmax_cross_entropy_grad",
               "momentum": "momentum_step"}
    covered = {aliases.get(c, c) for c in covered}
    public = {n for n in mlcore.__all__ if callable(getattr(mlcore, n)) and n[0].islower()}
    assert public - covered == set()
