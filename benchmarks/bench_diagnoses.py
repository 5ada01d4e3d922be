"""Share of unseen-style wrong answers the grader explains correctly, by kind (issue 11).

Two sets, each a list of wrong answers written the way learners write, with the mistake keys (and a phrase)
that count as the right explanation:

* ``tests``: the wrong answers of ``tests/test_diagnose_unlisted.py`` (written while the mechanisms were
  built, so they all pass there; the ones marked hidden-only there are judged on the hidden check only);
* ``held-out``: the set below, written in one go before it was first run (first run: 31 of 38 explained;
  the general fixes it prompted are in the git log).

An answer is *caught* when every hidden check fails, and *explained* when every failing check (visible and
hidden, seeds 0, 1, 2024) names one of its keys and the phrase. Usage: ``python benchmarks/bench_diagnoses.py
[-v]`` (``-v`` prints every verdict's first line).
"""

import contextlib
import io
import math
import pathlib
import sys

import numpy as np
import mlcore
from mlcore.grading import check, GradingError

def sm(z):
    e = np.exp(z - z.max(axis=1, keepdims=True)); return e / e.sum(axis=1, keepdims=True)
def sig(z):
    e = np.exp(-np.abs(z)); return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

H = []
def case(kind, name, keys, phrase=""):
    def deco(fn):
        H.append((kind, name, fn, keys, phrase)); return fn
    return deco

# ---------------- 1
@case(1, "hidden_delta", {"shape_dependent"}, "works only when")
def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * act_prime(z).T
@case(1, "softmax_cross_entropy_grad", {"shape_dependent"}, "N == K")
def softmax_cross_entropy_grad(y, z):
    N = z.shape[0]
    return (sm(z) - np.eye(N)[y]) / N
@case(1, "layer_grads", {"shape_dependent"}, "D_prev == D")
def layer_grads(a_prev, delta):
    return a_prev.T @ delta, delta.sum(axis=0).reshape(a_prev.shape[1])
@case(1, "softmax", {"shape_dependent", "softmax_keepdims"}, "N == K")
def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / np.sum(e, axis=1)[None, :]
@case(1, "sigmoid_prime", {"shape_dependent"}, "math")
def sigmoid_prime(z):
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)
@case(1, "relu_prime", {"shape_dependent"}, "z.ndim == 1")
def relu_prime(z):
    return np.array([1.0 if v > 0 else 0.0 for v in z])

# ---------------- 2
@case(2, "binary_cross_entropy", {"log_of_zero"}, "log")
def binary_cross_entropy(y, p):
    return float(-np.mean(np.log(p ** y * (1 - p) ** (1 - y))))
