"""Time one training step of mlcore's MLP against PyTorch and against the matmul floor.

One step = forward, backward and a plain gradient-descent update, with ReLU hidden layers and a
softmax + cross-entropy head, batch 128. For every layer-size tuple and dtype the script times,
side by side in the same run and interleaved round by round:

* ``mlcore``: ``model.step(X, y, lr)`` (``MLP.step``'s hot path: inputs checked once, forward, the delta
  recursion on ``-lr * delta^L``, and the parameters added into those fresh arrays);
* ``gd_step``: the same step spelled out with the pure functions, ``model.loss_and_grads(X, y)`` then
  ``model.params = mlcore.gd_step(model.params, grads, lr)`` (the same numbers up to rounding, each
  function checking its own inputs); printed for comparison, not in the ratios;
* ``torch``: the same network in PyTorch on the CPU (same sizes, dtype and thread count), with
  ``torch.optim.SGD``; skipped when torch is not installed;
* ``floor``: the step's matrix multiplications alone in NumPy (forward ``a @ W`` per layer,
  backward ``a.T @ delta`` per layer and ``delta @ W.T`` for every layer but the first), writing
  into preallocated outputs.

Run it with the OpenBLAS tuning variables of this machine removed (they slow NumPy down)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/bench_mlp.py

Options: ``--threads N`` (default: all cores), ``--rounds R`` (default 7), ``--quick``, and
``--clock cpu`` (process CPU time instead of wall time: on a shared, busy machine this is the stable
measure, valid with ``--threads 1``). Each figure is the best of R interleaved rounds.
"""

import argparse
import os
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; the median is reported")
    parser.add_argument("--block", type=float, default=0.05, help="seconds per timed block (approx.)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter blocks")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall: perf_counter; cpu: process CPU time, robust on a busy machine but "
                             "only meaningful with --threads 1 (spinning BLAS threads count as busy)")
    return parser.parse_args()


ARGS = parse_args()
# Thread counts must be fixed before NumPy loads its BLAS.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mlcore  # noqa: E402

try:
    import torch
except ImportError:  # the comparison is optional
    torch = None

SIZES = [(2, 16, 2), (64, 128, 10), (784, 256, 10), (784, 1024, 1024, 10)]
DTYPES = [np.float32, np.float64]
BATCH = 128
LR = 0.01


def blas_report():
    lines = []
    try:
        import threadpoolctl

        for info in threadpoolctl.threadpool_info():
            lines.append(
                f"{info.get('user_api')}: {info.get('internal_api')} {info.get('version')}, "
                f"kernel {info.get('architecture')}, {info.get('num_threads')} threads ({info.get('prefix')})"
            )
    except ImportError:
        lines.append("threadpoolctl not installed: BLAS kernel unknown (pip install threadpoolctl)")
    if hasattr(os, "getloadavg"):
        load, cores = os.getloadavg()[0], os.cpu_count() or 1
        if load > cores:
            lines.append(f"warning: load average {load:.1f} on {cores} cores: other jobs compete for the CPU and "
                         f"multi-threaded timings will be noisy; --threads 1 --clock cpu is steadier")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            lines.append(f"warning: {var}={os.environ[var]} is set and may slow NumPy down; see the docstring")
    return lines


def make_problem(sizes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((BATCH, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], BATCH)
    return X, y


def _model(sizes, dtype):
    X, y = make_problem(sizes, dtype)
    return X, y, mlcore.MLP(sizes, activation="relu", head="softmax", rng=np.random.default_rng(0), dtype=dtype)


def mlcore_step(sizes, dtype):
    X, y, model = _model(sizes, dtype)

    def step():
        model.step(X, y, LR)

    return step


def gd_step_step(sizes, dtype):
    X, y, model = _model(sizes, dtype)

    def step():
        loss, grads = model.loss_and_grads(X, y)
        model.params = mlcore.gd_step(model.params, grads, LR)

    return step


def torch_step(sizes, dtype):
    X, y = make_problem(sizes, dtype)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(d_in, d_out, dtype=tdtype))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(Xt), yt)
        loss.backward()
        opt.step()

    return step


