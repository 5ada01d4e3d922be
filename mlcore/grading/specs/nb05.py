r"""Exercises of notebook 05: ``gd_step``, ``momentum_step`` and ``minibatches``.

Choices made here (the notebook tells the learner the same):

- ``gd_step`` and ``momentum_step`` take and return lists of arrays whose length and shapes change from
  case to case. The check turns each returned list into a fixed structure (:func:`collect_list`): one
  slot per entry (``new_params[0]`` ...), empty beyond the list, inside a single top-level value. The
  mistakes are recognised on the whole result; when none fits, the generic diagnosis names the entry.
- ``momentum_step`` follows PyTorch (``torch.optim.SGD`` with ``momentum=beta``, no dampening):
  :math:`v' = \beta v + g`, :math:`p' = p - \alpha v'`. The other conventions are recognised by comparing
  *both* returned lists with the contract on the same inputs. The exponential moving average
  :math:`v' = \beta v + (1-\beta) g` and the "velocity in parameter units" form
  :math:`v' = \beta v - \alpha g,\ p' = p + v'` describe the same trajectories as PyTorch's up to a
  rescaling of the velocity (and, for the first, of the learning rate), but given the same ``velocity``
  they return different numbers, so they fail, with a message that says which convention was used and
  how it relates. The velocity is non-zero in most cases (with zero velocity, the second convention's
  parameters agree with PyTorch's), ``lr`` is never 1 and ``beta`` is never 0 except in one case.
- ``minibatches`` shuffles with the learner's ``rng``, so the exact batches are the learner's own. The
  check is property-based: :func:`summarize_batches` reduces the yielded batches to five values that
  every correct implementation shares (``batches[0]`` coverage, ``[1]`` pairing, ``[2]`` batch sizes,
  ``[3]`` shuffle, ``[4]`` use of the rng), and the reference's batches are summarised the same way.
  A mistake is recognised on the whole summary first, then property by property (for two mistakes at
  once). Samples are recognised by the first column of
  ``X`` (its row number) and by ``y`` (the same number). Cases with the same data and an identical
  generator state ("twins") must give identical batches; a different seed must give different ones.
  Cases have N = 1 or N >= 16, where a random permutation is the identity, or two are equal, with
  probability below 1e-13.
"""

import math

import numpy as np

from mlcore.grading.exercise import Exercise, Mistake
from mlcore.i18n import N_, tr
from mlcore.optim import gd_step as _gd_step
from mlcore.optim import minibatches as _minibatches
from mlcore.optim import momentum_step as _momentum_step

MAX_ENTRIES = 6


# ------------------------------------------------------------------------------------------------
# Lists of parameters
# ------------------------------------------------------------------------------------------------


def _slots(values):
    if len(values) > MAX_ENTRIES:
        raise TypeError(tr("the function returned {n} entries for at most {most} parameters").format(
            n=len(values), most=MAX_ENTRIES))
    values = list(values)
    return tuple(values) + (np.zeros(0),) * (MAX_ENTRIES - len(values))


def _kind(value):
    if isinstance(value, (list, tuple)):
        return tr("a {type} of {n} values").format(type=type(value).__name__, n=len(value))
    if isinstance(value, np.ndarray):
        return tr("an array of shape {shape}{kind}").format(shape=value.shape, kind="")
    return tr("a {type}").format(type=type(value).__name__)


def collect_list(values, name="gd_step"):
    """A returned list as ``((entry 0, ..., entry 5),)``: one slot per entry, empty beyond the list. None
    stays None; anything else but a list or tuple raises a TypeError that the check reports (naming ``name``)."""
    if values is None:
        return None
    if not isinstance(values, (list, tuple)):
        hint = tr(": wrap it in list(...)") if hasattr(values, "__next__") else ""
        raise TypeError(tr("{name} should return a list of arrays, one per parameter, but returned {what}{hint}").format(
            name=name, what=_kind(values), hint=hint))
    return (_slots(values),)


def collect_pair(result):
    """``(new_params, new_velocity)`` as two tuples of slots (see :func:`collect_list`)."""
    if result is None:
        return None
    ok = isinstance(result, (list, tuple)) and len(result) == 2
    if not (ok and all(isinstance(part, (list, tuple)) for part in result)):
        raise TypeError(
            tr("momentum_step should return a pair (new_params, new_velocity) of two lists, one array per "
               "parameter in each, but returned {what}").format(what=_kind(result))
            + (tr(" (of {first} and {second})").format(first=_kind(result[0]), second=_kind(result[1])) if ok else "")
        )
    params, velocity = result
    return (_slots(params), _slots(velocity))




