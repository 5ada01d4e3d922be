"""Instructor commands for a whole class: ``python -m instructor {grade,report,synthetic} ...``.

Also installed as the ``course-grade`` console script.

    python -m instructor grade --all --course-dir . --workers 2
    python -m instructor grade 01_mse --course-dir . --db-url postgresql+psycopg://user@host/gradebook
    python -m instructor grade --all --course-dir /shared/course --db-url ... --scheduler tcp://host:8786
    python -m instructor report 01_mse --course-dir .
    python -m instructor synthetic --students 100 --course-dir /tmp/class --seed 0

Exit status of ``grade``: 0 when every submission was graded or flagged for manual grading (a student's
broken code is not a failure of the command), 1 when grading itself broke for some submission (nbgrader
crashed), 2 when grading could not start (e.g. the gradebook database is unreachable).
"""

from __future__ import annotations

import argparse
import os
import sys


def _parser():
    p = argparse.ArgumentParser(prog="python -m instructor", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="autograde, generate feedback and export a whole class, in parallel")
    g.add_argument("assignments", nargs="*", help="assignment names (default with --all: every assignment)")
    g.add_argument("--all", action="store_true", help="grade every assignment of the release folder")
    g.add_argument("--course-dir", default=".", help="nbgrader course root (default: current directory)")
    g.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="worker processes of the local Dask cluster (default: CPUs)")
    g.add_argument("--scheduler", default=None,
                   help="grade on an existing Dask cluster, e.g. tcp://host:8786 (default: $COURSE_GRADE_SCHEDULER, "
                        "else a local cluster of --workers processes); its workers must see the course directory "
                        "at the same path and reach the gradebook (PostgreSQL)")
    g.add_argument("--db-url", default=None, help="gradebook URL (default: SQLite gradebook.db in the course)")
    g.add_argument("--timeout", type=int, default=None, help="seconds one cell may run (Execute.timeout)")
    g.add_argument("--force", action="store_true", help="regrade submissions even when unchanged")
    g.add_argument("--csv", default=None, help="class CSV path (default: <course-dir>/class_grades.csv)")
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    g.add_argument("--no-sandbox", action="store_true",
                   help="run learner code WITHOUT the bubblewrap sandbox (only where bwrap cannot be installed; "
                        "the class CSV says so on every row graded this way)")

    r = sub.add_parser("report", help="item analysis: per test cell and per diagnosed mistake, who failed")
    r.add_argument("assignment")
    r.add_argument("--course-dir", default=".")
    r.add_argument("--db-url", default=None)
    r.add_argument("--out", default=None, help="output folder (default: <course-dir>/reports)")

    s = sub.add_parser("synthetic", help="write a synthetic class of submissions (tests, benchmarks)")
    s.add_argument("--students", type=int, required=True)
    s.add_argument("--course-dir", default=".")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--assignments", nargs="*", default=None)
    s.add_argument("--no-broken", action="store_true", help="leave out timeouts, dead kernels, missing notebooks")
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "grade":
        from .grade import GradingSetupError, grade_class, summary

        if not args.assignments and not args.all:
            print("name one or more assignments, or pass --all", file=sys.stderr)
            return 2
        try:
            result = grade_class(args.course_dir, None if args.all else args.assignments, workers=args.workers,
                                 db_url=args.db_url, timeout=args.timeout, force=args.force,
                                 progress=not args.no_progress, csv_path=args.csv, no_sandbox=args.no_sandbox,
                                 scheduler=args.scheduler)
        except GradingSetupError as exc:
            print(f"grading could not run: {exc}", file=sys.stderr)
            return 2
        print(summary(result))
        return 1 if result.errors else 0
    if args.command == "report":
        from .grade import GradingSetupError
        from .report import write_report

        try:
            csv_path, png_path = write_report(args.course_dir, args.assignment, db_url=args.db_url, out_dir=args.out)
        except GradingSetupError as exc:
            print(f"report could not run: {exc}", file=sys.stderr)
            return 2
        print(f"item analysis: {csv_path}\nplot: {png_path}")
        return 0
    if args.command == "synthetic":
        from .synthetic import PLAN_FILE, make_class

        plan = make_class(args.course_dir, args.students, seed=args.seed, assignments=args.assignments,
                          broken=not args.no_broken)
        n = sum(len(v) for v in plan["students"].values())
        print(f"wrote {n} submission(s) of {args.students} student(s); plan in "
              f"{os.path.join(args.course_dir, PLAN_FILE)}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
