r"""Exercises of notebook 04: ``hidden_delta``, ``layer_grads``, ``backward`` and the bug hunt's
``fixed_backward``.

Choices made here (the notebook tells the learner the same):

- Square layers are part of every check (visible ones too): multiplying by ``W`` instead of ``W.T``
  only raises a shape error when the layer is not square, so only square cases reveal it by value.
  The mistake is recognised either way (it raises exactly where a learner's ``delta @ W`` raises).
- ``act_prime`` cycles through ``tanh_prime``, ``sigmoid_prime`` and ``relu_prime``: with ReLU alone,
  ``f'(a)`` equals ``f'(z)`` (a > 0 exactly where z > 0), so the smooth activations are needed to see
  the derivative taken at the wrong variable.
- ``backward`` (and ``fixed_backward``) are checked on random MLPs of depth 1 to 4, with widths 1 to 6,
  fully square ones and ones where N equals a width. Their gradient lists have a different length in
  every case, so the check turns the returned list into a fixed structure (:func:`collect_grads`): one
  slot per parameter of the deepest network the checks build, ``grads[0] ... grads[7]`` (dW1, db1, ...,
  dW4, db4; empty beyond the network's depth). The exercise-specific mistakes are recognised on the
  whole list at once; when none fits, the generic diagnosis names the entry that is wrong (a transposed
  ``grads[2]``, a ``grads[1]`` of shape (1, D), ...). The slots sit inside one top-level value, so no
  two of them are ever compared as a possible reordering.
- While ``backward`` runs, only mlcore's ``backward`` is switched off (and with it ``MLP.backward`` and
  ``MLP.loss_and_grads``, which call it). A learner whose ``hidden_delta`` or ``layer_grads`` does not pass
  yet may build ``backward`` from mlcore's: this check grades the walk through the layers.
"""

import itertools

import numpy as np

from mlcore import activations as _act
from mlcore._guard import reference
from mlcore.grading.exercise import Exercise, Mistake, size_plan
from mlcore.grading.specs.plain import PRIMES, sigmoid
from mlcore.i18n import tr
from mlcore.layers import hidden_delta as _hidden_delta
from mlcore.layers import layer_grads as _layer_grads
from mlcore.mlp import Cache
from mlcore.mlp import backward as _backward

MAX_LAYERS = 4
SLOTS = tuple(f"{kind}{l}" for l in range(1, MAX_LAYERS + 1) for kind in ("dW", "db"))

# The derivatives handed to the learner's function, with plain NumPy versions of their activations for
# building the cases (never the guarded references).
_ACTIVATIONS = (
    ("tanh_prime", np.tanh, _act.tanh_prime),
    ("sigmoid_prime", sigmoid, _act.sigmoid_prime),
    ("relu_prime", lambda z: np.maximum(z, 0.0), _act.relu_prime),
)


def _fp(z, act_prime):
    """act_prime(z) computed with plain NumPy (the derivative passed in may be a guarded reference)."""
    return PRIMES.get(getattr(act_prime, "__name__", ""), act_prime)(z)


def _activation(rng, i):
    return _ACTIVATIONS[(i + int(rng.integers(0, 3))) % 3]


def _away_from_zero(rng, shape, scale=1.5):
    """Standard normal values with |z| >= 0.05, so relu' never sits on its kink."""
    z = scale * rng.standard_normal(shape)
    return np.where(np.abs(z) < 0.05, np.copysign(0.05, z) + z, z)


# ------------------------------------------------------------------------------------------------
# hidden_delta
# ------------------------------------------------------------------------------------------------


def _hidden_delta_cases(rng, hidden):
    plans = size_plan(rng, hidden, ("N", "D", "D_next"), visible_high=5, hidden_high=12)
    # Square layers (D == D_next) with N different: W and W.T have the same shape there.
    extra = 1 if not hidden else 4
    for _ in range(extra):
        d = int(rng.integers(2, 7))
        plans.append({"N": int(rng.choice([n for n in range(1, 9) if n != d])), "D": d, "D_next": d})
    cases = []
    for i, p in enumerate(plans):
        _, _, fprime = _activation(rng, i)
        scale = 10.0 ** rng.uniform(-1, 1)
        cases.append({
            "delta_next": scale * rng.standard_normal((p["N"], p["D_next"])),
            "W_next": rng.standard_normal((p["D"], p["D_next"])),
            "z": _away_from_zero(rng, (p["N"], p["D"])),
            "act_prime": fprime,
        })
    return cases


