"""The check helper itself: generic diagnoses, honesty, seeds, tampering, the reference guard, stderr.

Learner functions here are written the way learners write them; exercises are notebook 01's
(``mse``, ``mse_grad``, ``linear_mse_grads``) plus two toy exercises for what notebook 01 cannot
show (a matrix-valued result, warnings that are themselves the mistake).
"""

import builtins
import re
import sys
import warnings

import numpy as np
import pytest

import mlcore
from mlcore import mse_grad as imported_mse_grad
from mlcore.grading import EXERCISES, Exercise, GradingError, Mistake, check, grade, size_plan
from mlcore.grading.messages import mistakes_in

BOTH = pytest.mark.parametrize("hidden", [False, True], ids=["visible", "hidden"])


def failure(name, fn, hidden=False, seed=None):
    """The GradingError ``check`` raises for ``fn``; fails the test if it passes."""
    with pytest.raises(GradingError) as info:
        check(name, fn, hidden=hidden, seed=seed)
    return info.value


# ----------------------------------------------------------------------------- correct answers


def mse_grad_right(y, y_hat):
    return 2 * (y_hat - y) / y.size


def linear_right(X, y, w, b):
    r = X @ w + b - y
    return 2 / X.shape[0] * X.T @ r, 2 / X.shape[0] * float(r.sum())


# ----------------------------------------------------------------------------- toy exercises


def _matmul(A, B):
    return A @ B


def _matmul_cases(rng, hidden):
    return [
        {"A": rng.normal(size=(s["N"], s["D"])), "B": rng.normal(size=(s["D"], s["K"]))}
        for s in size_plan(rng, hidden, ("N", "D", "K"))
    ]


TOY_MATMUL = Exercise(
    name="toy_matmul",
    reference=_matmul,
    cases=_matmul_cases,
    sizes=lambda A, B: {"N": A.shape[0], "D": A.shape[1], "K": B.shape[1]},
)


def _stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_cases(rng, hidden):
    """Values up to about ±2000, and -1000 in every case: exp(1000) overflows."""
    cases = []
    for s in size_plan(rng, hidden, ("N",)):
        z = rng.normal(size=s["N"]) * 800
        z[0] = -1000.0
        cases.append({"z": z})
    return cases


TOY_SIGMOID = Exercise(
    name="toy_sigmoid",
    reference=_stable_sigmoid,
    cases=_sigmoid_cases,
    sizes=lambda z: {"N": z.size},
    no_warnings=True,
)


@pytest.fixture(autouse=True)
def toys(monkeypatch):
    monkeypatch.setitem(EXERCISES, TOY_MATMUL.name, TOY_MATMUL)
    monkeypatch.setitem(EXERCISES, TOY_SIGMOID.name, TOY_SIGMOID)


# ----------------------------------------------------------------------------- messages and success


def test_success_message_is_honest(capsys):
    check("mse_grad", mse_grad_right, seed=5)
    out = capsys.readouterr().out
    assert "mse_grad: passed 4 checks" in out
    assert "More checks on other random inputs run at grading." in out
    assert "seed=5" in out


def test_hidden_success_runs_about_20_cases_and_prints_the_seed(capsys):
    check("linear_mse_grads", linear_right, hidden=True, seed=11)
    out = capsys.readouterr().out
    assert "passed 20 hidden checks" in out
    assert "hidden=True, seed=11" in out


def test_failure_is_an_assertion_error_with_the_diagnosis_first_then_the_count_and_the_seed():
    error = failure("mse_grad", lambda y, y_hat: y_hat - y, seed=3)
    assert isinstance(error, AssertionError)
    assert error.mistake == "factor" and error.exercise == "mse_grad" and error.seed == 3
    text = str(error)
    lines = text.splitlines()
    assert lines[0].startswith("mse_grad is y.size/2 times the expected value")
    # nbgrader's Validate dialog shows each line of the rendered traceback unwrapped in a narrow box.
    shown = error._render_traceback_()
    assert all(len(line) <= 100 for line in shown) and len(shown) > len(lines)
    assert shown[-1] == lines[-1] and mistakes_in("\n".join(shown)) == ["factor"]
    assert mistakes_in(text) == ["factor"] and "[mistake: factor]" in text
    assert re.search(r"mse_grad passed \d of 4 checks; the one shown above failed on inputs y \(", text)
    assert lines[-1] == "seed 3: check('mse_grad', mse_grad, seed=3) reproduces this."
    assert "Traceback" not in text
    assert error.__suppress_context__
    assert error._render_traceback_()[0].startswith("GradingError: mse_grad is y.size/2 times")


