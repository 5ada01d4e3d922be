"""Synthetic submissions of ``02_sigmoid_derivative``: the blank one, the correct one, one per diagnosed
mistake (COURSE.md's tanh(z)(1 - tanh(z)) and the derivative taken at a instead of z among them), and correct
answers written differently (loops, np.vectorize, einsum, algebraic variants, float32, booleans for relu').

See :mod:`instructor.answers` for the format. The correct ``sigmoid_prime`` here uses
``mlcore.sigmoid`` (as the notebook allows), so a variant's wrong ``sigmoid`` fails only its own cell.
"""

from instructor.answers import SEEDS, blank, builders

ASSIGNMENT = "02_sigmoid_derivative"

#: Points of each test cell (as in the notebook).
POINTS = {
    "sigmoid_tests": 1,
    "sigmoid_prime_tests": 1,
    "tanh_prime_tests": 1,
    "relu_prime_tests": 1,
    "leaky_relu_prime_tests": 1,
    "q_relu_vanishing_tests": 1,
}

#: Which test cell grades which answer cell.
TEST_OF = {
    "sigmoid_answer": "sigmoid_tests",
    "sigmoid_prime_answer": "sigmoid_prime_tests",
    "tanh_prime_answer": "tanh_prime_tests",
    "relu_prime_answer": "relu_prime_tests",
    "leaky_relu_prime_answer": "leaky_relu_prime_tests",
    "q_relu_vanishing_answer": "q_relu_vanishing_tests",
}

CORRECT = {
    "sigmoid_answer": """
def sigmoid(z):
    e = np.exp(-np.abs(z))             # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
""",
    "sigmoid_prime_answer": """
def sigmoid_prime(z):
    s = mlcore.sigmoid(z)
    return s * (1.0 - s)
""",
    "tanh_prime_answer": """
def tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2
""",
    "relu_prime_answer": """
def relu_prime(z):
    return np.where(z > 0, 1.0, 0.0)
""",
    "leaky_relu_prime_answer": """
def leaky_relu_prime(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha)
""",
    "q_relu_vanishing_answer": """
q_relu_vanishing = 'b'
""",
}


_wrong, _right = builders(CORRECT, POINTS, TEST_OF)


VARIANTS = {
    # ------------------------------------------------------------------ nothing written, everything right
    "blank": blank(POINTS),
    "correct": _right(),

    # ------------------------------------------------------------------ sigmoid: COURSE.md's "warning-free"
    # The textbook formula: right numbers, but "overflow encountered in exp" at z = -1000.
    "sigmoid_textbook_overflow": _wrong({"sigmoid_answer": "warning"}, ("overflow encountered in exp", "np.exp(-np.abs(z))"), seeds=SEEDS,
                                       sigmoid_answer="""
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
"""),
    # np.where evaluates both branches for every entry, so the two-branch idea still overflows.
    "sigmoid_where_both_branches": _wrong({"sigmoid_answer": "warning"}, seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
"""),
    "sigmoid_exp_over_one_plus_exp": _wrong({"sigmoid_answer": "sigmoid_nan_large_z"}, seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return np.exp(z) / (1 + np.exp(z))
"""),
    "sigmoid_sign": _wrong({"sigmoid_answer": "sigmoid_sign"}, seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))     # branches swapped
