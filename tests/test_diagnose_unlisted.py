"""Wrong answers that no spec lists, written the way learners write, are caught and explained (issue 11);
correct answers written unusually still pass.

Seven kinds, each with at least five wrong answers spread over different exercises:

1. code that raises only on some shapes (the learner's line and the confused sizes are named);
2. NaN or inf whose cause is read from the floating-point event (division by zero, log(0), overflow);
3. a list or other container where the contract returns an array;
4. list-valued results judged as a whole (reversed, missing entry, common sign or factor) and minibatches'
   properties told in samples and batches;
5. properties of the right values broken (rows summing to 1, never negative, 0 at the target, shift
   invariance);
6. an input the result does not depend on;
7. near misses: the right formula on transformed inputs (2z, swapped labels, lr squared, variance ...).

Every entry asserts the mistake key and a phrase of the message, on the hidden check for several seeds
(and on the visible one unless marked ``hidden_only``: some mistakes show only on sizes the visible
check does not draw).
"""

import math

import numpy as np
import pytest

from mlcore.grading import GradingError, check
from mlcore.grading.messages import mistakes_in

from grading_util import SEEDS, assert_passes

LR_FIXED = 0.1  # a learner's global learning rate


def _stable_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ============================================================================= 1. raises on some shapes


def sce_grad_onehot_n_by_n(y, z):
    N = z.shape[0]
    Y = np.zeros((N, N))  # one-hot with N columns: needs K
    Y[np.arange(N), y] = 1
    return (_stable_softmax(z) - Y) / N


def layer_grads_dw_swapped(a_prev, delta):
    return a_prev @ delta.T, delta.sum(axis=0)


def tanh_prime_math(z):
    return 1 - math.tanh(z) ** 2


def softmax_max_without_keepdims(z):
    s = z - z.max(axis=1)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def sce_rows_indexed_by_k(y, z):
    N, K = z.shape
    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(K), y])


def relu_prime_if(z):
    if z > 0:
        return 1.0
    return 0.0


def softmax_rows_looped_over_k(z):
    N, K = z.shape
    out = np.zeros_like(z)
    for i in range(K):  # rows are samples: range(N)
        e = np.exp(z[i] - z[i].max())
        out[i] = e / e.sum()
    return out


RAISES = {
    "one-hot built N x N": ("softmax_cross_entropy_grad", sce_grad_onehot_n_by_n, "shape_dependent", "works only when", True),
    "dW = a_prev @ delta.T": ("layer_grads", layer_grads_dw_swapped, "shape_dependent", "works only when D_prev == D", False),
    "math.tanh on an array": ("tanh_prime", tanh_prime_math, "shape_dependent", "math module", False),
    "row max without keepdims": ("softmax", softmax_max_without_keepdims, "shape_dependent", "works only when N == K", False),
    "labels indexed with arange(K)": ("softmax_cross_entropy", sce_rows_indexed_by_k, "shape_dependent", "works only when N == K", False),
    "if on an array": ("relu_prime", relu_prime_if, "shape_dependent", "np.where(z > 0", False),
    "rows looped over range(K)": ("softmax", softmax_rows_looped_over_k, "shape_dependent", "N == K", False),
}


# ============================================================================= 2. NaN and inf, by their cause


def mse_over_n_minus_1(y, y_hat):
    return float(np.sum((y - y_hat) ** 2) / (y.size - 1))


def bce_log_of_where(y, p):
    return float(-np.mean(np.log(np.where(y == 1, p, 1 - p))))


def sce_grad_over_n_minus_1(y, z):
    N, K = z.shape
    return (_stable_softmax(z) - np.eye(K)[y]) / (N - 1)


def sce_logsumexp_unshifted(y, z):
    N = z.shape[0]
    return float(-np.mean(z[np.arange(N), y] - np.log(np.sum(np.exp(z), axis=1))))


def mse_grad_sample_mean(y, y_hat):
    n = len(y)
    return 2 * (y_hat - y) / (n - 1) * (n - 1) / y.size  # "undo" a sample correction: 0/0 at n = 1