def test_the_count_of_passed_cases_is_honest():
    # Wrong only where N = 1 (a sample variance's N - 1): the message says how many cases passed.
    def mse_grad(y, y_hat):
        return 2 * (y_hat - y) / y.size * (1 if y.shape[0] > 1 else 3)

    error = failure("mse_grad", mse_grad, seed=3)
    passed = sum(1 for case in EXERCISES["mse_grad"].cases(np.random.default_rng([3, 0]), False) if case["y"].shape[0] > 1)
    assert f"mse_grad passed {passed} of 4 checks" in str(error)


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(ValueError, match="known exercises: .*mse_grad"):
        check("mse_gradient", mse_grad_right)


# ----------------------------------------------------------------------------- generic diagnoses


@BOTH
def test_forgotten_return(hidden):
    def mse_grad(y, y_hat):
        g = 2 * (y_hat - y) / y.size  # noqa: F841

    error = failure("mse_grad", mse_grad, hidden)
    assert error.mistake == "no_return" and "forget the `return`" in str(error)


@BOTH
def test_not_implemented(hidden):
    def mse_grad(y, y_hat):
        raise NotImplementedError()

    assert failure("mse_grad", mse_grad, hidden).mistake == "not_implemented"


@BOTH
def test_exception_names_type_message_and_input_shapes(hidden):
    def mse_grad(y, y_hat):
        N, D = y.shape  # fails for a 1-D y
        return 2 * (y_hat - y) / (N * D)

    error = failure("mse_grad", mse_grad, hidden)
    assert error.mistake == "shape_dependent" and "works only when y.ndim > 1" in str(error)
    assert "ValueError at line " in str(error) and "not enough values to unpack" in str(error)
    assert "(`N, D = y.shape  # fails for a 1-D y`)" in str(error)
    assert "on inputs y (" in str(error)


@BOTH
def test_not_numbers(hidden):
    assert failure("mse_grad", lambda y, y_hat: "2(ŷ − y)/n", hidden).mistake == "type"
    assert failure("mse_grad", lambda y, y_hat: (2 * (y_hat - y) / y.size) * 1j, hidden).mistake == "type"


@BOTH
def test_wrong_number_of_returned_values(hidden):
    def linear_mse_grads(X, y, w, b):
        return 2 / len(y) * X.T @ (X @ w + b - y)

    error = failure("linear_mse_grads", linear_mse_grads, hidden)
    assert error.mistake == "type" and "should return 2 values (dw, db)" in str(error)


@BOTH
def test_stray_tuple(hidden):
    error = failure("mse_grad", lambda y, y_hat: (2 * (y_hat - y) / y.size,), hidden)
    assert error.mistake == "type" and "stray comma" in str(error)


@BOTH
def test_in_place(hidden):
    def mse_grad(y, y_hat):
        y_hat -= y
        y_hat *= 2 / y.size
        return y_hat

    error = failure("mse_grad", mse_grad, hidden)
    assert error.mistake == "in_place" and "y_hat" in str(error)


@BOTH
def test_broadcasting_column_against_flat(hidden):
    def linear_mse_grads(X, y, w, b):
        y_hat = X @ w.reshape(-1, 1) + b  # (N, 1)
        r = y_hat - y  # (N, N): broadcasting
        return 2 / len(y) * X.T @ r, 2 / len(y) * float(r.sum())

    error = failure("linear_mse_grads", linear_mse_grads, hidden)
    assert error.mistake == "shape" and "broadcasting" in str(error)


@BOTH
def test_column_instead_of_flat(hidden):
    def linear_mse_grads(X, y, w, b):
        r = (X @ w + b - y).reshape(-1, 1)
        return 2 / len(y) * X.T @ r, 2 / len(y) * float(r.sum())

    error = failure("linear_mse_grads", linear_mse_grads, hidden)
    assert error.mistake == "shape" and "The values are right, only the shape is not" in str(error)


@BOTH
def test_single_number_for_an_array(hidden):
    error = failure("mse_grad", lambda y, y_hat: float(np.mean(2 * (y_hat - y))), hidden)
    assert error.mistake == "shape" and "single number" in str(error)


@BOTH
def test_array_for_a_single_number(hidden):
    error = failure("mse", lambda y, y_hat: np.mean((y - y_hat) ** 2, axis=0, keepdims=True), hidden)
    assert error.mistake == "not_scalar"


@BOTH
def test_transposed_result(hidden):
    error = failure("toy_matmul", lambda A, B: B.T @ A.T, hidden)
    assert error.mistake == "transpose"


