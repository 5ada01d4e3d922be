"""Notebook 05's checks: every correct form passes, every learner mistake fails with its key.

momentum_step's mistakes (PyTorch's convention, the other conventions recognised) and the property-based
minibatches check, with functions written the way learners write them. gd_step's spellings and momentum_step's
correct ones are catalogue entries (``instructor/answers/nb05.py``, graded by ``tests/test_catalogue.py``).
"""

import re

import numpy as np
import pytest

import mlcore
from mlcore.grading.specs import nb05

from grading_util import BOTH, verdict


# ============================================================================= momentum_step


def mom_comprehension(params, grads, velocity, lr, beta):
    v = [beta * v + g for v, g in zip(velocity, grads)]
    return [p - lr * w for p, w in zip(params, v)], v


def mom_variant(how):
    return nb05._mom_variant(how)


MOMENTUM_MISTAKES = {
    "moving-average convention": (mom_variant("ema"), "ema", "exponential-moving-average"),
    "v = beta v - lr g, p = p + v": (mom_variant("lr_in_velocity"), "lr_in_velocity", "-lr times ours"),
    "v = beta v + lr g, p = p - v": (mom_variant("lr_in_velocity_plus"), "lr_in_velocity_plus", "does not contain lr"),
    "steps with the old velocity": (mom_variant("old_velocity"), "old_velocity", "old velocity"),
    "velocity not updated": (mom_variant("velocity_not_updated"), "velocity_not_updated", "the one you were given"),
    "momentum not used": (mom_variant("no_momentum"), "no_momentum", "plain gradient descent"),
    "nesterov": (mom_variant("nesterov"), "nesterov", "Nesterov"),
    "climbs": (mom_variant("climbs"), "climbs", "up the gradient"),
    "beta swapped": (mom_variant("beta_swapped"), "beta_swapped", "swapped"),
    "outputs swapped": (lambda *a: mom_comprehension(*a)[::-1], "order", "wrong order"),
    "only params returned": (lambda P, G, V, lr, beta: [p - lr * g for p, g in zip(P, G)], "exception",
                             "should return a pair (new_params, new_velocity)"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(MOMENTUM_MISTAKES))
def test_momentum_step_mistakes_are_named(mistake, hidden):
    fn, key, words = MOMENTUM_MISTAKES[mistake]
    error = verdict("momentum_step", fn, hidden)
    assert error is not None and error.mistake == key, error
    assert re.search(re.escape(words), str(error))
    assert "mismatch" not in error.mistakes


def test_momentum_cases_distinguish_the_conventions():
    """Non-zero velocity (else lr_in_velocity's parameters agree), lr != 1, beta != 0 in most cases."""
    cases = nb05.MOMENTUM_STEP.cases(np.random.default_rng(0), True)
    assert sum(any(np.any(v) for v in c["velocity"]) for c in cases) >= len(cases) - 1
    assert all(c["lr"] != 1.0 for c in cases)
    assert sum(c["beta"] > 0 for c in cases) >= len(cases) - 1


# ============================================================================= minibatches


def mb_generator(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def mb_list_choice(X, y, batch_size, rng):
    idx = rng.choice(X.shape[0], size=X.shape[0], replace=False)
    return [(X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]) for s in range(0, X.shape[0], batch_size)]


def mb_shuffle_indices(X, y, batch_size, rng):
    idx = np.arange(len(X))
    rng.shuffle(idx)
    n_batches = int(np.ceil(len(X) / batch_size))
    for b in range(n_batches):
        sel = idx[b * batch_size:(b + 1) * batch_size]
        yield X[sel], y[sel]


def mb_array_split(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    pieces = np.array_split(order, range(batch_size, len(X), batch_size))
    return [(X[p], y[p]) for p in pieces]


def mb_take(X, y, batch_size, rng):
    perm = rng.permutation(X.shape[0])
    Xs, ys = np.take(X, perm, axis=0), np.take(y, perm, axis=0)
    i = 0
    while i < len(Xs):
        yield Xs[i:i + batch_size], ys[i:i + batch_size]
        i += batch_size


def mb_small_first(X, y, batch_size, rng):
    # The smaller batch first: still one shuffled pass with every sample once.
    order = rng.permutation(len(X))
    rest = len(X) % batch_size
    starts = ([0] if rest else []) + list(range(rest, len(X), batch_size))
    ends = starts[1:] + [len(X)]
    for s, e in zip(starts, ends):
        yield X[order[s:e]], y[order[s:e]]


@BOTH
@pytest.mark.parametrize(
    "fn", [mb_generator, mb_list_choice, mb_shuffle_indices, mb_array_split, mb_take, mb_small_first]
)
def test_minibatches_correct_forms_pass(fn, hidden):
    assert verdict("minibatches", fn, hidden) is None


def _slices(order, X, y, batch_size, drop_last=False):
    stop = len(X) - len(X) % batch_size if drop_last else len(X)
    for s in range(0, stop, batch_size):
        idx = order[s:s + batch_size]
        yield X[idx], y[idx]


def mb_not_shuffled(X, y, batch_size, rng):
    return _slices(np.arange(len(X)), X, y, batch_size)


def mb_separately(X, y, batch_size, rng):
    Xs, ys = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    return _slices(np.arange(len(X)), Xs, ys, batch_size)


def mb_drop_last(X, y, batch_size, rng):
    return _slices(rng.permutation(len(X)), X, y, batch_size, drop_last=True)


def mb_with_replacement(X, y, batch_size, rng):
    return _slices(rng.integers(0, len(X), size=len(X)), X, y, batch_size)


def mb_global(X, y, batch_size, rng):
    return _slices(np.random.permutation(len(X)), X, y, batch_size)


def mb_fresh_generator(X, y, batch_size, rng):
    return _slices(np.random.default_rng().permutation(len(X)), X, y, batch_size)


def mb_fixed_seed(X, y, batch_size, rng):
    return _slices(np.random.default_rng(42).permutation(len(X)), X, y, batch_size)


def mb_shuffles_X_in_place(X, y, batch_size, rng):
    rng.shuffle(X)
    return _slices(np.arange(len(X)), X, y, batch_size)


def mb_batch_order(X, y, batch_size, rng):
    for s in rng.permutation(np.arange(0, len(X), batch_size)):
        yield X[s:s + batch_size], y[s:s + batch_size]


def mb_within(X, y, batch_size, rng):
    for s in range(0, len(X), batch_size):
        idx = s + rng.permutation(min(batch_size, len(X) - s))
        yield X[idx], y[idx]


def mb_extra_empty(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for b in range(len(X) // batch_size + 1):
        idx = order[b * batch_size:(b + 1) * batch_size]
        yield X[idx], y[idx]


def mb_yields_X_only(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for s in range(0, len(X), batch_size):
        yield X[order[s:s + batch_size]]


MINIBATCH_MISTAKES = {
    "not shuffled": (mb_not_shuffled, "not_shuffled", "original order"),
    "X and y shuffled separately": (mb_separately, "pairs_broken", "do not belong together"),
    "last partial batch dropped": (mb_drop_last, "drops_last", "dropped"),
    "sampling with replacement": (mb_with_replacement, "with_replacement", "with replacement"),
    "global np.random": (mb_global, "global_rng", "np.random.permutation"),
    "a fresh unseeded generator": (mb_fresh_generator, "global_rng", "same state gave different batches"),
    "fixed seed inside": (mb_fixed_seed, "ignores_rng", "ignores its rng"),
    "rng.shuffle(X) in place": (mb_shuffles_X_in_place, "in_place", "in place"),
    "batch order only": (mb_batch_order, "batch_order_only", "neighbouring samples"),
    "within batches only": (mb_within, "within_batches_only", "neighbouring samples"),
    "extra empty batch": (mb_extra_empty, "empty_last_batch", "empty batch"),
    "yields X only": (mb_yields_X_only, "exception", "pair (X_batch, y_batch)"),
    "mlcore's minibatches": (lambda X, y, bs, rng: mlcore.minibatches(X, y, bs, rng), "reference", "your own"),
    "forgot return": (lambda X, y, bs, rng: None, "no_return", "return"),
}


@BOTH
@pytest.mark.parametrize("mistake", list(MINIBATCH_MISTAKES))
def test_minibatches_mistakes_are_named(mistake, hidden):
    fn, key, words = MINIBATCH_MISTAKES[mistake]
    error = verdict("minibatches", fn, hidden)
    assert error is not None and error.mistake == key, error
    assert re.search(re.escape(words), str(error))
    assert "mismatch" not in error.mistakes


@pytest.mark.parametrize("seed", range(6))
def test_minibatches_verdicts_do_not_depend_on_the_seed(seed):
    assert verdict("minibatches", mb_generator, True, seed=seed) is None
    assert verdict("minibatches", mb_list_choice, True, seed=seed) is None
    assert verdict("minibatches", mb_batch_order, True, seed=seed).mistake == "batch_order_only"
    assert verdict("minibatches", mb_separately, False, seed=seed).mistake == "pairs_broken"


def test_summary_of_a_correct_pass():
    rng = np.random.default_rng(0)
    case = nb05._mb_case(rng, 20, 6, seed=1, tag=5.0, role=0)
    ((coverage, pairing, sizes, shuffle, rng_code),) = nb05.summarize_batches(
        mb_generator(case["X"], case["y"], 6, case["rng"]), remember=False)
    assert (coverage, pairing, shuffle, rng_code) == (0, 0, 0, 0)
    assert sizes.tolist() == [6, 6, 6, 2]


def test_two_minibatch_mistakes_are_both_named():
    def only_y_shuffled(X, y, batch_size, rng):
        return _slices(np.arange(len(X)), X, y[rng.permutation(len(y))], batch_size)

    error = verdict("minibatches", only_y_shuffled, True)
    assert set(error.mistakes) == {"pairs_broken", "not_shuffled"}, error


@pytest.mark.parametrize("hidden", [False, True])
def test_every_multi_batch_case_leaves_a_fair_shuffle_no_chance_to_look_unshuffled(hidden):
    # A correct shuffle fails "every batch holds neighbours" with the chance nb05._blocks_by_chance gives
    # (2/26 for a batch of 25 out of 26): every case the check draws must make that chance negligible.
    for seed in range(200):
        for case in nb05.MINIBATCHES.cases(np.random.default_rng(seed), hidden):
            N, bs = len(case["X"]), case["batch_size"]
            if N >= nb05.BIG and 2 <= bs < N:
                assert nb05._blocks_by_chance(list(nb05._sizes_of(N, bs)), N) < 1e-9, (seed, N, bs)