def _hd_sizes(delta_next, W_next, z, act_prime):
    return {"N": z.shape[0], "D": z.shape[1], "D_next": delta_next.shape[1]}


HIDDEN_DELTA = Exercise(
    name="hidden_delta",
    reference=_hidden_delta,
    cases=_hidden_delta_cases,
    sizes=_hd_sizes,
    mistakes=(
        Mistake(
            "W_not_transposed",
            "Your values are (delta_next @ W_next) * act_prime(z): W where its transpose belongs. "
            "delta^l_ij = sum_k delta^{l+1}_ik W^{l+1}_jk sums over the second index of W, which is "
            "delta_next @ W_next.T. For a square layer the shapes line up either way, so only the values "
            "give this away (for a non-square one, delta_next @ W_next raises a shape error).",
            lambda delta_next, W_next, z, act_prime: (delta_next @ W_next) * _fp(z, act_prime),
        ),
        Mistake(
            "missing_act_prime",
            "Your values are delta_next @ W_next.T without the factor act_prime(z): a missing chain-rule "
            "factor. That is dL/da^l, the gradient with respect to the activations; delta^l = dL/dz^l "
            "needs one more step through a^l = f(z^l): multiply elementwise by act_prime(z).",
            lambda delta_next, W_next, z, act_prime: delta_next @ W_next.T,
        ),
        Mistake(
            "act_prime_composed",
            "Your values are act_prime(delta_next @ W_next.T): the derivative applied to the backpropagated "
            "error instead of multiplying it. The chain rule multiplies: "
            "(delta_next @ W_next.T) * act_prime(z).",
            lambda delta_next, W_next, z, act_prime: _fp(delta_next @ W_next.T, act_prime),
        ),
        Mistake(
            "act_prime_wrong_variable",
            "Your values are (delta_next @ W_next.T) * act_prime(delta_next @ W_next.T): the derivative "
            "evaluated at the wrong variable. f' belongs at z, the pre-activations of this layer: "
            "act_prime(z).",
            lambda delta_next, W_next, z, act_prime: (delta_next @ W_next.T) * _fp(delta_next @ W_next.T, act_prime),
        ),
        Mistake(
            "sigmoid_prime_from_a",
            "Your values are (delta_next @ W_next.T) * z * (1 - z): the sigmoid's a(1 - a) applied to z, "
            "as if z were the activation. hidden_delta receives the pre-activations z and the derivative "
            "act_prime (which may not be the sigmoid's): use act_prime(z).",
            lambda delta_next, W_next, z, act_prime: (delta_next @ W_next.T) * z * (1.0 - z),
        ),
        Mistake(
            "act_prime_matmul",
            "Your values are (delta_next @ W_next.T) @ act_prime(z).T or similar: a matrix product where "
            "the elementwise product belongs. f'(z^l_ij) multiplies entry (i, j) only: use *.",
            lambda delta_next, W_next, z, act_prime: (delta_next @ W_next.T) @ _fp(z, act_prime).T,
        ),
    ),
    guarded=("hidden_delta",),
    size_meanings={"N": "the number of samples"},
)


# ------------------------------------------------------------------------------------------------
# layer_grads
# ------------------------------------------------------------------------------------------------


def _layer_grads_cases(rng, hidden):
    plans = size_plan(rng, hidden, ("N", "D_prev", "D"), visible_high=5, hidden_high=12)
    extra = [{"N": 3, "D_prev": 4, "D": 4}] if not hidden else []
    if hidden:
        # Square layers (a transposed dW has the right shape) and N == D (db summed over the wrong
        # axis has the right shape).
        for _ in range(3):
            d = int(rng.integers(2, 7))
            extra.append({"N": int(rng.integers(1, 9)), "D_prev": d, "D": d})
            extra.append({"N": d, "D_prev": int(rng.integers(1, 9)), "D": d})
    cases = []
    for p in plans + extra:
        scale = 10.0 ** rng.uniform(-2, 1)
        cases.append({
            "a_prev": rng.standard_normal((p["N"], p["D_prev"])),
            "delta": scale * rng.standard_normal((p["N"], p["D"])),
        })
    return cases