@case(2, "softmax", {"overflow", "softmax_overflow"}, "overflow")
def softmax(z):
    e = np.exp(z - z.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
@case(2, "mse_grad", {"nan", "divide_by_zero"}, "")
def mse_grad(y, y_hat):
    r = y_hat - y
    return 2 * r / y.size * (r.std() / r.std())
@case(2, "linear_mse_grads", {"divide_by_zero", "factor"}, "- 1")
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    r = X @ w + b - y
    return 2 * X.T @ r / (N - 1), float(2 * r.sum() / (N - 1))

# ---------------- 3
@case(3, "relu_prime", {"not_array"}, "list")
def relu_prime(z):
    return [1.0 if v > 0 else 0.0 for v in np.ravel(z)]
@case(3, "layer_grads", {"not_array"}, "dW")
def layer_grads(a_prev, delta):
    return (a_prev.T @ delta).tolist(), delta.sum(axis=0)
@case(3, "linear_mse_grads", {"not_array"}, "dw")
def linear_mse_grads(X, y, w, b):
    N, D = X.shape
    r = X @ w + b - y
    dw = [2 / N * np.sum(r * X[:, j]) for j in range(D)]
    return dw, float(2 / N * r.sum())
@case(3, "softmax_cross_entropy_grad", {"not_array"}, "list")
def softmax_cross_entropy_grad(y, z):
    N, K = z.shape
    s = sm(z)
    out = []
    for i in range(N):
        row = list(s[i] / N)
        row[y[i]] -= 1 / N
        out.append(row)
    return out
@case(3, "backward", {"not_array"}, "not a NumPy array")
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = list(delta.sum(axis=0))
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads

# ---------------- 4
@case(4, "gd_step", {"missing_entry"}, "missing")
def gd_step(params, grads, lr):
    return [params[i] - lr * grads[i] for i in range(1, len(params))]
@case(4, "backward", {"list_order"}, "wrong order")
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = []
    delta = delta_L
    for l in range(L, 0, -1):
        grads = [delta.sum(axis=0), cache.a[l - 1].T @ delta] + grads
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads
@case(4, "momentum_step", {"order"}, "wrong order")
def momentum_step(params, grads, velocity, lr, beta):
    v = [beta * vi + g for vi, g in zip(velocity, grads)]
    return v, [p - lr * vi for p, vi in zip(params, v)]
@case(4, "minibatches", {"repeated_samples", "missing_samples"}, "samples")
def minibatches(X, y, batch_size, rng):
    N = len(X)
    for start in range(0, N, batch_size):
        order = rng.permutation(N)
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]
@case(4, "backward", {"missing_entry"}, "missing")
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = []
    delta = delta_L
    for l in range(L, 0, -1):
        if l == L:
            grads = [cache.a[l - 1].T @ delta] + grads
        else:
            grads = [cache.a[l - 1].T @ delta, delta.sum(axis=0)] + grads
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads
@case(4, "gd_step", {"sign", "climbs", "step_factor"}, "")
def gd_step(params, grads, lr):
    return [p + lr * g for p, g in zip(params, grads)]

# ---------------- 5
@case(5, "softmax", {"rows_not_normalised"}, "sum to 1")
def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / (1 + e.sum(axis=1, keepdims=True))
@case(5, "softmax", {"negative_probability"}, "negative")
def softmax(z):
    return z / z.sum(axis=1, keepdims=True)
@case(5, "mse_grad", {"not_zero_at_target", "scaled_input"}, "")
def mse_grad(y, y_hat):
    return 2 * (y_hat - y) / y.size + 2 * y_hat / y.size
@case(5, "binary_cross_entropy", {"sign", "negative"}, "")
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
@case(5, "sigmoid_prime", {"sign", "negative"}, "")
def sigmoid_prime(z):
    s = sig(z)
    return s * (s - 1)
@case(5, "softmax_cross_entropy", {"negative", "not_zero_at_target"}, "")
def softmax_cross_entropy(y, z):
    N, K = z.shape
    logp = np.log(sm(z))
    return float(-np.mean(logp[np.arange(N), y]) - np.log(K))

# ---------------- 6
@case(6, "hidden_delta", {"ignores_input"}, "act_prime")
def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * mlcore.relu_prime(z)
@case(6, "gd_step", {"ignores_input"}, "lr")
def gd_step(params, grads, lr):
    lr = 0.01
    return [p - lr * g for p, g in zip(params, grads)]
@case(6, "momentum_step", {"ignores_input", "no_momentum"}, "velocity")
def momentum_step(params, grads, velocity, lr, beta):
    v = [g for g in grads]
    return [p - lr * vi for p, vi in zip(params, v)], v
@case(6, "softmax_cross_entropy_grad", {"ignores_input"}, "y")
def softmax_cross_entropy_grad(y, z):
    N, K = z.shape
    return (sm(z) - np.eye(K)[0]) / N
@case(6, "minibatches", {"batch_sizes"}, "batch_size")
def minibatches(X, y, batch_size, rng):
    idx = rng.permutation(len(X))
    for start in range(0, len(X), 32):
        yield X[idx[start:start + 32]], y[idx[start:start + 32]]