def bce_grad_from_clipless_logs(y, p):
    p = np.where(y == 1, p, p)  # a learner's no-op
    return (np.exp(np.log(p - y)) - 0 * p) / (p * (1 - p)) / y.size  # log of a negative p - y


NON_FINITE = {
    "mean over N - 1": ("mse", mse_over_n_minus_1, "divide_by_zero", "only in the cases where y.size = 1", True),
    "log of an unclipped probability": ("binary_cross_entropy", bce_log_of_where, "log_of_zero", "np.log received 0", False),
    "gradient over N - 1": ("softmax_cross_entropy_grad", sce_grad_over_n_minus_1, "divide_by_zero", "N - 1", True),
    "log-sum-exp without the shift": ("softmax_cross_entropy", sce_logsumexp_unshifted, "overflow", "np.exp of a large number", True),
    "0/0 at n = 1": ("mse_grad", mse_grad_sample_mean, "divide_by_zero", "division by zero", True),
    "log of a negative number": ("bce_grad", bce_grad_from_clipless_logs, "nan", "the log of a negative number", False),
}


# ============================================================================= 3. not an array


def layer_grads_db_list(a_prev, delta):
    db = [delta[:, j].sum() for j in range(delta.shape[1])]
    return a_prev.T @ delta, db


def gd_step_tolist(params, grads, lr):
    return [(p - lr * g).tolist() for p, g in zip(params, grads)]


def softmax_rows_list(z):
    rows = []
    for row in z:
        e = np.exp(row - row.max())
        rows.append(list(e / e.sum()))
    return rows


def hidden_delta_tolist(delta_next, W_next, z, act_prime):
    return ((delta_next @ W_next.T) * act_prime(z)).tolist()


def momentum_velocity_lists(params, grads, velocity, lr, beta):
    new_v = [list(beta * v + g) for v, g in zip(velocity, grads)]
    return [p - lr * np.array(v) for p, v in zip(params, new_v)], new_v


def mse_grad_zip_rows(y, y_hat):
    return [2 * (a - b) / y.size for a, b in zip(y_hat, y)]


NOT_ARRAYS = {
    "db as a list": ("layer_grads", layer_grads_db_list, "not_array", "db is a Python list of", False),
    "gd_step entries as lists": ("gd_step", gd_step_tolist, "not_array", "not a NumPy array", False),
    "softmax rows as lists": ("softmax", softmax_rows_list, "not_array", "list of", False),
    "hidden_delta .tolist()": ("hidden_delta", hidden_delta_tolist, "not_array", "not a NumPy array of shape", False),
    "velocity entries as lists": ("momentum_step", momentum_velocity_lists, "not_array", "new_velocity[0]", False),
    "mse_grad built with zip": ("mse_grad", mse_grad_zip_rows, "not_array", "Python list", False),
}


# ============================================================================= 4. lists judged as a whole


def gd_step_reversed(params, grads, lr):
    return [p - lr * g for p, g in zip(params[::-1], grads[::-1])]


def gd_step_stops_early(params, grads, lr):
    new = []
    for i in range(len(params) - 1):
        new.append(params[i] - lr * grads[i])
    return new


def gd_step_double_step(params, grads, lr):
    return [p - 2 * lr * g for p, g in zip(params, grads)]


def momentum_velocity_reversed(params, grads, velocity, lr, beta):
    new_v = [beta * v + g for v, g in zip(velocity, grads)]
    return [p - lr * v for p, v in zip(params, new_v)], new_v[::-1]


def _backward_loop(params, cache, delta_L, act_prime, *, sign=1.0, mean=False):
    L = len(params) // 2
    N = delta_L.shape[0]
    grads = [None] * (2 * L)
    delta = sign * delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta / (N if mean else 1)
        grads[2 * l - 1] = delta.mean(axis=0) if mean else delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads


def backward_minus_delta(params, cache, delta_L, act_prime):
    return _backward_loop(params, cache, delta_L, act_prime, sign=-1.0)


def backward_averaged(params, cache, delta_L, act_prime):
    return _backward_loop(params, cache, delta_L, act_prime, mean=True)