def _lg_sizes(a_prev, delta):
    return {"N": a_prev.shape[0], "D_prev": a_prev.shape[1], "D": delta.shape[1]}


_SUM_NOT_MEAN = (
    "The loss already averaged over the samples and that 1/N is inside delta (it came from delta^L), so "
    "summing over the samples is right: dividing again by N applies the 1/N twice, and the gradient (with "
    "it the effective learning rate) would shrink with the batch size."
)

LAYER_GRADS = Exercise(
    name="layer_grads",
    reference=_layer_grads,
    cases=_layer_grads_cases,
    sizes=_lg_sizes,
    parts=("dW", "db"),
    mistakes=(
        Mistake(
            "dW_transposed",
            "Your dW is delta.T @ a_prev, the transpose of the gradient, shape (D, D_prev). dW must have "
            "W's shape (D_prev, D): dW_jk = sum_i a_prev_ij delta_ik is a_prev.T @ delta. For a square "
            "layer the shapes match, so only the values reveal this.",
            lambda a_prev, delta: delta.T @ a_prev,
            part="dW",
        ),
        Mistake(
            "dW_mean",
            "Your dW is a_prev.T @ delta / N: an average over the samples. " + _SUM_NOT_MEAN,
            lambda a_prev, delta: a_prev.T @ delta / a_prev.shape[0],
            part="dW",
        ),
        Mistake(
            "db_mean",
            "Your db is delta.mean(axis=0): the mean over the samples instead of the sum. " + _SUM_NOT_MEAN,
            lambda a_prev, delta: delta.mean(axis=0),
            part="db",
        ),
        Mistake(
            "db_wrong_axis",
            "Your db is delta.sum(axis=1): summed over the units (one value per sample) instead of over the "
            "samples. db has one entry per unit, shape (D,): delta.sum(axis=0). (When N equals D the shapes "
            "even agree.)",
            lambda a_prev, delta: delta.sum(axis=1),
            part="db",
        ),
        Mistake(
            "db_not_summed",
            "Your db is delta itself, shape (N, D): the bias gets one gradient per unit, summed over the "
            "samples, because b is added to every row of z: delta.sum(axis=0).",
            lambda a_prev, delta: delta,
            part="db",
        ),
        Mistake(
            "db_total_sum",
            "Your db is a single number, the sum of every entry of delta: sum over the samples only "
            "(axis=0), which leaves one value per unit, shape (D,).",
            lambda a_prev, delta: float(delta.sum()),
            part="db",
        ),
    ),
    guarded=("layer_grads",),
    size_meanings={"N": "the number of samples"},
    factor_hints={"1/N": "did you average over the samples? " + _SUM_NOT_MEAN},
)


# ------------------------------------------------------------------------------------------------
# backward and fixed_backward
# ------------------------------------------------------------------------------------------------


def collect_grads(grads):
    """The returned gradient list in a fixed structure: ``((dW1, db1, ..., dW4, db4),)``.

    One slot per parameter of the deepest network the checks build, empty (shape (0,)) beyond the
    returned list, all inside a single top-level value. None stays None; anything else but a list or
    tuple raises a TypeError that the check reports.
    """
    if grads is None:
        return None
    if not isinstance(grads, (list, tuple)):
        what = (tr("an array of shape {shape}{kind}").format(shape=grads.shape, kind="") if isinstance(grads, np.ndarray)
                else tr("a {type}").format(type=type(grads).__name__))
        raise TypeError(tr(
            "the gradients should come back as a list [dW1, db1, ..., dWL, dbL], one array per entry of "
            "params, but the function returned {what}").format(what=what))
    if len(grads) > len(SLOTS):
        raise TypeError(tr("the function returned {n} gradients; a network of at most {layers} "
                           "layers has at most {slots} parameters").format(
            n=len(grads), layers=MAX_LAYERS, slots=len(SLOTS)))
    return (tuple(grads) + (np.zeros(0),) * (len(SLOTS) - len(grads)),)


def _reference_backward(params, cache, delta_L, act_prime):
    return collect_grads(_backward(params, cache, delta_L, act_prime))


