"""End-to-end tests of the class-scale instructor tools (instructor): grade, report, synthetic.

A synthetic class of 10 students of the course's own 01_mse (one of every kind: correct, wrong answers with
diagnosed mistakes, blank, a timeout, sys.exit, a dead kernel, a missing and a renamed notebook) is graded
with 2 workers on SQLite in a temporary copy of the course; the scores must match the generator's plan.
Where 01_mse is not released yet, a tiny two-function assignment stands in for it.
"""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from instructor.grade import GRADED, NEEDS_MANUAL, grade_class, submission_hash, venv_env
from instructor.report import write_report
from instructor.synthetic import BROKEN, graded_points, make_class

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = "5"  # seconds per cell: the infinite loop costs one of these

CONFIG = """c = get_config()
c.CourseDirectory.course_id = "tiny"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]
"""

VARIANTS = {
    "t1": {
        "sign": {"answers": {"add_answer": "def add(a, b):\n    return -(a + b)",
                             "mul_answer": "def mul(a, b):\n    return a * b"},
                 "points": {"add_tests": 0, "mul_tests": 1}, "mistake": "sign"},
        "factor": {"answers": {"add_answer": "def add(a, b):\n    return a + b",
                               "mul_answer": "def mul(a, b):\n    return 2 * a * b"},
                   "points": {"add_tests": 2, "mul_tests": 0}, "mistake": "factor"},
    }
}


def _cell(grade_id, kind, source, points=0):
    meta = {"grade": kind == "test", "solution": kind == "answer", "locked": kind == "test",
            "grade_id": grade_id, "schema_version": 3, "task": False}
    if kind == "test":
        meta["points"] = points
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})


def make_tiny_course(root):
    """A course with one assignment t1: add (2 points) and mul (1 point), each test naming its mistake."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("import os"),
        _cell("add_answer", "answer", "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"),
        _cell("add_tests", "test", "r = add(1, 2)\nif r == -3:\n    raise AssertionError('add: the sign is flipped [mistake: sign]')\n"
                                  "assert r == 3, 'add: wrong [mistake: other]'", 2),
        _cell("mul_answer", "answer", "def mul(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION"),
        _cell("mul_tests", "test", "assert mul(2, 3) == 6, 'mul: off by a factor [mistake: factor]'", 1),
    ]
    (root / "solutions" / "t1").mkdir(parents=True)
    nbformat.write(nb, str(root / "solutions" / "t1" / "t1.ipynb"))
    (root / "nbgrader_config.py").write_text(CONFIG)
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_assignment", "t1", "--no-db"],
                   cwd=root, env=venv_env(), check=True, capture_output=True)


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "instructor", *args], cwd=cwd, env=venv_env(),
                          capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def assert_matches_plan(rows, plan, assignment):
    by_student = {r["student"]: r for r in rows if r["assignment"] == assignment}
    assert set(by_student) == set(plan["students"])
    for student, per in plan["students"].items():
        want, got = per[assignment], by_student[student]
        assert got["status"] == want["status"], (student, want["kind"], got)
        if want["score"] is None:
            assert got["score"] == "", (student, want["kind"], got)
        else:
            assert float(got["score"]) == pytest.approx(want["score"]), (student, want["kind"], got)
        assert float(got["max_score"]) == pytest.approx(want["max_score"])


def copy_course(dest, assignment):
    """A temporary course holding one of the repository's assignments (source, release, nbgrader config)."""
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / assignment, dest / folder / assignment)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """(course root, assignment, plan, first CLI run) of a graded synthetic class of 10 students."""
    root = tmp_path_factory.mktemp("course")
    if (ROOT / "notebooks" / "01_mse" / "01_mse.ipynb").exists():
        assignment, variants = "01_mse", None  # the answers module's VARIANTS
        copy_course(root, assignment)
    else:
        assignment, variants = "t1", VARIANTS
        make_tiny_course(root)
    plan = make_class(root, 10, seed=1, assignments=[assignment], variants=variants)
    first = run_cli("grade", assignment, "--course-dir", str(root), "--workers", "2", "--timeout", TIMEOUT,
                    "--no-progress")
    return root, assignment, plan, first


def test_synthetic_class_covers_every_kind(klass):
    _, a, plan, _ = klass
    kinds = {per[a]["kind"] for per in plan["students"].values()}
    assert {"correct", "blank", *BROKEN} <= kinds
    assert any(k.startswith("variant:") for k in kinds)


def test_synthetic_class_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        (root / "notebooks" / "t1").mkdir(parents=True)
        (root / "nbgrader_config.py").write_text(CONFIG)
    released = nbformat.v4.new_notebook()
    released.cells = [_cell("add_answer", "answer", "raise NotImplementedError()"), _cell("add_tests", "test", "add", 2)]
    for root in (a, b):
        nbformat.write(released, str(root / "notebooks" / "t1" / "t1.ipynb"))
    variants = {"t1": {"sign": VARIANTS["t1"]["sign"]}}
    plan_a = make_class(a, 25, seed=7, variants=variants)
    plan_b = make_class(b, 25, seed=7, variants=variants)
    assert plan_a == plan_b
    for student in plan_a["students"]:
        assert (submission_hash(a / "submitted" / student / "t1")
                == submission_hash(b / "submitted" / student / "t1"))
    other = make_class(b, 25, seed=8, variants=variants)
    assert other["students"] != plan_a["students"]


