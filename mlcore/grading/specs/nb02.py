"""Exercises of notebook 02: ``sigmoid``, ``sigmoid_prime``, ``tanh_prime``, ``relu_prime``.

All four are elementwise, so every check feeds arrays of 0, 1, 2 and 3 dimensions. Choices made here
(the notebook tells the learner the same):

- ``sigmoid`` must be finite *and warning-free* for every float64 input (COURSE.md), so its checks
  always include large magnitudes (up to 1e30 in the hidden ones) and ``no_warnings`` is on: the
  textbook ``1 / (1 + np.exp(-z))`` gives the right numbers at ``z = -1000`` but prints "overflow
  encountered in exp", and that warning is the graded mistake.
- ``sigmoid_prime`` and ``tanh_prime`` are checked for |z| up to about 40: wide enough to reach the
  saturated tails, not so wide that a correct textbook formula such as ``np.exp(-z) / (1 + np.exp(-z))**2``
  overflows. Their warnings are ignored.
- ``relu_prime``: the checks include exact zeros (and -0.0), where relu'(0) = 0 is the course's convention.
  A boolean or integer array with the right values (``z > 0``) passes: the values are right and
  multiplying by it in backpropagation gives the right result.
"""

import numpy as np

from mlcore import activations as _activations
from mlcore.grading.exercise import Exercise, Mistake
from mlcore.grading.question import Question
from mlcore.grading.specs.plain import sigmoid as _sig
from mlcore.grading.specs.plain import sigmoid_prime as _sig_prime

# Plain NumPy pieces for building the learners' wrong answers; never the guarded references.


def _naive_sigmoid(z):
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _exp_over_sigmoid(z):
    with np.errstate(all="ignore"):
        return np.exp(z) / (1.0 + np.exp(z))


# ------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------


def _shape(rng, ndim, high):
    return tuple(int(n) for n in rng.integers(1, high + 1, size=ndim))


def _visible_shapes(rng):
    """One case of each number of dimensions 0..3, plus a second 1-d one of length 1."""
    return [(), (int(rng.integers(2, 7)),), (1,), _shape(rng, 2, 5), _shape(rng, 3, 4)]


def _hidden_shapes(rng, count=20):
    shapes = [(), (1,), (1, 1), (1, 1, 1), (int(rng.integers(2, 9)),) * 2]
    while len(shapes) < count:
        ndim = int(rng.integers(0, 4))
        shapes.append(_shape(rng, ndim, int(rng.choice([4, 12]))))
    return shapes


def _draw(rng, shape, scale):
    return np.asarray(scale * rng.standard_normal(shape), dtype=np.float64)


def _with_extremes(rng, z, extremes):
    """Overwrite some entries of ``z`` (at least one when it has any) with values from ``extremes``."""
    z = np.array(z, dtype=np.float64)
    flat = z.reshape(-1)
    k = max(1, flat.size // 3)
    where = rng.choice(flat.size, size=min(k, flat.size), replace=False)
    flat[where] = rng.choice(extremes, size=where.size)
    return flat.reshape(z.shape)


# Far beyond exp's range (e^709.8 is float64's largest), but never so close to its edge that the
# expected value is a subnormal number (whose square underflows and hides a constant factor).
_SIGMOID_EXTREMES = np.array([-1000.0, 1000.0, -800.0, 800.0, -40.0, 40.0, -1e4, 1e4])
_SIGMOID_HUGE = np.array([-1e30, 1e30, -1e20, 1e20, -1000.0, 1000.0])


def _sigmoid_cases(rng, hidden):
    if not hidden:
        shapes = _visible_shapes(rng)
        cases = [{"z": _draw(rng, s, 3.0)} for s in shapes]
        cases.append({"z": np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])})
        return cases
    cases = []
    for i, s in enumerate(_hidden_shapes(rng)):
        z = _draw(rng, s, float(rng.choice([1.0, 5.0, 30.0])))
        if i % 2 == 0:
            z = _with_extremes(rng, z, _SIGMOID_EXTREMES)
        elif i % 5 == 1:
            z = _with_extremes(rng, z, _SIGMOID_HUGE)
        cases.append({"z": z})
    # Every value in the overflow zone of both textbook forms, in both signs.
    cases.append({"z": np.linspace(-1000.0, 1000.0, 41)})
    return cases