def _shapes(rng, count):
    shapes = []
    for _ in range(count):
        kind = int(rng.integers(0, 3))
        if kind == 0:
            shapes.append((int(rng.integers(1, 7)),))
        else:
            shapes.append((int(rng.integers(1, 6)), int(rng.integers(1, 6))))
    return shapes


def _arrays(rng, shapes, scale=1.0):
    return [scale * rng.standard_normal(s) for s in shapes]


def _counts(rng, hidden):
    if not hidden:
        return [1, 2, 4]
    counts = [1, 2, MAX_ENTRIES]
    while len(counts) < 12:
        counts.append(int(rng.integers(1, MAX_ENTRIES + 1)))
    return counts


def _lr(rng):
    return float(10 ** rng.uniform(-3, -0.2))


def _gd_cases(rng, hidden):
    cases = []
    for k in _counts(rng, hidden):
        shapes = _shapes(rng, k)
        cases.append({
            "params": _arrays(rng, shapes),
            "grads": _arrays(rng, shapes, 10 ** rng.uniform(-1, 1)),
            "lr": _lr(rng),
        })
    return cases


def _gd_sizes(params, grads, lr):
    return {}


def _gd_variant(how):
    def wrong(params, grads, lr):
        if how == "climbs":
            new = [p + lr * g for p, g in zip(params, grads)]
        elif how == "lr_ignored":
            new = [p - g for p, g in zip(params, grads)]
        elif how == "lr_divides":
            new = [p - g / lr for p, g in zip(params, grads)]
        elif how == "step_only":
            new = [-lr * g for g in grads]
        elif how == "step_only_positive":
            new = [lr * g for g in grads]
        return new

    return wrong


def _mistake(key, message, variant, collect):
    """A Mistake recognised on the whole collected result of ``variant``."""
    return Mistake(key, message, lambda *a, **k: collect(variant(*a, **k)))


_GD_WORDS = {
    "climbs": (
        "Your new parameters are p + lr * g: a step *up* the gradient, which increases the loss. The gradient "
        "points uphill; descent subtracts it: p - lr * g."
    ),
    "lr_ignored": "Your new parameters are p - g: the learning rate is missing. Return p - lr * g.",
    "lr_divides": "Your new parameters are p - g / lr: the learning rate multiplies the gradient: p - lr * g.",
    "step_only": (
        "Your result is -lr * g, the step alone: add it to the parameters, p - lr * g (the function returns "
        "the new parameters, not the change)."
    ),
    "step_only_positive": (
        "Your result is lr * g, the step alone (and with the wrong sign): return the new parameters p - lr * g."
    ),
}

_GD_MISTAKES = tuple(_mistake(key, words, _gd_variant(key), collect_list) for key, words in _GD_WORDS.items())

GD_STEP = Exercise(
    name="gd_step",
    reference=lambda params, grads, lr: collect_list(_gd_step(params, grads, lr)),
    cases=_gd_cases,
    sizes=_gd_sizes,
    parts=("new_params",),
    mistakes=_GD_MISTAKES,
    guarded=("gd_step", "momentum_step"),
    collect=collect_list,
)


# ------------------------------------------------------------------------------------------------
# momentum_step
# ------------------------------------------------------------------------------------------------


def _momentum_cases(rng, hidden):
    cases = []
    counts = _counts(rng, hidden)
    for i, k in enumerate(counts):
        shapes = _shapes(rng, k)
        first_step = i == 1  # one case starts from zero velocity, as training does
        beta = 0.0 if (hidden and i == 2) else float(rng.uniform(0.5, 0.99))
        cases.append({
            "params": _arrays(rng, shapes),
            "grads": _arrays(rng, shapes, 10 ** rng.uniform(-1, 1)),
            "velocity": [np.zeros(s) for s in shapes] if first_step else _arrays(rng, shapes, 10 ** rng.uniform(-1, 1)),
            "lr": _lr(rng),
            "beta": beta,
        })
    return cases


def _mom_sizes(params, grads, velocity, lr, beta):
    return {}