def test_grade_exits_zero_although_students_broke_things(klass):
    _, _, _, first = klass
    assert first.returncode == 0, first.stderr[-3000:]
    assert "10 graded now" in first.stdout


def test_scores_match_the_plan(klass):
    root, a, plan, _ = klass
    assert_matches_plan(read_csv(root / "class_grades.csv"), plan, a)


def test_broken_submissions_are_flagged_with_the_reason(klass):
    root, a, plan, first = klass
    rows = {r["student"]: r for r in read_csv(root / "class_grades.csv")}
    expected = {"timeout": "timed out", "os_exit": "kernel died", "missing": "missing notebook",
                "renamed": "renamed notebook"}
    for student, per in plan["students"].items():
        kind = per[a]["kind"]
        if kind in expected:
            assert rows[student]["status"] == NEEDS_MANUAL
            assert expected[kind] in rows[student]["reason"]
            assert f"{student} / {a}: {expected[kind]}" in first.stdout
        elif kind == "sys_exit":  # IPython catches SystemExit: graded like any other submission
            assert rows[student]["status"] == GRADED


def test_nbgrader_export_and_feedback_written(klass):
    root, a, plan, _ = klass
    exported = read_csv(root / "grades.csv")
    graded = {s for s, p in plan["students"].items() if p[a]["status"] == GRADED}
    assert {r["student_id"] for r in exported} >= graded
    for student in graded:
        assert (root / "feedback" / student / a / f"{a}.html").exists()


def test_report_counts_match_the_plan(klass):
    root, a, plan, _ = klass
    csv_path, png_path = write_report(root, a)
    assert png_path.stat().st_size > 0
    rows = read_csv(csv_path)
    usable = {s: p[a] for s, p in plan["students"].items() if p[a]["points"] is not None}
    maxima = graded_points(nbformat.read(str(root / "notebooks" / a / f"{a}.ipynb"), as_version=4))
    tests = {r["item"]: int(r["students"]) for r in rows if r["kind"] == "test"}
    assert set(tests) == set(maxima)
    for cell, top in maxima.items():
        assert tests[cell] == sum(1 for p in usable.values() if p["points"][cell] < top), cell
    found = {(r["item"], r["test_cell"]): int(r["students"]) for r in rows if r["kind"] == "mistake"}
    expected = {}
    for p in usable.values():
        for cell, key in p["mistakes"].items():
            expected[(key, cell)] = expected.get((key, cell), 0) + 1
    if a == "t1":  # the tiny assignment's VARIANTS name a mistake but not its test cell
        found = {(k, "*"): n for (k, _), n in found.items()}
    assert found == expected
    assert all(int(r["of"]) == len(usable) for r in rows)


def test_second_run_skips_everything(klass):
    root, a, plan, _ = klass
    again = run_cli("grade", a, "--course-dir", str(root), "--workers", "2", "--timeout", TIMEOUT, "--no-progress")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 graded now, 10 unchanged and skipped" in again.stdout
    assert_matches_plan(read_csv(root / "class_grades.csv"), plan, a)


def test_changed_submission_is_regraded(klass):
    root, a, plan, _ = klass
    blank = next(s for s, p in plan["students"].items() if p[a]["kind"] == "blank")
    correct = next(s for s, p in plan["students"].items() if p[a]["kind"] == "correct")
    shutil.copy(root / "submitted" / correct / a / f"{a}.ipynb", root / "submitted" / blank / a / f"{a}.ipynb")
    result = grade_class(root, [a], workers=2, timeout=int(TIMEOUT), progress=False)
    assert result.graded == 1 and result.skipped == 9 and not result.errors
    row = next(r for r in result.rows if r["student"] == blank)
    assert (row["status"], row["score"]) == (GRADED, plan["students"][correct][a]["score"])


def test_unreachable_database_exits_nonzero_with_a_clear_message(klass):
    root, a, _, _ = klass
    bad = run_cli("grade", a, "--course-dir", str(root), "--db-url",
                  "postgresql+psycopg://nobody@127.0.0.1:1/nowhere", "--no-progress")
    assert bad.returncode == 2
    assert "cannot open the gradebook at postgresql+psycopg://nobody@127.0.0.1:1/nowhere" in bad.stderr


def test_unknown_assignment_exits_nonzero(klass):
    root, _, _, _ = klass
    bad = run_cli("grade", "no_such_assignment", "--course-dir", str(root), "--no-progress")
    assert bad.returncode == 2
    assert "no_such_assignment" in bad.stderr
