"""Exercises of notebook 03: binary cross-entropy, its gradients, softmax and softmax cross-entropy.

Choices made here (the notebook tells the learner the same):

- ``binary_cross_entropy``, ``bce_grad`` and ``bce_with_logits_grad`` take labels ``y`` of shape (N,)
  (0.0 or 1.0) and probabilities or logits of the same shape. The loss's checks include ``p`` exactly 0
  and 1, where the contract asks for clipping to [1e-12, 1 - 1e-12]: an unclipped log (inf or NaN) and
  a different clipping bound are both diagnosed. ``bce_grad`` is checked for p inside (0.02, 0.98),
  where clipping changes nothing.
- ``softmax`` must be stable: the checks add offsets of +-1000 to whole arrays and to single rows, so
  an un-shifted ``np.exp(z)`` (overflow) and a shift by the global maximum (whole rows underflowing to
  0 / 0) are both caught. Warnings are not graded; NaN and wrong values are.
- ``softmax_cross_entropy`` and its gradient see the same large offsets, with moderate spreads inside
  each row, so ``np.log(softmax(z))`` with a stable softmax passes and the log-sum-exp form is not
  required. Labels are integers of shape (N,); some cases are square (N == K), where treating the
  labels as one-hot rows broadcasts silently.
"""

import numpy as np

from mlcore import losses as _losses
from mlcore.activations import softmax as _softmax_ref
from mlcore.grading.exercise import Exercise, Mistake, size_plan
from mlcore.grading.specs.plain import log_softmax as _log_soft
from mlcore.grading.specs.plain import one_hot as _onehot
from mlcore.grading.specs.plain import quiet as _quiet
from mlcore.grading.specs.plain import sigmoid as _sig
from mlcore.grading.specs.plain import softmax as _soft

EPS = 1e-12


# ------------------------------------------------------------------------------------------------
# Binary cross-entropy
# ------------------------------------------------------------------------------------------------


def _labels01(rng, n):
    return rng.integers(0, 2, size=n).astype(np.float64)


def _bce_cases(rng, hidden):
    cases = []
    for i, size in enumerate(size_plan(rng, hidden, ("N",), visible_high=8, hidden_high=60)):
        n = size["N"]
        y = _labels01(rng, n)
        p = rng.uniform(0.02, 0.98, size=n)
        if hidden and i % 3 == 2:
            # Confident predictions, right and wrong: p exactly 0 or 1 where clipping matters.
            k = max(1, n // 3)
            where = rng.choice(n, size=k, replace=False)
            p[where] = rng.choice([0.0, 1.0], size=k)
        cases.append({"y": y, "p": p})
    # p exactly 0 and 1 against both labels: log(0) must not escape.
    cases.append({"y": np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0]), "p": np.array([0.0, 1.0, 1.0, 0.0, 0.7, 0.2])})
    return cases


def _bce_grad_cases(rng, hidden):
    cases = []
    for size in size_plan(rng, hidden, ("N",), visible_high=8, hidden_high=60):
        n = size["N"]
        cases.append({"y": _labels01(rng, n), "p": rng.uniform(0.02, 0.98, size=n)})
    return cases


def _logit_cases(rng, hidden):
    cases = []
    for i, size in enumerate(size_plan(rng, hidden, ("N",), visible_high=8, hidden_high=60)):
        n = size["N"]
        scale = 2.0 if not hidden else float(rng.choice([1.0, 3.0, 10.0]))
        cases.append({"y": _labels01(rng, n), "z": scale * rng.standard_normal(n)})
    return cases


def _n_sizes(**case):
    return {"N": int(np.asarray(case["y"]).size)}


def _bce_unclipped(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _bce_clipped(eps):
    def loss(y, p):
        q = np.clip(p, eps, 1 - eps)
        return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))

    return loss


_CLIP_MESSAGE = (
    "log(0) = -inf: where p is exactly 0 or 1 your loss is inf or NaN (and 0 * log(0) is NaN, not 0). "
    "Clip first: p = np.clip(p, 1e-12, 1 - 1e-12), both ends, then take the logs."
)