def _smooth_cases(scale, tail):
    """Cases for sigma' and tanh': mostly moderate z, some with saturated tails up to ``tail``."""

    def cases(rng, hidden):
        if not hidden:
            return [{"z": _draw(rng, s, scale)} for s in _visible_shapes(rng)]
        out = []
        for i, s in enumerate(_hidden_shapes(rng)):
            z = _draw(rng, s, scale)
            if i % 3 == 2 and z.size > 1:
                # Keep one moderate entry so the case's scale (and so its tolerance) stays about 1.
                z = _with_extremes(rng, z, rng.uniform(-tail, tail, size=8))
                z.reshape(-1)[0] = rng.uniform(-1, 1)
            out.append({"z": z})
        out.append({"z": np.linspace(-tail, tail, 33)})
        return out

    return cases


def _relu_cases(rng, hidden):
    def one(shape):
        z = _draw(rng, shape, 2.0)
        flat = z.reshape(-1)
        if flat.size:
            # Exact zeros (and a negative zero) where the convention relu'(0) = 0 matters, plus small
            # integers like the ones a data set of counts would give.
            k = max(1, flat.size // 3)
            where = rng.choice(flat.size, size=k, replace=False)
            flat[where] = rng.choice([0.0, 0.0, -0.0, 1.0, -1.0, 2.0, -3.0], size=k)
        return z

    if not hidden:
        cases = [{"z": one(s)} for s in _visible_shapes(rng)]
        cases.append({"z": np.array([-2.0, -0.5, 0.0, 0.5, 2.0])})
        return cases
    cases = [{"z": one(s)} for s in _hidden_shapes(rng)]
    cases += [{"z": np.array(0.0)}, {"z": np.array([0.0, -0.0, 1e-300, -1e-300, 5.0, -5.0])}]
    return cases


def _no_sizes(**case):
    # Elementwise functions: the only constant factors worth naming are numbers (2, 1/2, 4...).
    return {}


# ------------------------------------------------------------------------------------------------
# Mistakes
# ------------------------------------------------------------------------------------------------

SIGMOID_OVERFLOW = (
    "For large |z| np.exp overflows (at z = -1000, e^{-z} = e^{1000} is beyond float64's range, about "
    "e^{709.8}): the numbers may come out right, but NumPy prints the warning, and sigmoid must be "
    "finite and warning-free for every input. Use the two-branch form built from "
    "e = np.exp(-np.abs(z)), which never overflows: 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0. (np.where(cond, A, B) computes both A and B "
    "for every entry before choosing, so it does not protect np.exp(-z) or np.exp(z) inside A or B.)"
)

SIGMOID = Exercise(
    name="sigmoid",
    reference=_activations.sigmoid,
    cases=_sigmoid_cases,
    sizes=_no_sizes,
    mistakes=(
        Mistake(
            "sigmoid_nan_large_z",
            "Your sigmoid returns NaN for large positive z: e^z / (1 + e^z) is inf / inf = NaN once e^z "
            "overflows (z > 709). Use the two-branch form built from e = np.exp(-np.abs(z)), which never "
            "overflows: 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0.",
            _exp_over_sigmoid,
        ),
        Mistake(
            "sigmoid_sign",
            "Your values are sigma(-z) = 1 - sigma(z): check the sign in the exponent (sigma(z) = "
            "1 / (1 + e^{-z}), which is near 1 for large positive z), or whether the two branches are "
            "swapped.",
            lambda z: _sig(-z),
        ),
        Mistake(
            "sigmoid_is_tanh",
            "Your values are tanh(z), which lies in (-1, 1); the sigmoid lies in (0, 1): "
            "sigma(z) = 1 / (1 + e^{-z}) = (1 + tanh(z/2)) / 2.",
            lambda z: np.tanh(z),
        ),
    ),
    guarded=("sigmoid",),
    no_warnings=SIGMOID_OVERFLOW,
    rtol=1e-6,
)

SIGMOID_PRIME = Exercise(
    name="sigmoid_prime",
    reference=_activations.sigmoid_prime,
    cases=_smooth_cases(3.0, 40.0),
    sizes=_no_sizes,
    mistakes=(
        Mistake(
            "activation_not_derivative",
            "Your values are sigma(z) itself, the activation, where its derivative belongs: "
            "sigma'(z) = sigma(z) * (1 - sigma(z)).",
            _sig,
        ),
        Mistake(
            "derivative_at_a",
            "Your values are sigma'(sigma(z)): the derivative taken at the activation a = sigma(z) "
            "instead of at z (the sigmoid applied twice). sigmoid_prime receives z: compute s = sigmoid(z) "
            "once and return s * (1 - s).",
            lambda z: _sig_prime(_sig(z)),
        ),
        Mistake(
            "sigmoid_prime_plus",
            "Your values are sigma(z) * (1 + sigma(z)); the derivative is sigma(z) * (1 - sigma(z)) "
            "(from e^{-z} / (1 + e^{-z}) = 1 - sigma(z)).",
            lambda z: _sig(z) * (1.0 + _sig(z)),
        ),
        Mistake(
            "tanh_pattern_for_sigmoid",
            "Your values are 1 - sigma(z)^2: that is tanh's pattern (tanh' = 1 - tanh^2) applied to the "
            "sigmoid. The sigmoid's derivative is sigma(z) * (1 - sigma(z)).",
            lambda z: 1.0 - _sig(z) ** 2,
        ),
        Mistake(
            "one_minus_sigma_only",
            "Your values are 1 - sigma(z): a factor sigma(z) is missing. sigma'(z) = sigma(z) * (1 - sigma(z)).",
            lambda z: 1.0 - _sig(z),
        ),
    ),
    guarded=("sigmoid_prime",),
)

TANH_PRIME = Exercise(
    name="tanh_prime",
    reference=_activations.tanh_prime,
    cases=_smooth_cases(2.0, 20.0),
    sizes=_no_sizes,
    mistakes=(
        Mistake(
            "tanh_sigmoid_pattern",
            "Your values are tanh(z) * (1 - tanh(z)): the sigmoid's pattern sigma * (1 - sigma) carried "
            "over to tanh, a mistake printed in several popular write-ups. It is negative for z < 0 and 0 "
            "at z = 0, where tanh is steepest. The derivative is tanh'(z) = 1 - tanh(z)**2 (quotient rule "
            "on (e^z - e^-z) / (e^z + e^-z)).",
            lambda z: np.tanh(z) * (1.0 - np.tanh(z)),
        ),
        Mistake(
            "activation_not_derivative",
            "Your values are tanh(z) itself, the activation, where its derivative belongs: "
            "tanh'(z) = 1 - tanh(z)**2.",
            lambda z: np.tanh(z),
        ),
        Mistake(
            "derivative_at_a",
            "Your values are 1 - tanh(tanh(z))**2: the derivative taken at the activation a = tanh(z) "
            "instead of at z (tanh applied twice). tanh_prime receives z: return 1 - np.tanh(z)**2.",
            lambda z: 1.0 - np.tanh(np.tanh(z)) ** 2,
        ),
        Mistake(
            "tanh_no_square",
            "Your values are 1 - tanh(z): the square is missing. tanh'(z) = 1 - tanh(z)**2.",
            lambda z: 1.0 - np.tanh(z),
        ),
        Mistake(
            "tanh_plus_square",
            "Your values are 1 + tanh(z)**2; the derivative is 1 - tanh(z)**2 (it is at most 1, at z = 0).",
            lambda z: 1.0 + np.tanh(z) ** 2,
        ),
        Mistake(
            "sigmoid_prime_for_tanh",
            "Your values are sigma(z) * (1 - sigma(z)), the sigmoid's derivative. For tanh it is "
            "1 - tanh(z)**2 (equivalently 4 sigma(2z) (1 - sigma(2z)), since tanh(z) = 2 sigma(2z) - 1).",
            _sig_prime,
        ),
        Mistake(
            "sech_not_squared",
            "Your values are 1 / cosh(z); the derivative is 1 / cosh(z)**2 = 1 - tanh(z)**2.",
            lambda z: 1.0 / np.cosh(np.clip(z, -700, 700)),
        ),
    ),
    guarded=("tanh_prime",),
)

RELU_PRIME = Exercise(
    name="relu_prime",
    reference=_activations.relu_prime,
    cases=_relu_cases,
    sizes=_no_sizes,
    mistakes=(
        Mistake(
            "relu_prime_one_at_zero",
            "Your values are right except at z = 0, where you return 1 (z >= 0). ReLU has no derivative "
            "at 0; this course (like PyTorch) uses the convention relu'(0) = 0: return 1.0 where z > 0 "
            "(strictly), else 0.0.",
            lambda z: np.where(z >= 0, 1.0, 0.0),
        ),
        Mistake(
            "relu_prime_half_at_zero",
            "Your values are right except at z = 0, where you return 0.5 (e.g. np.heaviside(z, 0.5)). "
            "This course (like PyTorch) uses the convention relu'(0) = 0: return 1.0 where z > 0, else 0.0.",
            lambda z: np.where(z > 0, 1.0, np.where(z == 0, 0.5, 0.0)),
        ),
        Mistake(
            "activation_not_derivative",
            "Your values are relu(z) = max(z, 0) itself, the activation, where its derivative belongs: "
            "relu'(z) = 1.0 where z > 0, else 0.0.",
            lambda z: np.maximum(z, 0.0),
        ),
        Mistake(
            "relu_prime_flipped",
            "Your values are 1 where z < 0 and 0 where z > 0: the comparison is the wrong way round. "
            "relu'(z) = 1.0 where z > 0, else 0.0.",
            lambda z: np.where(z < 0, 1.0, 0.0),
        ),
        Mistake(
            "relu_prime_flipped",
            "Your values are 1 where z <= 0 and 0 where z > 0: the comparison is the wrong way round. "
            "relu'(z) = 1.0 where z > 0, else 0.0.",
            lambda z: np.where(z <= 0, 1.0, 0.0),
        ),
        Mistake(
            "sign_function",
            "Your values are np.sign(z), which is -1 for negative z; ReLU is flat (slope 0) there. "
            "relu'(z) = 1.0 where z > 0, else 0.0.",
            lambda z: np.sign(z),
        ),
    ),
    guarded=("relu_prime",),
)

# ------------------------------------------------------------------------------------------------
# leaky_relu_prime (second edition)
# ------------------------------------------------------------------------------------------------

# Slopes for negative z: never 0 (plain ReLU) or 1 (the identity), where the mistakes below coincide
# with the answer; 0.01 (the default) only in the cases that leave alpha out.
_ALPHAS = np.array([0.05, 0.1, 0.2, 0.3, 0.02, 0.001, 0.5])
_LEAKY_ZEROS = np.array([0.0, 0.0, -0.0, 1.0, -1.0, 2.0, -3.0])  # exact zeros, and small integers


def _leaky_cases(rng, hidden):
    """z with exact zeros (and -0.0); alpha drawn from _ALPHAS, or left out (the default 0.01) in every third case."""
    shapes = _hidden_shapes(rng) if hidden else _visible_shapes(rng)
    cases = []
    for i, shape in enumerate(shapes):
        z = _with_extremes(rng, _draw(rng, shape, 2.0), _LEAKY_ZEROS)
        cases.append({"z": z} if i % 3 == 2 else {"z": z, "alpha": float(rng.choice(_ALPHAS))})
    cases.append({"z": np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), "alpha": 0.1})
    if hidden:
        cases.append({"z": np.array([0.0, -0.0, 1e-30, -1e-30, 5.0, -5.0]), "alpha": 0.2})  # tiny, yet float32 too
    return cases


