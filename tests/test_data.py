"""Generated data sets: shapes, labels, reproducibility."""

import numpy as np
import pytest

import mlcore

CLASSIFIERS = [
    (mlcore.make_xor, {}, 2),
    (mlcore.make_moons, {}, 2),
    (mlcore.make_spirals, {"n_classes": 4}, 4),
    (mlcore.make_blobs, {"centers": 3}, 3),
]


@pytest.mark.parametrize("make, kwargs, K", CLASSIFIERS, ids=lambda v: getattr(v, "__name__", ""))
def test_classification_sets(make, kwargs, K):
    X, y = make(101, rng=np.random.default_rng(0), **kwargs)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == set(range(K))
    X2, y2 = make(101, rng=np.random.default_rng(0), **kwargs)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(101, rng=np.random.default_rng(1), **kwargs)
    assert not np.array_equal(X, X3)


def test_xor_truth_table():
    X, y = mlcore.make_xor(4, noise=0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_blobs_with_given_centres():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    X, y = mlcore.make_blobs(200, centers, std=0.1, rng=np.random.default_rng(0))
    assert X.shape == (200, 3)
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.05)


def test_make_linear_without_noise_is_exact():
    X, y, w, b = mlcore.make_linear(30, 3, noise=0.0, rng=np.random.default_rng(0), return_params=True)
    assert X.shape == (30, 3) and y.shape == (30,) and w.shape == (3,)
    np.testing.assert_allclose(y, X @ w + b)
    X, y = mlcore.make_linear(5, noise=0.0, rng=np.random.default_rng(0), w=[2.0], b=1.0)
    np.testing.assert_allclose(y, 2 * X[:, 0] + 1)


@pytest.mark.parametrize("make", [mlcore.make_xor, mlcore.make_moons, mlcore.make_spirals,
                                  mlcore.make_blobs, mlcore.make_linear])
def test_rng_is_required(make):
    with pytest.raises(TypeError, match="rng"):
        make(10)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        make(10, rng=0)