_N_MEANING = {"N": "the number of samples"}

BINARY_CROSS_ENTROPY = Exercise(
    name="binary_cross_entropy",
    reference=_losses.binary_cross_entropy,
    cases=_bce_cases,
    sizes=_n_sizes,
    mistakes=(
        Mistake("unclipped_log", _CLIP_MESSAGE, _quiet(_bce_unclipped)),
        Mistake("unclipped_log", _CLIP_MESSAGE, _quiet(lambda y, p: _bce_unclipped(y, np.clip(p, EPS, None)))),
        Mistake("unclipped_log", _CLIP_MESSAGE, _quiet(lambda y, p: _bce_unclipped(y, np.clip(p, None, 1 - EPS)))),
        *(
            Mistake(
                "clip_bound",
                f"Your loss is right except where p is exactly 0 or 1, where it matches clipping to "
                f"[{eps:g}, 1 - {eps:g}]. The contract clips p to [1e-12, 1 - 1e-12]: "
                f"np.clip(p, 1e-12, 1 - 1e-12).",
                _bce_clipped(eps),
            )
            for eps in (1e-15, 1e-16, 1e-10, 1e-8, 1e-7, 1e-6)
        ),
        Mistake(
            "missing_negative_class",
            "Your loss is -mean(y log p): the term (1 - y) log(1 - p) for the samples with label 0 is "
            "missing, so predictions for class 0 cost nothing.",
            lambda y, p: -np.mean(y * np.log(np.clip(p, EPS, 1 - EPS))),
        ),
        Mistake(
            "log10",
            "Your values are the loss in base-10 logarithms (np.log10): cross-entropy uses the natural "
            "logarithm, np.log.",
            lambda y, p: _losses_plain_bce(y, p) / np.log(10.0),
        ),
        Mistake(
            "log2",
            "Your values are the loss in base-2 logarithms (np.log2): cross-entropy uses the natural "
            "logarithm, np.log.",
            lambda y, p: _losses_plain_bce(y, p) / np.log(2.0),
        ),
    ),
    guarded=("binary_cross_entropy",),
    size_meanings=_N_MEANING,
    factor_hints={"N": "you summed over the samples: the loss is the mean, -np.mean(...)."},
)


def _losses_plain_bce(y, p):
    q = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))


BCE_GRAD = Exercise(
    name="bce_grad",
    reference=_losses.bce_grad,
    cases=_bce_grad_cases,
    sizes=_n_sizes,
    mistakes=(
        Mistake(
            "logits_grad_for_probabilities",
            "Your values are (p - y) / N: that is the gradient with respect to the logit z (after the "
            "sigmoid's derivative p(1 - p) has cancelled), not with respect to p. Differentiate the loss "
            "in p: -(y/p - (1 - y)/(1 - p)) / N = (p - y) / (p (1 - p)) / N.",
            lambda y, p: (p - y) / y.size,
        ),
        Mistake(
            "chain_rule_one_minus_p",
            "Your values are -(y/p + (1 - y)/(1 - p)) / N: the inner derivative of log(1 - p) is missing. "
            "d/dp log(1 - p) = -1 / (1 - p), so the second term enters with a plus: "
            "(-y/p + (1 - y)/(1 - p)) / N.",
            lambda y, p: -(y / p + (1 - y) / (1 - p)) / y.size,
        ),
        Mistake(
            "multiplied_by_p_one_minus_p",
            "Your values are (p - y) p (1 - p) / N: the factor p(1 - p) belongs in the denominator. "
            "Combining -y/p + (1 - y)/(1 - p) over the common denominator gives (p - y) / (p (1 - p)).",
            lambda y, p: (p - y) * p * (1 - p) / y.size,
        ),
    ),
    guarded=("bce_grad",),
    size_meanings=_N_MEANING,
    factor_hints={"N": "the loss is a mean over the N samples, so every entry of its gradient carries 1/N."},
)