"""),
    "sigmoid_is_tanh": _wrong({"sigmoid_answer": "sigmoid_is_tanh"}, seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return np.tanh(z)                   # the other S-shaped curve
"""),
    "sigmoid_in_place": _wrong({"sigmoid_answer": "in_place"}, seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    positive = z >= 0
    np.abs(z, out=z)                    # reuses the caller's array
    np.negative(z, out=z)
    np.exp(z, out=z)
    return np.where(positive, 1 / (1 + z), z / (1 + z))
"""),
    "sigmoid_calls_reference": _wrong({"sigmoid_answer": "reference"}, seeds=SEEDS, sigmoid_answer="""
from mlcore.activations import sigmoid as library_sigmoid

def sigmoid(z):
    return library_sigmoid(z)
"""),

    # ------------------------------------------------------------------ sigmoid_prime
    "sigmoid_prime_returns_activation": _wrong({"sigmoid_prime_answer": "activation_not_derivative"}, seeds=SEEDS,
        sigmoid_prime_answer="""
def sigmoid_prime(z):
    return mlcore.sigmoid(z)
"""),
    # COURSE.md: the derivative taken with respect to the wrong variable (sigma' applied to a = sigma(z)).
    "sigmoid_prime_at_a": _wrong({"sigmoid_prime_answer": "derivative_at_a"}, seeds=SEEDS, sigmoid_prime_answer="""
def sigmoid_prime(z):
    a = mlcore.sigmoid(z)
    s = mlcore.sigmoid(a)
    return s * (1 - s)
"""),
    "sigmoid_prime_plus": _wrong({"sigmoid_prime_answer": "sigmoid_prime_plus"}, seeds=SEEDS, sigmoid_prime_answer="""
def sigmoid_prime(z):
    s = mlcore.sigmoid(z)
    return s * (1 + s)
"""),
    "sigmoid_prime_tanh_pattern": _wrong({"sigmoid_prime_answer": "tanh_pattern_for_sigmoid"}, seeds=SEEDS,
        sigmoid_prime_answer="""
def sigmoid_prime(z):
    return 1 - mlcore.sigmoid(z) ** 2
"""),
    "sigmoid_prime_one_minus_only": _wrong({"sigmoid_prime_answer": "one_minus_sigma_only"}, seeds=SEEDS,
        sigmoid_prime_answer="""
def sigmoid_prime(z):
    return 1 - mlcore.sigmoid(z)
"""),
    "sigmoid_prime_returns_none": _wrong({"sigmoid_prime_answer": "no_return"}, sigmoid_prime_answer="""
def sigmoid_prime(z):
    s = mlcore.sigmoid(z)
    derivative = s * (1 - s)
"""),

    # ------------------------------------------------------------------ tanh_prime: COURSE.md's misconception
    "tanh_prime_sigmoid_pattern": _wrong({"tanh_prime_answer": "tanh_sigmoid_pattern"}, ("sigmoid's pattern", "1 - tanh(z)**2"), seeds=SEEDS,
                                        tanh_prime_answer="""
def tanh_prime(z):
    t = np.tanh(z)
    return t * (1 - t)
"""),
    # COURSE.md: the activation applied twice (tanh of an already-activated value).
    "tanh_prime_at_a": _wrong({"tanh_prime_answer": "derivative_at_a"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    a = np.tanh(z)
    return 1 - np.tanh(a) ** 2
"""),
    "tanh_prime_returns_activation": _wrong({"tanh_prime_answer": "activation_not_derivative"}, seeds=SEEDS,
        tanh_prime_answer="""
def tanh_prime(z):
    return np.tanh(z)
"""),
    "tanh_prime_no_square": _wrong({"tanh_prime_answer": "tanh_no_square"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    return 1 - np.tanh(z)
"""),
    "tanh_prime_plus_square": _wrong({"tanh_prime_answer": "tanh_plus_square"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    return 1 + np.tanh(z) ** 2
"""),
    "tanh_prime_is_sigmoid_prime": _wrong({"tanh_prime_answer": "sigmoid_prime_for_tanh"}, seeds=SEEDS,
        tanh_prime_answer="""
def tanh_prime(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
"""),
    "tanh_prime_sech": _wrong({"tanh_prime_answer": "sech_not_squared"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    return 1 / np.cosh(z)
"""),
    "tanh_prime_sign": _wrong({"tanh_prime_answer": "sign"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    return np.tanh(z) ** 2 - 1
"""),

    # ------------------------------------------------------------------ relu_prime
    "relu_prime_one_at_zero": _wrong({"relu_prime_answer": "relu_prime_one_at_zero"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return (z >= 0).astype(float)
"""),
    "relu_prime_half_at_zero": _wrong({"relu_prime_answer": "relu_prime_half_at_zero"}, seeds=SEEDS,
        relu_prime_answer="""
def relu_prime(z):
    return np.heaviside(z, 0.5)
"""),
    "relu_prime_returns_activation": _wrong({"relu_prime_answer": "activation_not_derivative"}, seeds=SEEDS,
        relu_prime_answer="""
def relu_prime(z):
    return np.maximum(z, 0)
"""),
    "relu_prime_flipped": _wrong({"relu_prime_answer": "relu_prime_flipped"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return np.where(z > 0, 0.0, 1.0)
"""),
    "relu_prime_sign_function": _wrong({"relu_prime_answer": "sign_function"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return np.sign(z)
"""),
    # Python's `if` on a whole array: "truth value of an array ... is ambiguous".
    "relu_prime_if_on_array": _wrong({"relu_prime_answer": "shape_dependent"}, relu_prime_answer="""
def relu_prime(z):
    if z > 0:
        return 1.0
    return 0.0
"""),

    # ------------------------------------------------------------------ correct, written differently
    "correct_loops": _right(
        sigmoid_answer="""
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, v in np.ndenumerate(z):
        if v >= 0:
            out[index] = 1 / (1 + np.exp(-v))
        else:
            out[index] = np.exp(v) / (1 + np.exp(v))
    return out
""",
        sigmoid_prime_answer="""
def sigmoid_prime(z):
    out = np.zeros(np.shape(z))
    for index in np.ndindex(out.shape):
        s = mlcore.sigmoid(z[index])
        out[index] = s * (1 - s)
    return out
""",
        relu_prime_answer="""
def relu_prime(z):
    out = np.zeros(np.shape(z))
    for index in np.ndindex(out.shape):
        if z[index] > 0:
            out[index] = 1.0
    return out
""",
    ),
    "correct_vectorize": _right(
        tanh_prime_answer="""
tanh_prime = np.vectorize(lambda v: 1 - np.tanh(v) ** 2, otypes=[float])
""",
        relu_prime_answer="""
relu_prime = np.vectorize(lambda v: 1.0 if v > 0 else 0.0, otypes=[float])
""",
    ),
    # tanh(z) = 2 sigma(2z) - 1 both ways, sigma' through the learner's own sigmoid, booleans for relu'.
    "correct_algebraic": _right(
        sigmoid_answer="""
def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))
""",
        sigmoid_prime_answer="""
def sigmoid_prime(z):
    return sigmoid(z) * sigmoid(-z)          # sigma(-z) = 1 - sigma(z)
""",
        tanh_prime_answer="""
def tanh_prime(z):
    s = mlcore.sigmoid(2 * z)
    return 4 * s * (1 - s)                   # tanh(z) = 2 sigma(2z) - 1
""",
        relu_prime_answer="""
def relu_prime(z):
    return z > 0                             # booleans with the right values are accepted
""",
    ),
    "correct_einsum_logaddexp": _right(
        sigmoid_answer="""
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))    # log sigma(z) = -log(1 + e^{-z})
""",
        tanh_prime_answer="""
def tanh_prime(z):
    t = np.tanh(np.asarray(z, dtype=float))
    return 1 - np.einsum("...,...->...", t, t)
""",
        relu_prime_answer="""
def relu_prime(z):
    return np.heaviside(z, 0.0)
""",
    ),
    "correct_float32": _right(
        sigmoid_answer="""
def sigmoid(z):
    e = np.exp(-np.abs(z)).astype(np.float32)
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
""",
        sigmoid_prime_answer="""
def sigmoid_prime(z):
    s = mlcore.sigmoid(np.asarray(z, dtype=np.float32))
    return s * mlcore.sigmoid(-np.asarray(z, dtype=np.float32))
""",
        tanh_prime_answer="""
def tanh_prime(z):
    return 1 / np.cosh(np.asarray(z, dtype=np.float32)) ** 2
""",
        relu_prime_answer="""
def relu_prime(z):
    return (z > 0).astype(np.float32)
""",
    ),
}

# ---------------------------------------------------------------------- leaky_relu_prime (second edition), its own block
VARIANTS.update({
    "leaky_is_relu_prime": _wrong({"leaky_relu_prime_answer": "relu_prime_not_leaky"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return (z > 0).astype(float)
"""),
    "leaky_slopes_swapped": _wrong({"leaky_relu_prime_answer": "leaky_slopes_swapped"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return np.where(z > 0, alpha, 1.0)
"""),
    "leaky_one_at_zero": _wrong({"leaky_relu_prime_answer": "leaky_one_at_zero"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return np.where(z >= 0, 1.0, alpha)
"""),
    "leaky_zero_at_zero": _wrong({"leaky_relu_prime_answer": "leaky_zero_at_zero"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.0) + np.where(z < 0, alpha, 0.0)
"""),
    "leaky_alpha_hard_coded": _wrong({"leaky_relu_prime_answer": "alpha_ignored"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.01)
"""),
    "leaky_activation_not_derivative": _wrong({"leaky_relu_prime_answer": "activation_not_derivative"},
                                              leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)
"""),
    # The signature without the default: the checks that leave alpha out raise a TypeError.
    "leaky_no_default_alpha": _wrong({"leaky_relu_prime_answer": "exception"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha):
    return np.where(z > 0, 1.0, alpha)
"""),
    "leaky_calls_reference": _wrong({"leaky_relu_prime_answer": "reference"}, leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    return mlcore.relu_prime(z) + alpha * (z <= 0)
"""),
    "correct_leaky_loops": _right(leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    out = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        out[index] = 1.0 if z[index] > 0 else alpha
    return out
"""),
    "correct_leaky_fill_float32": _right(leaky_relu_prime_answer="""
def leaky_relu_prime(z, alpha=0.01):
    g = np.full(z.shape, alpha, dtype=np.float32)
    g[z > 0] = 1
    return g
"""),
})

