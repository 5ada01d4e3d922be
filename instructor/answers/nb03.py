"""Synthetic submissions of ``03_cross_entropy``: the blank one, the correct one, one per diagnosed mistake
(the dropped 1/N of the mean among them, COURSE.md's misconception carried over to cross-entropy), and correct
answers written differently (loops, einsum, log-sum-exp or log of a stable softmax, the Jacobian route,
float32).

See :mod:`instructor.answers` for the format. The correct answers call ``mlcore.sigmoid`` and
``mlcore.softmax`` where they need them (as the notebook allows), so a variant's wrong ``softmax`` fails only
its own cell.
"""

from instructor.answers import blank, builders

ASSIGNMENT = "03_cross_entropy"

#: Points of each test cell (as in the notebook).
POINTS = {
    "binary_cross_entropy_tests": 1,
    "bce_grad_tests": 1,
    "bce_with_logits_grad_tests": 1,
    "softmax_tests": 1,
    "softmax_cross_entropy_tests": 1,
    "softmax_cross_entropy_grad_tests": 2,
    "bce_with_logits_tests": 1,
    "q_applied_twice_tests": 1,
}

#: Which test cell grades which answer cell.
TEST_OF = {test.replace("_tests", "_answer"): test for test in POINTS}

CORRECT = {
    "binary_cross_entropy_answer": """
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
""",
    "bce_grad_answer": """
def bce_grad(y, p):
    return (p - y) / (p * (1 - p)) / y.size
""",
    "bce_with_logits_grad_answer": """
def bce_with_logits_grad(y, z):
    return (mlcore.sigmoid(z) - y) / y.size
""",
    "softmax_answer": """
def softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)
""",
    "softmax_cross_entropy_answer": """
def softmax_cross_entropy(y, z):
    N = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_s = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_s[np.arange(N), y]))
""",
    "softmax_cross_entropy_grad_answer": """
def softmax_cross_entropy_grad(y, z):
    N, K = z.shape
    Y = np.zeros((N, K))
    Y[np.arange(N), y] = 1.0
    return (mlcore.softmax(z) - Y) / N
""",
    "bce_with_logits_answer": """
def bce_with_logits(y, z):
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
""",
    "q_applied_twice_answer": "\nq_applied_twice = 0.5\n",
}


_wrong, _right = builders(CORRECT, POINTS, TEST_OF)


