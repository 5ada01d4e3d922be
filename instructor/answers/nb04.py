"""Synthetic submissions of ``04_delta_recursion``: the blank one, the correct one, one per diagnosed mistake
(COURSE.md's W instead of W.T, derivative at a instead of z, flipped sign and the extra 1/N among them), the
bug hunt left untouched or partly fixed, and correct answers written differently.

The correct ``backward`` below is written out (it does not call ``hidden_delta`` or ``layer_grads``), so each
test cell depends on its own answer cell only; the variants whose ``backward`` does use the learner's
``hidden_delta`` and ``layer_grads`` also own those cells. See :mod:`instructor.answers` for the format.
"""

import itertools

from instructor.answers import SEEDS, blank, builders, spellings

ASSIGNMENT = "04_delta_recursion"

#: Points of each test cell (as in the notebook).
POINTS = {"hidden_delta_tests": 2, "layer_grads_tests": 2, "hand_backward_tests": 2, "backward_tests": 3,
          "fixed_backward_tests": 3}

#: Which test cell grades which answer cell.
TEST_OF = {
    "hidden_delta_answer": "hidden_delta_tests",
    "layer_grads_answer": "layer_grads_tests",
    "hand_backward_answer": "hand_backward_tests",
    "backward_answer": "backward_tests",
    "fixed_backward_answer": "fixed_backward_tests",
}

_BACKWARD = """
def {name}(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        W = params[2 * l - 2]
        grads[2 * l - 2] = {dW}
        grads[2 * l - 1] = {db}
        if l > 1:
            delta = ({back}) * act_prime({at})
    return grads
"""


def _backward(name="backward", dW="cache.a[l - 1].T @ delta", db="delta.sum(axis=0)", back="delta @ W.T",
              at="cache.z[l - 1]"):
    return _BACKWARD.format(name=name, dW=dW, db=db, back=back, at=at)


def _hand(delta2="[[2], [-1]]", delta1="[[2, 0], [-1, 1]]", dW1="[[-1, -1], [-2, 2]]", db1="[1, 1]",
          dW2="[[1], [-2]]", db2="[1]"):
    """The pen-and-paper answer cell of notebook 04's 2-2-1 network, with the numbers given."""
    return f"""
def hand_backward():
    delta2 = {delta2}
    delta1 = {delta1}
    dW1 = {dW1}
    db1 = {db1}
    dW2 = {dW2}
    db2 = {db2}
    return delta2, delta1, dW1, db1, dW2, db2
"""


#: backward written with the learner's own hidden_delta and layer_grads, as notebook 04 suggests.
BACKWARD_FROM_PIECES = """
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2], grads[2 * l - 1] = layer_grads(cache.a[l - 1], delta)
        if l > 1:
            delta = hidden_delta(delta, params[2 * l - 2], cache.z[l - 1], act_prime)
    return grads
"""

CORRECT = {
    "hidden_delta_answer": """
def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * act_prime(z)
""",
    "layer_grads_answer": """
def layer_grads(a_prev, delta):
    dW = a_prev.T @ delta
    db = delta.sum(axis=0)
    return dW, db
""",
    "hand_backward_answer": _hand(),
    "backward_answer": _backward(),
    "fixed_backward_answer": _backward("fixed_backward"),
}

#: The bug hunt's buggy_backward with some of its four bugs left (the argument names the ones left).
_HUNT_BUGS = {
    "dW_transposed": {"dW": "delta.T @ cache.a[l - 1]"},
    "db_mean": {"db": "delta.mean(axis=0)"},
    "W_not_transposed": {"back": "delta @ W"},
    "act_prime_at_a": {"at": "cache.a[l - 1]"},
}


def _hunt(*left):
    parts = {}
    for bug in left:
        parts.update(_HUNT_BUGS[bug])
    return _backward("fixed_backward", **parts)


_wrong, _right = builders(CORRECT, POINTS, TEST_OF)


