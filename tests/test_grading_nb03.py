"""Notebook 03's checks. Every learner answer (right spellings, each mistake with its key, on three seeds,
visible and hidden) is in the catalogue ``instructor/answers/nb03.py``, graded in-process by
``tests/test_catalogue.py`` and end to end by ``tests/test_autograde.py``. Here: what a check cannot say.
"""

import numpy as np


def soft(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ce_grad_jacobian(y, z):
    # The long way: dl/ds (N, K) times each row's softmax Jacobian s_k (delta_kj - s_j).
    s = soft(z)
    N, K = s.shape
    dl_ds = np.zeros((N, K))
    dl_ds[np.arange(N), y] = -1.0 / s[np.arange(N), y] / N
    jac = np.einsum("ik,kj->ikj", s, np.eye(K)) - np.einsum("ik,ij->ikj", s, s)
    return np.einsum("ik,ikj->ij", dl_ds, jac)


# Not a catalogue entry: dividing by s underflows on the checks' +-1000 rows, so this correct form is
# compared with the reference on moderate logits only, outside any check.
def test_softmax_cross_entropy_grad_through_the_jacobian_passes_on_moderate_logits():
    from mlcore.grading.specs import nb03

    rng = np.random.default_rng(0)
    for n, k in [(1, 2), (5, 3), (4, 4)]:
        y, z = rng.integers(0, k, n), rng.normal(size=(n, k))
        np.testing.assert_allclose(ce_grad_jacobian(y, z), nb03._losses.softmax_cross_entropy_grad(y, z), atol=1e-12)
