"""Derive, then implement: no answer cell hands the learner the formula its check compares with.

What a learner sees of an answer cell in ``notebooks/`` is a signature, a docstring (and maybe comments)
and ``raise NotImplementedError()``. The docstring keeps the shapes and what the result means; the formula
lives in the notebook's derivation and in a collapsed hint after it. For every function defined in an answer
cell of every released notebook, this module proves that its docstring and comments contain

- no spelling of the formula its check compares with. The forbidden spellings come from two places:
  the fragments of the exercise reference's own code (every arithmetic sub-expression of the function that
  ``check`` compares with, read from mlcore's source), and a table per graded function of the formula's
  spellings in maths and in code (``FORMULAS``), so that ``2(ŷ − y)``, ``2 * (y_hat - y)`` and the LaTeX
  ``\\frac{2}{n}(\\hat y - y)`` are one and the same fragment after :func:`normalise`;
- no line that is code or an equation for the result (``return ...``, ``dw = ...``);
- no reST or LaTeX markup (``:math:``, ``\\frac``): docstrings are plain text with Unicode maths.

Every graded function of a notebook must have a row in ``FORMULAS`` (a new exercise cannot slip through),
and the tests at the bottom feed first-edition docstrings to the same check to show that it fails them.
"""

import ast
import inspect
import io
import re
import sys
import tokenize

import pytest

from mlcore.grading import EXERCISES
from nbgrader_harness import answer_cells, assignments, graded_cells, read_notebook, release_path

# ----------------------------------------------------------------------------------------------------------
# Normalising text so that one fragment matches its Unicode, LaTeX and code spellings
# ----------------------------------------------------------------------------------------------------------

_SPELLINGS = [
    ("\\left", ""), ("\\right", ""), ("\\,", ""), ("\\;", ""), ("\\big", ""), ("\\Big", ""),
    ("\\hat{y}", "y_hat"), ("\\hat y", "y_hat"), ("ŷ", "y_hat"), ("y_pred", "y_hat"),
    ("\\sigma", "sigma"), ("σ", "sigma"), ("sigmoid", "sigma"), ("\\tanh", "tanh"), ("\\log", "log"),
    ("\\exp", "exp"), ("\\max", "max"), ("\\sum", "sum"), ("Σ", "sum"), ("∑", "sum"),
    ("\\delta", "delta"), ("δ", "delta"), ("\\lambda", "lam"), ("λ", "lam"), ("\\alpha", "lr"), ("α", "lr"),
    ("\\beta", "beta"), ("β", "beta"), ("\\odot", "*"), ("⊙", "*"), ("\\cdot", "*"), ("·", "*"), ("⋅", "*"),
    ("×", "*"), ("\\times", "*"), ("−", "-"), ("–", "-"), ("≥", ">="), ("≤", "<="), ("\\geq", ">="),
    ("\\leq", "<="), ("\\ge", ">="), ("\\le", "<="), ("′", "'"), ("^\\top", ".T"), ("^T", ".T"), ("ᵀ", ".T"),
    ("²", "**2"), ("^{2}", "**2"), ("^2", "**2"), ("numpy.", ""), ("np.", ""), ("math.", ""),
    ("\\mathrm", ""), ("\\operatorname", ""), ("\\text", ""), ("|", "abs"), ("∂", "d"), ("\\partial", "d"),
]
_FRAC = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_PAREN = re.compile(r"\(([\w.']+)\)")  # (n) -> n, sigma(z) -> sigmaz: brackets around one token
_FLOAT = re.compile(r"(\d)\.0(?!\d)")  # 2.0 -> 2