VARIANTS = {
    # ------------------------------------------------------------------ nothing written, everything right
    "blank": blank(POINTS),
    "correct": _right(),

    # ------------------------------------------------------------------ q_applied_twice (self-check question)
    # COURSE.md's "activation applied twice": each listed wrong answer, a number nobody listed, a word.
    **{
        f"q_applied_twice_{name}": _wrong({"q_applied_twice_answer": key}, q_applied_twice_answer=f"\nq_applied_twice = {value}\n")
        for name, value, key in (
            ("zero", "0", "applied_once"), ("upper_end", "0.731", "upper_end"), ("one", "1.0", "applied_once_upper"),
            ("slope", "0.25", "slope_not_value"), ("negative_input", "0.269", "negative_input"),
            ("other", "0.6", "q_other"), ("word", '"half"', "type"),
        )
    },
    "q_applied_twice_as_fraction": _right(q_applied_twice_answer='\nq_applied_twice = "1/2"\n'),

    # ------------------------------------------------------------------ binary_cross_entropy
    "bce_unclipped": _wrong({"binary_cross_entropy_answer": "unclipped_log"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_clipped_below_only": _wrong({"binary_cross_entropy_answer": "unclipped_log"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.maximum(p, 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_other_clip_bound": _wrong({"binary_cross_entropy_answer": "clip_bound"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)       # Keras's epsilon, not the contract's
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_missing_negative_class": _wrong({"binary_cross_entropy_answer": "missing_negative_class"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p)))
"""),
    "bce_log10": _wrong({"binary_cross_entropy_answer": "log10"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)))
"""),
    "bce_log2": _wrong({"binary_cross_entropy_answer": "log2"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log2(p) + (1 - y) * np.log2(1 - p)))
"""),
    # COURSE.md's dropped 1/N: the sum where the loss is a mean.
    "bce_sum_not_mean": _wrong({"binary_cross_entropy_answer": "factor"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_sign": _wrong({"binary_cross_entropy_answer": "sign"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_not_averaged": _wrong({"binary_cross_entropy_answer": "not_scalar"}, binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))
"""),

    # ------------------------------------------------------------------ bce_grad
    # The logits' gradient where the probabilities' belongs.
    "bce_grad_logits_formula": _wrong({"bce_grad_answer": "logits_grad_for_probabilities"}, bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) / y.size
"""),
    "bce_grad_chain_rule_of_log_1_minus_p": _wrong({"bce_grad_answer": "chain_rule_one_minus_p"}, bce_grad_answer="""
def bce_grad(y, p):
    return -(y / p + (1 - y) / (1 - p)) / y.size
"""),
    "bce_grad_multiplied": _wrong({"bce_grad_answer": "multiplied_by_p_one_minus_p"}, bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) * p * (1 - p) / y.size
"""),
    "bce_grad_dropped_1_over_n": _wrong({"bce_grad_answer": "factor"}, bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) / (p * (1 - p))
"""),
    "bce_grad_sign": _wrong({"bce_grad_answer": "sign"}, bce_grad_answer="""
def bce_grad(y, p):
    return (y / p - (1 - y) / (1 - p)) / y.size
"""),

    # ------------------------------------------------------------------ bce_with_logits_grad
    "logits_grad_without_sigmoid": _wrong({"bce_with_logits_grad_answer": "missing_sigmoid"}, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (z - y) / y.size
"""),
    "logits_grad_is_probability_grad": _wrong({"bce_with_logits_grad_answer": "missing_chain_factor"}, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    p = mlcore.sigmoid(z)
    return (p - y) / (p * (1 - p)) / y.size
"""),
    "logits_grad_extra_sigmoid_prime": _wrong({"bce_with_logits_grad_answer": "extra_sigmoid_prime"}, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    p = mlcore.sigmoid(z)
    return (p - y) * p * (1 - p) / y.size
"""),
    "logits_grad_dropped_1_over_n": _wrong({"bce_with_logits_grad_answer": "factor"}, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return mlcore.sigmoid(z) - y
"""),
    "logits_grad_sign": _wrong({"bce_with_logits_grad_answer": "sign"}, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (y - mlcore.sigmoid(z)) / y.size
"""),
    "logits_grad_calls_reference": _wrong({"bce_with_logits_grad_answer": "reference"}, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return mlcore.bce_with_logits_grad(y, z)
"""),

    # ------------------------------------------------------------------ softmax
    "softmax_no_shift": _wrong({"softmax_answer": "softmax_overflow"}, softmax_answer="""
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    "softmax_global_max": _wrong({"softmax_answer": "softmax_global_max"}, softmax_answer="""
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=1, keepdims=True)
"""),
    "softmax_over_columns": _wrong({"softmax_answer": "softmax_wrong_axis"}, softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)
"""),
    "softmax_max_over_columns": _wrong({"softmax_answer": "softmax_max_wrong_axis"}, softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=1, keepdims=True)
"""),
    "softmax_sum_over_everything": _wrong({"softmax_answer": "softmax_sum_all"}, softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()
"""),
    "softmax_without_keepdims": _wrong({"softmax_answer": "softmax_keepdims"}, softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)
"""),
    "softmax_in_place": _wrong({"softmax_answer": "in_place"}, softmax_answer="""
def softmax(z):
    z -= z.max(axis=1, keepdims=True)   # changes the caller's logits
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
"""),

    # ------------------------------------------------------------------ softmax_cross_entropy
    "ce_unstable": _wrong({"softmax_cross_entropy_answer": "ce_overflow"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    s = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(s[np.arange(len(y)), y])))