def _variant(params, cache, delta_L, act_prime, bugs=(), order="normal"):
    """The gradient list a learner's backward returns when it makes the mistakes named in ``bugs``.

    Plain NumPy only. Bugs: ``W_not_transposed``, ``act_prime_at_a``, ``missing_act_prime``,
    ``dW_transposed``, ``db_mean``, ``db_wrong_axis``, ``z_off_by_one``, ``a_off_by_one``,
    ``W_off_by_one``, ``act_prime_on_output``, ``dW_mean``. ``order``: ``"normal"``, ``"reversed"``
    (layer L first) or ``"grouped"`` (all dW, then all db).
    """
    bugs = set(bugs)
    L = len(params) // 2
    N = delta_L.shape[0]
    dWs, dbs = [None] * L, [None] * L
    delta = delta_L
    if "act_prime_on_output" in bugs:
        delta = delta * _fp(cache.z[L], act_prime)
    for l in range(L, 0, -1):
        a_prev = cache.a[l] if "a_off_by_one" in bugs else cache.a[l - 1]
        dW = delta.T @ a_prev if "dW_transposed" in bugs else a_prev.T @ delta
        if "dW_mean" in bugs:
            dW = dW / N
        if "db_mean" in bugs:
            db = delta.mean(axis=0)
        elif "db_wrong_axis" in bugs:
            db = delta.sum(axis=1)
        else:
            db = delta.sum(axis=0)
        dWs[l - 1], dbs[l - 1] = dW, db
        if l > 1:
            W = params[2 * l - 4] if "W_off_by_one" in bugs else params[2 * l - 2]
            back = delta @ W if "W_not_transposed" in bugs else delta @ W.T
            if "missing_act_prime" in bugs:
                delta = back
            else:
                if "act_prime_at_a" in bugs:
                    at = cache.a[l - 1]
                elif "z_off_by_one" in bugs:
                    at = cache.z[l]
                else:
                    at = cache.z[l - 1]
                delta = back * _fp(at, act_prime)
    if order == "reversed":
        grads = [g for l in range(L - 1, -1, -1) for g in (dWs[l], dbs[l])]
    elif order == "grouped":
        grads = dWs + dbs
    else:
        grads = [g for l in range(L) for g in (dWs[l], dbs[l])]
    return grads


def _wrong(bugs=(), order="normal"):
    """``wrong(**case)``: the collected gradients of a backward that makes the mistakes ``bugs``."""

    def wrong(params, cache, delta_L, act_prime):
        return collect_grads(_variant(params, cache, delta_L, act_prime, bugs, order))

    return wrong


def _mlp_case(rng, N, widths, which):
    name, f, fprime = _ACTIVATIONS[which % 3]
    L = len(widths) - 1
    params = []
    for d_in, d_out in zip(widths[:-1], widths[1:]):
        params.append(rng.standard_normal((d_in, d_out)) * (1.5 / np.sqrt(d_in)))
        params.append(0.5 * rng.standard_normal(d_out))
    a = rng.standard_normal((N, widths[0]))
    A, Z = [a], [None]
    for l in range(1, L + 1):
        z = a @ params[2 * l - 2] + params[2 * l - 1]
        if name == "relu_prime":
            z = np.where(np.abs(z) < 0.05, np.copysign(0.05, z) + z, z)  # away from relu's kink
        # The output activation is not used by backward (delta_L is given); identity keeps it simple.
        a = f(z) if l < L else z.copy()
        A.append(a)
        Z.append(z)
    delta_L = (10.0 ** rng.uniform(-1, 1)) * rng.standard_normal((N, widths[-1])) / N
    return {"params": params, "cache": Cache(A, Z), "delta_L": delta_L, "act_prime": fprime}