def normalise(text):
    """``text`` with maths spelt one way: lower case, no spaces, ``*`` implicit, ``**`` as ``^``.

    ``2(ŷ − y)/n``, ``2 * (y_hat - y) / n`` and ``\\frac{2}{n}(\\hat y - y)`` all become ``2(y_hat-y)/n`` or
    contain it, so a fragment written once in the table catches all of them.
    """
    for old, new in _SPELLINGS:
        text = text.replace(old, new)
    while _FRAC.search(text):
        text = _FRAC.sub(r"(\1)/(\2)", text)
    text = "".join(text.split()).lower()
    text = text.replace("{", "(").replace("}", ")").replace("\\", "")
    text = text.replace("**", "^").replace("*", "").replace("@", "")
    text = _FLOAT.sub(r"\1", text)
    previous = None
    while previous != text:
        previous, text = text, _PAREN.sub(r"\1", text)
    return text


# ----------------------------------------------------------------------------------------------------------
# The forbidden spellings of each graded function's formula
# ----------------------------------------------------------------------------------------------------------

#: Per graded function, spellings of its result's formula (maths and code) that its docstring must not
#: contain. Each fragment is compared after :func:`normalise`, so one spelling covers Unicode, LaTeX and
#: code variants. An empty row means the result is not a formula (only the generic rules apply).
FORMULAS = {
    # 00 (warm-up)
    "central_difference": ["f(x + h) - f(x - h)", "f(x+h)-f(x-h)", "/ (2 * h)", "/ (2h)", "2h"],
    # 01
    "mse": ["(y - ŷ)²", "(ŷ - y)²", "mean((y", "sum((y", "square(y", "mean(square", "1/n Σ"],
    "mse_grad": ["2(ŷ − y)", "2(y − ŷ)", "2/n", "2 / y.size", "(ŷ − y)/n", "(y_hat - y) / y.size", "2/y.size"],
    "mae_grad": ["sign(", "sgn(", "/ y.size", "1/n", "/n", "±1/n"],
    "linear_mse_grads": ["Xᵀ(ŷ − y)", "X.T @", "Xᵀ", "2/N", "2 / X.shape[0]", "Σ(ŷ", "sum(ŷ", "(ŷ − y)",
                         "(X @ w + b - y)"],
    # 02
    "sigmoid": ["1 / (1 + e", "1/(1 + exp", "e^(-z)", "e^{-z}", "exp(-z)", "exp(-abs(z))", "e^{-|z|}",
                "e / (1 + e)", "exp(z) / (1 + exp(z))", "tanh(z / 2)"],
    "sigmoid_prime": ["σ(z)(1 − σ(z))", "σ(z) * (1 − σ(z))", "1 − σ", "(1 - s)", "s(1 - s)", "(1 - a)",
                      "e^{-z} / (1 + e^{-z})^2", "exp(-z) / (1 + exp(-z))**2"],
    "tanh_prime": ["1 − tanh", "tanh²", "tanh(z)**2", "tanh(z)^2", "sech", "cosh", "1 - t**2", "1 - t²"],
    "relu_prime": ["z > 0", "z >= 0", "z ≥ 0", "heaviside", "where(", "1 where", "1.0 where", "1 for z",
                   "1.0 for z", "(z > 0)", "astype("],
    "leaky_relu_prime": ["z > 0", "z ≤ 0", "z <= 0", "z < 0", "where(", "else α", "else alpha", "α where",
                         "alpha where", "α for z", "alpha for z", "α elsewhere"],
    # 03
    "binary_cross_entropy": ["y log p", "y * log(p)", "log(1 − p)", "log(1 - p)", "(1 − y) log", "-mean(y"],
    "bce_grad": ["(p − y) / (p(1 − p))", "p(1 − p)", "p * (1 - p)", "(p − y)", "(p - y) /"],
    "bce_with_logits_grad": ["σ(z) − y", "sigmoid(z) - y", "(σ(z) − y) /", "sigma(z) - y"],
    "bce_with_logits": ["max(z, 0)", "maximum(z", "max(0, z)", "log(1 + e^{-|z|})", "log(1 + exp(-abs(z)))",
                        "log1p(", "logaddexp", "z·y", "z * y", "zy +", "- z * y"],
    "softmax": ["exp(z − max", "exp(z - z.max", "z - z.max(", "z − max", "e^{z", "/ Σ", "/ sum(", "/sum(",
                "logsumexp", "exp(z) /"],
    "softmax_cross_entropy": ["−log softmax", "-log(softmax", "log(softmax", "logsumexp", "log Σ", "log sum",
                              "z[i, y"],
    "softmax_cross_entropy_grad": ["softmax(z) − onehot", "softmax(z) - Y", "softmax(z) −", "onehot(y) /",
                                   "eye(", "[arange(", "- 1 at"],
    # 04
    # (after normalise, "⊙ f′" would be "f'" and "@ W_next" the parameter's own name: keep the operand)
    "hidden_delta": ["delta_next @ W_next.T", "W_next.T", "δˡ⁺¹ Wᵀ", "⊙ f′(z", "* act_prime(z)", "⊙ act_prime(z)",
                     "@ W_next.T"],
    "layer_grads": ["a_prev.T @ delta", "a_prev.T", "aᵀ δ", "delta.sum(", "sum(delta", "sum(axis=0)",
                    "Σᵢ δ", "Σ_i δ"],
    "backward": ["⊙ f′(z", "@ W.T", ".T @", "Wᵀ", "* act_prime("],  # a bare "⊙" normalises to "": always found
    "fixed_backward": ["⊙ f′(z", "@ W.T", ".T @", "Wᵀ", "* act_prime("],
    "hand_backward": [],
    # 05
    "gd_step": ["p − lr·g", "p - lr * g", "p − α g", "- lr * g"],
    "momentum_step": ["βv + g", "beta * v + g", "β·v + g", "p − lr·v", "p - lr * v", "- lr * v"],
    "minibatches": [],
    "weight_decay_step": ["g + λ·p", "g + lam * p", "g + λp", "λ·p", "lam * p", "p - lr * (g", "(1 − lr·λ)",
                          "(1 - lr * lam)"],
}

