"""How long each solution notebook takes to run top to bottom, against an empty notebook.

Usage, from the repository root::

    .venv/bin/python benchmarks/bench_notebooks.py [--repeat 3] [assignment ...]

For every notebook in ``solutions/`` (or those named) it measures, with nbclient, the wall time of:

- **learner**: a fresh kernel runs every cell as a learner would (widgets and figures included), then stops;
- **grading**: the same with ``NBGRADER_EXECUTION=autograde``, as nbgrader runs it (heavy demos skipped);

and, in the same run, the **empty** notebook: kernel start, one trivial cell (``1 + 1``), kernel stop. The
measurements are interleaved (empty, then each notebook, in every round) so that a change in the machine's
load hits all of them alike; the table shows the median over the rounds and each time's ratio to the empty
notebook's. Errors in a notebook are counted, not raised.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent


def run(nb, folder, grading):
    """Execute a copy of ``nb`` in ``folder``; return (seconds, number of cells with an error)."""
    nb = nbformat.from_dict(nb)
    previous = os.environ.pop("NBGRADER_EXECUTION", None)
    if grading:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(folder)}})
        start = time.perf_counter()
        client.execute()  # starts the kernel, runs every cell, shuts the kernel down
        seconds = time.perf_counter() - start
    finally:
        os.environ.pop("NBGRADER_EXECUTION", None)
        if previous is not None:
            os.environ["NBGRADER_EXECUTION"] = previous
    errors = sum(
        1 for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.get("outputs", []))
    )
    return seconds, errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment in solutions/")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the table shows medians)")
    args = parser.parse_args(argv)

    source = ROOT / "solutions"
    names = args.assignments or sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())
    notebooks = {n: nbformat.read(str(source / n / f"{n}.ipynb"), as_version=4) for n in names}
    empty = new_notebook(cells=[new_code_cell("1 + 1")])
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}

    times = {("empty", False): []}
    errors = {}
    for rnd in range(args.repeat):
        times[("empty", False)].append(run(empty, ROOT, False)[0])
        for name, nb in notebooks.items():
            for grading in (False, True):
                seconds, n_err = run(nb, source / name, grading)
                times.setdefault((name, grading), []).append(seconds)
                errors[name, grading] = max(errors.get((name, grading), 0), n_err)
        print(f"round {rnd + 1}/{args.repeat} done", file=sys.stderr)

    floor = statistics.median(times[("empty", False)])
    print(f"Solution notebooks, top to bottom in a fresh kernel (median of {args.repeat} rounds; "
          f"{os.cpu_count()} CPUs)\n")
    print("| notebook | learner run (s) | × empty | grading run (s) | × empty | cells with errors |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| empty (start kernel, `1 + 1`, stop) | {floor:.2f} | 1.0 | | | |")
    for name in names:
        learner = statistics.median(times[name, False])
        grading = statistics.median(times[name, True])
        n_err = errors[name, False] + errors[name, True]
        print(f"| `{name}` | {learner:.2f} | {learner / floor:.1f} | {grading:.2f} | {grading / floor:.1f} | {n_err} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