# ---------------------------------------------------------------------- self-check question q_relu_vanishing
VARIANTS.update({
    "q_relu_vanishing_answers_a": _wrong({"q_relu_vanishing_answer": "q_choice_a"}, q_relu_vanishing_answer="q_relu_vanishing = 'a'\n"),
    "q_relu_vanishing_answers_c": _wrong({"q_relu_vanishing_answer": "q_choice_c"}, q_relu_vanishing_answer="q_relu_vanishing = 'c'\n"),
    "q_relu_vanishing_answers_d": _wrong({"q_relu_vanishing_answer": "q_choice_d"}, q_relu_vanishing_answer="q_relu_vanishing = 'd'\n"),
    "q_relu_vanishing_answers_e": _wrong({"q_relu_vanishing_answer": "q_not_a_choice"}, q_relu_vanishing_answer="q_relu_vanishing = 'e'\n"),
    "q_relu_vanishing_answers_a_list": _wrong({"q_relu_vanishing_answer": "type"}, q_relu_vanishing_answer="q_relu_vanishing = ['b']\n"),
})

# ---------------------------------------------------------------------- more ways to write each function, each
# graded on the same three seeds every run (tests/test_catalogue.py)
_SIGMOID = """
def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
VARIANTS.update({
    "sigmoid_negated": _wrong({"sigmoid_answer": "sign"}, seeds=SEEDS, sigmoid_answer=_SIGMOID + """