# Sub-expressions of a reference's code that say nothing about the formula (sizes, index arithmetic).
_TRIVIAL = re.compile(r"^[\w.\[\]]*(len|shape|size|ndim|range)[\w.\[\]]*[-+]\d$")


def reference_fragments(name):
    """The arithmetic sub-expressions of the reference's own code, normalised: what ``check`` compares with.

    Read from the source of the module that defines the exercise's reference (the function itself is
    guarded and hides its wrapped code), e.g. ``2 / y.size`` and ``y_hat - y`` for ``mse_grad``.
    """
    exercise = EXERCISES.get(name)
    reference = getattr(exercise, "reference", None)
    if reference is None:
        return set()
    module = sys.modules[reference.__module__]
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.FunctionDef) and node.name == reference.__name__:
            break
    else:
        return set()
    fragments = set()
    for sub in ast.walk(node):
        if isinstance(sub, (ast.If, ast.Raise, ast.Assert)):
            continue  # checks of the arguments, not the formula
        if isinstance(sub, ast.BinOp) and not isinstance(sub.op, (ast.Mod, ast.BitOr, ast.BitAnd, ast.BitXor)):
            text = normalise(ast.unparse(sub))
            if len(text) >= 5 and not _TRIVIAL.match(text):
                fragments.add(text)
    return fragments


# A docstring line that is code or an equation for the result: "return ...", or "name = expression" where
# the line starts with the name and the right-hand side computes something (an operator or a call). A
# sentence such as "At z = 0, ..." is not one, nor a definition of a symbol such as "delta^l = dL/dz^l".
_RETURN_LINE = re.compile(r"^\s*(return\b|>>>)")
_EQUATION_LINE = re.compile(r"^\s*[^\s=:,]+\s*=(?!=)(.*)$")
_DERIVATIVE = re.compile(r"[d∂]\w*\s*/\s*[d∂][\w^{}\[\]ˡ⁺⁻¹ᴸ]*")
_COMPUTES = re.compile(r"[-+*/@^Σ∑⊙·×√]|\w\(")