BCE_WITH_LOGITS_GRAD = Exercise(
    name="bce_with_logits_grad",
    reference=_losses.bce_with_logits_grad,
    cases=_logit_cases,
    sizes=_n_sizes,
    mistakes=(
        Mistake(
            "missing_sigmoid",
            "Your values are (z - y) / N: the logits z are used where the probabilities p = sigma(z) "
            "belong. The gradient is (sigma(z) - y) / N.",
            lambda y, z: (z - y) / y.size,
        ),
        Mistake(
            "missing_chain_factor",
            "Your values are the gradient with respect to p = sigma(z), (p - y) / (p (1 - p)) / N: a "
            "chain-rule factor is missing. Multiply by dp/dz = sigma'(z) = p (1 - p), which cancels the "
            "denominator: (sigma(z) - y) / N.",
            _quiet(lambda y, z: (_sig(z) - y) / (_sig(z) * (1 - _sig(z))) / y.size),
        ),
        Mistake(
            "extra_sigmoid_prime",
            "Your values are (sigma(z) - y) sigma'(z) / N: the factor sigma'(z) = p (1 - p) was applied "
            "twice. (p - y) / N is already the gradient with respect to z: the p(1 - p) of the chain rule "
            "cancelled the denominator of dL/dp.",
            lambda y, z: (_sig(z) - y) * _sig(z) * (1 - _sig(z)) / y.size,
        ),
    ),
    guarded=("bce_with_logits_grad",),
    size_meanings=_N_MEANING,
    factor_hints={"N": "the loss is a mean over the N samples, so the gradient is (sigma(z) - y) / N."},
)

# ------------------------------------------------------------------------------------------------
# Softmax and softmax cross-entropy
# ------------------------------------------------------------------------------------------------


def _logits(rng, n, k, hidden, i, *, spread=2.0):
    z = spread * rng.standard_normal((n, k))
    if i % 4 == 3:
        z += rng.choice([-1000.0, 1000.0])  # the whole batch far from 0: overflow without the shift
    elif hidden and i % 4 == 1 and n > 1:
        z += rng.uniform(-1000.0, 1000.0, size=(n, 1))  # each row at its own height
        z[0] += 1000.0 - z[0].max()
        z[-1] += -1000.0 - z[-1].max()
    return z


def _softmax_cases(rng, hidden):
    cases = []
    for i, size in enumerate(size_plan(rng, hidden, ("N", "K"), visible_high=6, hidden_high=30)):
        spread = 2.0 if not hidden else float(rng.choice([1.0, 3.0, 8.0]))
        cases.append({"z": _logits(rng, size["N"], size["K"], hidden, i, spread=spread)})
    if not hidden:
        cases.append({"z": np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1003.0]])})
    else:
        cases.append({"z": np.array([[1000.0, 0.0], [0.0, -1000.0], [-1000.0, -999.0]])})
    return cases


def _ce_cases(rng, hidden):
    cases = []
    for i, size in enumerate(size_plan(rng, hidden, ("N", "K"), visible_high=6, hidden_high=30)):
        n, k = size["N"], max(size["K"], 2)
        spread = 2.0 if not hidden else float(rng.choice([1.0, 3.0, 8.0]))
        cases.append({"y": rng.integers(0, k, size=n), "z": _logits(rng, n, k, hidden, i, spread=spread)})
    if not hidden:
        cases.append({"y": np.array([0, 2]), "z": np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1003.0]])})
    return cases


def _nk_sizes(**case):
    n, k = np.asarray(case["z"]).shape
    return {"N": int(n), "K": int(k)}


_NK_MEANING = {"N": "the number of samples (rows)", "K": "the number of classes (columns)"}

