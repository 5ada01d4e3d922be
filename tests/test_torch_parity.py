"""Float64 comparison with PyTorch (skipped where torch is not installed)."""

import numpy as np
import pytest

import mlcore

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL = 1e-6


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.mark.parametrize("shape", [(1, 1), (5,), (4, 3)])
def test_activations_and_derivatives(rng, shape):
    z = rng.uniform(0.1, 4, shape) * rng.choice([-1.0, 1.0], shape)
    for ours, ours_prime, theirs in [
        (mlcore.sigmoid, mlcore.sigmoid_prime, torch.sigmoid),
        (mlcore.tanh, mlcore.tanh_prime, torch.tanh),
        (mlcore.relu, mlcore.relu_prime, torch.relu),
    ]:
        zt = t(z, grad=True)
        out = theirs(zt)
        out.sum().backward()
        np.testing.assert_allclose(ours(z), out.detach().numpy(), rtol=RTOL)
        np.testing.assert_allclose(ours_prime(z), zt.grad.numpy(), rtol=RTOL)
    np.testing.assert_allclose(mlcore.sigmoid(np.array([-1000.0, 1000.0])), torch.sigmoid(t([-1000.0, 1000.0])).numpy())


def test_softmax(rng):
    z = rng.standard_normal((6, 4)) * 10
    np.testing.assert_allclose(mlcore.softmax(z), torch.softmax(t(z), dim=-1).numpy(), rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 4)])
def test_mse(rng, shape):
    y, y_hat = rng.standard_normal(shape), rng.standard_normal(shape)
    yh = t(y_hat, grad=True)
    loss = F.mse_loss(yh, t(y))
    loss.backward()
    assert mlcore.mse(y, y_hat) == pytest.approx(loss.item(), rel=RTOL)
    np.testing.assert_allclose(mlcore.mse_grad(y, y_hat), yh.grad.numpy(), rtol=RTOL)


def test_linear_mse_grads(rng):
    X, y, w = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.standard_normal(3)
    wt, bt = t(w, grad=True), t(0.7, grad=True)
    F.mse_loss(t(X) @ wt + bt, t(y)).backward()
    dw, db = mlcore.linear_mse_grads(X, y, w, 0.7)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=RTOL)
    assert db == pytest.approx(bt.grad.item(), rel=RTOL)


@pytest.mark.parametrize("shape", [(1,), (9,), (3, 2)])
def test_binary_cross_entropy(rng, shape):
    y = rng.integers(0, 2, shape).astype(float)
    p = rng.uniform(0.02, 0.98, shape)
    z = rng.standard_normal(shape) * 3
    pt = t(p, grad=True)
    loss = F.binary_cross_entropy(pt, t(y))
    loss.backward()
    assert mlcore.binary_cross_entropy(y, p) == pytest.approx(loss.item(), rel=RTOL)
    np.testing.assert_allclose(mlcore.bce_grad(y, p), pt.grad.numpy(), rtol=RTOL)
    zt = t(z, grad=True)
    loss = F.binary_cross_entropy_with_logits(zt, t(y))
    loss.backward()
    assert mlcore.bce_with_logits(y, z) == pytest.approx(loss.item(), rel=RTOL)
    np.testing.assert_allclose(mlcore.bce_with_logits_grad(y, z), zt.grad.numpy(), rtol=RTOL)


@pytest.mark.parametrize("N, K", [(1, 2), (5, 3), (16, 10)])
def test_softmax_cross_entropy(rng, N, K):
    z, y = rng.standard_normal((N, K)) * 3, rng.integers(0, K, N)
    zt = t(z, grad=True)
    loss = F.cross_entropy(zt, torch.tensor(y))
    loss.backward()
    assert mlcore.softmax_cross_entropy(y, z) == pytest.approx(loss.item(), rel=RTOL)
    np.testing.assert_allclose(mlcore.softmax_cross_entropy_grad(y, z), zt.grad.numpy(), rtol=RTOL, atol=1e-15)


def torch_forward(params, X, activation, head):
    act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
    a = X
    L = len(params) // 2
    for l in range(L):
        z = a @ params[2 * l] + params[2 * l + 1]
        a = act(z) if l < L - 1 else z
    return a