def test_transposed_result_on_square_inputs_only_values_reveal_it(monkeypatch):
    square = Exercise(
        "toy_square",
        _matmul,
        lambda rng, hidden: [{"A": rng.normal(size=(n, n)), "B": rng.normal(size=(n, n))} for n in (2, 3, 5)],
        lambda A, B: {"N": A.shape[0]},
    )
    monkeypatch.setitem(EXERCISES, square.name, square)
    assert failure("toy_square", lambda A, B: (A @ B).T).mistake == "transpose"


@BOTH
def test_nan(hidden):
    def mse_grad(y, y_hat):
        return 2 * np.sqrt(y_hat - y) ** 2 / y.size  # NaN wherever y_hat < y

    error = failure("mse_grad", mse_grad, hidden)
    assert error.mistake == "nan" and "NaN" in str(error)


@BOTH
def test_overflow(hidden):
    def mse_grad(y, y_hat):
        return 2 * (y_hat - y) / y.size * np.exp(800.0 * (y_hat > y))

    assert failure("mse_grad", mse_grad, hidden).mistake == "overflow"


@BOTH
def test_sign(hidden):
    error = failure("mse_grad", lambda y, y_hat: 2 * (y - y_hat) / y.size, hidden)
    assert error.mistake == "sign" and "wrong sign" in str(error)


@BOTH
def test_sign_and_factor_together(hidden):
    error = failure("mse_grad", lambda y, y_hat: y - y_hat, hidden)
    assert error.mistake == "sign" and "y.size/2 times" in str(error)


@BOTH
@pytest.mark.parametrize(
    "scale, named",
    [
        (lambda N: N, "is N times"),
        (lambda N: 1 / N, "is 1/N times"),
        (lambda N: 2, "is 2 times"),
        (lambda N: 0.5, "is 1/2 times"),
        (lambda N: N / 2, "is N/2 times"),
        (lambda N: 2 / N, "is 2/N times"),
    ],
    ids=["N", "1/N", "2", "1/2", "N/2", "2/N"],
)
def test_factor_is_named_from_the_sizes_of_every_case(hidden, scale, named):
    def linear_mse_grads(X, y, w, b):
        dw, db = linear_right(X, y, w, b)
        return dw * scale(len(y)), db * scale(len(y))

    error = failure("linear_mse_grads", linear_mse_grads, hidden)
    assert error.mistakes == ("factor", "factor")
    assert f"dw {named} the expected value" in str(error)


@BOTH
def test_unknown_constant_factor_is_reported_numerically(hidden):
    error = failure("mse_grad", lambda y, y_hat: 3.7 * mse_grad_right(y, y_hat), hidden)
    assert error.mistake == "factor" and "3.7 times the expected value in every case" in str(error)


@BOTH
def test_factor_that_changes_without_a_name(hidden):
    error = failure("mse_grad", lambda y, y_hat: 2 * (y_hat - y) / (y.size + 1), hidden)
    assert error.mistake == "factor" and "changes from case to case" in str(error)


@BOTH
def test_mismatch_shows_the_worst_entry(hidden):
    error = failure("mse_grad", lambda y, y_hat: 2 * (y_hat - y) ** 3 / y.size, hidden)
    assert error.mistake == "mismatch"
    assert "expected" in str(error) and "got" in str(error) and "relative" in str(error)


@BOTH
def test_warning_fails_only_where_the_warning_is_the_mistake(hidden):
    def naive_sigmoid(z):
        return 1 / (1 + np.exp(-z))  # right values, but "overflow encountered in exp"

    error = failure("toy_sigmoid", naive_sigmoid, hidden)
    assert error.mistake == "warning" and "overflow" in str(error)


def _cancelling_cases(rng, hidden):
    """Sums that nearly cancel: the result is 1e-4 of its terms."""
    cases = []
    for s in size_plan(rng, hidden, ("N",)):
        x = rng.uniform(1, 2, size=s["N"] + 1) * rng.choice([-1.0, 1.0], size=s["N"] + 1)
        x[-1] = -(x[:-1].sum()) + 1e-4 * np.abs(x).sum() * rng.choice([-1.0, 1.0])
        cases.append({"x": x})
    return cases