def _mom_variant(how):
    def wrong(params, grads, velocity, lr, beta):
        P, G, V = params, grads, velocity
        v_new = [beta * v + g for v, g in zip(V, G)]
        p_new = [p - lr * v for p, v in zip(P, v_new)]
        if how == "ema":
            v_new = [beta * v + (1 - beta) * g for v, g in zip(V, G)]
            p_new = [p - lr * v for p, v in zip(P, v_new)]
        elif how == "lr_in_velocity":
            v_new = [beta * v - lr * g for v, g in zip(V, G)]
            p_new = [p + v for p, v in zip(P, v_new)]
        elif how == "lr_in_velocity_plus":
            v_new = [beta * v + lr * g for v, g in zip(V, G)]
            p_new = [p - v for p, v in zip(P, v_new)]
        elif how == "old_velocity":
            p_new = [p - lr * v for p, v in zip(P, V)]
        elif how == "velocity_not_updated":
            v_new = list(V)
        elif how == "no_momentum":
            p_new = [p - lr * g for p, g in zip(P, G)]
        elif how == "nesterov":
            p_new = [p - lr * (g + beta * v) for p, g, v in zip(P, G, v_new)]
        elif how == "climbs":
            p_new = [p + lr * v for p, v in zip(P, v_new)]
        elif how == "beta_swapped":
            v_new = [(1 - beta) * v + beta * g for v, g in zip(V, G)]
            p_new = [p - lr * v for p, v in zip(P, v_new)]
        return p_new, v_new

    return wrong


_TORCH = (
    "The course (like PyTorch's torch.optim.SGD with momentum) uses v' = beta * v + g, then "
    "p' = p - lr * v'."
)

_MOM_WORDS = {
    "ema": (
        ("new_params", "new_velocity"),
        "You used the exponential-moving-average convention v' = beta * v + (1 - beta) * g. It is a valid "
        "method (its velocity is (1 - beta) times ours, so its step is (1 - beta) times smaller for the "
        "same lr), but not this function's contract. " + _TORCH,
    ),
    "lr_in_velocity": (
        ("new_params", "new_velocity"),
        "You used the convention v' = beta * v - lr * g, p' = p + v' (the velocity in parameter units, as in "
        "some lecture notes). With a constant lr it traces the same path as ours if its velocity is -lr "
        "times ours, but given the same velocity it returns different numbers. " + _TORCH,
    ),
    "lr_in_velocity_plus": (
        ("new_params", "new_velocity"),
        "You put the learning rate into the velocity: v' = beta * v + lr * g, p' = p - v'. Given the same "
        "velocity this differs from the contract (our velocity does not contain lr). " + _TORCH,
    ),
    "old_velocity": (
        ("new_params",),
        "Your parameters moved along the old velocity: p' = p - lr * v. Update the velocity first, then "
        "step with the new one: v' = beta * v + g; p' = p - lr * v'.",
    ),
    "velocity_not_updated": (
        ("new_velocity",),
        "The velocity you return is the one you were given: return the new velocity v' = beta * v + g "
        "(the next step needs it).",
    ),
    "no_momentum": (
        ("new_params",),
        "Your parameters moved by plain gradient descent, p - lr * g: the velocity is not used in the step. "
        + _TORCH,
    ),
    "nesterov": (
        ("new_params",),
        "Your step is Nesterov's look-ahead, p' = p - lr * (g + beta * v'). That is a different method "
        "(torch's nesterov=True). " + _TORCH,
    ),
    "climbs": (
        ("new_params",),
        "Your parameters moved by p + lr * v': up the gradient, increasing the loss. Descent subtracts: "
        "p' = p - lr * v'.",
    ),
    "beta_swapped": (
        ("new_params", "new_velocity"),
        "Your velocity is (1 - beta) * v + beta * g: beta and 1 - beta are swapped (and the convention is "
        "not the moving average either). " + _TORCH,
    ),
}


def _momentum_mistakes():
    return tuple(_mistake(key, words, _mom_variant(key), collect_pair) for key, (_, words) in _MOM_WORDS.items())


MOMENTUM_STEP = Exercise(
    name="momentum_step",
    reference=lambda params, grads, velocity, lr, beta: collect_pair(_momentum_step(params, grads, velocity, lr, beta)),
    cases=_momentum_cases,
    sizes=_mom_sizes,
    parts=("new_params", "new_velocity"),
    mistakes=_momentum_mistakes(),
    guarded=("momentum_step", "gd_step"),
    collect=collect_pair,
)


# ------------------------------------------------------------------------------------------------
# minibatches
# ------------------------------------------------------------------------------------------------

BIG = 16  # from this N on, a random permutation is never the identity in practice

# role of a case among its twins: 0 first (remembered), 1 same data and generator state, 2 other seed
_first_orders = {}


