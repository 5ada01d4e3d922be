"""Synthetic submissions of ``03_cross_entropy``: the blank one, the correct one, one per diagnosed mistake
(the dropped 1/N of the mean among them, COURSE.md's misconception carried over to cross-entropy), and correct
answers written differently (loops, einsum, log-sum-exp or log of a stable softmax, the Jacobian route,
float32).

See :mod:`instructor.answers` for the format. The correct answers call ``mlcore.sigmoid`` and
``mlcore.softmax`` where they need them (as the notebook allows), so a variant's wrong ``softmax`` fails only
its own cell.
"""

from instructor.answers import SEEDS, blank, builders, spellings

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



# ------------------------------------------------------------------ each function on three draws, visible and hidden
#: Data: helper functions a learner writes above an answer (a stable sigmoid, softmax, one-hot), by name.
_HELPERS = {
    'EPS': """
EPS = 1e-12
""",
    'sig': """
def sig(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
""",
    'soft': """
def soft(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
    'soft32': """
def soft32(z):
    # float32 arithmetic after the shift (float32 cannot hold 1000.123 to 1e-5, but z - max it can).
    e = np.exp((z - z.max(axis=1, keepdims=True)).astype(np.float32))
    return e / e.sum(axis=1, keepdims=True)
""",
    'onehot': """
def onehot(y, K):
    return np.eye(K)[y]
""",
    'bce_clip': """
def bce_clip(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
""",
    'bce_unclipped': """
def bce_unclipped(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
""",
    'bce_eps': """
def bce_eps(eps):
    def bce(y, p):
        p = np.clip(p, eps, 1 - eps)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return bce
""",
    'softmax_naive': """
def softmax_naive(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
""",
    'ls': """
def ls(z):
    return np.log(soft(z))
""",
}


def _using(helpers, source):
    """An answer cell: the helpers named (in this order) above ``source``."""
    return "".join(_HELPERS[name] for name in helpers) + source


# More spellings, right and wrong, each graded on the same three seeds every run (SEEDS); visible=False: the
# visible cases cannot tell that mistake apart (e.g. integer labels that one-hot arithmetic happens to fit).
spellings(VARIANTS, {
    "binary_cross_entropy_right_1": _right(seeds=SEEDS, binary_cross_entropy_answer=_using(('EPS',), """
def binary_cross_entropy(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
""")),
    "binary_cross_entropy_right_2": _right(seeds=SEEDS, binary_cross_entropy_answer=_using(('EPS',), """
def binary_cross_entropy(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return float(-(y * np.log(p) + (1 - y) * np.log1p(-p)).sum() / y.size)
""")),
    "binary_cross_entropy_right_3": _right(seeds=SEEDS, binary_cross_entropy_answer=_using(('EPS',), """
def binary_cross_entropy(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(np.log(np.where(y == 1, p, 1 - p)))
""")),
    "binary_cross_entropy_right_4": _right(seeds=SEEDS, binary_cross_entropy_answer=_using(('EPS',), """
def binary_cross_entropy(y, p):
    total = 0.0
    for yi, pi in zip(y, p):
        pi = min(max(pi, EPS), 1 - EPS)
        total -= yi * np.log(pi) + (1 - yi) * np.log(1 - pi)
    return total / len(y)
""")),
    "binary_cross_entropy_right_5": _right(seeds=SEEDS, binary_cross_entropy_answer=_using(('EPS',), """
def binary_cross_entropy(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(np.einsum("i,i->", y, np.log(p)) + np.einsum("i,i->", 1 - y, np.log(1 - p))) / len(y)
""")),
    "binary_cross_entropy_right_6": _right(seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_clip'), """
def binary_cross_entropy(y, p):
    return np.float32(bce_clip(y.astype(np.float32), p))
""")),
    "binary_cross_entropy_unclipped_log_1": _wrong({"binary_cross_entropy_answer": "unclipped_log"}, seeds=SEEDS,
        binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
"""),
    "binary_cross_entropy_unclipped_log_2": _wrong({"binary_cross_entropy_answer": "unclipped_log"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_unclipped'), """
def binary_cross_entropy(y, p):
    return bce_unclipped(y, np.clip(p, EPS, None))
""")),
    "binary_cross_entropy_unclipped_log_3": _wrong({"binary_cross_entropy_answer": "unclipped_log"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_unclipped'), """
def binary_cross_entropy(y, p):
    return bce_unclipped(y, np.minimum(p, 1 - EPS))
""")),
    "binary_cross_entropy_clip_bound_1": _wrong({"binary_cross_entropy_answer": "clip_bound"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('bce_eps',), """
binary_cross_entropy = bce_eps(1e-7)
""")),
    "binary_cross_entropy_clip_bound_2": _wrong({"binary_cross_entropy_answer": "clip_bound"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('bce_eps',), """
binary_cross_entropy = bce_eps(1e-15)
""")),
    "binary_cross_entropy_missing_negative_class_1": _wrong({"binary_cross_entropy_answer": "missing_negative_class"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS',), """
def binary_cross_entropy(y, p):
    return -np.mean(y * np.log(np.clip(p, EPS, 1 - EPS)))
""")),
    "binary_cross_entropy_log10_1": _wrong({"binary_cross_entropy_answer": "log10"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_clip'), """
def binary_cross_entropy(y, p):
    return bce_clip(y, p) / np.log(10)
""")),
    "binary_cross_entropy_sign_1": _wrong({"binary_cross_entropy_answer": "sign"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_clip'), """
def binary_cross_entropy(y, p):
    return -bce_clip(y, p)
""")),
    "binary_cross_entropy_factor_1": _wrong({"binary_cross_entropy_answer": "factor"}, 'mean', seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_clip'), """
def binary_cross_entropy(y, p):
    return bce_clip(y, p) * y.size
""")),
    "binary_cross_entropy_reference_1": _wrong({"binary_cross_entropy_answer": "reference"}, seeds=SEEDS,
        binary_cross_entropy_answer="""
def binary_cross_entropy(y, p):
    return mlcore.binary_cross_entropy(y, p)
"""),
    "binary_cross_entropy_not_scalar_1": _wrong({"binary_cross_entropy_answer": "not_scalar"}, seeds=SEEDS,
        binary_cross_entropy_answer=_using(('EPS', 'bce_clip'), """
def binary_cross_entropy(y, p):
    return np.clip(p, EPS, 1 - EPS) * 0 + bce_clip(y, p)
""")),
    "bce_grad_right_1": _right(seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) / (p * (1 - p)) / y.size
"""),
    "bce_grad_right_2": _right(seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return (-y / p + (1 - y) / (1 - p)) / len(y)
"""),
    "bce_grad_right_3": _right(seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return -(y / p - (1 - y) / (1 - p)) / y.shape[0]
"""),
    "bce_grad_right_4": _right(seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return np.array([(pi - yi) / (pi * (1 - pi)) for yi, pi in zip(y, p)]) / len(y)
"""),
    "bce_grad_right_5": _right(seeds=SEEDS, bce_grad_answer=_using(('EPS',), """
def bce_grad(y, p):
    return (lambda q: (q - y) / (q * (1 - q)) / y.size)(np.clip(p, EPS, 1 - EPS))
""")),
    "bce_grad_right_6": _right(seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return ((p - y) / (p * (1 - p)) / y.size).astype(np.float32)
"""),
    "bce_grad_logits_grad_for_probabilities_1": _wrong({"bce_grad_answer": "logits_grad_for_probabilities"}, seeds=SEEDS,
        bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) / y.size
"""),
    "bce_grad_chain_rule_one_minus_p_1": _wrong({"bce_grad_answer": "chain_rule_one_minus_p"}, seeds=SEEDS,
        bce_grad_answer="""
def bce_grad(y, p):
    return -(y / p + (1 - y) / (1 - p)) / y.size
"""),
    "bce_grad_multiplied_by_p_one_minus_p_1": _wrong({"bce_grad_answer": "multiplied_by_p_one_minus_p"}, seeds=SEEDS,
        bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) * p * (1 - p) / y.size
"""),
    "bce_grad_factor_1": _wrong({"bce_grad_answer": "factor"}, '1/N', seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return (p - y) / (p * (1 - p))
"""),
    "bce_grad_sign_1": _wrong({"bce_grad_answer": "sign"}, seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return (y - p) / (p * (1 - p)) / y.size
"""),
    "bce_grad_reference_1": _wrong({"bce_grad_answer": "reference"}, seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return mlcore.bce_grad(y, p)
"""),
    "bce_grad_shape_1": _wrong({"bce_grad_answer": "shape"}, seeds=SEEDS, bce_grad_answer="""
def bce_grad(y, p):
    return ((p - y) / (p * (1 - p)) / y.size)[:, None]
"""),
    "bce_with_logits_grad_right_1": _right(seeds=SEEDS, bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    return (sig(z) - y) / y.size
""")),
    "bce_with_logits_grad_right_2": _right(seeds=SEEDS, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (mlcore.sigmoid(z) - y) / len(y)
"""),
    "bce_with_logits_grad_right_3": _right(seeds=SEEDS, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (1 / (1 + np.exp(-z)) - y) / y.size
"""),
    "bce_with_logits_grad_right_4": _right(seeds=SEEDS, bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (0.5 * (1 + np.tanh(z / 2)) - y) / y.size
"""),
    "bce_with_logits_grad_right_5": _right(seeds=SEEDS, bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    g = sig(z)
    g -= y
    g /= y.size
    return g
""")),
    "bce_with_logits_grad_right_6": _right(seeds=SEEDS, bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    return ((sig(z) - y) / y.size).astype(np.float32)
""")),
    "bce_with_logits_grad_missing_sigmoid_1": _wrong({"bce_with_logits_grad_answer": "missing_sigmoid"}, seeds=SEEDS,
        bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return (z - y) / y.size
"""),
    "bce_with_logits_grad_missing_chain_factor_1": _wrong({"bce_with_logits_grad_answer": "missing_chain_factor"}, seeds=SEEDS,
        bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    return (sig(z) - y) / (sig(z) * (1 - sig(z))) / y.size
""")),
    "bce_with_logits_grad_extra_sigmoid_prime_1": _wrong({"bce_with_logits_grad_answer": "extra_sigmoid_prime"}, seeds=SEEDS,
        bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    return (sig(z) - y) * sig(z) * (1 - sig(z)) / y.size
""")),
    "bce_with_logits_grad_factor_1": _wrong({"bce_with_logits_grad_answer": "factor"}, seeds=SEEDS,
        bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    return sig(z) - y
""")),
    "bce_with_logits_grad_sign_1": _wrong({"bce_with_logits_grad_answer": "sign"}, seeds=SEEDS,
        bce_with_logits_grad_answer=_using(('sig',), """
def bce_with_logits_grad(y, z):
    return (y - sig(z)) / y.size
""")),
    "bce_with_logits_grad_reference_1": _wrong({"bce_with_logits_grad_answer": "reference"}, seeds=SEEDS,
        bce_with_logits_grad_answer="""
def bce_with_logits_grad(y, z):
    return mlcore.bce_with_logits_grad(y, z)
"""),
    "softmax_right_1": _right(seeds=SEEDS, softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
"""),
    "softmax_right_2": _right(seeds=SEEDS, softmax_answer="""
def softmax(z):
    out = np.empty_like(z, dtype=float)
    for i, row in enumerate(z):
        e = np.exp(row - max(row))
        out[i] = e / e.sum()
    return out
"""),
    "softmax_right_3": _right(seeds=SEEDS, softmax_answer="""
def softmax(z):
    m = z.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - lse)
"""),
    "softmax_right_4": _right(seeds=SEEDS, softmax_answer="""
def softmax(z):
    e = np.exp(z - z.max(axis=1)[:, None])
    return np.einsum("ik,i->ik", e, 1 / e.sum(axis=1))
"""),
    "softmax_right_5": _right(seeds=SEEDS, softmax_answer="""
def softmax(z):
    e = np.exp(z.T - z.T.max(axis=0))
    return (e / e.sum(axis=0)).T
"""),
    "softmax_right_6": _right(seeds=SEEDS, softmax_answer=_using(('soft32',), """
def softmax(z):
    return soft32(z)
""")),
    "softmax_softmax_overflow_1": _wrong({"softmax_answer": "softmax_overflow"}, seeds=SEEDS,
        softmax_answer="""
def softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
"""),
    "softmax_softmax_global_max_1": _wrong({"softmax_answer": "softmax_global_max"}, seeds=SEEDS, visible=False,
        softmax_answer="""
def softmax(z):
    return np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)
"""),
    "softmax_softmax_wrong_axis_1": _wrong({"softmax_answer": "softmax_wrong_axis"}, seeds=SEEDS,
        softmax_answer="""
def softmax(z):
    return np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)
"""),
    "softmax_softmax_max_wrong_axis_1": _wrong({"softmax_answer": "softmax_max_wrong_axis"}, seeds=SEEDS,
        softmax_answer="""
def softmax(z):
    return np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=1, keepdims=True)
"""),
    "softmax_softmax_max_wrong_axis_2": _wrong({"softmax_answer": "softmax_max_wrong_axis"}, seeds=SEEDS,
        softmax_answer=_using(('soft',), """
def softmax(z):
    return soft(z - z.max(axis=0))
""")),
    "softmax_softmax_sum_all_1": _wrong({"softmax_answer": "softmax_sum_all"}, seeds=SEEDS, softmax_answer="""
def softmax(z):
    return np.exp(z - z.max()) / np.exp(z - z.max()).sum()
"""),
    "softmax_softmax_keepdims_1": _wrong({"softmax_answer": "softmax_keepdims"}, seeds=SEEDS,
        softmax_answer="""
def softmax(z):
    return np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1)
"""),
    "softmax_in_place_1": _wrong({"softmax_answer": "in_place"}, seeds=SEEDS, softmax_answer="""
def softmax(z):
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    "softmax_reference_1": _wrong({"softmax_answer": "reference"}, seeds=SEEDS, softmax_answer="""
def softmax(z):
    return mlcore.softmax(z)
"""),
    "softmax_cross_entropy_right_1": _right(seeds=SEEDS, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    m = z.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(np.mean(lse - z[np.arange(len(y)), y]))
"""),
    "softmax_cross_entropy_right_2": _right(seeds=SEEDS, softmax_cross_entropy_answer=_using(('soft',), """
def softmax_cross_entropy(y, z):
    return -np.mean(np.log(soft(z)[np.arange(z.shape[0]), y]))
""")),
    "softmax_cross_entropy_right_3": _right(seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy(y, z):
    return -np.sum(onehot(y, z.shape[1]) * np.log(soft(z))) / z.shape[0]
""")),
    "softmax_cross_entropy_right_4": _right(seeds=SEEDS, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    total = 0.0
    for row, label in zip(z, y):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m))) - row[label]
    return total / len(y)
"""),
    "softmax_cross_entropy_right_5": _right(seeds=SEEDS, softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return -np.take_along_axis(np.log(mlcore.softmax(z)), y[:, None], axis=1).mean()
"""),
    "softmax_cross_entropy_right_6": _right(seeds=SEEDS, softmax_cross_entropy_answer=_using(('soft32',), """
def softmax_cross_entropy(y, z):
    return -np.mean(np.log(soft32(z)[np.arange(len(y)), y]))
""")),
    "softmax_cross_entropy_ce_overflow_1": _wrong({"softmax_cross_entropy_answer": "ce_overflow"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('softmax_naive',), """
def softmax_cross_entropy(y, z):
    return -np.mean(np.log(softmax_naive(z)[np.arange(len(y)), y]))
""")),
    "softmax_cross_entropy_ce_whole_row_1": _wrong({"softmax_cross_entropy_answer": "ce_whole_row"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return -ls(z).sum() / len(y)
""")),
    "softmax_cross_entropy_ce_whole_row_2": _wrong({"softmax_cross_entropy_answer": "ce_whole_row"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return -ls(z).mean()
""")),
    "softmax_cross_entropy_ce_fancy_index_1": _wrong({"softmax_cross_entropy_answer": "ce_fancy_index"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return -ls(z)[:, y].mean()
""")),
    "softmax_cross_entropy_labels_as_onehot_1": _wrong({"softmax_cross_entropy_answer": "labels_as_onehot"}, seeds=SEEDS, visible=False,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return -np.sum(y * ls(z)) / len(y)
""")),
    "softmax_cross_entropy_ce_divide_by_K_1": _wrong({"softmax_cross_entropy_answer": "ce_divide_by_K"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return -ls(z)[np.arange(len(y)), y].sum() / z.shape[1]
""")),
    "softmax_cross_entropy_ce_missing_log_1": _wrong({"softmax_cross_entropy_answer": "ce_missing_log"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft',), """
def softmax_cross_entropy(y, z):
    return -soft(z)[np.arange(len(y)), y].mean()
""")),
    "softmax_cross_entropy_ce_missing_logsumexp_1": _wrong({"softmax_cross_entropy_answer": "ce_missing_logsumexp"}, seeds=SEEDS,
        softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return -z[np.arange(len(y)), y].mean()
"""),
    "softmax_cross_entropy_sign_1": _wrong({"softmax_cross_entropy_answer": "sign"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return ls(z)[np.arange(len(y)), y].mean()
""")),
    "softmax_cross_entropy_factor_1": _wrong({"softmax_cross_entropy_answer": "factor"}, seeds=SEEDS,
        softmax_cross_entropy_answer=_using(('soft', 'ls'), """
def softmax_cross_entropy(y, z):
    return -ls(z)[np.arange(len(y)), y].sum()
""")),
    "softmax_cross_entropy_reference_1": _wrong({"softmax_cross_entropy_answer": "reference"}, seeds=SEEDS,
        softmax_cross_entropy_answer="""
def softmax_cross_entropy(y, z):
    return mlcore.softmax_cross_entropy(y, z)
"""),
    "softmax_cross_entropy_grad_right_1": _right(seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return (soft(z) - onehot(y, z.shape[1])) / z.shape[0]
""")),
    "softmax_cross_entropy_grad_right_2": _right(seeds=SEEDS, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return (mlcore.softmax(z) - mlcore.one_hot(y, z.shape[1])) / len(y)
"""),
    "softmax_cross_entropy_grad_right_3": _right(seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft',), """
def softmax_cross_entropy_grad(y, z):
    g = soft(z)
    g[np.arange(len(y)), y] -= 1
    return g / len(y)
""")),
    "softmax_cross_entropy_grad_right_4": _right(seeds=SEEDS, softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    N, K = z.shape
    g = np.zeros((N, K))
    for i in range(N):
        e = np.exp(z[i] - z[i].max())
        s = e / e.sum()
        for k in range(K):
            g[i, k] = (s[k] - (1.0 if k == y[i] else 0.0)) / N
    return g
"""),
    "softmax_cross_entropy_grad_right_5": _right(seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return ((soft(z) - onehot(y, z.shape[1])) / len(y)).astype(np.float32)
""")),
    "softmax_cross_entropy_grad_grad_overflow_1": _wrong({"softmax_cross_entropy_grad_answer": "grad_overflow"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('onehot', 'softmax_naive'), """
def softmax_cross_entropy_grad(y, z):
    return (softmax_naive(z) - onehot(y, z.shape[1])) / len(y)
""")),
    "softmax_cross_entropy_grad_grad_missing_onehot_1": _wrong({"softmax_cross_entropy_grad_answer": "grad_missing_onehot"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft',), """
def softmax_cross_entropy_grad(y, z):
    return soft(z) / len(y)
""")),
    "softmax_cross_entropy_grad_grad_subtract_labels_1": _wrong({"softmax_cross_entropy_grad_answer": "grad_subtract_labels"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft',), """
def softmax_cross_entropy_grad(y, z):
    return (soft(z) - y[:, None]) / len(y)
""")),
    "softmax_cross_entropy_grad_grad_subtract_labels_2": _wrong({"softmax_cross_entropy_grad_answer": "grad_subtract_labels"}, seeds=SEEDS, visible=False,
        softmax_cross_entropy_grad_answer=_using(('soft',), """
def softmax_cross_entropy_grad(y, z):
    return (soft(z) - y) / len(y)
""")),
    "softmax_cross_entropy_grad_grad_missing_softmax_1": _wrong({"softmax_cross_entropy_grad_answer": "grad_missing_softmax"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('onehot',), """
def softmax_cross_entropy_grad(y, z):
    return (z - onehot(y, z.shape[1])) / len(y)
""")),
    "softmax_cross_entropy_grad_grad_wrt_probabilities_1": _wrong({"softmax_cross_entropy_grad_answer": "grad_wrt_probabilities"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return -onehot(y, z.shape[1]) / soft(z) / len(y)
""")),
    "softmax_cross_entropy_grad_grad_extra_softmax_prime_1": _wrong({"softmax_cross_entropy_grad_answer": "grad_extra_softmax_prime"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return (soft(z) - onehot(y, z.shape[1])) * soft(z) * (1 - soft(z)) / len(y)
""")),
    "softmax_cross_entropy_grad_factor_1": _wrong({"softmax_cross_entropy_grad_answer": "factor"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return soft(z) - onehot(y, z.shape[1])
""")),
    "softmax_cross_entropy_grad_sign_1": _wrong({"softmax_cross_entropy_grad_answer": "sign"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return (onehot(y, z.shape[1]) - soft(z)) / len(y)
""")),
    "softmax_cross_entropy_grad_transpose_1": _wrong({"softmax_cross_entropy_grad_answer": "transpose"}, seeds=SEEDS, visible=False,
        softmax_cross_entropy_grad_answer=_using(('soft', 'onehot'), """
def softmax_cross_entropy_grad(y, z):
    return ((soft(z) - onehot(y, z.shape[1])) / len(y)).T
""")),
    "softmax_cross_entropy_grad_reference_1": _wrong({"softmax_cross_entropy_grad_answer": "reference"}, seeds=SEEDS,
        softmax_cross_entropy_grad_answer="""
def softmax_cross_entropy_grad(y, z):
    return mlcore.softmax_cross_entropy_grad(y, z)
"""),
})