def _is_code_line(line):
    if _RETURN_LINE.match(line):
        return True
    equation = _EQUATION_LINE.match(line)
    return bool(equation) and bool(_COMPUTES.search(_DERIVATIVE.sub("", equation.group(1))))
_MARKUP = (":math:", "\\frac", ".. math::", "$")


def leaks(name, docstring, comments=""):
    """Every reason ``docstring`` (and the cell's ``comments``) gives away the formula of ``name``; [] if none."""
    found = []
    text = normalise(docstring + "\n" + comments)
    for fragment in FORMULAS.get(name, []):
        if normalise(fragment) in text:
            found.append(f"formula fragment {fragment!r}")
    for fragment in sorted(reference_fragments(name)):
        if fragment in text:
            found.append(f"the reference's code {fragment!r}")
    for line in docstring.splitlines():
        if _is_code_line(line):
            found.append(f"a code or equation line {line.strip()!r}")
    for mark in _MARKUP:
        if mark in docstring:
            found.append(f"markup {mark!r} (docstrings are plain text with Unicode maths)")
    return found


# ----------------------------------------------------------------------------------------------------------
# The released notebooks
# ----------------------------------------------------------------------------------------------------------


def _checked_names(nb):
    """The names the notebook's graded cells pass to check(...)."""
    names = set()
    for cell in graded_cells(nb).values():
        names.update(re.findall(r"""check\(\s*["'](\w+)["']""", cell.source))
    return names


def _comments(source):
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError):
        return ""
    return "\n".join(tok.string for tok in tokens if tok.type == tokenize.COMMENT)


def _answer_functions():
    """(assignment, grade_id, function name, docstring, comments, graded names) for every answer-cell function."""
    found = []
    for assignment in assignments():
        nb = read_notebook(release_path(assignment))
        graded = _checked_names(nb)
        for gid, cell in answer_cells(nb).items():
            tree = ast.parse(cell.source)
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found.append((assignment, gid, node.name, ast.get_docstring(node) or "",
                                  _comments(cell.source), graded))
    return found


ANSWER_FUNCTIONS = _answer_functions()


def test_answer_functions_found():
    names = {name for _, _, name, *_ in ANSWER_FUNCTIONS}
    assert {"central_difference", "mse_grad", "tanh_prime", "mae_grad", "leaky_relu_prime"} <= names


@pytest.mark.parametrize(
    "assignment, gid, name, docstring, comments, graded",
    ANSWER_FUNCTIONS,
    ids=[f"{a}-{n}" for a, _, n, *_ in ANSWER_FUNCTIONS],
)
def test_answer_docstring_gives_no_formula(assignment, gid, name, docstring, comments, graded):
    if name in graded:
        assert name in FORMULAS, f"{name} is graded in {assignment}: add its formula's spellings to FORMULAS"
        assert docstring.strip(), f"{name} in {assignment} ({gid}) has no docstring: give its shapes and meaning"
    problems = leaks(name, docstring, comments)
    assert not problems, f"{assignment}, answer cell {gid}, {name}: " + "; ".join(problems)


def test_every_forbidden_spelling_is_a_real_fragment():
    """A spelling that normalises to (almost) nothing, such as a bare "⊙" (which becomes the implicit product),
    would be found in every docstring: each one must keep at least two characters."""
    short = [(name, f) for name, fragments in FORMULAS.items() for f in fragments if len(normalise(f)) < 2]
    assert short == []


def test_every_graded_function_has_a_row():
    """Every exercise the course grades (bar the self-check questions, answered with a value) has its row."""
    functions = {name for name, exercise in EXERCISES.items() if hasattr(exercise, "cases")}
    assert functions <= set(FORMULAS), sorted(functions - set(FORMULAS))


# ----------------------------------------------------------------------------------------------------------
# The check fails on the first edition's docstrings (copied here as they were), and on other spellings
# ----------------------------------------------------------------------------------------------------------

