"""Synthetic submissions of ``01_mse``: the blank one, the correct one, one per diagnosed mistake, and
correct answers written differently (loops, einsum, algebraic variants, float32).

See :mod:`instructor.answers` for the format.
"""

from instructor.answers import blank, builders

ASSIGNMENT = "01_mse"

#: Points of each test cell (as in the notebook).
POINTS = {"mse_tests": 1, "mse_grad_tests": 1, "linear_mse_grads_tests": 2, "mae_grad_tests": 1}

#: Which test cell grades which answer cell.
TEST_OF = {
    "mse_answer": "mse_tests",
    "mse_grad_answer": "mse_grad_tests",
    "linear_mse_grads_answer": "linear_mse_grads_tests",
    "mae_grad_answer": "mae_grad_tests",
}

CORRECT = {
    "mse_answer": """
def mse(y, y_hat):
    return float(np.mean((y - y_hat) ** 2))
""",
    "mse_grad_answer": """
def mse_grad(y, y_hat):
    return 2.0 * (y_hat - y) / y.size
""",
    "linear_mse_grads_answer": """
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = X @ w + b - y             # (N,)
    dw = 2.0 / N * (X.T @ residual)      # (D,)
    db = 2.0 / N * float(np.sum(residual))
    return dw, db
""",
    "mae_grad_answer": """
def mae_grad(y, y_hat):
    return np.sign(y_hat - y) / y.size
""",
}


_wrong, _right = builders(CORRECT, POINTS, TEST_OF)