def _rows(value, name):
    try:
        array = np.asarray(value)
    except Exception:
        raise TypeError(f"minibatches yielded a {name} that is not an array") from None
    if array.ndim == 0:
        raise TypeError(f"minibatches yielded a single number as {name}; expected an array with one row per sample")
    return array


def _blocks_by_chance(sizes, N):
    """Upper bound on the chance that a fair shuffle puts only neighbouring samples in every batch.

    Each batch being one run of consecutive samples is one of at most ``k!`` arrangements of runs, each
    of probability ``prod(s_i!) / N!``. With a batch of 25 out of 26 that chance is 2/26, so a correct
    shuffle would often look unshuffled; the check only judges where the chance is negligible.
    """
    log_p = math.lgamma(len(sizes) + 1) + sum(math.lgamma(s + 1) for s in sizes) - math.lgamma(N + 1)
    return math.exp(log_p)


def summarize_batches(batches, remember=True):
    """Reduce the batches yielded by a ``minibatches`` function to what every correct one shares.

    Returns ``((coverage, pairing, batch_sizes, shuffle, rng),)`` (one top-level value, shown as
    ``batches[0]`` ... ``batches[4]``): 0 means right for each code;
    ``coverage`` 1 = some sample repeated, 2 = some sample missing; ``pairing`` 1 = a y row belongs to
    another X row; ``batch_sizes`` the sizes, largest first; ``shuffle`` 2 = every batch (of two or more)
    holds neighbouring samples, 1 = otherwise the original order; ``rng`` 1 = the twin with the same generator state got other
    batches, 2 = a different seed gave the same batches. Malformed output raises ``TypeError`` with
    a message for the learner. ``remember=False`` (the reference) skips the twin bookkeeping.
    """
    if batches is None:
        return None
    try:
        items = list(batches)
    except TypeError:
        raise TypeError(
            f"minibatches returned {type(batches).__name__}, which cannot be iterated: yield (or return a "
            "list of) pairs (X_batch, y_batch)"
        ) from None
    ids_x, ids_y, sizes = [], [], []
    meta = None
    for item in items:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise TypeError(
                f"minibatches yielded {type(item).__name__} items; each item must be a pair (X_batch, y_batch)"
            )
        Xb, yb = _rows(item[0], "X_batch"), _rows(item[1], "y_batch")
        if Xb.ndim != 2 or Xb.shape[1] < 4 or len(yb) != len(Xb):
            raise TypeError(
                f"minibatches yielded X_batch of shape {Xb.shape} with y_batch of shape {yb.shape}: each X_batch "
                "should be rows of X (same number of columns) and y_batch the matching rows of y"
            )
        ids_x += [int(round(float(v))) for v in Xb[:, 0]]
        ids_y += [int(round(float(v))) for v in (yb if yb.ndim == 1 else yb[:, 0])]
        sizes.append(len(Xb))
        if len(Xb):
            meta = (float(Xb[0, 1]), int(round(float(Xb[0, 2]))), int(round(float(Xb[0, 3]))))
    if meta is None:
        return ((2, 0, np.sort(np.asarray(sizes, dtype=float))[::-1], 0, 0),)
    tag, role, N = meta
    order = np.asarray(ids_x)
    counts = np.bincount(np.clip(order, 0, N), minlength=N + 1)[:N]
    coverage = 1 if counts.max(initial=0) > 1 else (2 if counts.min(initial=1) == 0 else 0)
    pairing = 0 if ids_x == ids_y else 1
    shuffle, rng_code = 0, 0
    if N >= BIG:
        blocks, start = [], 0
        for size in sizes:
            chunk = order[start:start + size]
            start += size
            if size:
                blocks.append(len(set(chunk.tolist())) == size and chunk.max() - chunk.min() + 1 == size)
        if len(blocks) >= 2 and all(blocks) and max(sizes) >= 2 and _blocks_by_chance(sizes, N) < 1e-9:
            shuffle = 2
        elif np.array_equal(order, np.arange(len(order))):
            shuffle = 1
        if remember and shuffle == 0:
            key = tuple(order.tolist())
            if role == 0:
                _first_orders[tag] = key
            elif tag in _first_orders:
                same = _first_orders[tag] == key
                if role == 1 and not same:
                    rng_code = 1
                elif role == 2 and same:
                    rng_code = 2
    # Sizes largest first: where the smaller batch comes in the pass does not matter.
    return ((coverage, pairing, np.sort(np.asarray(sizes, dtype=float))[::-1], shuffle, rng_code),)


