"""Time of one visible check per exercise, on a correct answer (issue 11: it must stay under 0.5 s).

The correct answers are the catalogue's (``instructor.answers``: each module's ``CORRECT`` cells, run in one
namespace with ``np`` and ``mlcore``). Each check runs ``--repeat`` times with fresh seeds; the table shows
the median and the slowest, for the correct answer, for a wrong one (every float entry
1 % off, or the last mini-batch dropped) whose check also runs the diagnosis, and for one that raises unless its
first 2-D input is square (the diagnosis then re-runs it on other sizes). Usage: ``python benchmarks/bench_check.py [--repeat 5] [--hidden]``.
"""

import argparse
import contextlib
import importlib
import io
import pkgutil
import statistics
import time
import warnings

import numpy as np

import mlcore
from mlcore.grading import EXERCISES, GradingError, check


def correct_functions():
    """{exercise name: the catalogue's correct function}."""
    import instructor.answers as answers

    found = {}
    for info in pkgutil.iter_modules(answers.__path__):
        if not info.name.startswith("nb"):
            continue
        module = importlib.import_module(f"{answers.__name__}.{info.name}")
        namespace = {"np": np, "mlcore": mlcore}
        for source in getattr(module, "CORRECT", {}).values():
            if "def " in source:
                exec(source, namespace)  # noqa: S102 (the course's own answer catalogue)
        found.update({name: namespace[name] for name in EXERCISES if callable(namespace.get(name))})
    return found


def _nudged(value):
    """``value`` with every float entry 1 % too large: a wrong answer that no listed mistake explains."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value * 1.01
    if isinstance(value, float):
        return value * 1.01
    if isinstance(value, (list, tuple)):
        return type(value)(_nudged(v) for v in value)
    return value


def wrong_version(fn):
    """A wrong answer built from a correct one, so the diagnosis (the failure path) is timed too."""

    def wrong(*args):
        result = fn(*args)
        if hasattr(result, "__next__"):
            return list(result)[:-1]  # minibatches: the last batch dropped
        return _nudged(result)

    return wrong


def raising_version(fn):
    """A wrong answer that raises unless its first 2-D input is square, so the shape probes are timed too."""

    def wrong(*args):
        square = [a.shape[0] == a.shape[1] for a in args if isinstance(a, np.ndarray) and a.ndim == 2]
        if square and not square[0]:
            raise ValueError("operands could not be broadcast together")
        return fn(*args)

    return wrong


def _timed(name, fn, hidden, seed):
    start = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            check(name, fn, hidden=hidden, seed=seed)
        except GradingError:
            pass
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--hidden", action="store_true", help="time the hidden checks instead")
    args = parser.parse_args()
    functions = correct_functions()
    print(f"{'':28s} {'correct answer':>17s} {'wrong answer (1 % off)':>23s} {'raises unless square':>20s}")
    print(f"{'exercise':28s} {'median s':>9s} {'max s':>7s} {'median s':>11s} {'max s':>7s} {'median s':>11s} {'max s':>7s}"
          f"   ({'hidden' if args.hidden else 'visible'} check, {args.repeat} seeds)")
    for name in sorted(EXERCISES):
        if name not in functions:
            print(f"{name:28s} {'(no correct answer in the catalogue)':>20s}")
            continue
        right = [_timed(name, functions[name], args.hidden, seed) for seed in range(args.repeat)]
        wrong = [_timed(name, wrong_version(functions[name]), args.hidden, seed) for seed in range(args.repeat)]
        raising = [_timed(name, raising_version(functions[name]), args.hidden, seed) for seed in range(args.repeat)]
        print(f"{name:28s} {statistics.median(right):9.4f} {max(right):7.4f} "
              f"{statistics.median(wrong):11.4f} {max(wrong):7.4f} {statistics.median(raising):11.4f} "
              f"{max(raising):7.4f}")


if __name__ == "__main__":
    main()