SOFTMAX = Exercise(
    name="softmax",
    reference=_softmax_ref,
    cases=_softmax_cases,
    sizes=_nk_sizes,
    mistakes=(
        Mistake(
            "softmax_overflow",
            "Your softmax returns NaN for large logits: np.exp(1000) overflows to inf (and np.exp(-1000) "
            "underflows to 0), giving inf / inf or 0 / 0. Subtract each row's maximum first, "
            "z - z.max(axis=1, keepdims=True): softmax(z - c) = softmax(z) for any constant c per row, and "
            "now the largest exponent is e^0 = 1 and every denominator is at least 1.",
            _quiet(lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)),
        ),
        Mistake(
            "softmax_global_max",
            "You subtract the maximum of the whole array, z.max(), instead of each row's own maximum. "
            "That is exact in theory, but a row whose logits lie far below the global maximum underflows "
            "to 0 / 0 = NaN. Use z.max(axis=1, keepdims=True).",
            _quiet(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)),
        ),
        Mistake(
            "softmax_wrong_axis",
            "Your columns sum to 1, not your rows: the softmax was taken over axis 0 (the samples). Rows "
            "are samples, so normalise each row over the K classes: axis=1 (or -1), keepdims=True.",
            _quiet(lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)),
        ),
        Mistake(
            "softmax_max_wrong_axis",
            "You subtract each column's maximum, z.max(axis=0), but normalise the rows: a different "
            "amount per column changes each row's softmax. Subtract each row's maximum, "
            "z.max(axis=1, keepdims=True).",
            _quiet(lambda z: _soft_rows_of(z - z.max(axis=0))),
        ),
        Mistake(
            "softmax_max_wrong_axis",
            "You subtract each column's maximum, z.max(axis=0), before the row-wise softmax: a different "
            "amount per column changes each row's softmax. Subtract each row's maximum, "
            "z.max(axis=1, keepdims=True).",
            _quiet(lambda z: _soft(z - z.max(axis=0))),
        ),
        Mistake(
            "softmax_sum_all",
            "Your whole array sums to 1, not each row: the denominator sums over every entry. Sum each "
            "row: e.sum(axis=1, keepdims=True).",
            _quiet(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()),
        ),
        Mistake(
            "softmax_keepdims",
            "Broadcasting hid a bug: e / e.sum(axis=1) divides column k by row k's sum (it only runs when "
            "N == K, or N == 1). Keep the summed axis: e.sum(axis=1, keepdims=True) has shape (N, 1).",
            _quiet(lambda z: _exp_shift(z) / _exp_shift(z).sum(axis=1)),
        ),
    ),
    guarded=("softmax",),
    size_meanings=_NK_MEANING,
)


def _exp_shift(z):
    return np.exp(z - z.max(axis=1, keepdims=True))


def _soft_rows_of(s):
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def _picked(y, z):
    return _log_soft(z)[np.arange(z.shape[0]), y]