def _hd(body):
    return f"""
def hidden_delta(delta_next, W_next, z, act_prime):
    return {body}
"""


def _lg(dW, db):
    return f"""
def layer_grads(a_prev, delta):
    return {dW}, {db}
"""


VARIANTS = {
    # ------------------------------------------------------------------ nothing written, everything right
    "blank": blank(POINTS),
    "correct": _right(),

    # ------------------------------------------------------------------ hidden_delta
    # COURSE.md: W instead of W.T; for square layers the shapes line up.
    "hidden_delta_W_not_transposed": _wrong({"hidden_delta_answer": "W_not_transposed"},
                                            hidden_delta_answer=_hd("(delta_next @ W_next) * act_prime(z)")),
    "hidden_delta_missing_act_prime": _wrong({"hidden_delta_answer": "missing_act_prime"},
                                             hidden_delta_answer=_hd("delta_next @ W_next.T")),
    "hidden_delta_act_prime_composed": _wrong({"hidden_delta_answer": "act_prime_composed"},
                                              hidden_delta_answer=_hd("act_prime(delta_next @ W_next.T)")),
    "hidden_delta_wrong_variable": _wrong(
        {"hidden_delta_answer": "act_prime_wrong_variable"},
        hidden_delta_answer=_hd("(delta_next @ W_next.T) * act_prime(delta_next @ W_next.T)")),
    "hidden_delta_sigmoid_from_a": _wrong({"hidden_delta_answer": "sigmoid_prime_from_a"},
                                          hidden_delta_answer=_hd("(delta_next @ W_next.T) * z * (1 - z)")),
    "hidden_delta_sign": _wrong({"hidden_delta_answer": "sign"},
                                hidden_delta_answer=_hd("-(delta_next @ W_next.T) * act_prime(z)")),
    "hidden_delta_in_place": _wrong({"hidden_delta_answer": "in_place"}, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    fp = act_prime(z)
    z[...] = delta_next @ W_next.T      # reuses z's memory: changes the caller's array
    return z * fp
"""),
    "hidden_delta_returns_none": _wrong({"hidden_delta_answer": "no_return"}, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    delta = (delta_next @ W_next.T) * act_prime(z)
"""),
    "hidden_delta_uses_mlcore": _wrong({"hidden_delta_answer": "reference"}, seeds=SEEDS, hidden_delta_answer="""
from mlcore import hidden_delta as course_hidden_delta

def hidden_delta(delta_next, W_next, z, act_prime):
    return course_hidden_delta(delta_next, W_next, z, act_prime)
"""),
    # Reassigning the comparison functions and mlcore's reference changes no verdict.
    "hidden_delta_tampers_with_allclose": _wrong({"hidden_delta_answer": "W_not_transposed"}, hidden_delta_answer="""
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
mlcore.hidden_delta = lambda delta_next, W_next, z, act_prime: (delta_next @ W_next) * act_prime(z)

def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next) * act_prime(z)
"""),

    # ------------------------------------------------------------------ layer_grads
    "layer_grads_dW_transposed": _wrong({"layer_grads_answer": "dW_transposed"},
                                        layer_grads_answer=_lg("delta.T @ a_prev", "delta.sum(axis=0)")),
    # COURSE.md: the 1/N applied again (it is already inside delta).
    "layer_grads_db_mean": _wrong({"layer_grads_answer": "db_mean"},
                                  layer_grads_answer=_lg("a_prev.T @ delta", "delta.mean(axis=0)")),
    "layer_grads_dW_mean": _wrong({"layer_grads_answer": "dW_mean"},
                                  layer_grads_answer=_lg("a_prev.T @ delta / len(a_prev)", "delta.sum(axis=0)")),
    "layer_grads_db_wrong_axis": _wrong({"layer_grads_answer": "db_wrong_axis"},
                                        layer_grads_answer=_lg("a_prev.T @ delta", "delta.sum(axis=1)")),
    "layer_grads_db_not_summed": _wrong({"layer_grads_answer": "db_not_summed"},
                                        layer_grads_answer=_lg("a_prev.T @ delta", "delta")),
    "layer_grads_db_total": _wrong({"layer_grads_answer": "db_total_sum"},
                                   layer_grads_answer=_lg("a_prev.T @ delta", "float(delta.sum())")),
    # COURSE.md: the weight gradient written as a^T (y - y_hat): the sign flipped.
    "layer_grads_flipped_sign": _wrong({"layer_grads_answer": "sign"},
                                       layer_grads_answer=_lg("a_prev.T @ (-delta)", "-delta.sum(axis=0)")),
    "layer_grads_keepdims": _wrong({"layer_grads_answer": "shape"},
                                   layer_grads_answer=_lg("a_prev.T @ delta", "delta.sum(axis=0, keepdims=True)")),

    # ------------------------------------------------------------------ hand_backward (pen and paper)
    # COURSE.md: the flipped sign (y - y_hat), W where W.T belongs (a transposed dW1), the missing f'.
    "hand_backward_sign": _wrong({"hand_backward_answer": "sign_flipped"}, hand_backward_answer=_hand(
        "[[-2], [1]]", "[[-2, 0], [1, -1]]", "[[1, 1], [2, -2]]", "[-1, -1]", "[[-1], [2]]", "[-1]")),
    "hand_backward_dW1_transposed": _wrong({"hand_backward_answer": "dW_transposed"},
                                           hand_backward_answer=_hand(dW1="[[-1, -2], [-1, 2]]")),
    "hand_backward_missing_f_prime": _wrong({"hand_backward_answer": "missing_act_prime"}, hand_backward_answer=_hand(
        delta1="[[2, -2], [-1, 1]]", dW1="[[-1, 1], [-2, 2]]", db1="[1, -1]")),
    "hand_backward_half": _wrong({"hand_backward_answer": "half"}, hand_backward_answer=_hand(
        "[[1], [-0.5]]", "[[1, 0], [-0.5, 0.5]]", "[[-0.5, -0.5], [-1, 1]]", "[0.5, 0.5]", "[[0.5], [-1]]",
        "[0.5]")),
    "hand_backward_db_mean": _wrong({"hand_backward_answer": "db_mean"},
                                    hand_backward_answer=_hand(db1="[0.5, 0.5]", db2="[0.5]")),

    # ------------------------------------------------------------------ backward
    "backward_W_not_transposed": _wrong({"backward_answer": "W_not_transposed"},
                                        backward_answer=_backward(back="delta @ W")),
    # COURSE.md: the derivative taken at a instead of z.
    "backward_act_prime_at_a": _wrong({"backward_answer": "act_prime_at_a"},
                                      backward_answer=_backward(at="cache.a[l - 1]")),
    "backward_forgets_act_prime": _wrong({"backward_answer": "missing_act_prime"}, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = delta @ params[2 * l - 2].T
    return grads
"""),
    "backward_dW_transposed": _wrong({"backward_answer": "dW_transposed"},
                                     backward_answer=_backward(dW="delta.T @ cache.a[l - 1]")),
    "backward_db_mean": _wrong({"backward_answer": "db_mean"}, backward_answer=_backward(db="delta.mean(axis=0)")),
    "backward_db_wrong_axis": _wrong({"backward_answer": "db_wrong_axis"},
                                     backward_answer=_backward(db="delta.sum(axis=1)")),
    "backward_z_off_by_one": _wrong({"backward_answer": "z_off_by_one"}, backward_answer=_backward(at="cache.z[l]")),
    "backward_a_off_by_one": _wrong({"backward_answer": "a_off_by_one"},
                                    backward_answer=_backward(dW="cache.a[l].T @ delta")),
    "backward_W_off_by_one": _wrong({"backward_answer": "W_off_by_one"},
                                    backward_answer=_backward(back="delta @ params[2 * l - 4].T")),
    "backward_act_prime_on_output": _wrong({"backward_answer": "act_prime_on_output"}, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L * act_prime(cache.z[L])      # as if delta_L were dL/da^L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads
"""),
    "backward_grads_reversed": _wrong({"backward_answer": "grads_reversed"}, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = []
    delta = delta_L
    for l in range(L, 0, -1):
        grads.append(cache.a[l - 1].T @ delta)
        grads.append(delta.sum(axis=0))
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads
"""),
    "backward_grads_grouped": _wrong({"backward_answer": "grads_grouped"}, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    dWs, dbs = [None] * L, [None] * L
    delta = delta_L
    for l in range(L, 0, -1):
        dWs[l - 1] = cache.a[l - 1].T @ delta
        dbs[l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return dWs + dbs
"""),
    "backward_in_place": _wrong({"backward_answer": ("in_place",)}, seeds=SEEDS, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = delta @ params[2 * l - 2].T
            delta *= act_prime(cache.z[l - 1])
            cache.z[l - 1] = None                     # frees memory, but changes the caller's cache
    return grads
"""),
    "backward_calls_mlcore": _wrong({"backward_answer": "reference"}, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    return mlcore.backward(params, cache, delta_L, act_prime)
"""),
    "backward_returns_none": _wrong({"backward_answer": "no_return"},
                                    backward_answer=_backward().replace("    return grads\n", "")),
    # A wrong hidden_delta used by the learner's own backward: both cells fail, both name the mistake.
    "hidden_delta_W_used_by_backward": {
        "answers": dict(CORRECT, hidden_delta_answer=_hd("(delta_next @ W_next) * act_prime(z)"), backward_answer=BACKWARD_FROM_PIECES),
        "points": {"hidden_delta_tests": 0, "layer_grads_tests": 2, "hand_backward_tests": 2, "backward_tests": 0,
                   "fixed_backward_tests": 3},
        "mistakes": {"hidden_delta_tests": "W_not_transposed", "backward_tests": "W_not_transposed"},
    },

    # ------------------------------------------------------------------ the bug hunt
    "hunt_untouched": _wrong({"fixed_backward_answer": "dW_transposed+db_mean+W_not_transposed+act_prime_at_a"},
                             seeds=SEEDS, fixed_backward_answer=_hunt(*_HUNT_BUGS)),
    "hunt_two_left": _wrong({"fixed_backward_answer": "W_not_transposed+act_prime_at_a"},
                            ("2 of the four bugs are still in fixed_backward", "W instead of W.T",
                             "activations a = cache.a[l-1]"),
                            fixed_backward_answer=_hunt("W_not_transposed", "act_prime_at_a")),
    "hunt_one_left_db_mean": _wrong({"fixed_backward_answer": "db_mean"}, fixed_backward_answer=_hunt("db_mean")),
    "hunt_one_left_transposed": _wrong({"fixed_backward_answer": "dW_transposed"},
                                       fixed_backward_answer=_hunt("dW_transposed")),
    "hunt_new_bug": _wrong({"fixed_backward_answer": "missing_act_prime"}, fixed_backward_answer="""
def fixed_backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        W = params[2 * l - 2]
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = delta @ W.T                       # "fixed" the derivative by removing it
    return grads
"""),

    # ------------------------------------------------------------------ correct, written differently
    "correct_loops": _right(
        hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    N, D = z.shape
    fp = act_prime(z)
    out = np.zeros((N, D))
    for i in range(N):
        for j in range(D):
            total = 0.0
            for k in range(delta_next.shape[1]):
                total += delta_next[i, k] * W_next[j, k]
            out[i, j] = total * fp[i, j]
    return out
""",
        layer_grads_answer="""
def layer_grads(a_prev, delta):
    dW = np.zeros((a_prev.shape[1], delta.shape[1]))
    db = np.zeros(delta.shape[1])
    for i in range(a_prev.shape[0]):
        dW += np.outer(a_prev[i], delta[i])
        db += delta[i]
    return dW, db
""",
        backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    out = []
    delta = delta_L
    for l in reversed(range(1, L + 1)):
        out = [cache.a[l - 1].T @ delta, delta.sum(axis=0)] + out
        if l > 1:
            delta = (delta @ params[2 * (l - 1)].T) * act_prime(cache.z[l - 1])
    return out
""",
    ),
    "correct_einsum": _right(
        hidden_delta_answer=_hd('np.einsum("ik,jk->ij", delta_next, W_next) * act_prime(z)'),
        layer_grads_answer=_lg('np.einsum("ij,ik->jk", a_prev, delta)', 'np.einsum("ik->k", delta)'),
        fixed_backward_answer="""
def fixed_backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = np.einsum("nj,nk->jk", cache.a[l - 1], delta)
        grads[2 * l - 1] = np.einsum("nk->k", delta)
        if l > 1:
            delta = np.einsum("nk,jk->nj", delta, params[2 * l - 2]) * act_prime(cache.z[l - 1])
    return grads
""",
    ),
    "correct_algebraic": _right(
        hidden_delta_answer=_hd("act_prime(z) * (W_next @ delta_next.T).T"),
        layer_grads_answer=_lg("(delta.T @ a_prev).T", "np.ones(len(delta)) @ delta"),
    ),
    "correct_float32": _right(
        hidden_delta_answer=_hd("(delta_next.astype(np.float32) @ W_next.T.astype(np.float32)) * act_prime(z).astype(np.float32)"),
        layer_grads_answer=_lg("a_prev.astype(np.float32).T @ delta.astype(np.float32)", "delta.astype(np.float32).sum(axis=0)"),
    ),
    # The hand-computed numbers as float arrays, vectors written flat and db2 as a plain number.
    "correct_hand_flat": _right(hand_backward_answer=_hand(
        "np.array([2.0, -1.0])", "np.array([[2.0, 0.0], [-1.0, 1.0]])", "np.array([[-1.0, -1.0], [-2.0, 2.0]])",
        "(1, 1)", "[1, -2]", "1")),
    # backward built from the learner's own pieces (as the notebook suggests), all three written here.
    "correct_from_own_pieces": _right(
        hidden_delta_answer=_hd("np.multiply(delta_next.dot(W_next.T), act_prime(z))"),
        layer_grads_answer=_lg("np.dot(a_prev.T, delta)", "np.sum(delta, axis=0)"),
        backward_answer=BACKWARD_FROM_PIECES,
    ),
}