def floor_step(sizes, dtype):
    """The same step's matrix multiplications alone, into preallocated outputs."""
    rng = np.random.default_rng(0)
    L = len(sizes) - 1
    W = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes[:-1], sizes[1:])]
    A = [rng.standard_normal((BATCH, d)).astype(dtype) for d in sizes]  # a^0 .. a^L
    D = [None] + [rng.standard_normal((BATCH, d)).astype(dtype) for d in sizes[1:]]  # delta^1 .. delta^L
    dW = [np.empty_like(w) for w in W]

    def step():
        for l in range(1, L + 1):
            np.matmul(A[l - 1], W[l - 1], out=A[l])
        for l in range(L, 0, -1):
            np.matmul(A[l - 1].T, D[l], out=dW[l - 1])
            if l > 1:
                np.matmul(D[l], W[l - 1].T, out=D[l - 1])

    return step


CLOCK = time.process_time if ARGS.clock == "cpu" else time.perf_counter


def calibrate(step, block):
    step()
    step()
    n, t = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        t = time.perf_counter() - t0
        if t >= block / 4 or n >= 1 << 16:
            break
        n *= 2
    return max(1, int(n * block / max(t, 1e-9)))


def measure(steps, rounds, block):
    """Best seconds per step of each contender over interleaved rounds (the least disturbed one).

    The order rotates from round to round: PyTorch's OpenMP threads keep spinning for a while after its
    block, which slows whichever contender comes right after it when BLAS runs on more than one thread.
    """
    counts = {name: calibrate(step, block) for name, step in steps.items()}
    times = {name: [] for name in steps}
    names = list(steps)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            step, n = steps[name], counts[name]
            t0 = CLOCK()
            for _ in range(n):
                step()
            times[name].append((CLOCK() - t0) / n)
    return {name: float(np.min(ts)) for name, ts in times.items()}


def main():
    rounds, block = (3, 0.02) if ARGS.quick else (ARGS.rounds, ARGS.block)
    if torch is not None:
        torch.set_num_threads(ARGS.threads)
    print(f"mlcore MLP training step (forward + backward + gd update), ReLU hidden, softmax CE, batch {BATCH}")
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed")
          + f", {ARGS.threads} thread(s), {ARGS.clock} clock, best of {rounds} interleaved rounds")
    for line in blas_report():
        print(line)
    if torch is not None:
        print(f"torch BLAS: {torch.backends.mkl.is_available() and 'MKL' or 'not MKL'}, "
              f"{torch.get_num_threads()} thread(s)")
    print()
    header = f"{'sizes':<24}{'dtype':<9}{'mlcore ms':>11}{'gd_step ms':>11}{'torch ms':>11}{'floor ms':>11}{'vs torch':>10}{'vs floor':>10}"
    print(header)
    print("-" * len(header))
    for sizes in SIZES:
        for dtype in DTYPES:
            steps = {"mlcore": mlcore_step(sizes, dtype), "gd_step": gd_step_step(sizes, dtype),
                     "floor": floor_step(sizes, dtype)}
            if torch is not None:
                steps["torch"] = torch_step(sizes, dtype)
            t = measure(steps, rounds, block)
            tt = t.get("torch")
            torch_ms = f"{tt * 1e3:11.3f}" if tt else f"{'-':>11}"
            vs_torch = f"{t['mlcore'] / tt:9.2f}x" if tt else f"{'-':>10}"
            print(f"{str(sizes):<24}{np.dtype(dtype).name:<9}{t['mlcore'] * 1e3:11.3f}{t['gd_step'] * 1e3:11.3f}{torch_ms}"
                  f"{t['floor'] * 1e3:11.3f}{vs_torch}{t['mlcore'] / t['floor']:9.2f}x", flush=True)


if __name__ == "__main__":
    main()