def _backward_cases(rng, hidden):
    def widths(L, square=False, low=1, high=6):
        if square:
            d = int(rng.integers(2, high + 1))
            return [int(rng.integers(low, high + 1))] + [d] * L
        return [int(v) for v in rng.integers(low, high + 1, size=L + 1)]

    if not hidden:
        plans = [
            (1, widths(1)),
            (int(rng.integers(2, 6)), widths(2, square=True)),
            (int(rng.integers(2, 6)), widths(3, low=2)),
        ]
        # relu'(a) equals relu'(z), so the deeper visible cases use tanh and the sigmoid.
        which = [int(rng.integers(0, 3)), 0, 1]
        return [_mlp_case(rng, N, w, k) for (N, w), k in zip(plans, which)]
    else:
        plans = [(1, widths(1)), (1, widths(4)), (int(rng.integers(2, 9)), [1, 1, 1])]
        for L in (1, 2, 3, 4):
            plans.append((int(rng.integers(2, 12)), widths(L, square=True)))
            plans.append((int(rng.integers(2, 12)), widths(L, low=2)))
        for L in (2, 3, 4):
            w = widths(L)
            plans.append((w[-1], w))  # N equals the output width: db summed over axis 1 fits db^L's shape
        while len(plans) < 20:
            L = int(rng.integers(1, MAX_LAYERS + 1))
            plans.append((int(rng.integers(1, 12)), widths(L, square=bool(rng.integers(0, 2)))))
    offset = int(rng.integers(0, 3))
    return [_mlp_case(rng, N, w, i + offset) for i, (N, w) in enumerate(plans)]


def _bw_sizes(params, cache, delta_L, act_prime):
    return {"N": delta_L.shape[0]}


_BUG_WORDS = {
    "W_not_transposed": (
        "the recursion multiplies by W instead of W.T (delta^{l-1} = (delta^l (W^l)^T) * f'(z^{l-1}); for a "
        "square layer both have the same shape, so only the values show it)"
    ),
    "act_prime_at_a": (
        "the derivative is taken at the activations a = cache.a[l-1] instead of the pre-activations "
        "z = cache.z[l-1] (f' belongs at the variable f was applied to)"
    ),
    "missing_act_prime": (
        "the recursion leaves out the factor act_prime(z^{l-1}): a missing chain-rule factor (delta @ W.T "
        "alone is dL/da, not dL/dz)"
    ),
    "dW_transposed": (
        "dW is delta.T @ a_prev, the transposed gradient; dW^l = (a^{l-1})^T delta^l has W^l's shape"
    ),
    "db_mean": (
        "db averages delta over the samples; the 1/N of the mean loss is already inside delta^L, so db^l is "
        "the sum over the samples"
    ),
    "dW_mean": (
        "dW divides by N; the 1/N of the mean loss is already inside delta^L, so dW^l = (a^{l-1})^T delta^l "
        "with no further division"
    ),
    "db_wrong_axis": "db sums delta over axis 1 (the units); the bias gradient sums over the samples, axis 0",
    "z_off_by_one": (
        "the recursion evaluates act_prime at cache.z[l] (the layer it comes from) instead of cache.z[l-1] "
        "(the layer it goes to): an off-by-one index"
    ),
    "a_off_by_one": (
        "dW^l uses cache.a[l] instead of the layer's input cache.a[l-1]: an off-by-one index"
    ),
    "W_off_by_one": (
        "the step from delta^l to delta^{l-1} uses W^{l-1} = params[2*l-4] instead of W^l = params[2*l-2]: "
        "an off-by-one index"
    ),
    "act_prime_on_output": (
        "delta_L is multiplied by act_prime(z^L) before the loop; delta_L is already dL/dz^L (the head's "
        "derivative is inside it), so the output layer needs no further factor"
    ),
}

_ORDER_WORDS = {
    "reversed": (
        "The gradients are right but listed from the last layer down ([dWL, dbL, ..., dW1, db1], the order "
        "the loop produces them). Return them in the order of params: [dW1, db1, ..., dWL, dbL], e.g. by "
        "filling grads = [None] * (2 * L) at index 2*(l-1) and 2*(l-1)+1, or by reversing at the end."
    ),
    "grouped": (
        "The gradients are right but grouped as [dW1, ..., dWL, db1, ..., dbL]. Return them in the order of "
        "params: [dW1, db1, ..., dWL, dbL]."
    ),
}

_SINGLE_BUGS = tuple(_BUG_WORDS)


def _backward_mistakes():
    found = []
    for order, words in _ORDER_WORDS.items():
        found.append(Mistake(f"grads_{order}", words, _wrong(order=order)))
    for bug in _SINGLE_BUGS:
        found.append(Mistake(bug, f"Your gradients are what backward gives when {_BUG_WORDS[bug]}.",
                             _wrong((bug,))))
    # Two of the recursion's mistakes together.
    for pair in itertools.combinations(("W_not_transposed", "act_prime_at_a", "missing_act_prime"), 2):
        found.append(Mistake(
            "+".join(pair),
            "Your gradients are what backward gives when " + "; and when ".join(_BUG_WORDS[b] for b in pair) + ".",
            _wrong(pair),
        ))
    return tuple(found)