def minibatches_padded(X, y, batch_size, rng):
    idx = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        b = idx[start:start + batch_size]
        if len(b) < batch_size:
            b = np.concatenate([b, idx[:batch_size - len(b)]])  # pad the last batch
        yield X[b], y[b]


def minibatches_overlapping(X, y, batch_size, rng):
    idx = rng.permutation(len(X))
    for start in range(0, len(X) - batch_size + 1, max(1, batch_size // 2)):
        b = idx[start:start + batch_size]
        yield X[b], y[b]


LISTS = {
    "gd_step reversed": ("gd_step", gd_step_reversed, "list_reversed", "reverse order", False),
    "gd_step loop stops early": ("gd_step", gd_step_stops_early, "missing_entry", "the last one is missing", False),
    "velocity reversed": ("momentum_step", momentum_velocity_reversed, "list_reversed", "new_velocity has the right entries", False),
    "backward with -delta_L": ("backward", backward_minus_delta, "sign", "grads has the wrong sign", False),
    "backward averages dW and db": ("backward", backward_averaged, "factor", "grads is 1/N times", False),
    "padded last batch": ("minibatches", minibatches_padded, "repeated_samples", "appear more than once", False),
    "overlapping batches": ("minibatches", minibatches_overlapping, "repeated_samples", "samples", False),
}


# ============================================================================= 5. properties


def softmax_unnormalised(z):
    return np.exp(z - z.max(axis=1, keepdims=True))


def softmax_over_max(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.max(axis=1, keepdims=True)


def softmax_abs(z):
    a = np.abs(z)
    return a / a.sum(axis=1, keepdims=True)


def mse_grad_mean_target(y, y_hat):
    return 2 * (y_hat - y.mean()) / y.size


def sigmoid_prime_with_tanh(z):
    s = np.tanh(z)
    return s * (1 - s)


def mse_plus_regulariser(y, y_hat):
    return float(np.mean((y - y_hat) ** 2) + 1e-3 * np.mean(y_hat ** 2))


PROPERTIES = {
    "softmax not normalised": ("softmax", softmax_unnormalised, "rows_not_normalised", "your rows do not sum to 1", False),
    "softmax divided by the row max": ("softmax", softmax_over_max, "rows_not_normalised", "normalise over axis 1", False),
    "softmax of |z|": ("softmax", softmax_abs, "not_shift_invariant", "softmax(z + c) = softmax(z)", False),
    "gradient around the mean of y": ("mse_grad", mse_grad_mean_target, "not_zero_at_target", "is not 0 when y_hat = y", False),
    "sigma' built from tanh": ("sigmoid_prime", sigmoid_prime_with_tanh, "negative", "can never be negative", False),
    "loss with an extra term": ("mse", mse_plus_regulariser, "not_zero_at_target", "a loss is 0 at a perfect prediction", False),
}


# ============================================================================= 6. ignored inputs


def hidden_delta_fixed_tanh(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * (1 - np.tanh(z) ** 2)


def gd_step_global_lr(params, grads, lr):
    return [p - LR_FIXED * g for p, g in zip(params, grads)]


def momentum_fixed_beta(params, grads, velocity, lr, beta):
    new_v = [0.9 * v + g for v, g in zip(velocity, grads)]
    return [p - lr * v for p, v in zip(params, new_v)], new_v


def momentum_fixed_lr(params, grads, velocity, lr, beta):
    new_v = [beta * v + g for v, g in zip(velocity, grads)]
    return [p - 0.01 * v for p, v in zip(params, new_v)], new_v


def backward_fixed_tanh(params, cache, delta_L, act_prime):
    return _backward_loop(params, cache, delta_L, lambda z: 1 - np.tanh(z) ** 2)


def sce_class_zero(y, z):
    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(logp[:, 0]))


IGNORED = {
    "hidden_delta with tanh' built in": ("hidden_delta", hidden_delta_fixed_tanh, "ignores_input", "does not depend on act_prime", False),
    "gd_step with a global lr": ("gd_step", gd_step_global_lr, "ignores_input", "does not depend on lr", False),
    "momentum with beta = 0.9": ("momentum_step", momentum_fixed_beta, "ignores_input", "does not depend on beta", False),
    "momentum with lr = 0.01": ("momentum_step", momentum_fixed_lr, "ignores_input", "does not depend on lr", False),
    "backward with tanh' built in": ("backward", backward_fixed_tanh, "ignores_input", "does not depend on act_prime", False),
    "cross-entropy of class 0": ("softmax_cross_entropy", sce_class_zero, "ignores_input", "does not depend on y", False),
}


# ============================================================================= 7. near misses


def sigmoid_via_tanh(z):
    return (1 + np.tanh(z)) / 2  # the identity needs tanh(z / 2)


def mse_as_variance(y, y_hat):
    return float(np.var(y - y_hat))


def gd_step_lr_twice(params, grads, lr):
    step = [lr * g for g in grads]
    return [p - lr * s for p, s in zip(params, step)]


def bce_labels_swapped(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean((1 - y) * np.log(p) + y * np.log(1 - p)))


def bce_logits_sign_inside(y, z):
    return (1 / (1 + np.exp(z)) - y) / y.size


def momentum_one_minus_beta(params, grads, velocity, lr, beta):
    new_v = [(1 - beta) * v + g for v, g in zip(velocity, grads)]
    return [p - lr * v for p, v in zip(params, new_v)], new_v


def momentum_lr_in_velocity_and_step(params, grads, velocity, lr, beta):
    new_v = [beta * v + lr * g for v, g in zip(velocity, grads)]
    return [p - lr * v for p, v in zip(params, new_v)], new_v


def softmax_doubled_logits(z):
    e = np.exp(2 * (z - z.max(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


NEAR_MISSES = {
    "sigmoid as (1 + tanh z) / 2": ("sigmoid", sigmoid_via_tanh, "scaled_input", "2·z in place of z", False),
    "np.var for the MSE": ("mse", mse_as_variance, "variance", "variance", False),
    "lr applied twice": ("gd_step", gd_step_lr_twice, "applied_twice", "lr² in place of lr", False),
    "labels' terms swapped": ("binary_cross_entropy", bce_labels_swapped, "labels_flipped", "labels flipped", False),
    "sigmoid of -z": ("bce_with_logits_grad", bce_logits_sign_inside, "negated_input", "-z in place of z", False),
    "1 - beta on the velocity": ("momentum_step", momentum_one_minus_beta, "complement_input", "1 - beta in place of beta", False),
    "lr in the velocity and the step": ("momentum_step", momentum_lr_in_velocity_and_step, "applied_twice", "grads multiplied by lr", False),
    "softmax of 2z": ("softmax", softmax_doubled_logits, "scaled_input", "2·z in place of z", False),
}

KINDS = {
    "raises on some shapes": RAISES,
    "non-finite": NON_FINITE,
    "not an array": NOT_ARRAYS,
    "lists": LISTS,
    "properties": PROPERTIES,
    "ignored inputs": IGNORED,
    "near misses": NEAR_MISSES,
}
ALL = {f"{kind}: {label}": entry for kind, table in KINDS.items() for label, entry in table.items()}


def outcomes(name, fn, hidden_only):
    """``[(hidden, seed, error or None), ...]`` of the checks an entry is judged on."""
    found = []
    for seed in SEEDS:
        for hidden in (True,) if hidden_only else (False, True):
            try:
                check(name, fn, hidden=hidden, seed=seed)
                found.append((hidden, seed, None))
            except GradingError as error:
                found.append((hidden, seed, error))
    return found


@pytest.mark.parametrize("label", list(ALL))
def test_unlisted_mistake_is_caught_and_explained(label, capsys):
    name, fn, key, phrase, hidden_only = ALL[label]
    for hidden, seed, error in outcomes(name, fn, hidden_only):
        where = f"{label}: {name} hidden={hidden} seed={seed}"
        assert error is not None, f"{where}: a wrong answer passed"
        assert error.mistake == key, f"{where}: {error}"
        assert phrase in str(error), f"{where}: {error}"
        assert mistakes_in(str(error)) == list(error.mistakes)
        assert all(len(line) <= 100 for line in error._render_traceback_())


def test_every_kind_has_five_unlisted_mistakes_over_several_exercises():
    from mlcore.grading.specs import EXERCISES

    for kind, table in KINDS.items():
        assert len(table) >= 5, kind
        assert len({name for name, *_ in table.values()}) >= 3, kind
        for label, (name, _, key, _, _) in table.items():
            listed = {m.key for m in EXERCISES[name].mistakes}
            assert key not in listed, f"{kind}: {label} is diagnosed by a listed mistake of {name}"


def test_the_learners_line_is_quoted():
    error = next(e for _, _, e in outcomes("layer_grads", layer_grads_dw_swapped, True) if e is not None)
    assert "(`return a_prev @ delta.T, delta.sum(axis=0)`)" in str(error)
    assert "at line " in str(error)


def test_the_shapes_in_an_exception_are_read_as_the_cases_sizes():
    with pytest.raises(GradingError) as info:
        check("softmax", softmax_max_without_keepdims, hidden=True, seed=1)
    n, k = (int(v) for v in str(info.value).split("with shapes (")[1].split(")")[0].split(","))
    assert f"Here ({n},{k}) is (N, K) and ({n},) is (N,)." in str(info.value)


def test_the_line_comes_from_learner_frames_across_a_process_boundary():
    # The clean room's child sends the learner's frames as data on the exception (PLAN interface 3).
    from mlcore.grading.raised import where

    error = ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")
    error.learner_frames = [(3, "    h = x @ w"), (7, "    return delta_next @ W_next")]
    assert where(error) == " at line 7 (`return delta_next @ W_next`)"


def test_probes_only_call_the_function_with_ordinary_arguments():
    seen = []

    def hidden_delta(delta_next, W_next, z, act_prime):
        seen.append(tuple(type(a).__name__ for a in (delta_next, W_next, z)) + (getattr(act_prime, "__name__", "?"),))
        return (delta_next @ W_next.T) * (1 - np.tanh(z) ** 2)

    with pytest.raises(GradingError):
        check("hidden_delta", hidden_delta, seed=0)
    assert {s[:3] for s in seen} == {("ndarray", "ndarray", "ndarray")}
    assert {s[3] for s in seen} <= {"tanh_prime", "sigmoid_prime", "relu_prime"}


class _Opaque:
    """A returned object whose conversion and arithmetic fail: the diagnosis must still answer."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("not an array")

    def __sub__(self, other):
        raise RuntimeError("no arithmetic")


@pytest.mark.parametrize("name, fn", [
    ("softmax", lambda z: _Opaque()),
    ("gd_step", lambda params, grads, lr: [_Opaque() for _ in params]),
    ("backward", lambda params, cache, delta_L, act_prime: [_Opaque()] * len(params)),
])
def test_an_odd_return_value_gets_a_diagnosis_not_a_crash(name, fn):
    for hidden in (False, True):
        with pytest.raises(GradingError) as info:
            check(name, fn, hidden=hidden, seed=0)
        assert info.value.mistake == "type" and "_Opaque" in str(info.value)


def test_what_the_function_prints_on_the_probes_is_not_shown(capsys):
    def gd_step(params, grads, lr):
        print("step")
        return [p - 0.1 * g for p, g in zip(params, grads)]  # lr ignored: probes re-run it

    with pytest.raises(GradingError) as info:
        check("gd_step", gd_step, seed=0)
    assert info.value.mistake == "ignores_input"
    assert capsys.readouterr().out.count("step") == 3  # the visible check's three cases only


# ============================================================================= correct alternatives


def mse_einsum(y, y_hat):
    r = (y - y_hat).ravel()
    return float(np.einsum("i,i->", r, r) / r.size)


def mse_grad_float32(y, y_hat):
    return 2 * (y_hat.astype(np.float32) - y.astype(np.float32)) / np.float32(y.size)


def linear_mse_grads_loops(X, y, w, b):
    N, D = X.shape
    dw, db = np.zeros(D), 0.0
    for i in range(N):
        r = X[i] @ w + b - y[i]
        dw += 2 * r * X[i] / N
        db += 2 * r / N
    return dw, float(db)


def sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime_both_sides(z):
    return np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))  # sigma(z) * sigma(-z)


def tanh_prime_cosh(z):
    with np.errstate(over="ignore"):
        return 1.0 / np.cosh(z) ** 2


def relu_prime_mask(z):
    return z > 0


def relu_prime_heaviside(z):
    return np.heaviside(z, 0.0)


def relu_prime_ndindex(z):
    out = np.zeros(np.shape(z))
    for index in np.ndindex(out.shape):
        out[index] = 1.0 if z[index] > 0 else 0.0
    return out


def softmax_logsumexp(z):
    m = z.max(axis=-1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))


def sce_einsum(y, z):
    N, K = z.shape
    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.einsum("nk,nk->", np.eye(K)[y], logp) / N)


def sce_grad_where(y, z):
    N, K = z.shape
    onehot = np.where(np.arange(K)[None, :] == y[:, None], 1.0, 0.0)
    return (_stable_softmax(z) - onehot) / N


def bce_where(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(np.where(y == 1, np.log(p), np.log(1 - p))))


def bce_grad_expanded(y, p):
    return (p - y) / (p - p * p) / len(y)


def bce_logits_grad_where(y, z):
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return (s - y) / y.size


def hidden_delta_einsum(delta_next, W_next, z, act_prime):
    return np.einsum("nk,dk->nd", delta_next, W_next) * act_prime(z)


def layer_grads_outer_loop(a_prev, delta):
    dW = np.zeros((a_prev.shape[1], delta.shape[1]))
    for i in range(a_prev.shape[0]):
        dW += np.outer(a_prev[i], delta[i])
    return dW, delta.sum(axis=0)


def layer_grads_float32(a_prev, delta):
    a, d = a_prev.astype(np.float32), delta.astype(np.float32)
    return a.T @ d, d.sum(axis=0)


def gd_step_subtract(params, grads, lr):
    return [np.subtract(p, lr * g) for p, g in zip(params, grads)]


def momentum_loop(params, grads, velocity, lr, beta):
    new_p, new_v = [], []
    for i in range(len(params)):
        v = beta * velocity[i] + grads[i]
        new_v.append(v)
        new_p.append(params[i] - lr * v)
    return new_p, new_v


def minibatches_choice(X, y, batch_size, rng):
    order = rng.choice(len(X), size=len(X), replace=False)
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def backward_insert(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads, delta = [], delta_L
    for l in range(L, 0, -1):
        grads.insert(0, delta.sum(axis=0))
        grads.insert(0, np.einsum("ni,nj->ij", cache.a[l - 1], delta))
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads


CORRECT = [
    ("mse", mse_einsum),
    ("mse_grad", mse_grad_float32),
    ("linear_mse_grads", linear_mse_grads_loops),
    ("sigmoid", sigmoid_logaddexp),
    ("sigmoid_prime", sigmoid_prime_both_sides),
    ("tanh_prime", tanh_prime_cosh),
    ("relu_prime", relu_prime_mask),
    ("relu_prime", relu_prime_heaviside),
    ("relu_prime", relu_prime_ndindex),
    ("softmax", softmax_logsumexp),
    ("softmax_cross_entropy", sce_einsum),
    ("softmax_cross_entropy_grad", sce_grad_where),
    ("binary_cross_entropy", bce_where),
    ("bce_grad", bce_grad_expanded),
    ("bce_with_logits_grad", bce_logits_grad_where),
    ("hidden_delta", hidden_delta_einsum),
    ("layer_grads", layer_grads_outer_loop),
    ("layer_grads", layer_grads_float32),
    ("gd_step", gd_step_subtract),
    ("momentum_step", momentum_loop),
    ("minibatches", minibatches_choice),
    ("backward", backward_insert),
]


@pytest.mark.parametrize("name, fn", CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_unusual_correct_answer_passes(name, fn, capsys):
    assert_passes(name, fn)