def _leaky(positive, zero, negative):
    """A wrong answer that returns ``positive(alpha)`` where z > 0, ``zero(alpha)`` at 0, ``negative(alpha)`` below."""

    def wrong(z, alpha=0.01):
        return np.where(z > 0, positive(alpha), np.where(z == 0, zero(alpha), negative(alpha))) + 0.0 * z

    return wrong


def _one(alpha):
    return 1.0


def _alpha(alpha):
    return alpha


def _nil(alpha):
    return 0.0


LEAKY_RULE = "leaky_relu'(z) = 1.0 where z > 0, else alpha (also at z = 0)"

LEAKY_RELU_PRIME = Exercise(
    name="leaky_relu_prime",
    reference=_activations.leaky_relu_prime,
    cases=_leaky_cases,
    sizes=_no_sizes,
    mistakes=(
        Mistake(
            "relu_prime_not_leaky",
            "Your values are 0 for negative z: that is plain ReLU's derivative, whose units die (once every "
            "z of a unit is negative, no gradient reaches it again). The leak keeps a small slope alpha "
            f"there: {LEAKY_RULE}.",
            _leaky(_one, _nil, _nil),
        ),
        Mistake(
            "leaky_slopes_swapped",
            "Your values are alpha where z > 0 and 1 for negative z: the two slopes are swapped. The leaky "
            f"ReLU is the identity (slope 1) for positive z and leaks a slope alpha below: {LEAKY_RULE}.",
            _leaky(_alpha, _one, _one),
        ),
        Mistake(
            "leaky_slopes_swapped",
            "Your values are alpha where z >= 0 and 1 for negative z: the two slopes are swapped. The leaky "
            f"ReLU is the identity (slope 1) for positive z and leaks a slope alpha below: {LEAKY_RULE}.",
            _leaky(_alpha, _alpha, _one),
        ),
        Mistake(
            "leaky_one_at_zero",
            "Your values are right except at z = 0, where you return 1 (z >= 0). The course's convention "
            f"(like PyTorch's) puts z = 0 on the leaky side: {LEAKY_RULE}.",
            _leaky(_one, _one, _alpha),
        ),
        Mistake(
            "leaky_zero_at_zero",
            "Your values are right except at z = 0, where you return 0: ReLU's convention relu'(0) = 0 "
            f"carried over. For the leaky ReLU z = 0 is on the leaky side: {LEAKY_RULE}.",
            _leaky(_one, _nil, _alpha),
        ),
        Mistake(
            "alpha_ignored",
            "Your values use the slope 0.01 for negative z whatever alpha is passed: alpha is a parameter "
            "(0.01 is only its default). Use the alpha the function receives: np.where(z > 0, 1.0, alpha).",
            _leaky(_one, lambda alpha: 0.01, lambda alpha: 0.01),
        ),
        Mistake(
            "activation_not_derivative",
            "Your values are the leaky ReLU itself (z where z > 0, alpha * z below), the activation, where "
            f"its derivative belongs: {LEAKY_RULE}.",
            lambda z, alpha=0.01: np.where(z > 0, z, alpha * z),
        ),
    ),
    guarded=("leaky_relu_prime", "relu_prime"),
)