def sigmoid(z):
    return -_sigmoid(z)
"""),
    "sigmoid_doubled": _wrong({"sigmoid_answer": "factor"}, seeds=SEEDS, sigmoid_answer=_SIGMOID + """
def sigmoid(z):
    return 2 * _sigmoid(z)
"""),
    "sigmoid_returns_none": _wrong({"sigmoid_answer": "no_return"}, seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return None
"""),
    "sigmoid_at_least_1d": _wrong({"sigmoid_answer": "not_scalar"}, seeds=SEEDS, sigmoid_answer=_SIGMOID + """
def sigmoid(z):
    return _sigmoid(np.atleast_1d(z))
"""),
    "sigmoid_flattened": _wrong({"sigmoid_answer": "shape"}, seeds=SEEDS, sigmoid_answer=_SIGMOID + """
def sigmoid(z):
    return _sigmoid(z).ravel() if np.ndim(z) > 1 else _sigmoid(z)
"""),
    "sigmoid_prime_negated": _wrong({"sigmoid_prime_answer": "sign"}, seeds=SEEDS, sigmoid_prime_answer=_SIGMOID + """
def sigmoid_prime(z):
    s = _sigmoid(z)
    return -(s - s**2)
"""),
    "sigmoid_prime_times_4": _wrong({"sigmoid_prime_answer": "factor"}, seeds=SEEDS, sigmoid_prime_answer=_SIGMOID + """
def sigmoid_prime(z):
    s = _sigmoid(z)
    return 4 * (s - s**2)
"""),
    "sigmoid_prime_calls_reference": _wrong({"sigmoid_prime_answer": "reference"}, seeds=SEEDS,
                                            sigmoid_prime_answer="""
def sigmoid_prime(z):
    return mlcore.sigmoid_prime(z)
"""),
    "tanh_prime_halved": _wrong({"tanh_prime_answer": "factor"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    return 0.5 * (1 - np.tanh(z) ** 2)
"""),
    "tanh_prime_calls_reference": _wrong({"tanh_prime_answer": "reference"}, seeds=SEEDS, tanh_prime_answer="""
def tanh_prime(z):
    return mlcore.tanh_prime(z)
"""),
    "relu_prime_heaviside_one": _wrong({"relu_prime_answer": "relu_prime_one_at_zero"}, seeds=SEEDS,
                                       relu_prime_answer="""
def relu_prime(z):
    return np.heaviside(z, 1.0)
"""),
    "relu_prime_less_than": _wrong({"relu_prime_answer": "relu_prime_flipped"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return (z < 0).astype(float)
"""),
    "relu_prime_at_most": _wrong({"relu_prime_answer": "relu_prime_flipped"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return (z <= 0).astype(float)
"""),
    "relu_prime_doubled": _wrong({"relu_prime_answer": "factor"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return 2.0 * (z > 0)
"""),
    "relu_prime_calls_reference": _wrong({"relu_prime_answer": "reference"}, seeds=SEEDS, relu_prime_answer="""
def relu_prime(z):
    return mlcore.relu_prime(z)
"""),
    # Correct, written differently: each entry answers the four functions its own way.
    "correct_forms_two_branch": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
""", sigmoid_prime_answer="""
def sigmoid_prime(z):
    s = mlcore.sigmoid(z)
    return s * (1 - s)
""", tanh_prime_answer="""
def tanh_prime(z):
    s = 1 / (1 + np.exp(-2 * np.abs(z)))
    s = np.where(z >= 0, s, 1 - s)      # sigmoid(2z), either sign
    return 4 * s * (1 - s)
""", relu_prime_answer="""
def relu_prime(z):
    return np.where(z > 0, 1.0, 0.0)
"""),
    "correct_forms_masks": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out
""", sigmoid_prime_answer="""
def sigmoid_prime(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2
""", tanh_prime_answer="""
def tanh_prime(z):
    return 1 / np.cosh(z) ** 2
""", relu_prime_answer="""
def relu_prime(z):
    return (z > 0).astype(float)
"""),
    "correct_forms_tanh": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))
