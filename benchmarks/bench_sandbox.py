"""Benchmark (not a test): what the sandbox and the clean room cost per notebook-submission.

    .venv/bin/python benchmarks/bench_sandbox.py                   # 16 students x 01_mse, 2 workers
    .venv/bin/python benchmarks/bench_sandbox.py --students 30 --assignments 01_mse 03_backprop

Grades the same synthetic class (``instructor.synthetic``, no broken submissions) with ``grade_class`` three
times, each into a fresh SQLite gradebook, with the course's ``nbgrader_config.py`` changed only in the
autograde pipeline:

- ``plain``: nbgrader's own Execute, no structure check, no clean room (the pipeline before issue 12);
- ``sandbox``: the kernel in bubblewrap and the structure check, no clean room;
- ``full``: the course's configuration as shipped (sandbox, structure check, clean room).

Prints the autograde time (workers started to last result; feedback included, setup and export not) per
notebook-submission of each, and the ratio of ``sandbox`` and ``full`` to ``plain`` (target <= 1.5x). The
three are run in rotating order over ``--rounds`` rounds and the median is kept (the machine is shared).

Then, closer to the kernel and less exposed to a busy machine: the median time to execute the correct
01_mse notebook with nbclient (start the kernel, run every cell, stop it), with jupyter_client's kernel
manager and with the sandboxed one (bubblewrap, audit hook, scratch copy, last-cell probe), alternating.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from instructor.grade import grade_class  # noqa: E402
from instructor.synthetic import make_class  # noqa: E402


def config_text(kind):
    """The course configuration for one kind of run (see the module docstring)."""
    text = (ROOT / "nbgrader_config.py").read_text()
    if kind == "full":
        return text
    text = re.sub(r'\n\s*"instructor\.cleanroom\.CleanRoom",', "", text)
    if kind == "plain":
        text = text.replace('"instructor.kernel.SandboxedExecute"', '"nbgrader.preprocessors.Execute"')
        text = re.sub(r"c\.Autograde\.sanitize_preprocessors = \[.*?\]\n", "", text, flags=re.S)
    return text


def build_course(dest, assignments, kind):
    for folder in ("solutions", "notebooks"):
        for a in assignments:
            shutil.copytree(ROOT / folder / a, dest / folder / a)
    (dest / "nbgrader_config.py").write_text(config_text(kind))


def kernel_run(manager, repeats):
    """Median seconds to execute the correct 01_mse notebook with nbclient and kernel manager `manager`."""
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    from instructor.answers.nb01 import CORRECT

    released = nbformat.read(str(ROOT / "notebooks" / "01_mse" / "01_mse.ipynb"), as_version=4)
    for cell in released.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in CORRECT:
            cell.source = CORRECT[gid]
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-kernel-") as tmp:
        config = Config()
        config.CourseDirectory.root = tmp
        for _ in range(repeats):
            nb = nbformat.from_dict(released)
            t0 = time.perf_counter()
            NotebookClient(nb, kernel_name="python3", kernel_manager_class=manager, shutdown_kernel="immediate",
                           resources={"metadata": {"path": tmp}}, config=config).execute()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=16)
    p.add_argument("--assignments", nargs="*", default=["01_mse"])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--kernel-repeats", type=int, default=7, help="runs of each kernel manager (0: skip)")
    args = p.parse_args(argv)
    kinds = ["plain", "sandbox", "full"]
    seconds = {k: [] for k in kinds}
    for r in range(args.rounds):
        for kind in kinds[r % 3:] + kinds[:r % 3]:
            with tempfile.TemporaryDirectory(prefix=f"bench-sandbox-{kind}-") as tmp:
                course = Path(tmp)
                build_course(course, args.assignments, kind)
                make_class(course, args.students, seed=0, assignments=args.assignments, broken=False)
                t0 = time.perf_counter()
                result = grade_class(course, args.assignments, workers=args.workers, progress=False, log=lambda *a: None)
                wall = time.perf_counter() - t0
                n = len(result.rows)
                if result.errors:
                    print(f"{kind}: {len(result.errors)} submission(s) failed to grade", file=sys.stderr)
                seconds[kind].append(result.grading_seconds / n)
                print(f"round {r + 1} {kind:8s}: {n} notebook-submissions, autograde {result.grading_seconds:6.1f} s "
                      f"({result.grading_seconds / n:.2f} s each), whole run {wall:.1f} s", flush=True)
    plain = statistics.median(seconds["plain"])
    print(f"\nper notebook-submission ({args.workers} workers, median of {args.rounds} round(s)):")
    for kind in kinds:
        each = statistics.median(seconds[kind])
        print(f"  {kind:8s} {each:.2f} s   {each / plain:.2f}x plain")
    if args.kernel_repeats:
        from jupyter_client.manager import AsyncKernelManager

        from instructor.kernel import SandboxKernelManager

        runs = {"plain": [], "sandboxed": []}
        for _ in range(args.kernel_repeats):  # alternate, so a busy spell hits both
            runs["plain"].append(kernel_run(AsyncKernelManager, 1))
            runs["sandboxed"].append(kernel_run(SandboxKernelManager, 1))
        base = statistics.median(runs["plain"])
        print(f"\n01_mse executed by nbclient, median of {args.kernel_repeats}:")
        for kind, values in runs.items():
            print(f"  {kind:9s} kernel {statistics.median(values):.2f} s   {statistics.median(values) / base:.2f}x plain")


if __name__ == "__main__":
    main()
