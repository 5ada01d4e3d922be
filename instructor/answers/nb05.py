"""Synthetic submissions of ``05_gradient_descent``: the blank one, the correct one, one per diagnosed mistake
(the in-place update, the climbing ``+``, the other momentum conventions, the mini-batch mistakes) and correct
answers written differently.

The ungraded cell ``own_functions_answer`` (the learner's functions from notebooks 02-04, used by the closing
comparison) is filled in the correct submission and left as released in the blank one; it influences no
test cell. See :mod:`instructor.answers` for the format.
"""

from instructor.answers import SEEDS, blank, builders, spellings
from instructor.answers.nb04 import BACKWARD_FROM_PIECES

ASSIGNMENT = "05_gradient_descent"

#: Points of each test cell (as in the notebook).
POINTS = {"gd_step_tests": 2, "minibatches_tests": 2, "momentum_step_tests": 2, "weight_decay_step_tests": 2,
          "q_xor_single_unit_tests": 1}

#: Which test cell grades which answer cell (the ungraded cell grades none).
TEST_OF = {
    "gd_step_answer": "gd_step_tests",
    "minibatches_answer": "minibatches_tests",
    "momentum_step_answer": "momentum_step_tests",
    "own_functions_answer": [],
    "weight_decay_step_answer": "weight_decay_step_tests",
    "q_xor_single_unit_answer": "q_xor_single_unit_tests",
}

CORRECT = {
    "gd_step_answer": """
def gd_step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]
""",
    "minibatches_answer": """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(X.shape[0])
    for start in range(0, X.shape[0], batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]
""",
    "momentum_step_answer": """
def momentum_step(params, grads, velocity, lr, beta):
    new_velocity = [beta * v + g for v, g in zip(velocity, grads)]
    new_params = [p - lr * v for p, v in zip(params, new_velocity)]
    return new_params, new_velocity
""",
    "own_functions_answer": """
def relu(z):
    return np.maximum(z, 0.0)

def relu_prime(z):
    return (z > 0).astype(float)

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

def softmax_cross_entropy(y, z):
    p = softmax(z)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))

def softmax_cross_entropy_grad(y, z):
    p = softmax(z)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)

def hidden_delta(delta_next, W_next, z, act_prime):
    return (delta_next @ W_next.T) * act_prime(z)

def layer_grads(a_prev, delta):
    return a_prev.T @ delta, delta.sum(axis=0)

""" + BACKWARD_FROM_PIECES,
    "weight_decay_step_answer": """
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * (g + lam * p) for p, g in zip(params, grads)]
""",
    "q_xor_single_unit_answer": "\nq_xor_single_unit = 0.75\n",
}


_wrong, _right = builders(CORRECT, POINTS, TEST_OF)


def _momentum(velocity, params, returns="new_params, new_velocity"):
    return f"""
def momentum_step(params, grads, velocity, lr, beta):
    new_velocity = [{velocity} for p, g, v in zip(params, grads, velocity)]
    new_params = [{params} for p, g, v, w in zip(params, grads, velocity, new_velocity)]
    return {returns}
"""


def _batches(order, stop="X.shape[0]", X="X", y="y"):
    return f"""
def minibatches(X, y, batch_size, rng):
    order = {order}
    for start in range(0, {stop}, batch_size):
        idx = order[start:start + batch_size]
        yield {X}[idx], {y}[idx]
"""