SOFTMAX_CROSS_ENTROPY = Exercise(
    name="softmax_cross_entropy",
    reference=_losses.softmax_cross_entropy,
    cases=_ce_cases,
    sizes=_nk_sizes,
    mistakes=(
        Mistake(
            "ce_overflow",
            "Your loss is NaN or inf for large logits: np.exp overflows (or a whole row underflows to 0). "
            "Use a stable softmax (subtract each row's maximum), or better, log-sum-exp: "
            "log sum_k e^{z_ik} = m_i + log sum_k e^{z_ik - m_i} with m_i the row maximum.",
            _quiet(lambda y, z: -np.mean(np.log((np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))[np.arange(z.shape[0]), y]))),
        ),
        Mistake(
            "ce_whole_row",
            "Your loss adds the log-probabilities of every class in each row. Cross-entropy with a label "
            "y_i uses only the probability of that class: -mean_i log softmax(z)[i, y_i] "
            "(pick it with s[np.arange(N), y]).",
            lambda y, z: -_log_soft(z).sum() / z.shape[0],
        ),
        Mistake(
            "ce_whole_row",
            "Your loss averages the log-probabilities of every entry (N * K of them). Cross-entropy with a "
            "label y_i uses only the probability of that class: -mean_i log softmax(z)[i, y_i] "
            "(pick it with s[np.arange(N), y]).",
            lambda y, z: -_log_soft(z).mean(),
        ),
        Mistake(
            "ce_fancy_index",
            "s[:, y] picks the columns y for every row (an N x N block), not one entry per row. Use "
            "s[np.arange(N), y]: row i, column y_i.",
            lambda y, z: -_log_soft(z)[:, y].mean(),
        ),
        Mistake(
            "labels_as_onehot",
            "y holds integer labels of shape (N,), not one-hot rows: y * np.log(s) broadcasts y along each "
            "row (it only runs because N == K here). Pick the label's entry, s[np.arange(N), y], or build "
            "Y = np.eye(K)[y] first.",
            lambda y, z: -(y * _log_soft(z)).sum() / z.shape[0],
        ),
        Mistake(
            "labels_as_onehot",
            "y holds integer labels of shape (N,), not one-hot rows: y * np.log(s) broadcasts y along each "
            "row (it only runs because N == K here). Pick the label's entry, s[np.arange(N), y], or build "
            "Y = np.eye(K)[y] first.",
            lambda y, z: -(y * _log_soft(z)).mean(),
        ),
        Mistake(
            "ce_divide_by_K",
            "You divided by K, the number of classes; the loss is the mean over the N samples: divide by N.",
            lambda y, z: -_picked(y, z).sum() / z.shape[1],
        ),
        Mistake(
            "ce_missing_log",
            "Your loss is -mean of the label's probability, without the logarithm: cross-entropy is "
            "-mean_i log softmax(z)[i, y_i].",
            lambda y, z: -np.exp(_picked(y, z)).mean(),
        ),
        Mistake(
            "ce_missing_logsumexp",
            "Your loss is -mean_i z[i, y_i]: the normaliser is missing. log softmax(z)[i, y_i] = "
            "z[i, y_i] - log sum_k e^{z_ik}.",
            lambda y, z: -z[np.arange(z.shape[0]), y].mean(),
        ),
    ),
    guarded=("softmax_cross_entropy",),
    size_meanings=_NK_MEANING,
    factor_hints={"N": "you summed over the samples: the loss is the mean over the N rows."},
)

SOFTMAX_CROSS_ENTROPY_GRAD = Exercise(
    name="softmax_cross_entropy_grad",
    reference=_losses.softmax_cross_entropy_grad,
    cases=_ce_cases,
    sizes=_nk_sizes,
    mistakes=(
        Mistake(
            "grad_overflow",
            "Your gradient has NaN for large logits: np.exp overflows. Compute the softmax with each row's "
            "maximum subtracted first (or call mlcore.softmax).",
            _quiet(lambda y, z: (np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) - _onehot(y, z.shape[1])) / z.shape[0]),
        ),
        Mistake(
            "grad_missing_onehot",
            "Your values are softmax(z) / N: the one-hot labels are not subtracted. The gradient is "
            "(softmax(z) - Y) / N with Y[i, y_i] = 1 (e.g. Y = np.eye(K)[y]).",
            lambda y, z: _soft(z) / z.shape[0],
        ),
        Mistake(
            "grad_subtract_labels",
            "You subtracted the integer labels y themselves (broadcast over the row) instead of the one-hot "
            "matrix Y. Build Y with Y[i, y_i] = 1 (np.eye(K)[y]) and return (softmax(z) - Y) / N.",
            lambda y, z: (_soft(z) - y[:, None]) / z.shape[0],
        ),
        Mistake(
            "grad_subtract_labels",
            "You subtracted the integer labels y (broadcast along each row: it only runs because N == K "
            "here) instead of the one-hot matrix Y. Build Y with Y[i, y_i] = 1 (np.eye(K)[y]) and return "
            "(softmax(z) - Y) / N.",
            lambda y, z: (_soft(z) - y) / z.shape[0],
        ),
        Mistake(
            "grad_missing_softmax",
            "Your values are (z - Y) / N: the logits are used where the probabilities softmax(z) belong. "
            "The gradient is (softmax(z) - Y) / N.",
            lambda y, z: (z - _onehot(y, z.shape[1])) / z.shape[0],
        ),
        Mistake(
            "grad_wrt_probabilities",
            "Your values are -Y / (softmax(z) N): the gradient with respect to the probabilities, not the "
            "logits. Chain it through the softmax Jacobian ds_k/dz_j = s_k (delta_kj - s_j): "
            "(softmax(z) - Y) / N.",
            _quiet(lambda y, z: -_onehot(y, z.shape[1]) / _soft(z) / z.shape[0]),
        ),
        Mistake(
            "grad_extra_softmax_prime",
            "Your values are (softmax(z) - Y) s (1 - s) / N: the softmax's derivative was multiplied in "
            "again. (softmax(z) - Y) / N is already the gradient with respect to z (the Jacobian "
            "s_k (delta_kj - s_j) has been summed over in it).",
            lambda y, z: (_soft(z) - _onehot(y, z.shape[1])) * _soft(z) * (1 - _soft(z)) / z.shape[0],
        ),
    ),
    guarded=("softmax_cross_entropy_grad",),
    size_meanings=_NK_MEANING,
    factor_hints={"N": "the loss is a mean over the N samples, so the gradient is (softmax(z) - Y) / N."},
)