"""),
    "ce_whole_row": _wrong({"softmax_cross_entropy_answer": "ce_whole_row"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(-np.mean(np.log(mlcore.softmax(z))))
"""),
    "ce_fancy_index": _wrong({"softmax_cross_entropy_answer": "ce_fancy_index"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(-np.mean(np.log(mlcore.softmax(z)[:, y])))
"""),
    # Integer labels multiplied like one-hot rows: broadcasts silently when N == K, raises otherwise.
    "ce_labels_as_onehot": _wrong({"softmax_cross_entropy_answer": "labels_as_onehot"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(-np.sum(y * np.log(mlcore.softmax(z))) / z.shape[0])
"""),
    "ce_mean_over_classes": _wrong({"softmax_cross_entropy_answer": "ce_divide_by_K"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    N, K = z.shape
    return float(-np.sum(np.log(mlcore.softmax(z)[np.arange(N), y])) / K)
"""),
    "ce_missing_log": _wrong({"softmax_cross_entropy_answer": "ce_missing_log"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(-np.mean(mlcore.softmax(z)[np.arange(len(y)), y]))
"""),
    "ce_missing_logsumexp": _wrong({"softmax_cross_entropy_answer": "ce_missing_logsumexp"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(-np.mean(z[np.arange(len(y)), y]))
"""),
    "ce_sum_not_mean": _wrong({"softmax_cross_entropy_answer": "factor"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(-np.sum(np.log(mlcore.softmax(z)[np.arange(len(y)), y])))
"""),
    "ce_sign": _wrong({"softmax_cross_entropy_answer": "sign"}, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return float(np.mean(np.log(mlcore.softmax(z)[np.arange(len(y)), y])))
"""),

    # ------------------------------------------------------------------ softmax_cross_entropy_grad
    "grad_without_onehot": _wrong({"softmax_cross_entropy_grad_answer": "grad_missing_onehot"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return mlcore.softmax(z) / z.shape[0]
"""),
    "grad_subtracts_labels": _wrong({"softmax_cross_entropy_grad_answer": "grad_subtract_labels"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return (mlcore.softmax(z) - y[:, None]) / z.shape[0]
"""),
    "grad_logits_for_probabilities": _wrong({"softmax_cross_entropy_grad_answer": "grad_missing_softmax"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return (z - np.eye(z.shape[1])[y]) / z.shape[0]
"""),
    "grad_with_respect_to_probabilities": _wrong({"softmax_cross_entropy_grad_answer": "grad_wrt_probabilities"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return -np.eye(z.shape[1])[y] / mlcore.softmax(z) / z.shape[0]
"""),
    "grad_extra_softmax_prime": _wrong({"softmax_cross_entropy_grad_answer": "grad_extra_softmax_prime"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    s = mlcore.softmax(z)
    return (s - np.eye(z.shape[1])[y]) * s * (1 - s) / z.shape[0]
"""),
    # COURSE.md's dropped 1/N: the step then grows with the batch size.
    "grad_dropped_1_over_n": _wrong({"softmax_cross_entropy_grad_answer": "factor"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return mlcore.softmax(z) - np.eye(z.shape[1])[y]
"""),
    "grad_sign": _wrong({"softmax_cross_entropy_grad_answer": "sign"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return (np.eye(z.shape[1])[y] - mlcore.softmax(z)) / z.shape[0]
"""),
    "grad_unstable_softmax": _wrong({"softmax_cross_entropy_grad_answer": "grad_overflow"}, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    s = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (s - np.eye(z.shape[1])[y]) / z.shape[0]
"""),

    # ------------------------------------------------------------------ correct, written differently
    "correct_loops": _right(
        binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    total = 0.0
    for yi, pi in zip(y, p):
        pi = min(max(pi, 1e-12), 1 - 1e-12)
        total -= yi * np.log(pi) + (1 - yi) * np.log(1 - pi)
    return total / len(y)
""",
        softmax_answer="""
def softmax(z):
    out = np.empty(z.shape)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out
""",
        softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    total = 0.0
    for row, label in zip(z, y):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m))) - row[label]
    return total / len(y)
""",
        softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    N, K = z.shape
    g = np.zeros((N, K))
    for i in range(N):
        e = np.exp(z[i] - z[i].max())
        for k in range(K):
            g[i, k] = (e[k] / e.sum() - (k == y[i])) / N
    return g
""",
    ),
    "correct_einsum": _right(
        binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(np.einsum("i,i->", y, np.log(p)) + np.einsum("i,i->", 1 - y, np.log1p(-p))) / y.size
""",
        softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max(axis=1)[:, None])
    return np.einsum("ik,i->ik", e, 1 / e.sum(axis=1))
""",
    ),
    # The two-term forms of the gradients, log of a stable softmax, and the softmax Jacobian written out.
    "correct_algebraic": _right(
        binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(np.log(np.where(y == 1, p, 1 - p))))
""",
        bce_grad_answer="""
def bce_grad(y, p):
    return (-y / p + (1 - y) / (1 - p)) / len(y)
""",
        bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (0.5 * (1 + np.tanh(z / 2)) - y) / len(y)
""",
        softmax_answer="""
def softmax(z):
    m = z.max(axis=-1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))
""",
        softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return -np.mean(np.log(mlcore.softmax(z)[np.arange(z.shape[0]), y]))
""",
        softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    s = mlcore.softmax(z)
    g = s.copy()
    g[np.arange(len(y)), y] -= 1
    return g / len(y)
""",
    ),
    "correct_float32": _right(
        bce_grad_answer="""
def bce_grad(y, p):
    p32, y32 = p.astype(np.float32), y.astype(np.float32)
    return (p32 - y32) / (p32 * (1 - p32)) / np.float32(y.size)
""",
        bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return ((mlcore.sigmoid(z) - y) / y.size).astype(np.float32)
""",
        softmax_answer="""
def softmax(z):
    e = np.exp((z - z.max(axis=1, keepdims=True)).astype(np.float32))
    return e / e.sum(axis=1, keepdims=True)
""",
        softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    # A float32 result; the subtraction s - 1 stays in float64, where a dominant class's s ~ 1 - 1e-5
    # does not cancel away (in float32 it would lose the result's leading digits).
    Y = np.eye(z.shape[1])[y]
    return ((mlcore.softmax(z) - Y) / len(y)).astype(np.float32)
""",
    ),
}

# ---------------------------------------------------------------------- bce_with_logits (second edition), its own block
VARIANTS.update({
    # The textbook route through p = sigmoid(z): log(0) at large |z|.
    "bce_logits_log_of_sigmoid": _wrong({"bce_with_logits_answer": "log_of_sigmoid"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    p = 1 / (1 + np.exp(-z))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_logits_clipped_sigmoid": _wrong({"bce_with_logits_answer": "log_of_sigmoid"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    p = np.clip(1 / (1 + np.exp(-z)), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
"""),
    "bce_logits_softplus_overflow": _wrong({"bce_with_logits_answer": "softplus_overflow"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(np.log(1 + np.exp(z)) - z * y))
"""),
    "bce_logits_missing_abs": _wrong({"bce_with_logits_answer": "logits_missing_abs"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-z))))
"""),
    "bce_logits_zy_sign": _wrong({"bce_with_logits_answer": "logits_zy_sign"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z)))))
"""),
    "bce_logits_labels_swapped": _wrong({"bce_with_logits_answer": "labels_swapped"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(np.maximum(z, 0) - z * (1 - y) + np.log1p(np.exp(-np.abs(z)))))
"""),
    "bce_logits_missing_max": _wrong({"bce_with_logits_answer": "logits_missing_max"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(-z * y + np.log1p(np.exp(-np.abs(z)))))
"""),
    "bce_logits_missing_log": _wrong({"bce_with_logits_answer": "logits_missing_log"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(np.maximum(z, 0) - z * y))
"""),
    "bce_logits_sum_not_mean": _wrong({"bce_with_logits_answer": "factor"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
"""),
    # Right numbers, but np.where evaluates both branches: "overflow encountered in exp".
    "bce_logits_where_warns": _wrong({"bce_with_logits_answer": "warning"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    softplus = np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))
    return float(np.mean(softplus - z * y))
"""),
    "bce_logits_calls_reference": _wrong({"bce_with_logits_answer": "reference"}, bce_with_logits_answer="""
def bce_with_logits(y, z):
    return mlcore.binary_cross_entropy(y, mlcore.sigmoid(z))
"""),
    "correct_bce_logits_logaddexp": _right(bce_with_logits_answer="""
def bce_with_logits(y, z):
    return float(np.mean(np.logaddexp(0, z) - z * y))
"""),
    "correct_bce_logits_loop_by_label": _right(bce_with_logits_answer="""
def bce_with_logits(y, z):
    total = 0.0
    for label, logit in zip(y.ravel(), z.ravel()):
        s = logit if label == 0 else -logit          # the loss is softplus(s) for either label
        total += max(s, 0.0) + np.log1p(np.exp(-abs(s)))
    return total / y.size
"""),
})