# ------------------------------------------------------------------ hidden_delta and layer_grads on three draws, visible and hidden
# More spellings, right and wrong, each graded on the same three seeds every run (SEEDS).
spellings(VARIANTS, {
    "hidden_delta_right_1": _right(seeds=SEEDS, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * act_prime(z)
"""),
    "hidden_delta_right_2": _right(seeds=SEEDS, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    N, D = z.shape
    out = np.zeros((N, D))
    fp = act_prime(z)
    for i in range(N):
        for j in range(D):
            out[i, j] = sum(delta_next[i, k] * W_next[j, k] for k in range(delta_next.shape[1])) * fp[i, j]
    return out
"""),
    "hidden_delta_right_3": _right(seeds=SEEDS, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    return np.einsum("ik,jk->ij", delta_next, W_next) * act_prime(z)
"""),
    "hidden_delta_right_4": _right(seeds=SEEDS, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    return act_prime(z) * (W_next @ delta_next.T).T
"""),
    "hidden_delta_right_5": _right(seeds=SEEDS, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next.astype(np.float32) @ W_next.astype(np.float32).T) * act_prime(z).astype(np.float32)
"""),
    "hidden_delta_right_6": _right(seeds=SEEDS, hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    return np.multiply(np.dot(delta_next, np.transpose(W_next)), act_prime(z))
"""),
    "hidden_delta_W_not_transposed_1": _wrong({"hidden_delta_answer": "W_not_transposed"}, 'only the values give this away', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return (dn @ W) * ap(z)
"""),
    "hidden_delta_missing_act_prime_1": _wrong({"hidden_delta_answer": "missing_act_prime"}, 'missing chain-rule factor', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return dn @ W.T
"""),
    "hidden_delta_act_prime_composed_1": _wrong({"hidden_delta_answer": "act_prime_composed"}, 'instead of multiplying', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return ap(dn @ W.T)
"""),
    "hidden_delta_act_prime_wrong_variable_1": _wrong({"hidden_delta_answer": "act_prime_wrong_variable"}, 'wrong variable', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return (dn @ W.T) * ap(dn @ W.T)
"""),
    "hidden_delta_sigmoid_prime_from_a_1": _wrong({"hidden_delta_answer": "sigmoid_prime_from_a"}, 'a(1 - a)', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return (dn @ W.T) * z * (1 - z)
"""),
    "hidden_delta_sign_1": _wrong({"hidden_delta_answer": "sign"}, 'wrong sign', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return -(dn @ W.T) * ap(z)
"""),
    "hidden_delta_no_return_1": _wrong({"hidden_delta_answer": "no_return"}, 'return', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(dn, W, z, ap):
    return None
"""),
    "hidden_delta_in_place_1": _wrong({"hidden_delta_answer": "in_place"}, 'in place', seeds=SEEDS,
        hidden_delta_answer="""
def hidden_delta(delta_next, W_next, z, act_prime):
    z *= 0  # reuses z as scratch space
    z += (delta_next @ W_next.T)
    return z * 1.0
"""),
    "layer_grads_right_1": _right(seeds=SEEDS, layer_grads_answer="""
def layer_grads(a_prev, delta):
    return a_prev.T @ delta, delta.sum(axis=0)
"""),
    "layer_grads_right_2": _right(seeds=SEEDS, layer_grads_answer="""
def layer_grads(a_prev, delta):
    N, P = a_prev.shape
    D = delta.shape[1]
    dW = np.zeros((P, D))
    db = np.zeros(D)
    for i in range(N):
        for j in range(P):
            for k in range(D):
                dW[j, k] += a_prev[i, j] * delta[i, k]
        db += delta[i]
    return dW, db
"""),
    "layer_grads_right_3": _right(seeds=SEEDS, layer_grads_answer="""
def layer_grads(a_prev, delta):
    return np.einsum("ij,ik->jk", a_prev, delta), np.einsum("ik->k", delta)
"""),
    "layer_grads_right_4": _right(seeds=SEEDS, layer_grads_answer="""
def layer_grads(a_prev, delta):
    dW = sum(np.outer(a, d) for a, d in zip(a_prev, delta))
    return dW, np.ones(len(delta)) @ delta
"""),
    "layer_grads_right_5": _right(seeds=SEEDS, layer_grads_answer="""
def layer_grads(a_prev, delta):
    a, d = a_prev.astype(np.float32), delta.astype(np.float32)
    return a.T @ d, d.sum(axis=0)
"""),
    "layer_grads_right_6": _right(seeds=SEEDS, layer_grads_answer="""
def layer_grads(a_prev, delta):
    return [(delta.T @ a_prev).T, np.sum(delta, axis=0)]
"""),
    "layer_grads_dW_transposed_1": _wrong({"layer_grads_answer": "dW_transposed"}, 'transpose of the gradient', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (d.T @ a, d.sum(axis=0))
"""),
    "layer_grads_db_mean_1": _wrong({"layer_grads_answer": "db_mean"}, 'mean over the samples', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (a.T @ d, d.mean(axis=0))
"""),
    "layer_grads_dW_mean_1": _wrong({"layer_grads_answer": "dW_mean"}, 'average over the samples', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (a.T @ d / len(a), d.sum(axis=0))
"""),
    "layer_grads_db_wrong_axis_1": _wrong({"layer_grads_answer": "db_wrong_axis"}, 'over the units', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (a.T @ d, d.sum(axis=1))
"""),
    "layer_grads_db_not_summed_1": _wrong({"layer_grads_answer": "db_not_summed"}, 'summed over the', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (a.T @ d, d)
"""),
    "layer_grads_db_total_sum_1": _wrong({"layer_grads_answer": "db_total_sum"}, 'single number', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (a.T @ d, float(d.sum()))
"""),
    "layer_grads_sign_1": _wrong({"layer_grads_answer": "sign"}, 'wrong sign', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (-(a.T @ d), -d.sum(axis=0))
"""),
    "layer_grads_shape_1": _wrong({"layer_grads_answer": "shape"}, 'keepdims', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return (a.T @ d, d.sum(axis=0, keepdims=True))
"""),
    "layer_grads_type_1": _wrong({"layer_grads_answer": "type"}, '2 values', seeds=SEEDS,
        layer_grads_answer="""
def layer_grads(a, d):
    return a.T @ d
"""),
    "backward_right_1": _right(seeds=SEEDS, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T) * act_prime(cache.z[l - 1])
    return grads
"""),
    "backward_right_2": _right(seeds=SEEDS, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    out = []
    delta = delta_L
    for l in reversed(range(1, L + 1)):
        W = params[2 * (l - 1)]
        out += [delta.sum(axis=0), cache.a[l - 1].T @ delta]
        delta = (delta @ W.T) * act_prime(cache.z[l - 1]) if l > 1 else None
    return out[::-1]
"""),
    "backward_right_3": _right(seeds=SEEDS, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    Ws = params[0::2]
    dWs, dbs = [], []
    delta = delta_L
    for l in range(len(Ws), 0, -1):
        dWs.insert(0, np.einsum("ij,ik->jk", cache.a[l - 1], delta))
        dbs.insert(0, np.einsum("ik->k", delta))
        if l > 1:
            delta = np.einsum("ik,jk->ij", delta, Ws[l - 1]) * act_prime(cache.z[l - 1])
    return [g for pair in zip(dWs, dbs) for g in pair]
"""),
    "backward_right_4": _right(seeds=SEEDS, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L.astype(np.float32)
    for l in range(L, 0, -1):
        grads[2 * l - 2] = cache.a[l - 1].astype(np.float32).T @ delta
        grads[2 * l - 1] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[2 * l - 2].T.astype(np.float32)) * act_prime(cache.z[l - 1]).astype(np.float32)
    return grads
"""),
    "backward_right_5": _right(seeds=SEEDS, backward_answer="""
def backward(params, cache, delta_L, act_prime):
    # Allowed: a learner stuck on hidden_delta or layer_grads builds backward from mlcore's.
    L = len(params) // 2
    grads = [None] * (2 * L)
    delta = delta_L
    for l in range(L, 0, -1):
        grads[2 * l - 2], grads[2 * l - 1] = mlcore.layer_grads(cache.a[l - 1], delta)
        if l > 1:
            delta = mlcore.hidden_delta(delta, params[2 * l - 2], cache.z[l - 1], act_prime)
    return grads
"""),
    "backward_right_6": _right(seeds=SEEDS, backward_answer=_backward(name="own_backward") + """
def backward(params, cache, delta_L, act_prime):
    return tuple(own_backward(params, cache, delta_L, act_prime))
"""),
})


# ------------------------------------------------------------------ the bug hunt with any of its bugs left
# Every combination, on three seeds: the key names the bugs left, the message how many. In-process only: one
# more nbgrader submission per combination would buy nothing the hunt entries above do not show end to end.
def _bugs_left(left):
    return "one of the four bugs is" if len(left) == 1 else f"{len(left)} of the four bugs are"


spellings(VARIANTS, {
    "hunt_left_" + "+".join(left): _wrong({"fixed_backward_answer": "+".join(left)},
                                          _bugs_left(left) if len(left) < 4 else None, seeds=SEEDS,
                                          fixed_backward_answer=_hunt(*left))
    for k in range(1, 5) for left in itertools.combinations(_HUNT_BUGS, k)
}, autograde=False)