EXERCISES = (
    BINARY_CROSS_ENTROPY,
    BCE_GRAD,
    BCE_WITH_LOGITS_GRAD,
    SOFTMAX,
    SOFTMAX_CROSS_ENTROPY,
    SOFTMAX_CROSS_ENTROPY_GRAD,
)


# ------------------------------------------------------------------------------------------------
# Self-check question: the activation applied twice (COURSE.md, misconception 4)
# ------------------------------------------------------------------------------------------------

from mlcore.grading.question import Question, Wrong  # noqa: E402  (the questions' own section)

Q_APPLIED_TWICE = Question(
    name="q_applied_twice",
    prompt="the smallest value sigmoid(sigmoid(z)) comes near, over all z",
    answer=0.5,
    rtol=1e-3,
    explanations={
        0.0: Wrong(
            "applied_once",
            "0 is where sigma(z) itself heads as z -> -inf. Here the outer sigma receives p = sigma(z), a "
            "probability, never below 0, and sigma of a number >= 0 is at least sigma(0).",
        ),
        (0.73, 0.731, 0.7311): Wrong(
            "upper_end",
            "sigma(1) ~ 0.731 is the other end of the range: the largest value, approached as z -> +inf "
            "(p -> 1). The question asks for the smallest.",
        ),
        1.0: Wrong(
            "applied_once_upper",
            "1 is where sigma(z) heads for large z; after the second sigma the values stay below sigma(1) ~ 0.731, "
            "and the question asks for the smallest value anyway.",
        ),
        0.25: Wrong(
            "slope_not_value",
            "0.25 = sigma'(0) is the sigmoid's slope at 0, not one of its values. Look at the values: what does "
            "sigma make of an input between 0 and 1?",
        ),
        (0.27, 0.269, 0.2689): Wrong(
            "negative_input",
            "sigma(-1) ~ 0.269 would need the outer sigma to receive -1, but its input p = sigma(z) is a "
            "probability, between 0 and 1.",
        ),
    },
    otherwise=(
        "Work from the inside out: p = sigma(z) takes every value strictly between 0 and 1. sigma is increasing, "
        "so sigma(p) lies between sigma(0) and sigma(1). Which end is the smaller one?"
    ),
    why=(
        "sigma(sigma(z)) stays inside (0.5, 0.731): a model whose output went through the sigmoid twice can never "
        "predict class 0, and every label-0 sample costs at least log 2 ~ 0.69. One sigmoid, in one place: a "
        "loss 'with logits' takes z, the other takes p = sigma(z)."
    ),
)

EXERCISES = EXERCISES + (Q_APPLIED_TWICE,)