EXERCISES = (SIGMOID, SIGMOID_PRIME, TANH_PRIME, RELU_PRIME, LEAKY_RELU_PRIME)

# ------------------------------------------------------------------------------------------------
# Self-check question on misconception 7, "ReLU causes vanishing gradients" (notebook 02, section 6)
# ------------------------------------------------------------------------------------------------

Q_RELU_VANISHING = Question(
    name="q_relu_vanishing",
    prompt="which of two 10-layer stacks, sigmoid or ReLU, has vanishing gradients",
    choices={
        "a": "the ReLU stack: relu' is 0 wherever z <= 0",
        "b": "the sigmoid stack: sigma' <= 1/4; relu' is exactly 1 along active units",
        "c": "neither: at the usual scale the weights keep gradients the same size",
        "d": "both, equally: every derivative is at most 1",
    },
    answer="b",
    explanations={
        "a": "relu' is 0 only where a unit is inactive. Wherever a unit is active relu' is exactly 1, so along "
        "active units the gradient passes through a ReLU layer without shrinking (about 0.97 per layer in the "
        "notebook's run, against 0.23 for the sigmoid). A unit that is inactive for every sample is a different "
        "failure, a dead unit: its own weights stop learning, but the gradient reaching the layers below "
        "through the other units does not vanish. Vanishing comes from saturating activations.",
        "c": "at the usual scale the two stacks behave very differently: the sigmoid stack's gradient loses "
        "a factor of about 4 per layer (a few millionths of the top layer's after ten layers), the ReLU "
        "stack's only a few percent. Each layer multiplies by its weights and by f', and sigma' <= 1/4 "
        "makes the difference, not the weights alone.",
        "d": "'at most 1' is not 'equally': relu' is exactly 1 for every active unit, while sigma' is at most "
        "1/4, and smaller still where z saturates the sigmoid. Measured in the notebook: about 0.23 per layer "
        "for the sigmoid, 0.97 for ReLU.",
    },
    otherwise="",
    why="Vanishing gradients come from saturating activations (sigma' <= 1/4, sigma' and tanh' -> 0 for large "
    "|z|); ReLU passes gradients along active units unchanged, and its own failure mode is dead units.",
)

EXERCISES = EXERCISES + (Q_RELU_VANISHING,)