VARIANTS = {
    # ------------------------------------------------------------------ nothing written, everything right
    "blank": blank(POINTS),
    "correct": _right(),

    # ------------------------------------------------------------------ mse
    "mse_sum_not_mean": _wrong({"mse_answer": ("factor",)}, "y.size times", mse_answer="""
def mse(y, y_hat):
    return float(np.sum((y - y_hat) ** 2))
"""),
    "mse_rmse": _wrong({"mse_answer": ("rmse",)}, "square root", mse_answer="""
def mse(y, y_hat):
    return float(np.sqrt(np.mean((y - y_hat) ** 2)))
"""),
    "mse_half_convention": _wrong({"mse_answer": ("factor",)}, "½", mse_answer="""
def mse(y, y_hat):
    return 0.5 * float(np.mean((y - y_hat) ** 2))
"""),
    "mse_returns_none": _wrong({"mse_answer": ("no_return",)}, "return", mse_answer="""
def mse(y, y_hat):
    loss = float(np.mean((y - y_hat) ** 2))
"""),

    # ------------------------------------------------------------------ mse_grad: COURSE.md's misconceptions
    # ŷ − y with the loss still a mean: the 2/n is dropped (a factor n/2).
    "mse_grad_dropped_2_over_n": _wrong(
        {"mse_grad_answer": ("factor",)},
        ("y.size/2 times", "drop the 2/y.size", "learning rate silently depends on the batch size"),
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return y_hat - y
"""),
    "mse_grad_flipped_sign": _wrong({"mse_grad_answer": ("sign",)}, "wrong sign", mse_grad_answer="""
def mse_grad(y, y_hat):
    return 2.0 * (y - y_hat) / y.size
"""),
    # ------------------------------------------------------------------ mse_grad: the framework's diagnoses
    "mse_grad_forgot_2": _wrong({"mse_grad_answer": ("factor",)}, "is 1/2 times", mse_grad_answer="""
def mse_grad(y, y_hat):
    return (y_hat - y) / y.size
"""),
    "mse_grad_forgot_mean": _wrong({"mse_grad_answer": ("factor",)}, "is y.size times", mse_grad_answer="""
def mse_grad(y, y_hat):
    return 2.0 * (y_hat - y)
"""),
    "mse_grad_transposed": _wrong({"mse_grad_answer": "transpose"}, mse_grad_answer="""
def mse_grad(y, y_hat):
    return (2.0 * (y_hat - y) / y.size).T
"""),
    "mse_grad_in_place": _wrong({"mse_grad_answer": ("in_place",)}, "in place", mse_grad_answer="""
def mse_grad(y, y_hat):
    y_hat -= y                      # changes the caller's array
    y_hat *= 2.0 / y.size
    return y_hat
"""),
    "mse_grad_nan": _wrong({"mse_grad_answer": "nan"}, mse_grad_answer="""
def mse_grad(y, y_hat):
    grad = np.full(y_hat.shape, np.nan)
    grad[:-1] = 2.0 * (y_hat[:-1] - y[:-1]) / y.size   # off by one: the last row is never filled
    return grad
"""),
    "mse_grad_returns_none": _wrong({"mse_grad_answer": "no_return"}, mse_grad_answer="""
def mse_grad(y, y_hat):
    grad = 2.0 * (y_hat - y) / y.size
"""),
    # Reassigning the comparison functions (and mlcore's reference) in the answer cell changes no verdict.
    "mse_grad_tampers_with_allclose": _wrong({"mse_grad_answer": "factor"}, mse_grad_answer="""
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
mlcore.mse_grad = lambda y, y_hat: y_hat - y

def mse_grad(y, y_hat):
    return y_hat - y
"""),

    # ------------------------------------------------------------------ linear_mse_grads: COURSE.md's misconceptions
    "linear_dropped_2_over_n": _wrong({"linear_mse_grads_answer": ("factor", "factor")}, "N/2 times",
                                      linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    residual = X @ w + b - y
    return X.T @ residual, float(np.sum(residual))
"""),
    "linear_flipped_sign": _wrong({"linear_mse_grads_answer": ("sign", "sign")}, "wrong sign", linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = y - (X @ w + b)
    return 2.0 / N * (X.T @ residual), 2.0 / N * float(np.sum(residual))
"""),
    # ------------------------------------------------------------------ linear_mse_grads: the framework's diagnoses
    "linear_forgot_mean": _wrong({"linear_mse_grads_answer": ("factor", "factor")}, "average over the batch",
                                 linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    residual = X @ w + b - y
    return 2.0 * (X.T @ residual), 2.0 * float(np.sum(residual))
"""),
    "linear_forgot_2": _wrong({"linear_mse_grads_answer": ("factor", "factor")}, "is 1/2 times", linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = X @ w + b - y
    return (X.T @ residual) / N, float(np.sum(residual)) / N
"""),
    "linear_x_not_transposed": _wrong({"linear_mse_grads_answer": ("x_not_transposed",)}, "Xᵀ belongs",
                                      linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = X @ w + b - y
    return 2.0 / N * (X @ residual), 2.0 / N * float(np.sum(residual))
"""),
    # y as a column: (N,) - (N, 1) broadcasts to an (N, N) table and every shape downstream is wrong.
    "linear_broadcasting": _wrong({"linear_mse_grads_answer": "shape"}, linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = X @ w + b - y.reshape(-1, 1)
    return 2.0 / N * (X.T @ residual), 2.0 / N * float(np.sum(residual))
"""),
    "linear_missing_bias": _wrong({"linear_mse_grads_answer": ("missing_b",)}, "bias", linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = X @ w - y
    return 2.0 / N * (X.T @ residual), 2.0 / N * float(np.sum(residual))
"""),
    "linear_db_not_summed": _wrong({"linear_mse_grads_answer": ("db_not_summed",)}, "sum the per-sample terms",
                                   linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    residual = X @ w + b - y
    return 2.0 / N * (X.T @ residual), 2.0 / N * residual
"""),
    "linear_in_place": _wrong({"linear_mse_grads_answer": "in_place"}, linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    y -= X @ w + b                  # reuses y's memory: the caller's targets are gone
    y *= -1.0
    return 2.0 / N * (X.T @ y), 2.0 / N * float(np.sum(y))
"""),
    "linear_calls_reference": _wrong({"linear_mse_grads_answer": "reference"}, linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    return mlcore.linear_mse_grads(X, y, w, b)
"""),
    # Imported under another name before the check starts: the reference itself knows a check is running.
    "linear_calls_reference_renamed": _wrong({"linear_mse_grads_answer": "reference"}, linear_mse_grads_answer="""
from mlcore.losses import mse_grad as course_mse_grad

def linear_mse_grads(X, y, w, b):
    N = X.shape[0]
    dy_hat = course_mse_grad(y, X @ w + b)   # (N,)
    return X.T @ dy_hat, float(np.sum(dy_hat))
"""),

    # ------------------------------------------------------------------ correct, written differently
    "correct_loops": _right(
        mse_answer="""
def mse(y, y_hat):
    total = 0.0
    for a, b in zip(y.ravel(), y_hat.ravel()):
        total += (a - b) ** 2
    return total / y.size
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    grad = np.zeros(y_hat.shape)
    for index in np.ndindex(y_hat.shape):
        grad[index] = 2 * (y_hat[index] - y[index]) / y.size
    return grad
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N, D = X.shape
    dw = [0.0] * D
    db = 0.0
    for i in range(N):
        r = sum(X[i, j] * w[j] for j in range(D)) + b - y[i]
        for j in range(D):
            dw[j] += 2 * r * X[i, j] / N
        db += 2 * r / N
    return np.array(dw), db
""",
    ),
    "correct_einsum": _right(
        mse_answer="""
def mse(y, y_hat):
    r = (y - y_hat).ravel()
    return np.einsum("i,i->", r, r) / r.size
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = np.einsum("nd,d->n", X, w) + b - y          # (N,)
    return 2 * np.einsum("nd,n->d", X, r) / len(y), 2 * np.einsum("n->", r) / len(y)
""",
    ),
    "correct_algebraic": _right(
        mse_answer="""
def mse(y, y_hat):
    return np.mean(y**2 - 2 * y * y_hat + y_hat**2)
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return -2 * (y - y_hat) / np.prod(y.shape)
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N = len(y)
    mse_grad_y_hat = 2 * (X @ w + b - y) / N        # dL/dy_hat, (N,)
    return X.T.dot(mse_grad_y_hat), mse_grad_y_hat.sum()
""",
    ),
    "correct_float32": _right(
        mse_answer="""
def mse(y, y_hat):
    d = y.astype(np.float32) - y_hat.astype(np.float32)
    return float(np.mean(d * d))
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return (np.float32(2) * (y_hat.astype(np.float32) - y.astype(np.float32)) / np.float32(y.size))
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    X32, y32, w32 = X.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
    r = X32 @ w32 + np.float32(b) - y32
    return np.float32(2 / len(y)) * (X32.T @ r), float(np.float32(2 / len(y)) * r.sum())
""",
    ),
}

# ---------------------------------------------------------------------- mae_grad (second edition), its own block
VARIANTS.update({
    "mae_grad_sign_flipped": _wrong({"mae_grad_answer": "sign"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return np.sign(y - y_hat) / y.size
"""),
    "mae_grad_forgot_mean": _wrong({"mae_grad_answer": "factor"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return np.sign(y_hat - y)
"""),
    # The MSE habit: the residual itself, or the whole MSE gradient.
    "mae_grad_residual": _wrong({"mae_grad_answer": "residual_not_sign"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return (y_hat - y) / y.size
"""),
    "mae_grad_is_mse_grad": _wrong({"mae_grad_answer": "mse_grad_not_mae"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return 2 * (y_hat - y) / y.size
"""),
    "mae_grad_nan_at_ties": _wrong({"mae_grad_answer": "nan_at_ties"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    r = y_hat - y
    return r / np.abs(r) / y.size
"""),
    "mae_grad_one_at_ties": _wrong({"mae_grad_answer": "tie_value"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return np.where(y_hat >= y, 1.0, -1.0) / y.size
"""),
    "mae_grad_len_not_size": _wrong({"mae_grad_answer": "len_not_size"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return np.sign(y_hat - y) / len(y)
"""),
    "mae_grad_loss_terms": _wrong({"mae_grad_answer": "loss_not_gradient"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return np.abs(y_hat - y) / y.size
"""),
    "mae_grad_in_place": _wrong({"mae_grad_answer": "in_place"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    y_hat -= y                      # changes the caller's array
    return np.sign(y_hat) / y.size
"""),
    "mae_grad_calls_reference": _wrong({"mae_grad_answer": "reference"}, mae_grad_answer="""
def mae_grad(y, y_hat):
    return mlcore.mae_grad(y, y_hat)
"""),
    "correct_mae_grad_loops": _right(mae_grad_answer="""
def mae_grad(y, y_hat):
    grad = np.zeros(y_hat.shape)
    for index in np.ndindex(y_hat.shape):
        if y_hat[index] > y[index]:
            grad[index] = 1 / y.size
        elif y_hat[index] < y[index]:
            grad[index] = -1 / y.size
    return grad
"""),
    "correct_mae_grad_where_float32": _right(mae_grad_answer="""
def mae_grad(y, y_hat):
    y32, y_hat32 = y.astype(np.float32), y_hat.astype(np.float32)
    return np.where(y_hat32 > y32, 1.0, np.where(y_hat32 < y32, -1.0, 0.0)).astype(np.float32) / np.prod(y.shape)
"""),
})

# ---------------------------------------------------------------------- more ways to write each function, with
# the keys the check must name (all of them, in order) and the words its message must say
VARIANTS.update({
    "mse_mae": _wrong({"mse_answer": ("mae",)}, "absolute", mse_answer="""
def mse(y, y_hat):
    return np.mean(np.abs(y - y_hat))
"""),
    "mse_square_of_mean": _wrong({"mse_answer": ("square_of_mean",)}, "mean of the squares", mse_answer="""
def mse(y, y_hat):
    return np.mean(y - y_hat) ** 2
"""),
    "mse_divide_by_len": _wrong({"mse_answer": ("len_not_size",)}, "len(y)", mse_answer="""
def mse(y, y_hat):
    return np.sum((y - y_hat) ** 2) / len(y)
"""),
    "mse_per_column": _wrong({"mse_answer": ("not_scalar",)}, "single number", mse_answer="""
def mse(y, y_hat):
    return np.mean((y - y_hat) ** 2, axis=0)
"""),
    "mse_forgot_square": _wrong({"mse_answer": ("forgot_square",)}, "without squaring", mse_answer="""
def mse(y, y_hat):
    return np.mean(y - y_hat)
"""),
    # Any single number is some multiple of another: an offset is a mismatch, not a "factor".
    "mse_offset": _wrong({"mse_answer": ("not_zero_at_target",)}, "is not 0 when y_hat = y", mse_answer="""
def mse(y, y_hat):
    return np.mean((y - y_hat) ** 2) + 1e-3
"""),
    "mse_matrix_product": _wrong({"mse_answer": ("not_scalar",)}, "should be a single number", mse_answer="""
def mse(y, y_hat):
    return (y - y_hat).T @ (y - y_hat) / len(y)
"""),
    "mse_grad_divide_by_len": _wrong({"mse_grad_answer": ("len_not_size",)}, "len(y)", mse_grad_answer="""
def mse_grad(y, y_hat):
    return 2 * (y_hat - y) / len(y)
"""),
    "mse_grad_loss_terms": _wrong({"mse_grad_answer": ("loss_not_gradient",)}, "derivative", mse_grad_answer="""
def mse_grad(y, y_hat):
    return (y_hat - y) ** 2 / y.size
"""),
    "mse_grad_mean_of_gradient": _wrong({"mse_grad_answer": ("shape",)}, "single number", mse_grad_answer="""
def mse_grad(y, y_hat):
    return np.mean(2 * (y_hat - y))
"""),
    "mse_grad_absolute_value": _wrong({"mse_grad_answer": ("sign",)}, "absolute value", mse_grad_answer="""
def mse_grad(y, y_hat):
    return 2 * np.abs(y_hat - y) / y.size
"""),
    "linear_db_as_array": _wrong({"linear_mse_grads_answer": ("not_scalar",)}, "float", linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / len(y) * X.T @ r, 2 / len(y) * np.sum(r, keepdims=True)
"""),
    "linear_dw_not_summed": _wrong({"linear_mse_grads_answer": ("dw_not_summed",)}, "sums those",
                                   linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / len(y) * X * r[:, None], 2 * r.mean()
"""),
    "linear_mean_over_d": _wrong({"linear_mse_grads_answer": ("mean_over_d", "mean_over_d")}, "divided by D",
                                 linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / X.shape[1] * X.T @ r, 2 / X.shape[1] * r.sum()
"""),
    # db sums the (N, N) table: N times too big, which the second diagnosis says.
    "linear_broadcast_column_prediction": _wrong({"linear_mse_grads_answer": ("shape", "factor")}, "broadcasting",
                                                 linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    y_hat = X @ w[:, None] + b      # (N, 1)
    r = y_hat - y                   # (N, N)
    return 2 / len(y) * (X.T @ r), 2 / len(y) * r.sum()
"""),
    "linear_reuses_y": _wrong({"linear_mse_grads_answer": ("in_place",)}, "y in place", linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    y_hat = X @ w + b
    y_hat -= y
    y -= y                          # "reuse" y's memory
    return 2 / len(X) * X.T @ y_hat, 2 / len(X) * y_hat.sum()
"""),
    "linear_wrong_axis": _wrong({"linear_mse_grads_answer": ("wrong_axis",)}, "axis=1", linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / len(y) * np.sum(X.T * r, axis=0), 2 * r.mean()
"""),
    "linear_divide_by_x_size": _wrong({"linear_mse_grads_answer": ("factor", "factor")}, "X.size",
                                      linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / X.size * X.T @ r, 2 / X.size * r.sum()
"""),
    "linear_db_dw_order": _wrong({"linear_mse_grads_answer": ("order",)}, "(db, dw) instead of (dw, db)",
                                 linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / len(y) * r.sum(), 2 / len(y) * X.T @ r
"""),
    "correct_numpy_scalars": _right(
        mse_answer="""
def mse(y, y_hat):
    return np.mean((y - y_hat) ** 2)
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return np.subtract(y_hat, y) / (y.size / 2)
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X.dot(w) + b - y
    return 2 * np.mean(X * r[:, None], axis=0), float(2 * np.mean(r))
""",
    ),
    "correct_zero_d_arrays": _right(
        mse_answer="""
def mse(y, y_hat):
    return np.asarray(np.square(y_hat - y).sum() / np.size(y))
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return np.einsum("...,->...", y_hat - y, 2.0 / y.size)
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = X @ w + b - y
    return 2 / len(y) * X.T @ r, np.asarray(2 / len(y) * r.sum())
""",
    ),
    "correct_norm_and_lists": _right(
        mse_answer="""
def mse(y, y_hat):
    return float(np.linalg.norm(y - y_hat) ** 2 / y.size)
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    g = np.zeros_like(y_hat)
    n = y.size
    for index in np.ndindex(*y.shape):
        g[index] = 2 * (y_hat[index] - y[index]) / n
    return g
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = (X @ w + b - y) * (2 / len(X))
    return [r @ X, r.sum()]
""",
    ),
    "correct_float32_casts": _right(
        mse_answer="""
def mse(y, y_hat):
    r = (y - y_hat).astype(np.float32)
    return np.mean(r * r)
""",
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return (2 * (y_hat.astype(np.float32) - y.astype(np.float32)) / y.size).astype(np.float32)
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    X32, y32, w32 = X.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
    r = X32 @ w32 + np.float32(b) - y32
    return (2 / len(y) * X32.T @ r), np.float32(2 / len(y) * r.sum())
""",
    ),
    "correct_loops_written_out": _right(
        mse_grad_answer="""
def mse_grad(y, y_hat):
    return -2.0 / np.size(y) * (y - y_hat)
""",
        linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    N, D = X.shape
    dw = np.zeros(D)
    db = 0.0
    for i in range(N):
        y_hat_i = 0.0
        for j in range(D):
            y_hat_i += X[i, j] * w[j]
        y_hat_i += b
        for j in range(D):
            dw[j] += 2 * (y_hat_i - y[i]) * X[i, j] / N
        db += 2 * (y_hat_i - y[i]) / N
    return dw, db
""",
    ),
    "correct_einsum_mean": _right(linear_mse_grads_answer="""
def linear_mse_grads(X, y, w, b):
    r = np.einsum("nd,d->n", X, w) + b - y
    return 2 * np.einsum("nd,n->d", X, r) / len(y), 2 * r.mean()
"""),
})