OLD_DOCSTRINGS = {
    "mse_grad": r"""Gradient of the mean squared error with respect to the predictions.

    Returns
    -------
    ndarray, shape of ``y_hat``
        :math:`\frac{\partial L}{\partial \hat y} = \frac{2}{n} (\hat y - y)` with :math:`n` = ``y.size``.
    """,
    "linear_mse_grads": r"""Gradients of the MSE of the linear model :math:`\hat y = X w + b`.

    Returns
    -------
    dw : ndarray, shape (D,)
        :math:`\frac{\partial L}{\partial w} = \frac{2}{N} X^\top (\hat y - y)`
    db : float
        :math:`\frac{\partial L}{\partial b} = \frac{2}{N} \sum_i (\hat y_i - y_i)`
    """,
    "sigmoid_prime": """Derivative of the sigmoid with respect to z, elementwise.

    sigma'(z) = sigma(z) * (1 - sigma(z))
    """,
    "tanh_prime": """Derivative of tanh with respect to z, elementwise.

    tanh'(z) = 1 - tanh(z)**2
    """,
    "relu_prime": """Derivative of ReLU with respect to z, elementwise, with the convention relu'(0) = 0.

    relu'(z) = 1.0 where z > 0, else 0.0
    """,
    "central_difference": r"""Estimate f'(x) by the central difference quotient.

    Returns
    -------
    float or ndarray, shape of ``x``
        :math:`\frac{f(x + h) - f(x - h)}{2h}`
    """,
}


@pytest.mark.parametrize("name", sorted(OLD_DOCSTRINGS))
def test_the_first_editions_docstrings_fail(name):
    assert leaks(name, OLD_DOCSTRINGS[name])


@pytest.mark.parametrize(
    "name, sentence",
    [
        ("mse_grad", "The gradient is 2(ŷ − y)/n, with n the number of elements."),
        ("mse_grad", "Returns 2 * (y_hat - y) / y.size."),
        ("mse_grad", "Twice the residual, divided by y.size: ∂L/∂ŷ = (2/n)·(ŷ − y)."),
        ("tanh_prime", "One minus the square: 1 − tanh²(z)."),
        ("sigmoid_prime", "The product σ(z)·(1 − σ(z))."),
        ("leaky_relu_prime", "1.0 for z > 0, else alpha."),
        ("mae_grad", "np.sign(y_hat - y) / y.size"),
        ("weight_decay_step", "Each parameter becomes p − lr·(g + λ·p)."),
        ("bce_with_logits", "max(z, 0) − z·y + log(1 + e^{−|z|}), averaged"),
    ],
)
def test_other_spellings_of_a_formula_fail(name, sentence):
    assert leaks(name, sentence), sentence


@pytest.mark.parametrize("line", ["    return 2 * r / n", "    dw = (2/N) X^T r", "    tanh'(z) = 1 - t*t",
                                  "dL/dz = softmax(z) - Y", "    >>> mse_grad(y, y_hat)"])
def test_a_code_or_equation_line_fails(line):
    assert leaks("no_such_function", f"Summary.\n\n{line}\n")


@pytest.mark.parametrize("line", ["delta^l = dL/dz^l, shape (N, D).", "δˡ = ∂L/∂zˡ", "At z = 0, use the left slope.",
                                  "alpha : float ≥ 0"])
def test_a_definition_or_a_sentence_is_not_an_equation_line(line):
    assert leaks("no_such_function", f"Summary.\n\n{line}\n") == []


def test_a_docstring_without_the_formula_passes():
    doc = """Gradient of the mean squared error with respect to the predictions.

    Parameters
    ----------
    y : ndarray, any shape
        Targets.
    y_hat : ndarray, same shape as y
        Predictions.

    Returns
    -------
    ndarray, shape of y_hat
        ∂L/∂ŷ: entry k says how fast the loss changes when ŷₖ alone changes.
    """
    assert leaks("mse_grad", doc) == []