HUNT_BUGS = ("dW_transposed", "db_mean", "W_not_transposed", "act_prime_at_a")


def _hunt_mistakes():
    found = []
    subsets = [c for k in range(len(HUNT_BUGS), 0, -1) for c in itertools.combinations(HUNT_BUGS, k)]
    for subset in subsets:
        listing = " ".join(f"({i}) {_BUG_WORDS[b]}." for i, b in enumerate(subset, 1))
        count = "one of the four bugs is" if len(subset) == 1 else f"{len(subset)} of the four bugs are"
        found.append(Mistake(
            "+".join(subset),
            f"{count} still in fixed_backward: {listing} Rerun the gradient report after each fix.",
            _wrong(subset),
        ))
    return tuple(found)


_SIZE_WORDS = {"N": "the number of samples"}

BACKWARD = Exercise(
    name="backward",
    reference=_reference_backward,
    cases=_backward_cases,
    sizes=_bw_sizes,
    parts=("grads",),
    mistakes=_backward_mistakes(),
    guarded=("backward",),
    size_meanings=_SIZE_WORDS,
    factor_hints={"1/N": "did you average over the samples? The 1/N is already inside delta_L."},
    collect=collect_grads,
)

FIXED_BACKWARD = Exercise(
    name="fixed_backward",
    reference=_reference_backward,
    cases=_backward_cases,
    sizes=_bw_sizes,
    parts=("grads",),
    mistakes=_hunt_mistakes() + _backward_mistakes(),
    guarded=("backward",),
    size_meanings=_SIZE_WORDS,
    factor_hints={"1/N": "did you average over the samples? The 1/N is already inside delta_L."},
    collect=collect_grads,
)



# ------------------------------------------------------------------------------------------------
# hand_backward: the 2-2-1 network the learner works through with pen and paper
# ------------------------------------------------------------------------------------------------

# The network printed in the notebook (section "By hand"): N = 2 samples, ReLU hidden layer, identity
# output, loss L = mean((y_hat - y)^2). Small integers with every hidden pre-activation at least 1 away
# from ReLU's kink, one of them negative (so a forgotten f' changes delta^1), dW1 not symmetric (so a
# transposed dW1 shows) and the two samples' output errors different. With N = 2 the mean's 2/N is 1.
HAND_NETWORK = {
    "X": np.array([[-1.0, 0.0], [-1.0, 2.0]]),  # (N, 2): row i is sample i
    "W1": np.array([[-2.0, 1.0], [0.0, 2.0]]),  # (2, 2): W1[j, k] from input j to hidden unit k
    "b1": np.array([-1.0, -1.0]),  # (2,)
    "W2": np.array([[1.0], [-1.0]]),  # (2, 1)
    "b2": np.array([1.0]),  # (1,)
    "y": np.array([[0.0], [1.0]]),  # (N, 1)
}
HAND_PARTS = ("delta2", "delta1", "dW1", "db1", "dW2", "db2")


def _hand_values(missing_f_prime=False, sign=1.0, dW_transposed=False):
    """Plain NumPy backward pass of HAND_NETWORK, optionally with one of the hand mistakes."""
    net = HAND_NETWORK
    N = net["X"].shape[0]
    z1 = net["X"] @ net["W1"] + net["b1"]  # (N, 2)
    a1 = np.maximum(z1, 0.0)
    y_hat = a1 @ net["W2"] + net["b2"]  # (N, 1)
    delta2 = sign * 2.0 / N * (y_hat - net["y"])  # (N, 1)
    back = delta2 @ net["W2"].T  # (N, 2): dL/da1
    delta1 = back if missing_f_prime else back * (z1 > 0)
    dW1 = delta1.T @ net["X"] if dW_transposed else net["X"].T @ delta1
    dW2 = delta2.T @ a1 if dW_transposed else a1.T @ delta2
    return (delta2, delta1, dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0))


@reference("hand_backward")
def _hand_backward():
    return _hand_values()