# ---------------- 7
@case(7, "tanh_prime", {"scaled_input"}, "z/2")
def tanh_prime(z):
    s = sig(z)
    return 4 * s * (1 - s)
@case(7, "sigmoid_prime", {"scaled_input"}, "2·z")
def sigmoid_prime(z):
    return 0.25 * (1 - np.tanh(z) ** 2)
@case(7, "bce_grad", {"labels_flipped"}, "labels")
def bce_grad(y, p):
    return (p - (1 - y)) / (p * (1 - p)) / y.size
@case(7, "softmax", {"scaled_input"}, "z/2")
def softmax(z):
    e = np.exp((z - z.max(axis=1, keepdims=True)) / 2)
    return e / e.sum(axis=1, keepdims=True)
@case(7, "linear_mse_grads", {"negated_input"}, "b")
def linear_mse_grads(X, y, w, b):
    N = len(y)
    r = X @ w - b - y
    return 2 / N * X.T @ r, float(2 / N * r.sum())
@case(7, "momentum_step", {"applied_twice", "scaled_input", "step_factor"}, "")
def momentum_step(params, grads, velocity, lr, beta):
    v = [beta * vi + g for vi, g in zip(velocity, grads)]
    return [p - lr * beta * vi for p, vi in zip(params, v)], v

def judge(name, fn, keys, phrase, hidden_only=False):
    verdicts = []
    for seed in (0, 1, 2024):
        for hidden in (True,) if hidden_only else (False, True):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    check(name, fn, hidden=hidden, seed=seed)
                verdicts.append(("PASSED", ""))
            except GradingError as e:
                verdicts.append((e.mistake, str(e)))
    caught = all(k != "PASSED" for k, _ in (verdicts if hidden_only else verdicts[1::2]))  # the hidden checks
    explained = caught and all(k in keys and phrase in t for k, t in verdicts if k != "PASSED")
    return caught, explained, sorted({k for k, _ in verdicts}), verdicts

KIND_NAMES = {
    1: "raises on some shapes", 2: "non-finite", 3: "not an array", 4: "lists", 5: "properties",
    6: "ignored inputs", 7: "near misses",
}


def _test_set():
    """The wrong answers of tests/test_diagnose_unlisted.py as (kind, name, fn, keys, phrase)."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
    import test_diagnose_unlisted as unlisted

    numbers = {title: k for k, title in KIND_NAMES.items()}
    return [(numbers[kind], name, fn, {key}, phrase, hidden_only)
            for kind, table in unlisted.KINDS.items() for name, fn, key, phrase, hidden_only in table.values()]


def report(title, answers, verbose):
    kinds, caught_all = {}, 0
    for kind, name, fn, keys, phrase, *hidden_only in answers:
        caught, explained, got, verdicts = judge(name, fn, keys, phrase, *hidden_only)
        caught_all += caught
        kinds.setdefault(kind, []).append(explained)
        if verbose or not explained:
            first = next((text.splitlines()[0] for _, text in verdicts if text), "")
            print(f"  [{KIND_NAMES[kind]}] {name}.{fn.__name__}: caught={caught} keys={got} want={sorted(keys)}")
            print(f"      {first[:300]}")
    total = sum(len(v) for v in kinds.values())
    print(f"{title}: {caught_all}/{total} caught by the hidden check")
    for kind, v in sorted(kinds.items()):
        print(f"  {KIND_NAMES[kind]:24s} {sum(v):3d}/{len(v):<3d} explained ({100 * sum(v) / len(v):.0f} %)")
    explained = sum(sum(v) for v in kinds.values())
    print(f"  {'all':24s} {explained:3d}/{total:<3d} explained ({100 * explained / total:.0f} %)")


if __name__ == "__main__":
    verbose = "-v" in sys.argv
    report("held-out", H, verbose)
    report("tests", _test_set(), verbose)