# ------------------------------------------------------------------------------------------------
# bce_with_logits (second edition)
# ------------------------------------------------------------------------------------------------

# Beyond exp's range (e^709.8 is float64's largest) in both signs, plus moderate saturated values.
_LOGIT_EXTREMES = np.array([-1000.0, 1000.0, -800.0, 800.0, -1e4, 1e4, -40.0, 40.0])


def _bce_logits_cases(rng, hidden):
    """Labels 0/1 and logits of shape (N,) or, every third case, (N, D); some entries far beyond exp's range."""
    cases = []
    for i, s in enumerate(size_plan(rng, hidden, visible_high=6, hidden_high=30)):
        shape = (s["N"], s["D"]) if i % 3 == 2 else (s["N"],)
        scale = 2.0 if not hidden else float(rng.choice([1.0, 3.0, 10.0]))
        z = scale * rng.standard_normal(shape)
        if hidden and i % 2 == 1 and z.size > 1:
            flat = z.reshape(-1)
            where = rng.choice(np.arange(1, flat.size), size=max(1, flat.size // 4), replace=False)
            flat[where] = rng.choice(_LOGIT_EXTREMES, size=where.size)  # entry 0 stays moderate
        cases.append({"y": rng.integers(0, 2, size=shape).astype(np.float64), "z": z})
    # Confident and right, confident and wrong, in both signs, with moderate entries beside them.
    cases.append({"y": np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0]), "z": np.array([1000.0, -1000.0, -1000.0, 1000.0, 0.5, -2.0])})
    return cases