def _hand_collect(values):
    """The learner's six values as float arrays; a vector may be written flat or as a column.

    ``delta2`` (N, 1) may come as [2, -1], ``db2`` (1,) as a plain number, ``dW2`` (2, 1) as a flat pair:
    the numbers are what is being checked, not NumPy's shapes. The 2 x 2 matrices keep their shape (a flat
    list of four would leave the orientation open). Anything else is returned unchanged, for the
    diagnosis to describe.
    """
    if not isinstance(values, (tuple, list)) or len(values) != len(HAND_PARTS):
        return values
    out = []
    for got, want in zip(values, _hand_values()):
        try:
            arr = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            out.append(got)
            continue
        is_vector = max(want.shape) == want.size  # (N, 1), (1,), (2,), (2, 1): one long axis
        out.append(arr.reshape(want.shape) if is_vector and arr.size == want.size else arr)
    return tuple(out)


def _hand_cases(rng, hidden):
    # Nothing to draw: the network is the one printed in the notebook, and the answer is a set of numbers.
    return [{}]


_HAND_F_PRIME = (
    "delta2 @ W2.T is dL/da1; delta1 = dL/dz1 needs one more chain-rule step through a1 = relu(z1), the "
    "factor f'(z1), which zeroes the entries where z1 < 0 (sample 1, hidden unit 2)."
)
_HAND_FROM_F_PRIME = "computed from a delta1 without the factor f'(z1) (the entry where z1 < 0 must be 0). "

HAND_BACKWARD = Exercise(
    name="hand_backward",
    reference=_hand_backward,
    cases=_hand_cases,
    sizes=lambda: {"N": HAND_NETWORK["X"].shape[0]},
    parts=HAND_PARTS,
    mistakes=(
        Mistake(
            "sign_flipped",
            "Every value has the opposite sign: the output error was taken as y - y_hat. delta2 = dL/dz2 = "
            "(2/N)(y_hat - y), prediction minus target; with it flipped, every gradient points uphill.",
            lambda: _hand_values(sign=-1.0),
        ),
        Mistake(
            "missing_act_prime",
            "delta1, dW1 and db1 are what you get without the factor f'(z1): " + _HAND_F_PRIME,
            lambda: _hand_values(missing_f_prime=True),
        ),
        Mistake(
            "half",
            "Every value is half the expected one: delta2 = (2/N)(y_hat - y) has the 2 from the square "
            "(d/dy_hat of (y_hat - y)^2 is 2(y_hat - y)) and the 1/N of the mean; with N = 2 they cancel.",
            lambda: tuple(0.5 * v for v in _hand_values()),
        ),
        Mistake("missing_act_prime", "delta1 lacks the factor f'(z1): " + _HAND_F_PRIME, lambda: _hand_values(missing_f_prime=True)[1], part="delta1"),
        Mistake("missing_act_prime", _HAND_FROM_F_PRIME + "db1 sums that delta1's rows.",
                lambda: _hand_values(missing_f_prime=True)[3], part="db1"),
        Mistake("missing_act_prime", _HAND_FROM_F_PRIME + "dW1 = X.T @ delta1.",
                lambda: _hand_values(missing_f_prime=True)[2], part="dW1"),
        Mistake(
            "dW_transposed",
            "dW1 is delta1.T @ X, the transpose: W where W.T belongs. dW1[j, k] = sum_i X[i, j] delta1[i, k] "
            "pairs input j (a row of W1) with hidden unit k (a column), so dW1 = X.T @ delta1, the shape and "
            "orientation of W1. W1 is square, so only the values show it.",
            lambda: _hand_values(dW_transposed=True)[2],
            part="dW1",
        ),
        Mistake(
            "db_mean",
            "db1 is the mean of delta1's rows; the 1/N of the mean loss is already inside delta2 (and so inside "
            "delta1): sum over the samples.",
            lambda: _hand_values()[3] / 2.0,
            part="db1",
        ),
        Mistake(
            "db_mean",
            "db2 is the mean of delta2; the 1/N of the mean loss is already inside delta2: sum over the samples.",
            lambda: _hand_values()[5] / 2.0,
            part="db2",
        ),
    ),
    guarded=("hand_backward",),
    size_meanings={"N": "the number of samples"},
    factor_hints={"1/N": "did you divide by N again? The 1/N of the mean loss is already inside delta2."},
    collect=_hand_collect,
)

EXERCISES = (HIDDEN_DELTA, LAYER_GRADS, BACKWARD, FIXED_BACKWARD, HAND_BACKWARD)
