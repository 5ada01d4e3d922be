"""Benchmark (not a test): grade a synthetic class with 1 and with 2 workers, on Dask and on the old pool.

    .venv/bin/python benchmarks/bench_class.py                  # 100 students x every released notebook
    .venv/bin/python benchmarks/bench_class.py --students 20    # smaller, when time is short
    .venv/bin/python benchmarks/bench_class.py --students 8 --assignments 01_mse --no-broken

Two engines grade the same class side by side in one run: ``dask`` (what ``course-grade grade`` runs: a local
Dask cluster of `w` worker processes, instructor.cluster) and ``pool`` (the home-made pool it replaced: `w`
long-lived worker processes fed one student at a time from a queue over pipes, kept in this file only for this
comparison). Both run the same nbgrader work per student (instructor.grade's ``_autograde`` and ``_feedback``)
with the NbGraderAPI built once per worker process, and both timings include starting their workers.

Prints, for each engine and worker count: wall time of the whole `grade` (autograde + feedback + export,
setup included), seconds per notebook-submission, and its ratio to the kernel floor measured in the same run
(start a kernel, run one trivial cell, stop it: median of several); then, per engine, the speedup of 2 workers
over 1, and the throughput of Dask relative to the pool. Each run grades its own copy of the class into a fresh
SQLite gradebook; the runs alternate between the engines so a change in the machine's load hits both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import subprocess
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from instructor import grade  # noqa: E402
from instructor.course import Course, ensure_tools_on_path  # noqa: E402
from instructor.grade import grade_class  # noqa: E402
from instructor.synthetic import make_class  # noqa: E402

ENGINES = ("pool", "dask")


# ------------------------------------------------------------- the old pool, for the comparison only


def _pool_worker(spec_json):
    """One pool worker process: tasks in on stdin, one JSON line out per result (its own NbGraderAPI)."""
    spec = json.loads(spec_json)
    proto = os.fdopen(os.dup(1), "w", buffering=1)  # nbgrader may print: keep the protocol channel clean
    os.dup2(2, 1)
    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI

    course = Course.load(spec["course_dir"], spec["db_url"])
    config = course.config(timeout=spec["timeout"])
    if not spec["sandbox"]:
        config.SandboxedExecute.sandbox = False
        config.CleanRoom.sandbox = False
    api, expected = NbGraderAPI(config=config), spec["notebooks"]
    for line in sys.stdin:
        task = json.loads(line)
        if task["op"] == "feedback":
            proto.write(json.dumps(grade._feedback(api, course, expected, task)) + "\n")
            continue
        for a in task["assignments"]:
            out = grade._autograde(api, course, expected[a], task["student"], a)
            proto.write(json.dumps(asdict(out)) + "\n")


def _pool_feed(proc, tasks, results):
    """The thread that feeds one pool worker: a student at a time, then feedback for the students it graded."""
    mine = {}
    while True:
        try:
            task = tasks.get_nowait()
        except queue.Empty:
            break
        proc.stdin.write(json.dumps(task) + "\n")
        proc.stdin.flush()
        for _ in task["assignments"]:
            out = grade.Outcome(**json.loads(proc.stdout.readline()))
            results.put(("grade", out))
            if out.ok:
                mine.setdefault(out.assignment, []).append(out.student)
    for a, students in mine.items():
        for k in range(0, len(students), grade.cluster.FEEDBACK_CHUNK):
            chunk = students[k:k + grade.cluster.FEEDBACK_CHUNK]
            proc.stdin.write(json.dumps({"op": "feedback", "assignment": a, "students": chunk}) + "\n")
            proc.stdin.flush()
            results.put(("feedback", json.loads(proc.stdout.readline())))
    proc.stdin.close()
    proc.wait()


def _pool_run_workers(workers):
    """A stand-in for instructor.grade.run_workers that grades on the old pool of `workers` processes."""
    def run_workers(_client, course, todo, notebooks, *, timeout, sandboxed=True):
        tasks, results = queue.Queue(), queue.Queue()
        by_student = {}
        for student, a in todo:
            by_student.setdefault(student, []).append(a)
        for student, assigns in by_student.items():
            tasks.put({"op": "autograde", "student": student, "assignments": assigns})
        spec = json.dumps({"course_dir": str(course.root), "db_url": course.db_url, "timeout": timeout,
                           "notebooks": notebooks, "sandbox": sandboxed})
        threads = []
        for i in range(max(1, min(workers, len(by_student)))):
            log = open(course.root / f"pool-worker-{i}.log", "w")
            proc = subprocess.Popen([sys.executable, __file__, "--pool-worker", spec], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=log, text=True, env=grade.venv_env(),
                                    cwd=course.root, bufsize=1)
            threads.append(threading.Thread(target=_pool_feed, args=(proc, tasks, results), daemon=True))
            threads[-1].start()
        while any(t.is_alive() for t in threads) or not results.empty():
            try:
                yield results.get(timeout=0.5)
            except queue.Empty:
                continue

    return run_workers


@contextlib.contextmanager
def engine(name, workers):
    """grade_class runs on `name`: "dask" (as shipped) or "pool" (the old pool swapped in for the run)."""
    if name == "dask":
        yield
        return
    saved = grade.run_workers, grade.cluster.connect
    grade.run_workers = _pool_run_workers(workers)
    grade.cluster.connect = lambda *a, **k: contextlib.nullcontext()
    try:
        yield
    finally:
        grade.run_workers, grade.cluster.connect = saved


# ------------------------------------------------------------------------------------------ the benchmark


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
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: pool, dask (default both)")
    p.add_argument("--timeout", type=int, default=10, help="per-cell timeout (the infinite loops cost this)")
    p.add_argument("--no-broken", action="store_true", help="no timeouts, dead kernels, missing notebooks")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    assignments = args.assignments or Course.load(ROOT).assignments()
    counts = [int(w) for w in args.workers.split(",")]
    engines = args.engines.split(",")
    floor_before = kernel_floor()
    floor_kill_before = kernel_floor(shutdown="immediate")
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.1f} (1 min), {load_before[1]:.1f} (5 min) "
          "(a busy shared machine slows every figure; re-measure on a quiet one)")
    print(f"class: {args.students} students x {len(assignments)} notebooks ({', '.join(assignments)}); "
          f"cores: {os.cpu_count()}; per-cell timeout {args.timeout} s; broken submissions: {not args.no_broken}")
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for w in counts:
            for name in engines:  # alternating: a change in load hits both engines alike
                course = Path(tmp) / f"class_{name}_w{w}"
                build_course(course, assignments)
                plan = make_class(course, args.students, seed=args.seed, assignments=assignments,
                                  broken=not args.no_broken)
                kinds = [per[a]["kind"] for per in plan["students"].values() for a in assignments]
                t0 = time.perf_counter()
                with engine(name, w):
                    result = grade_class(course, assignments, workers=w, timeout=args.timeout, progress=False,
                                         log=lambda *_: None)
                seconds = [r.get("seconds", 0) for per in grade.load_manifest(course).values() for r in per.values()]
                runs[name, w] = {"wall": time.perf_counter() - t0, "grading": result.grading_seconds,
                                 "autograde": sum(seconds) / max(len(seconds), 1),
                                 "subs": len(kinds), "ran": sum(k not in ("missing", "renamed") for k in kinds),
                                 "timeouts": kinds.count("timeout"), "errors": len(result.errors),
                                 "load": os.getloadavg()[0]}
    floor = statistics.median([floor_before, kernel_floor()])
    floor_kill = statistics.median([floor_kill_before, kernel_floor(shutdown="immediate")])
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"kernel floor (start, one trivial cell, stop): {floor:.2f} s with nbclient's default graceful stop, "
          f"{floor_kill:.2f} s when the kernel is killed; ratios below are to the first")
    print("wall: the whole command; grading: workers started to last result (setup, CSV and export excluded);")
    print("s/sub: grading seconds per notebook-submission that ran a kernel; excl. timeouts: minus the waits;")
    print("autograde: mean seconds of one api.autograde inside a worker (the engine's overhead is not in it);")
    print("load: the 1-minute load average when the run ended")
    print(f"{'engine':>6} {'workers':>7} {'wall s':>7} {'grading s':>9} {'subs':>5} {'ran':>4} {'timeouts':>8} "
          f"{'s/sub':>6} {'x floor':>7} {'excl. timeouts':>14} {'x floor':>7} {'autograde':>9} {'errors':>6} {'load':>5}")
    for (name, w), r in runs.items():
        per = r["grading"] / r["ran"]
        # Each infinite loop waits out the timeout on one of the w workers: take that wait out for the rate.
        per_excl = max(r["grading"] - r["timeouts"] * args.timeout / w, 0) / r["ran"]
        print(f"{name:>6} {w:>7} {r['wall']:>7.1f} {r['grading']:>9.1f} {r['subs']:>5} {r['ran']:>4} "
              f"{r['timeouts']:>8} {per:>6.2f} {per / floor:>7.2f} {per_excl:>14.2f} {per_excl / floor:>7.2f} "
              f"{r['autograde']:>9.2f} {r['errors']:>6} {r['load']:>5.1f}")
    for name in engines:
        if (name, 1) in runs and (name, 2) in runs:
            print(f"{name}: speedup of 2 workers over 1: {runs[name, 1]['grading'] / runs[name, 2]['grading']:.2f}x "
                  f"grading, {runs[name, 1]['wall'] / runs[name, 2]['wall']:.2f}x wall")
    for w in counts:
        if ("pool", w) in runs and ("dask", w) in runs:
            pool, dask = runs["pool", w], runs["dask", w]
            print(f"{w} worker(s): Dask's throughput / the pool's: {pool['grading'] / dask['grading']:.2f}x grading, "
                  f"{pool['wall'] / dask['wall']:.2f}x wall")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--pool-worker":
        _pool_worker(sys.argv[2])
    else:
        main()
