"""Benchmark (not a test): grade a synthetic class with 1 and with 2 workers, against the kernel floor.

    .venv/bin/python benchmarks/bench_class.py                  # 100 students x every released notebook
    .venv/bin/python benchmarks/bench_class.py --students 20    # smaller, when time is short

Prints, for each worker count: wall time of the whole `grade` (autograde + feedback + export, setup
included), seconds per notebook-submission, and its ratio to the kernel floor measured in the same run
(start a kernel, run one trivial cell, stop it: median of several); then the speedup of 2 workers over 1.
Each worker count grades its own copy of the class into a fresh SQLite gradebook.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from instructor.course import Course  # noqa: E402
from instructor.grade import grade_class  # noqa: E402
from instructor.synthetic import make_class  # noqa: E402


def kernel_floor(repeats=5, shutdown="graceful"):
    """Median seconds to start a python3 kernel, run `1 + 1` and stop it (nbclient, like nbgrader).

    `shutdown` is nbclient's ``shutdown_kernel``: "graceful" (its default: ask the kernel to exit and wait)
    or "immediate" (kill it, as the class grader does once every output is in).
    """
    import nbformat
    from nbclient import NotebookClient

    times = []
    for _ in range(repeats):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
        t0 = time.perf_counter()
        NotebookClient(nb, kernel_name="python3", shutdown_kernel=shutdown).execute()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build_course(dest, assignments):
    for folder in ("solutions", "notebooks"):
        for a in assignments:
            shutil.copytree(ROOT / folder / a, dest / folder / a)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--assignments", nargs="*", default=None, help="default: every released notebook")
    p.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    p.add_argument("--timeout", type=int, default=10, help="per-cell timeout (the infinite loops cost this)")
    p.add_argument("--no-broken", action="store_true", help="no timeouts, dead kernels, missing notebooks")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    assignments = args.assignments or Course.load(ROOT).assignments()
    counts = [int(w) for w in args.workers.split(",")]
    floor_before = kernel_floor()
    floor_kill_before = kernel_floor(shutdown="immediate")
    print(f"load average before: {os.getloadavg()[0]:.1f} (a busy shared machine slows every figure alike)")
    print(f"class: {args.students} students x {len(assignments)} notebooks ({', '.join(assignments)}); "
          f"cores: {os.cpu_count()}; per-cell timeout {args.timeout} s; broken submissions: {not args.no_broken}")
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for w in counts:
            course = Path(tmp) / f"class_w{w}"
            build_course(course, assignments)
            plan = make_class(course, args.students, seed=args.seed, assignments=assignments,
                              broken=not args.no_broken)
            kinds = [per[a]["kind"] for per in plan["students"].values() for a in assignments]
            executed = sum(k not in ("missing", "renamed") for k in kinds)
            timeouts = kinds.count("timeout")
            t0 = time.perf_counter()
            result = grade_class(course, assignments, workers=w, timeout=args.timeout, progress=False)
            runs[w] = {"wall": time.perf_counter() - t0, "grading": result.grading_seconds, "subs": len(kinds),
                       "ran": executed, "timeouts": timeouts, "errors": len(result.errors)}
    floor = statistics.median([floor_before, kernel_floor()])
    floor_kill = statistics.median([floor_kill_before, kernel_floor(shutdown="immediate")])
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"kernel floor (start, one trivial cell, stop): {floor:.2f} s with nbclient's default graceful stop, "
          f"{floor_kill:.2f} s when the kernel is killed; ratios below are to the first")
    print("wall: the whole command; grading: workers started to last result (setup, CSV and export excluded);")
    print("s/sub: grading seconds per notebook-submission that ran a kernel; excl. timeouts: minus the waits")
    print(f"{'workers':>7} {'wall s':>7} {'grading s':>9} {'subs':>5} {'ran':>4} {'timeouts':>8} {'s/sub':>6} "
          f"{'x floor':>7} {'excl. timeouts':>14} {'x floor':>7} {'errors':>6}")
    for w in counts:
        r = runs[w]
        per = r["grading"] / r["ran"]
        # Each infinite loop waits out the timeout on one of the w workers: take that wait out for the rate.
        per_excl = max(r["grading"] - r["timeouts"] * args.timeout / w, 0) / r["ran"]
        print(f"{w:>7} {r['wall']:>7.1f} {r['grading']:>9.1f} {r['subs']:>5} {r['ran']:>4} {r['timeouts']:>8} "
              f"{per:>6.2f} {per / floor:>7.2f} {per_excl:>14.2f} {per_excl / floor:>7.2f} {r['errors']:>6}")
    if 1 in counts and 2 in counts:
        print(f"speedup of 2 workers over 1: {runs[1]['grading'] / runs[2]['grading']:.2f}x grading, "
              f"{runs[1]['wall'] / runs[2]['wall']:.2f}x wall")


if __name__ == "__main__":
    main()