@BOTH
@pytest.mark.parametrize("slack", [True, False])
def test_float32_arithmetic_passes_a_cancelling_sum_only_with_rounding_slack(hidden, slack, monkeypatch):
    exercise = Exercise(
        "toy_sum", lambda x: float(x.sum()), _cancelling_cases, lambda x: {"N": x.size}, rounding_slack=slack
    )
    monkeypatch.setitem(EXERCISES, exercise.name, exercise)

    def float32_sum(x):
        return float(x.astype(np.float32).sum())

    if slack:
        check("toy_sum", float32_sum, hidden=hidden)
        assert failure("toy_sum", lambda x: 2 * float(x.sum()), hidden).mistake == "factor"
    else:
        assert failure("toy_sum", float32_sum, hidden).mistake in ("mismatch", "factor")


# ----------------------------------------------------------------------------- warnings and stderr


@BOTH
def test_warnings_and_stderr_of_correct_code_are_captured(hidden, capfd):
    def mse_grad(y, y_hat):
        warnings.warn("this API is deprecated", DeprecationWarning)
        np.log(np.zeros(1))  # a RuntimeWarning unrelated to the result
        print("debugging", file=sys.stderr)
        return 2 * (y_hat - y) / y.size

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning escaping the check would fail this test
        check("mse_grad", mse_grad, hidden=hidden)
    assert capfd.readouterr().err == ""


def test_a_failing_check_writes_nothing_to_stderr(capfd):
    def mse_grad(y, y_hat):
        return np.sqrt(y_hat - y)  # "invalid value encountered in sqrt"

    failure("mse_grad", mse_grad)
    assert capfd.readouterr().err == ""


# ----------------------------------------------------------------------------- seeds


def test_seed_reproduces_the_cases():
    first, _, _ = grade(EXERCISES["linear_mse_grads"], linear_right, hidden=True, seed=42)
    again, _, _ = grade(EXERCISES["linear_mse_grads"], linear_right, hidden=True, seed=42)
    other, _, _ = grade(EXERCISES["linear_mse_grads"], linear_right, hidden=True, seed=43)
    assert [r.case["X"].tolist() for r in first] == [r.case["X"].tolist() for r in again]
    assert [r.case["X"].tolist() for r in first] != [r.case["X"].tolist() for r in other]


def test_seed_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("MLCORE_GRADING_SEED", "2024")
    check("mse_grad", mse_grad_right)
    assert "seed=2024" in capsys.readouterr().out
    assert failure("mse_grad", lambda y, y_hat: y_hat - y).seed == 2024


def test_a_failure_reproduces_with_its_seed():
    def flaky(y, y_hat):
        return mse_grad_right(y, y_hat) * (1 if y.size % 2 else 2)

    error = failure("mse_grad", flaky, hidden=True)
    assert str(failure("mse_grad", flaky, hidden=True, seed=error.seed)) == str(error)


def test_fresh_seeds_differ():
    seeds = {grade(EXERCISES["mse"], lambda y, y_hat: 0.0)[2] for _ in range(5)}
    assert len(seeds) > 1


@BOTH
def test_memorising_the_visible_examples_earns_nothing(hidden):
    runs, _, _ = grade(EXERCISES["mse_grad"], mse_grad_right, seed=1)
    table = {(r.case["y"].tobytes(), r.case["y_hat"].tobytes()): r.expected for r in runs}

    def memorised(y, y_hat):
        return table.get((y.tobytes(), y_hat.tobytes()), np.zeros_like(y_hat))

    check("mse_grad", memorised, seed=1)  # passes only on the very cases it memorised
    error = failure("mse_grad", memorised, hidden, seed=2)
    assert error.mistake == "ignores_input" and "does not depend on y" in str(error)


# ----------------------------------------------------------------------------- the reference guard


@BOTH
def test_calling_the_reference_fails_with_use_your_own(hidden):
    def mse_grad(y, y_hat):
        return mlcore.mse_grad(y, y_hat)

    error = failure("mse_grad", mse_grad, hidden)
    assert error.mistake == "reference" and "use your own implementation of mse_grad" in str(error)
    assert np.allclose(mlcore.mse_grad(np.zeros(2), np.ones(2)), [1.0, 1.0])  # on again afterwards


@BOTH
def test_reference_imported_under_another_name_is_blocked_too(hidden):
    error = failure("mse_grad", lambda y, y_hat: imported_mse_grad(y, y_hat), hidden)
    assert error.mistake == "reference"


@BOTH
@pytest.mark.parametrize("name", sorted(n for n, e in EXERCISES.items() if isinstance(e, Exercise)))  # not questions
def test_every_exercise_refuses_a_function_that_hands_its_work_to_the_reference(name, hidden):
    """For each graded function, a learner's version that just calls mlcore's fails with ``reference``."""
    exercise = EXERCISES[name]
    public = getattr(mlcore, name, None)  # fixed_backward has none: its reference is mlcore.backward
    for delegate in filter(None, [public, exercise.reference]):
        error = failure(name, lambda *args, delegate=delegate: delegate(*args), hidden)
        assert error.mistake == "reference", (name, delegate, str(error))
        assert "your own implementation" in str(error), str(error)