def _reference_minibatches(X, y, batch_size, rng):
    return summarize_batches(_minibatches(X, y, batch_size, rng), remember=False)


def _mb_case(rng, N, batch_size, seed, tag, role, y_2d=False, extra=0):
    X = np.empty((N, 4 + extra))
    X[:, 0] = np.arange(N)
    X[:, 1] = tag
    X[:, 2] = role
    X[:, 3] = N
    if extra:
        X[:, 4:] = rng.standard_normal((N, extra))
    if y_2d:
        y = np.column_stack([np.arange(N, dtype=float), rng.standard_normal(N)])
    else:
        y = np.arange(N)
    return {"X": X, "y": y, "batch_size": int(batch_size), "rng": np.random.default_rng(seed)}


def _minibatch_cases(rng, hidden):
    def twins(N, bs, **kw):
        tag = float(rng.integers(1, 2**31))
        seed, other = (int(s) for s in rng.integers(0, 2**31, size=2))
        return [_mb_case(rng, N, bs, seed, tag, role, **kw) for role, seed in enumerate((seed, seed, other))]

    def single(N, bs, **kw):
        return _mb_case(rng, N, bs, int(rng.integers(0, 2**31)), float(rng.integers(1, 2**31)), 0, **kw)

    if not hidden:
        N = int(rng.integers(30, 48))  # with batches of 3-7, a fair shuffle never leaves only neighbours
        bs = int(rng.integers(3, 8))
        bs += 1 if N % bs == 0 else 0
        cases = [single(1, 1)] + twins(N, bs)
        cases += [single(int(rng.integers(BIG, 24)), 1), single(int(rng.integers(BIG, 24)), 32)]
        m = int(rng.integers(2, 5))
        cases.append(single(m * (-(-30 // m) + int(rng.integers(0, 3))), m))  # N a multiple of the batch size
        return cases
    cases = [single(1, int(rng.integers(1, 4))), single(1, 1, y_2d=True)]
    for _ in range(2):
        N = int(rng.integers(32, 64))
        cases += twins(N, int(rng.integers(2, N // 4 + 1)), y_2d=bool(rng.integers(0, 2)), extra=int(rng.integers(0, 3)))
    N = int(rng.integers(BIG, 40))
    cases.append(single(N, 1))                      # batches of one
    cases.append(single(N, N))                      # one batch holding everything
    cases.append(single(N, N + int(rng.integers(1, 9))))  # batch larger than the data
    m = int(rng.integers(2, 9))
    cases.append(single(m * (-(-32 // m) + int(rng.integers(0, 4))), m))  # N a multiple of the batch size
    while len(cases) < 16:
        N = int(rng.integers(32, 80))
        cases.append(single(N, int(rng.integers(2, N // 4 + 1)), y_2d=bool(rng.integers(0, 2))))
    return cases


def _mb_sizes(X, y, batch_size, rng):
    return {"N": X.shape[0], "batch_size": batch_size}


def _N(X):
    return X.shape[0]


def _sizes_of(N, bs, drop_last=False, empty_last=False):
    full, rest = divmod(N, bs)
    sizes = [bs] * full + ([] if drop_last or not rest else [rest])
    if empty_last and not rest:
        sizes.append(0)
    return np.sort(np.asarray(sizes, dtype=float))[::-1]


def _shuffle_code(N, bs, how):
    """The ``shuffle`` code of a learner who does not shuffle (``"none"``), shuffles only the order of the
    batches (``"batch_order"``) or only inside each batch (``"within"``)."""
    if N < BIG:
        return 0
    # at least two batches, one of two samples or more, and too many batches for chance to line them up
    several = 2 <= bs < N and _blocks_by_chance(_sizes_of(N, bs), N) < 1e-9
    if how == "none":
        return 2 if several else 1
    if how == "batch_order":
        return 2 if several else (0 if bs == 1 else 1)
    return 2 if several else (1 if bs == 1 else 0)


_ONCE = N_(
    "One epoch is one pass in which every sample appears exactly once: shuffle the row indices once "
    "(order = rng.permutation(N)) and cut that order into consecutive slices of batch_size."
)

_NEIGHBOURS = (
    "Each batch holds neighbouring samples of the original order: you shuffled the order of the batches, "
    "or the samples inside each batch, but not the samples across the whole set. Shuffle all row indices "
    "first (order = rng.permutation(N)), then cut the shuffled order into slices."
)

_MB_WORDS = {
    "with_replacement": (
        "Some samples appear more than once (and others not at all): the batches are drawn with "
        "replacement (e.g. rng.integers or rng.choice without replace=False). " + _ONCE
    ),
    "drops_last": (
        "The last N % batch_size samples are missing: the smaller last batch is dropped. Keep it: when N "
        "is not a multiple of batch_size, the last batch holds the samples left over (range(0, N, "
        "batch_size) gives every start)."
    ),
    "empty_last_batch": (
        "When N is a multiple of batch_size you yield one more, empty batch at the end: stop at N, e.g. "
        "for start in range(0, N, batch_size)."
    ),
    "pairs_broken": (
        "X_batch and y_batch do not belong together: row i of y_batch is the target of another sample "
        "than row i of X_batch. X and y were probably shuffled separately (two permutations). Draw one "
        "permutation of the row indices and index both with it: X[idx], y[idx]."
    ),
    "not_shuffled": (
        "The samples come in their original order: the batches are not shuffled. Without shuffling, data "
        "stored class by class gives batches of one class, and every epoch repeats the same batches. "
        "Shuffle with the generator you are given: order = rng.permutation(N)."
    ),
    "batch_order_only": _NEIGHBOURS,
    "within_batches_only": _NEIGHBOURS,
    "global_rng": (
        "Two calls with generators in the same state gave different batches: your function draws its "
        "randomness from somewhere else than its rng argument (np.random.permutation, np.random.shuffle "
        "or a new np.random.default_rng()). Use rng, e.g. rng.permutation(N): then a seed reproduces a run."
    ),
    "ignores_rng": (
        "Generators with different seeds gave the same batches: your function ignores its rng argument "
        "(a fixed seed inside?). Shuffle with rng itself, e.g. rng.permutation(N)."
    ),
}


def _predict(key):
    """``wrong(**case)``: the summary (see :func:`summarize_batches`) of a learner making mistake ``key``."""

    def wrong(X, y, batch_size, rng):
        N, big, role = _N(X), _N(X) >= BIG, int(X[0, 2]) if len(X) else 0
        coverage, pairing, shuffle, rng_code = 0, 0, 0, 0
        sizes = _sizes_of(N, batch_size)
        if key == "with_replacement":
            coverage = 1 if big else 0
        elif key == "drops_last":
            coverage = 2 if N % batch_size else 0
            sizes = _sizes_of(N, batch_size, drop_last=True)
        elif key == "empty_last_batch":
            sizes = _sizes_of(N, batch_size, empty_last=True)
        elif key == "pairs_broken":
            pairing = 1 if big else 0
        elif key in ("not_shuffled", "batch_order_only", "within_batches_only"):
            shuffle = _shuffle_code(N, batch_size, {"not_shuffled": "none", "batch_order_only": "batch_order",
                                                    "within_batches_only": "within"}[key])
        elif key == "global_rng":
            rng_code = 1 if (big and role == 1) else 0
        elif key == "ignores_rng":
            rng_code = 2 if (big and role == 2) else 0
        return ((coverage, pairing, sizes, shuffle, rng_code),)

    return wrong


# Which property (index into the summary) each mistake shows in, for two mistakes at once.
_MB_PARTS = {
    "with_replacement": (0,), "drops_last": (0, 2), "empty_last_batch": (2,), "pairs_broken": (1,),
    "not_shuffled": (3,), "batch_order_only": (3,), "within_batches_only": (3,), "global_rng": (4,),
    "ignores_rng": (4,),
}


def _minibatch_mistakes():
    whole = [Mistake(key, words, _predict(key)) for key, words in _MB_WORDS.items()]
    parts = []
    for key, words in _MB_WORDS.items():
        for k in _MB_PARTS[key]:
            parts.append(Mistake(key, words, lambda *a, _f=_predict(key), _k=k, **kw: _f(*a, **kw)[0][_k],
                                 part=f"batches[{k}]"))
    return tuple(whole + parts)


def _batch_sizes_text(sizes):
    """'5 batches of 7 and 1 of 3' for the sizes [7, 7, 7, 7, 7, 3]."""
    counts = {}
    for size in (int(v) for v in sizes):
        counts[size] = counts.get(size, 0) + 1
    parts = [(tr("{n} batches of {size}") if n > 1 else tr("{n} batch of {size}")).format(n=n, size=size)
             for size, n in counts.items()]
    return tr(" and ").join(parts) if parts else tr("no batches")


def _explain_batches(label, expected, got, case):
    """Words about samples and batches for one wrong property of the summary (see :func:`summarize_batches`)."""
    N, bs = _N(case["X"]), case["batch_size"]
    if label == "batches[0]":
        if got == 1:
            return "repeated_samples", (
                tr("Some samples appear more than once in one pass over the N = {N} samples (batches that overlap, "
                   "a last batch padded with earlier samples, or samples drawn with replacement). ").format(N=N)
                + tr(_ONCE)
            )
        return "missing_samples", tr("Some of the N = {N} samples never appear in any batch. ").format(N=N) + tr(_ONCE)
    if label == "batches[1]":
        return "pairs_broken", tr(_MB_WORDS["pairs_broken"])
    if label == "batches[2]":
        want, have = np.asarray(expected, dtype=float), np.asarray(got, dtype=float)
        total = int(have.sum())
        why = (
            tr("more samples than the data set has") if total > N
            else tr("fewer samples than the data set has") if total < N
            else tr("the right number of samples, split differently")
        )
        return "batch_sizes", tr(
            "With N = {N} samples and batch_size = {bs}, one pass gives {want}, but yours "
            "gives {have}: {why}. Cut the shuffled order into consecutive slices of batch_size "
            "(range(0, N, batch_size)); the last one holds what is left over."
        ).format(N=N, bs=bs, want=_batch_sizes_text(want), have=_batch_sizes_text(have), why=why)
    if label == "batches[3]":
        return ("not_shuffled", tr(_MB_WORDS["not_shuffled"])) if got == 1 else ("neighbours_only", tr(_NEIGHBOURS))
    if label == "batches[4]":
        return (("global_rng", tr(_MB_WORDS["global_rng"])) if got == 1
                else ("ignores_rng", tr(_MB_WORDS["ignores_rng"])))
    return None


MINIBATCHES = Exercise(
    name="minibatches",
    reference=_reference_minibatches,
    cases=_minibatch_cases,
    sizes=_mb_sizes,
    parts=("batches",),
    mistakes=_minibatch_mistakes(),
    guarded=("minibatches",),
    collect=summarize_batches,
    explain=_explain_batches,
)

EXERCISES = (GD_STEP, MOMENTUM_STEP, MINIBATCHES)


# ------------------------------------------------------------------------------------------------
# Self-check question: a single unit on XOR (COURSE.md, misconception 6)
# ------------------------------------------------------------------------------------------------

from mlcore.grading.question import Question, Wrong  # noqa: E402  (the questions' own section)

Q_XOR_SINGLE_UNIT = Question(
    name="q_xor_single_unit",
    prompt="the best accuracy one linear-threshold unit can reach on the four XOR points",
    answer=0.75,
    rtol=1e-3,
    explanations={
        1.0: Wrong(
            "xor_separable",
            "1 would need a line with both class-1 corners on one side and both class-0 corners on the other. "
            "The four inequalities of the notebook contradict each other: XOR is not linearly separable, and "
            "no amount of training changes that.",
        ),
        0.5: Wrong(
            "xor_loss_optimum",
            "0.5 is about what the trained sigmoid unit ends at: gradient descent on the cross-entropy settles "
            "near the flat answer p = 1/2 everywhere (loss log 2). But a line can do better than the "
            "loss-optimal one: x1 + x2 = 1/2 puts (0, 0) alone on its side and gets three corners right.",
        ),
        0.25: Wrong(
            "xor_flip",
            "A line that gets one corner right gets the other three right once w and b change sign (its sides "
            "swap): the best is at least 3/4.",
        ),
        0.0: Wrong(
            "xor_zero",
            "0 would mean every corner on the wrong side; change the sign of w and b and every corner would be "
            "right, which XOR does not allow. The question asks for the best a line can do.",
        ),
        (75, 75.0): Wrong("xor_percent", "That is a percentage: give the accuracy as a fraction between 0 and 1."),
    },
    otherwise=(
        "Try lines on the four corners (0, 0), (1, 1) of class 0 and (0, 1), (1, 0) of class 1: can a line put "
        "three of them on their correct sides? All four? Answer with the accuracy as a fraction, e.g. 0.5."
    ),
    why=(
        "A line gets at most 3 of the 4 XOR corners right: the classes are not linearly separable, so training a "
        "single unit can never reach 1. A hidden layer is needed."
    ),
)

EXERCISES = EXERCISES + (Q_XOR_SINGLE_UNIT,)


# ------------------------------------------------------------------------------------------------
# weight_decay_step (second edition)
# ------------------------------------------------------------------------------------------------

from mlcore.optim import weight_decay_step as _weight_decay_step  # noqa: E402  (this section's reference)


def _collect_decay(values):
    return collect_list(values, "weight_decay_step")


def _decay_cases(rng, hidden):
    """gd_step's cases plus lam. lr·lam is at least 5e-4, so dropping (or halving) the decay term always shows."""
    cases = _gd_cases(rng, hidden)
    for case in cases:
        case["lr"] = float(10 ** rng.uniform(-2, -0.2))
        case["lam"] = float(10 ** rng.uniform(-1.3, -0.3))
    return cases


def _decay_sizes(params, grads, lr, lam):
    return {}


def _decay_variant(how):
    def wrong(params, grads, lr, lam):
        pairs = list(zip(params, grads))
        if how == "decay_sign":
            return [p - lr * (g - lam * p) for p, g in pairs]
        if how == "decay_half":
            return [p - lr * (g + lam / 2 * p) for p, g in pairs]
        if how == "decay_on_gradient":
            return [p - lr * (g + lam * g) for p, g in pairs]
        if how == "decayed_twice":
            return [(1 - lr * lam) * p - lr * (g + lam * p) for p, g in pairs]
        if how == "decay_without_lr":
            return [p - lr * g - lam * p for p, g in pairs]
        if how == "forgot_gradient":
            return [p - lr * lam * p for p, g in pairs]
        if how == "no_decay":
            return [p - lr * g for p, g in pairs]
        if how == "climbs":
            return [p + lr * (g + lam * p) for p, g in pairs]
        if how == "step_only":
            return [-lr * (g + lam * p) for p, g in pairs]
        raise ValueError(how)

    return wrong


_DECAY_RULE = "p - lr * (g + lam * p)"
_DECAY_WORDS = {
    "decay_sign": (
        "Your new parameters are p - lr * (g - lam * p): the decay pushes the weights away from 0. The penalty "
        "(lam/2)||p||^2 has gradient +lam * p, added to g, so every step shrinks p a little: " + _DECAY_RULE + "."
    ),
    "decay_half": (
        "Your new parameters are p - lr * (g + lam/2 * p): the 1/2 of the penalty (lam/2)||p||^2 cancels the 2 "
        "that differentiating the square brings down, so its gradient is lam * p: " + _DECAY_RULE + "."
    ),
    "decay_on_gradient": (
        "Your new parameters are p - lr * (g + lam * g): the decay term is lam times the parameters, not the "
        "gradient. The penalty (lam/2)||p||^2 has gradient lam * p: " + _DECAY_RULE + "."
    ),
    "decayed_twice": (
        "Your parameters are decayed twice: (1 - lr * lam) * p and again - lr * lam * p inside the step. "
        "(1 - lr * lam) * p - lr * g is the same update written the other way; use one of the two: " + _DECAY_RULE + "."
    ),
    "decay_without_lr": (
        "Your new parameters are p - lr * g - lam * p: the learning rate multiplies the decay term too, because "
        "it is part of the gradient of the penalised loss: " + _DECAY_RULE + "."
    ),
    "forgot_gradient": (
        "Your new parameters are p - lr * lam * p: the gradient of the loss itself, g, is missing. The step "
        "follows the gradient of L + (lam/2)||p||^2, which is g + lam * p: " + _DECAY_RULE + "."
    ),
    "no_decay": (
        "Your new parameters are p - lr * g, a plain gradient step: lam is not used. The penalty "
        "(lam/2)||p||^2 adds lam * p to every gradient: " + _DECAY_RULE + "."
    ),
    "climbs": (
        "Your new parameters are p + lr * (g + lam * p): a step up the gradient, which increases the loss. "
        "Descent subtracts: " + _DECAY_RULE + "."
    ),
    "step_only": (
        "Your result is -lr * (g + lam * p), the step alone: add it to the parameters (the function returns "
        "the new parameters, not the change): " + _DECAY_RULE + "."
    ),
}

WEIGHT_DECAY_STEP = Exercise(
    name="weight_decay_step",
    reference=lambda params, grads, lr, lam: _collect_decay(_weight_decay_step(params, grads, lr, lam)),
    cases=_decay_cases,
    sizes=_decay_sizes,
    parts=("new_params",),
    mistakes=tuple(_mistake(key, words, _decay_variant(key), _collect_decay) for key, words in _DECAY_WORDS.items()),
    guarded=("weight_decay_step", "gd_step", "momentum_step"),
    collect=_collect_decay,
)

EXERCISES = EXERCISES + (WEIGHT_DECAY_STEP,)