@pytest.mark.parametrize("sizes, activation, head", [
    ((3, 5, 4), "relu", "softmax"),
    ((2, 6, 6, 3), "tanh", "softmax"),
    ((4, 5, 1), "sigmoid", "sigmoid"),
    ((3, 4, 2), "tanh", "identity"),
])
def test_mlp_gradients(rng, sizes, activation, head):
    model = mlcore.MLP(sizes, activation=activation, head=head, rng=rng)
    N = 7
    X = rng.standard_normal((N, sizes[0]))
    if head == "softmax":
        y = rng.integers(0, sizes[-1], N)
    elif head == "sigmoid":
        y = rng.integers(0, 2, N)
    else:
        y = rng.standard_normal((N, sizes[-1]))
    loss, grads = model.loss_and_grads(X, y)
    params = [t(p, grad=True) for p in model.params]
    z = torch_forward(params, t(X), activation, head)
    if head == "softmax":
        tl = F.cross_entropy(z, torch.tensor(y))
    elif head == "sigmoid":
        tl = F.binary_cross_entropy_with_logits(z[:, 0], t(y))
    else:
        tl = F.mse_loss(z, t(y))
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=RTOL)
    for g, p in zip(grads, params):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=RTOL, atol=1e-12)


def test_momentum_matches_torch_sgd(rng):
    p0 = rng.standard_normal((3, 2))
    grads = [rng.standard_normal((3, 2)) for _ in range(4)]
    pt = t(p0, grad=True)
    opt = torch.optim.SGD([pt], lr=0.1, momentum=0.9)
    params, velocity = [p0], None
    for g in grads:
        opt.zero_grad()
        pt.grad = t(g)
        opt.step()
        params, velocity = mlcore.momentum_step(params, [g], velocity, 0.1, 0.9)
    np.testing.assert_allclose(params[0], pt.detach().numpy(), rtol=1e-12)


# ----------------------------------------------------------------------------- second edition's exercises


@pytest.mark.parametrize("shape", [(1,), (7,), (4, 3)])
@pytest.mark.parametrize("alpha", [0.01, 0.2])
def test_leaky_relu_and_its_derivative_also_at_zero(rng, shape, alpha):
    z = rng.uniform(0.1, 4, shape) * rng.choice([-1.0, 1.0], shape)
    z.reshape(-1)[0] = 0.0  # torch's derivative at 0 is the negative slope too
    zt = t(z, grad=True)
    out = F.leaky_relu(zt, negative_slope=alpha)
    out.sum().backward()
    np.testing.assert_allclose(mlcore.leaky_relu(z, alpha), out.detach().numpy(), rtol=RTOL)
    np.testing.assert_allclose(mlcore.leaky_relu_prime(z, alpha), zt.grad.numpy(), rtol=RTOL)


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 4)])
def test_mae_grad_is_l1_losss_gradient_also_at_ties(rng, shape):
    y = rng.standard_normal(shape)
    y_hat = y + rng.standard_normal(shape)
    y_hat.reshape(-1)[-1] = y.reshape(-1)[-1]  # a tie: torch's sign(0) = 0 as well
    yt = t(y_hat, grad=True)
    F.l1_loss(yt, t(y)).backward()
    np.testing.assert_allclose(mlcore.mae_grad(y, y_hat), yt.grad.numpy(), rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("shape", [(1,), (9,), (3, 2)])
def test_bce_with_logits_also_at_extreme_logits(rng, shape):
    y = rng.integers(0, 2, shape).astype(float)
    z = rng.standard_normal(shape) * 3
    z.reshape(-1)[0] = rng.choice([-1000.0, 1000.0])
    theirs = F.binary_cross_entropy_with_logits(t(z), t(y)).item()
    assert mlcore.bce_with_logits(y, z) == pytest.approx(theirs, rel=RTOL)


def test_weight_decay_step_matches_torch_sgd_weight_decay(rng):
    p0 = rng.standard_normal((3, 2))
    grads = [rng.standard_normal((3, 2)) for _ in range(4)]
    pt = t(p0, grad=True)
    opt = torch.optim.SGD([pt], lr=0.1, weight_decay=0.05)
    params = [p0]
    for g in grads:
        opt.zero_grad()
        pt.grad = t(g)
        opt.step()
        params = mlcore.weight_decay_step(params, [g], 0.1, 0.05)
    np.testing.assert_allclose(params[0], pt.detach().numpy(), rtol=1e-12)