def test_linear_grads_may_not_delegate_to_the_mse_grad_reference():
    def linear_mse_grads(X, y, w, b):
        g = mlcore.mse_grad(y, X @ w + b)
        return X.T @ g, float(g.sum())

    assert failure("linear_mse_grads", linear_mse_grads).mistake == "reference"


# ----------------------------------------------------------------------------- tampering


def _wrong(y, y_hat):
    return y_hat - y


def _verdicts():
    """Mistake keys of a wrong answer and of right answers (None: passed), visible and hidden.

    Plain try/except: pytest's own helpers must not run while builtins are tampered with.
    """
    verdicts = []
    for name, fn in [("mse_grad", _wrong), ("mse_grad", mse_grad_right), ("linear_mse_grads", linear_right)]:
        for hidden in (False, True):
            try:
                check(name, fn, hidden=hidden)
                verdicts.append(None)
            except GradingError as error:
                verdicts.append(error.mistake)
    return verdicts


HONEST = ["factor", "factor", None, None, None, None]

TAMPERING = {
    "np.allclose": (np, "allclose", lambda *a, **k: True),
    "np.isclose": (np, "isclose", lambda a, b, *r, **k: np.ones(np.shape(a), bool)),
    "np.testing.assert_allclose": (np.testing, "assert_allclose", lambda *a, **k: None),
    "np.abs": (np, "abs", lambda x: 0 * x),
    "np.mean": (np, "mean", lambda *a, **k: 0.0),
    "np.asarray": (np, "asarray", lambda x, *a, **k: np.zeros(3)),
    "builtins.isinstance": (builtins, "isinstance", lambda *a: True),
    "builtins.len": (builtins, "len", lambda x: 1),
    "builtins.abs": (builtins, "abs", lambda x: 0),
    "builtins.max": (builtins, "max", lambda *a, **k: 0),
    "builtins.all": (builtins, "all", lambda *a: True),
    "builtins.print": (builtins, "print", lambda *a, **k: None),
    "mlcore.mse_grad": (mlcore, "mse_grad", lambda y, y_hat: y_hat - y),
    "mlcore.losses.mse_grad": (mlcore.losses, "mse_grad", lambda y, y_hat: y_hat - y),
}


@pytest.mark.parametrize("target", list(TAMPERING))
def test_reassigning_functions_changes_no_verdict(target, capsys):
    module, attribute, fake = TAMPERING[target]
    original = getattr(module, attribute)
    setattr(module, attribute, fake)
    try:
        tampered = _verdicts()
    finally:
        setattr(module, attribute, original)
    assert tampered == HONEST
    assert _verdicts() == HONEST
    assert capsys.readouterr().out.count("passed") == 8  # the summary prints with the real print


def test_tampering_inside_the_learners_function_changes_no_verdict():
    def mse_grad(y, y_hat):
        np.allclose = lambda *a, **k: True
        builtins.all = lambda *a: True
        return y_hat - y

    saved = np.allclose, builtins.all
    try:
        assert failure("mse_grad", mse_grad, hidden=True).mistake == "factor"
    finally:
        np.allclose, builtins.all = saved


def test_the_learners_namespace_is_theirs_again_after_the_check(monkeypatch):
    fake = lambda *a, **k: True  # noqa: E731
    monkeypatch.setattr(np, "allclose", fake)
    check("mse_grad", mse_grad_right)
    assert np.allclose is fake


def test_the_graders_own_warnings_stay_quiet(monkeypatch, capfd):
    def noisy_reference(z):
        np.log(np.zeros(1))  # a RuntimeWarning inside the reference
        warnings.warn("reference warning")
        return _stable_sigmoid(z)

    exercise = Exercise(
        "toy_noisy",
        noisy_reference,
        lambda rng, hidden: [{"z": rng.normal(size=s["N"])} for s in size_plan(rng, hidden, ("N",))],
        lambda z: {"N": z.size},
        mistakes=(Mistake("noisy", "a noisy mistake", lambda z: np.sqrt(-np.abs(z))),),
    )
    monkeypatch.setitem(EXERCISES, exercise.name, exercise)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check("toy_noisy", _stable_sigmoid)
        assert failure("toy_noisy", lambda z: 2 * _stable_sigmoid(z)).mistake == "factor"
    assert capfd.readouterr().err == ""