def _elements_sizes(y, z):
    return {"y.size": y.size, "N": y.shape[0], "D": y.size // y.shape[0]}


def _logits_terms(max_term, zy_sign, log_term):
    """A wrong loss built from the stable form's three terms: mean(max_term(z) + zy_sign * z y + log_term(z))."""
    return lambda y, z: float(np.mean(max_term(z) + zy_sign * z * y + log_term(z)))


def _stable_log(z):
    return np.log1p(np.exp(-np.abs(z)))


def _log_of_sigmoid(sig):
    return _quiet(lambda y, z: -np.mean(y * np.log(sig(z)) + (1 - y) * np.log(1 - sig(z))))


_NAIVE_SIGMOID = "log(σ(z)) and log(1 − σ(z))"
_STABLE_FORM = (
    "Work with the logits: log σ(z) = −log(1 + e^{−z}) and log(1 − σ(z)) = −z − log(1 + e^{−z}) give "
    "L = mean(max(z, 0) − z·y + log(1 + e^{−|z|})), i.e. np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), "
    "where the exponent −|z| is never positive."
)
_LOG_OF_SIGMOID = (
    f"Your loss is inf or NaN where |z| is large: you formed σ(z) and took {_NAIVE_SIGMOID}. At z = 1000, "
    "σ(z) rounds to exactly 1, so log(1 − σ(z)) = log(0) = −inf (and 0 · (−inf) = NaN). " + _STABLE_FORM
)
_LOG_OF_CLIPPED = (
    f"Your loss is right for moderate z but too small where |z| is large and the prediction is wrong: you "
    f"clipped σ(z) before taking {_NAIVE_SIGMOID}, which caps each term (at 27.6 = −log 1e-12 for a clip at 1e-12) where "
    "the true cost grows like |z|. The point of the logits form is to need no clipping. " + _STABLE_FORM
)
_SOFTPLUS_OVERFLOW = (
    "Your loss is inf where |z| is large: np.exp(z) (or np.exp(-z)) overflows beyond 709.8 before the log "
    "can bring it back. Write log(1 + e^{z}) = max(z, 0) + log(1 + e^{−|z|}): the same number, and the "
    "exponent is never positive. " + _STABLE_FORM
)
_LOGITS_ADVICE = (
    "bce_with_logits must be finite and warning-free for every logit. np.exp(z) (or np.exp(-z)) overflows "
    "beyond |z| ≈ 709.8; np.where(cond, A, B) computes both A and B for every entry, so it does not protect an "
    "np.exp inside them. " + _STABLE_FORM
)

BCE_WITH_LOGITS = Exercise(
    name="bce_with_logits",
    reference=_losses.bce_with_logits,
    cases=_bce_logits_cases,
    sizes=_elements_sizes,
    mistakes=(
        Mistake("log_of_sigmoid", _LOG_OF_SIGMOID, _log_of_sigmoid(_sig)),
        Mistake("log_of_sigmoid", _LOG_OF_SIGMOID, _log_of_sigmoid(lambda z: 1 / (1 + np.exp(-z)))),
        *(
            Mistake("log_of_sigmoid", _LOG_OF_CLIPPED, _log_of_sigmoid(lambda z, eps=eps: np.clip(_sig(z), eps, 1 - eps)))
            for eps in (EPS, 1e-15, 1e-10, 1e-8, 1e-7, 1e-6)
        ),
        Mistake(
            "softplus_overflow",
            _SOFTPLUS_OVERFLOW,
            _quiet(lambda y, z: float(np.mean(np.log1p(np.exp(z)) - z * y))),
        ),
        Mistake(
            "softplus_overflow",
            _SOFTPLUS_OVERFLOW,
            _quiet(lambda y, z: float(np.mean(np.log1p(np.exp(-z)) + z * (1 - y)))),
        ),
        Mistake(
            "logits_missing_abs",
            "Your loss is inf where z is very negative: the last term is log(1 + e^{−z}), not "
            "log(1 + e^{−|z|}). With the |z| (and the max(z, 0) in front) the exponent is never positive. "
            + _STABLE_FORM,
            _quiet(_logits_terms(lambda z: np.maximum(z, 0), -1.0, lambda z: np.log1p(np.exp(-z)))),
        ),
        Mistake(
            "logits_zy_sign",
            "Your loss adds z·y; it subtracts it: y log σ(z) contributes +y·log σ(z) = −y·log(1 + e^{−z}), "
            "and collecting the terms gives max(z, 0) − z·y + log(1 + e^{−|z|}).",
            _logits_terms(lambda z: np.maximum(z, 0), 1.0, _stable_log),
        ),
        Mistake(
            "labels_swapped",
            "Your loss is the loss of the opposite labels: y and 1 − y are swapped (the loss is small when "
            "σ(z) is near 1 − y). The term −y·log σ(z) is for the positive label, −(1 − y)·log(1 − σ(z)) "
            "for the negative one.",
            lambda y, z: _losses.bce_with_logits(1 - y, z),
        ),
        Mistake(
            "logits_missing_max",
            "Your loss leaves out max(z, 0): log(1 + e^{z}) = max(z, 0) + log(1 + e^{−|z|}), and the max is "
            "the part that grows with z. L = mean(max(z, 0) − z·y + log(1 + e^{−|z|})).",
            _logits_terms(lambda z: 0.0, -1.0, _stable_log),
        ),
        Mistake(
            "logits_missing_log",
            "Your loss leaves out log(1 + e^{−|z|}): that term is what keeps the loss positive and smooth "
            "near z = 0 (it is log 2 at z = 0). L = mean(max(z, 0) − z·y + log(1 + e^{−|z|})).",
            _logits_terms(lambda z: np.maximum(z, 0), -1.0, lambda z: 0.0),
        ),
    ),
    guarded=("bce_with_logits", "binary_cross_entropy", "sigmoid"),
    size_meanings={
        "y.size": "the number of elements the mean runs over",
        "N": "the number of rows of y",
        "D": "the number of columns of y, 1 for a 1-D y",
    },
    factor_hints={
        "y.size": "you summed the terms: the loss is their mean over every element (np.mean).",
        "D": "you averaged over the rows only: the loss is the mean over every element of y (N·D of them), np.mean.",
    },
    no_warnings=_LOGITS_ADVICE,
)

EXERCISES = EXERCISES + (BCE_WITH_LOGITS,)
