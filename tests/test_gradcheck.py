"""The gradient checker itself."""

import numpy as np
import pytest

import mlcore


def test_numerical_gradient_of_a_quadratic_and_exact_restore():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    before = x.copy()
    g = mlcore.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    np.testing.assert_allclose(g, 2 * before, rtol=1e-7)
    np.testing.assert_array_equal(x, before)  # bit for bit


def test_numerical_gradient_with_upstream_gradient():
    x = np.array([0.5, -1.0, 2.0])
    df = np.array([1.0, 2.0, 3.0])
    g = mlcore.numerical_gradient(np.sin, x, df=df)
    np.testing.assert_allclose(g, np.cos(x) * df, rtol=1e-7)


def test_numerical_gradient_restores_when_f_raises():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError):
        mlcore.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="float32"):
        mlcore.numerical_gradient(lambda v: 0.0, np.zeros(2, dtype=np.float32))


def test_relative_error():
    assert mlcore.relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert mlcore.relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert mlcore.relative_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(1.0)


def test_check_gradient_passes_a_correct_gradient():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5)
    result = mlcore.check_gradient(lambda v: float(np.sum(np.sin(v))), x, np.cos(x))
    assert result.ok and result.error < 1e-6
    assert "passed" in str(result)


def test_check_gradient_names_the_worst_entry():
    x = np.array([[0.5, -1.0], [2.0, 0.3]])
    wrong = 2 * x
    wrong[1, 0] = -wrong[1, 0]
    with pytest.raises(mlcore.GradientCheckError, match=r"index \(1, 0\).*expected 4.*got -4"):
        mlcore.check_gradient(lambda v: float(np.sum(v ** 2)), x, wrong)
    result = mlcore.check_gradient(lambda v: float(np.sum(v ** 2)), x, wrong, raise_error=False)
    assert not result.ok and result.index == (1, 0)
    assert result.expected == pytest.approx(4.0) and result.got == pytest.approx(-4.0)


def test_check_gradient_on_a_model_parameter():
    rng = np.random.default_rng(2)
    model = mlcore.MLP((3, 4, 2), activation="tanh", rng=rng)
    X, y = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    _, grads = model.loss_and_grads(X, y)
    for p, g in zip(model.params, grads):
        assert mlcore.check_gradient(lambda _: model.loss(X, y), p, g).ok