VARIANTS = {
    # ------------------------------------------------------------------ nothing written, everything right
    "blank": blank(POINTS),
    "correct": _right(),

    # ------------------------------------------------------------------ q_xor_single_unit (self-check question)
    # COURSE.md's misconception 6 (one unit on XOR): each listed wrong answer, a number nobody listed, a list.
    **{
        f"q_xor_{name}": _wrong({"q_xor_single_unit_answer": key}, q_xor_single_unit_answer=f"\nq_xor_single_unit = {value}\n")
        for name, value, key in (
            ("all_four", "1.0", "xor_separable"), ("chance", "0.5", "xor_loss_optimum"), ("one", "0.25", "xor_flip"),
            ("zero", "0", "xor_zero"), ("percent", "75", "xor_percent"), ("other", "2 / 3", "q_other"),
            ("list", "[0.75, 0.5]", "type"),
        )
    },
    "q_xor_as_fraction": _right(q_xor_single_unit_answer='\nq_xor_single_unit = "3/4"\n'),

    # ------------------------------------------------------------------ gd_step
    "gd_step_in_place": _wrong({"gd_step_answer": "in_place"}, gd_step_answer="""
def gd_step(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g                 # changes the caller's arrays
    return params
"""),
    "gd_step_list_in_place": _wrong({"gd_step_answer": "in_place"}, gd_step_answer="""
def gd_step(params, grads, lr):
    for i in range(len(params)):
        params[i] = params[i] - lr * grads[i]     # new arrays, but stored in the caller's list
    return params
"""),
    "gd_step_climbs": _wrong({"gd_step_answer": "climbs"}, gd_step_answer="""
def gd_step(params, grads, lr):
    return [p + lr * g for p, g in zip(params, grads)]
"""),
    "gd_step_no_lr": _wrong({"gd_step_answer": "lr_ignored"}, gd_step_answer="""
def gd_step(params, grads, lr):
    return [p - g for p, g in zip(params, grads)]
"""),
    "gd_step_step_only": _wrong({"gd_step_answer": "step_only"}, gd_step_answer="""
def gd_step(params, grads, lr):
    return [-lr * g for g in grads]
"""),
    "gd_step_generator": _wrong({"gd_step_answer": "exception"}, gd_step_answer="""
def gd_step(params, grads, lr):
    return (p - lr * g for p, g in zip(params, grads))
"""),
    "gd_step_returns_none": _wrong({"gd_step_answer": "no_return"}, gd_step_answer="""
def gd_step(params, grads, lr):
    new_params = [p - lr * g for p, g in zip(params, grads)]
"""),
    "gd_step_uses_mlcore": _wrong({"gd_step_answer": "reference"}, gd_step_answer="""
step = mlcore.gd_step

def gd_step(params, grads, lr):
    return step(params, grads, lr)
"""),

    # ------------------------------------------------------------------ momentum_step
    "momentum_ema": _wrong({"momentum_step_answer": "ema"},
                           momentum_step_answer=_momentum("beta * v + (1 - beta) * g", "p - lr * w")),
    "momentum_lr_in_velocity": _wrong({"momentum_step_answer": "lr_in_velocity"},
                                      momentum_step_answer=_momentum("beta * v - lr * g", "p + w")),
    "momentum_lr_in_velocity_plus": _wrong({"momentum_step_answer": "lr_in_velocity_plus"},
                                           momentum_step_answer=_momentum("beta * v + lr * g", "p - w")),
    "momentum_old_velocity": _wrong({"momentum_step_answer": "old_velocity"},
                                    momentum_step_answer=_momentum("beta * v + g", "p - lr * v")),
    "momentum_velocity_not_updated": _wrong({"momentum_step_answer": "velocity_not_updated"},
                                            momentum_step_answer=_momentum("beta * v + g", "p - lr * w",
                                                                           returns="new_params, velocity")),
    "momentum_unused": _wrong({"momentum_step_answer": "no_momentum"},
                              momentum_step_answer=_momentum("beta * v + g", "p - lr * g")),
    "momentum_nesterov": _wrong({"momentum_step_answer": "nesterov"},
                                momentum_step_answer=_momentum("beta * v + g", "p - lr * (g + beta * w)")),
    "momentum_climbs": _wrong({"momentum_step_answer": "climbs"},
                              momentum_step_answer=_momentum("beta * v + g", "p + lr * w")),
    "momentum_swapped_outputs": _wrong({"momentum_step_answer": "order"},
                                       momentum_step_answer=_momentum("beta * v + g", "p - lr * w",
                                                                      returns="new_velocity, new_params")),
    "momentum_in_place": _wrong({"momentum_step_answer": ("in_place",)}, "in place", seeds=SEEDS, momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    for p, g, v in zip(params, grads, velocity):
        v *= beta
        v += g
        p -= lr * v
    return params, velocity
"""),
    "momentum_params_only": _wrong({"momentum_step_answer": "exception"},
                                   momentum_step_answer=_momentum("beta * v + g", "p - lr * w", returns="new_params")),

    # ------------------------------------------------------------------ minibatches
    "minibatches_not_shuffled": _wrong({"minibatches_answer": "not_shuffled"},
                                       minibatches_answer=_batches("np.arange(X.shape[0])")),
    "minibatches_pairs_broken": _wrong({"minibatches_answer": "pairs_broken"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    X_shuffled = X[rng.permutation(len(X))]
    y_shuffled = y[rng.permutation(len(y))]       # a second, different permutation
    for start in range(0, len(X), batch_size):
        yield X_shuffled[start:start + batch_size], y_shuffled[start:start + batch_size]
"""),
    "minibatches_drops_last": _wrong({"minibatches_answer": "drops_last"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for b in range(len(X) // batch_size):
        idx = order[b * batch_size:(b + 1) * batch_size]
        yield X[idx], y[idx]
"""),
    "minibatches_with_replacement": _wrong({"minibatches_answer": "with_replacement"},
                                           minibatches_answer=_batches("rng.integers(0, X.shape[0], size=X.shape[0])")),
    "minibatches_global_rng": _wrong({"minibatches_answer": "global_rng"},
                                     minibatches_answer=_batches("np.random.permutation(X.shape[0])")),
    "minibatches_fixed_seed": _wrong({"minibatches_answer": "ignores_rng"},
                                     minibatches_answer=_batches("np.random.default_rng(0).permutation(X.shape[0])")),
    "minibatches_shuffles_in_place": _wrong({"minibatches_answer": "in_place"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    state = rng.bit_generator.state
    rng.shuffle(X)                                  # shuffles the caller's arrays
    rng.bit_generator.state = state
    rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
"""),
    "minibatches_batch_order_only": _wrong({"minibatches_answer": "batch_order_only"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    for start in rng.permutation(np.arange(0, len(X), batch_size)):
        yield X[start:start + batch_size], y[start:start + batch_size]
"""),
    "minibatches_within_batches_only": _wrong({"minibatches_answer": "within_batches_only"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        idx = start + rng.permutation(min(batch_size, len(X) - start))
        yield X[idx], y[idx]
"""),
    "minibatches_empty_last_batch": _wrong({"minibatches_answer": "empty_last_batch"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for b in range(len(X) // batch_size + 1):
        idx = order[b * batch_size:(b + 1) * batch_size]
        yield X[idx], y[idx]
"""),
    "minibatches_uses_mlcore": _wrong({"minibatches_answer": "reference"}, minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    yield from mlcore.minibatches(X, y, batch_size, rng)
"""),

    # ------------------------------------------------------------------ correct, written differently
    "correct_loops": _right(
        gd_step_answer="""
def gd_step(params, grads, lr):
    new = []
    for i in range(len(params)):
        new.append(params[i] - lr * grads[i])
    return new
""",
        momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    new_params, new_velocity = [], []
    for p, g, v in zip(params, grads, velocity):
        v = beta * v + g
        new_velocity.append(v)
        new_params.append(p - lr * v)
    return new_params, new_velocity
""",
        minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    idx = np.arange(len(X))
    rng.shuffle(idx)
    batches = []
    for b in range(int(np.ceil(len(X) / batch_size))):
        sel = idx[b * batch_size:(b + 1) * batch_size]
        batches.append((X[sel], y[sel]))
    return batches
""",
    ),
    "correct_algebraic": _right(
        gd_step_answer="""
def gd_step(params, grads, lr):
    return [np.add(p, np.multiply(-lr, g)) for p, g in zip(params, grads)]
""",
        momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    new_params = [p - lr * beta * v - lr * g for p, g, v in zip(params, grads, velocity)]
    return new_params, [beta * v + g for v, g in zip(velocity, grads)]
""",
        minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    order = rng.choice(len(X), size=len(X), replace=False)
    return [(X[part], y[part]) for part in np.array_split(order, range(batch_size, len(X), batch_size))]
""",
    ),
    "correct_float32": _right(
        gd_step_answer="""
def gd_step(params, grads, lr):
    return [p.astype(np.float32) - np.float32(lr) * g.astype(np.float32) for p, g in zip(params, grads)]
""",
        momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    v32 = [np.float32(beta) * v.astype(np.float32) + g.astype(np.float32) for v, g in zip(velocity, grads)]
    return [p.astype(np.float32) - np.float32(lr) * v for p, v in zip(params, v32)], v32
""",
    ),
    "correct_copy_then_update": _right(
        gd_step_answer="""
def gd_step(params, grads, lr):
    new = [p.copy() for p in params]
    for p, g in zip(new, grads):
        p -= lr * g                  # in place, but on copies
    return new
""",
        minibatches_answer="""
def minibatches(X, y, batch_size, rng):
    perm = rng.permutation(len(X))
    Xs, ys = X[perm], y[perm]
    i = 0
    while i < len(Xs):
        yield Xs[i:i + batch_size], ys[i:i + batch_size]
        i += batch_size
""",
    ),
}

# ---------------------------------------------------------------------- weight_decay_step (second edition), its own block
VARIANTS.update({
    "weight_decay_sign": _wrong({"weight_decay_step_answer": "decay_sign"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * (g - lam * p) for p, g in zip(params, grads)]
"""),
    "weight_decay_half_lambda": _wrong({"weight_decay_step_answer": "decay_half"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * (g + lam / 2 * p) for p, g in zip(params, grads)]
"""),
    "weight_decay_on_gradient": _wrong({"weight_decay_step_answer": "decay_on_gradient"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * (g + lam * g) for p, g in zip(params, grads)]
"""),
    "weight_decay_twice": _wrong({"weight_decay_step_answer": "decayed_twice"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [(1 - lr * lam) * p - lr * (g + lam * p) for p, g in zip(params, grads)]
"""),
    "weight_decay_without_lr": _wrong({"weight_decay_step_answer": "decay_without_lr"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * g - lam * p for p, g in zip(params, grads)]
"""),
    "weight_decay_forgot_gradient": _wrong({"weight_decay_step_answer": "forgot_gradient"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * lam * p for p, g in zip(params, grads)]
"""),
    "weight_decay_not_applied": _wrong({"weight_decay_step_answer": "no_decay"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p - lr * g for p, g in zip(params, grads)]
"""),
    "weight_decay_climbs": _wrong({"weight_decay_step_answer": "climbs"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [p + lr * (g + lam * p) for p, g in zip(params, grads)]
"""),
    "weight_decay_step_only": _wrong({"weight_decay_step_answer": "step_only"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [-lr * (g + lam * p) for p, g in zip(params, grads)]
"""),
    "weight_decay_in_place": _wrong({"weight_decay_step_answer": "in_place"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    for p, g in zip(params, grads):
        p -= lr * (g + lam * p)     # changes the caller's arrays
    return params
"""),
    "weight_decay_generator": _wrong({"weight_decay_step_answer": "exception"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return (p - lr * (g + lam * p) for p, g in zip(params, grads))
"""),
    "weight_decay_calls_reference": _wrong({"weight_decay_step_answer": "reference"}, weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return mlcore.gd_step(params, [g + lam * p for p, g in zip(params, grads)], lr)
"""),
    "correct_weight_decay_shrink_then_step": _right(weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    return [(1 - lr * lam) * p - lr * g for p, g in zip(params, grads)]
"""),
    "correct_weight_decay_loop_float32": _right(weight_decay_step_answer="""
def weight_decay_step(params, grads, lr, lam):
    new = []
    for p, g in zip(params, grads):
        p32, g32 = p.astype(np.float32), g.astype(np.float32)
        new.append(p32 - np.float32(lr) * (g32 + np.float32(lam) * p32))
    return new
"""),
})


# ------------------------------------------------------------------ gd_step on three draws, visible and hidden
# More spellings, right and wrong, each graded on the same three seeds every run (SEEDS).
spellings(VARIANTS, {
    "gd_step_right_1": _right(seeds=SEEDS, gd_step_answer="""
def gd_step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]
"""),
    "gd_step_right_2": _right(seeds=SEEDS, gd_step_answer="""
def gd_step(params, grads, lr):
    new = []
    for i in range(len(params)):
        new.append(params[i] - lr * grads[i])
    return new
"""),
    "gd_step_right_3": _right(seeds=SEEDS, gd_step_answer="""
def gd_step(params, grads, lr):
    new = [p.copy() for p in params]
    for p, g in zip(new, grads):
        p -= lr * g
    return new
"""),
    "gd_step_right_4": _right(seeds=SEEDS, gd_step_answer="""
def gd_step(params, grads, lr):
    return list(map(lambda p, g: np.subtract(p, np.multiply(lr, g)), params, grads))
"""),
    "gd_step_right_5": _right(seeds=SEEDS, gd_step_answer="""
def gd_step(params, grads, lr):
    return [p.astype(np.float32) - np.float32(lr) * g.astype(np.float32) for p, g in zip(params, grads)]
"""),
    "gd_step_right_6": _right(seeds=SEEDS, gd_step_answer="""
def gd_step(params, grads, lr):
    return tuple(p + (-lr) * g for p, g in zip(params, grads))
"""),
    "gd_step_in_place_1": _wrong({"gd_step_answer": ('in_place',)}, 'in place', seeds=SEEDS,
        gd_step_answer="""
def gd_step(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
    return params
"""),
    "gd_step_in_place_2": _wrong({"gd_step_answer": ('in_place',)}, 'in place', seeds=SEEDS,
        gd_step_answer="""
def gd_step(params, grads, lr):
    for i in range(len(params)):
        params[i] = params[i] - lr * grads[i]
    return params
"""),
    "gd_step_climbs_1": _wrong({"gd_step_answer": ('climbs',)}, 'increases the loss', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return [p + lr * g for p, g in zip(P, G)]
"""),
    "gd_step_lr_ignored_1": _wrong({"gd_step_answer": ('lr_ignored',)}, 'learning rate is missing', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return [p - g for p, g in zip(P, G)]
"""),
    "gd_step_lr_divides_1": _wrong({"gd_step_answer": ('lr_divides',)}, 'multiplies', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return [p - g / lr for p, g in zip(P, G)]
"""),
    "gd_step_step_only_1": _wrong({"gd_step_answer": ('step_only',)}, 'step alone', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return [-lr * g for g in G]
"""),
    "gd_step_reference_1": _wrong({"gd_step_answer": ('reference',)}, 'your own implementation', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return mlcore.gd_step(P, G, lr)
"""),
    "gd_step_no_return_1": _wrong({"gd_step_answer": ('no_return',)}, 'return', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return None
"""),
    "gd_step_exception_1": _wrong({"gd_step_answer": ('exception',)}, 'list(...)', seeds=SEEDS,
        gd_step_answer="""
def gd_step(P, G, lr):
    return (p - lr * g for p, g in zip(P, G))
"""),
    "momentum_step_right_1": _right(seeds=SEEDS, momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    v = [beta * v + g for v, g in zip(velocity, grads)]
    return [p - lr * w for p, w in zip(params, v)], v
"""),
    "momentum_step_right_2": _right(seeds=SEEDS, momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    new_p, new_v = [], []
    for p, g, v in zip(params, grads, velocity):
        v2 = beta * v + g
        new_v.append(v2)
        new_p.append(p - lr * v2)
    return new_p, new_v
"""),
    "momentum_step_right_3": _right(seeds=SEEDS, momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    # p - lr * (beta v + g) written out
    new_p = [p - lr * beta * v - lr * g for p, g, v in zip(params, grads, velocity)]
    return new_p, [np.add(np.multiply(beta, v), g) for v, g in zip(velocity, grads)]
"""),
    "momentum_step_right_4": _right(seeds=SEEDS, momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    v = [np.float32(beta) * v.astype(np.float32) + g.astype(np.float32) for v, g in zip(velocity, grads)]
    return [p.astype(np.float32) - np.float32(lr) * w for p, w in zip(params, v)], v
"""),
    "momentum_step_right_5": _right(seeds=SEEDS, momentum_step_answer="""
def momentum_step(params, grads, velocity, lr, beta):
    v = tuple(beta * v + g for v, g in zip(velocity, grads))
    return tuple(p - lr * w for p, w in zip(params, v)), v
"""),
})