""", sigmoid_prime_answer=_SIGMOID + """
def sigmoid_prime(z):
    return _sigmoid(z) * _sigmoid(-z)
""", tanh_prime_answer="""
def tanh_prime(z):
    t = np.tanh(z)
    return (1 - t) * (1 + t)
""", relu_prime_answer="""
def relu_prime(z):
    return np.heaviside(z, 0.0)
"""),
    "correct_forms_logaddexp": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))
""", sigmoid_prime_answer=_SIGMOID + """
def sigmoid_prime(z):
    s = _sigmoid(z)
    return s - s**2
""", tanh_prime_answer="""
def tanh_prime(z):
    return 4 / (np.exp(z) + np.exp(-z)) ** 2
""", relu_prime_answer="""
def relu_prime(z):
    return z > 0      # booleans: the right values, accepted
"""),
    "correct_forms_clipped": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))
""", sigmoid_prime_answer="""
def sigmoid_prime(z):
    return 0.25 / np.cosh(z / 2) ** 2
""", tanh_prime_answer="""
def tanh_prime(z):
    t = np.tanh(np.asarray(z, dtype=float))
    return 1 - np.einsum("...,...->...", t, t)
""", relu_prime_answer="""
def relu_prime(z):
    return (z > 0).astype(int)
"""),
    "correct_forms_loops": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, v in np.ndenumerate(z):
        out[index] = 1 / (1 + np.exp(-v)) if v >= 0 else np.exp(v) / (1 + np.exp(v))
    return out
""", sigmoid_prime_answer="""
def sigmoid_prime(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        s = 1 / (1 + np.exp(-z[index]))
        out[index] = s * (1 - s)
    return out
""", tanh_prime_answer="""
tanh_prime = np.vectorize(lambda v: 1 - np.tanh(v) ** 2, otypes=[float])
""", relu_prime_answer="""
def relu_prime(z):
    return np.greater(z, 0).astype(np.float32)
"""),
    "correct_forms_vectorize": _right(seeds=SEEDS, sigmoid_answer="""
def sigmoid(z):
    def one(v):
        return 1 / (1 + np.exp(-v)) if v >= 0 else np.exp(v) / (1 + np.exp(v))

    return np.vectorize(one, otypes=[float])(z)
""", sigmoid_prime_answer=_SIGMOID + """
def sigmoid_prime(z):
    z = np.asarray(z, dtype=np.float32)
    return _sigmoid(z) * _sigmoid(-z)
""", tanh_prime_answer="""
def tanh_prime(z):
    return 1 / np.cosh(np.asarray(z, dtype=np.float32)) ** 2
""", relu_prime_answer="""
def relu_prime(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros(z.shape)
    for index in np.ndindex(z.shape):
        if z[index] > 0:
            out[index] = 1.0
    return out
"""),
    "correct_forms_float32": _right(seeds=SEEDS, sigmoid_answer=_SIGMOID + """
def sigmoid(z):
    return _sigmoid(np.asarray(z, dtype=np.float32))
""", relu_prime_answer="""
relu_prime = np.vectorize(lambda v: 1.0 if v > 0 else 0.0, otypes=[float])
"""),
})
