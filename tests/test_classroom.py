"""End-to-end tests of the class-scale instructor tools (mlcore.classroom): grade, report, synthetic.

A tiny two-function assignment in a temporary course is graded as a synthetic class of 10 students (one of
every kind: correct, wrong answers with diagnosed mistakes, blank, a timeout, sys.exit, a dead kernel, a
missing and a renamed notebook) with 2 workers on SQLite; the scores must match the generator's plan. The
course's own 01_mse is graded the same way when it is released.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlcore.classroom.grade import GRADED, NEEDS_MANUAL, grade_class, submission_hash, venv_env
from mlcore.classroom.report import item_analysis, write_report
from mlcore.classroom.synthetic import BROKEN, make_class

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
    return subprocess.run([sys.executable, "-m", "mlcore.classroom", *args], cwd=cwd, env=venv_env(),
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


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_course")
    make_tiny_course(root)
    plan = make_class(root, 10, seed=1, variants=VARIANTS)
    first = run_cli("grade", "t1", "--course-dir", str(root), "--workers", "2", "--timeout", TIMEOUT, "--no-progress")
    return root, plan, first


def test_synthetic_class_covers_every_kind(tiny):
    _, plan, _ = tiny
    kinds = {per["t1"]["kind"] for per in plan["students"].values()}
    assert {"correct", "blank", "variant:sign", "variant:factor", *BROKEN} <= kinds


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


def test_grade_exits_zero_although_students_broke_things(tiny):
    _, _, first = tiny
    assert first.returncode == 0, first.stderr[-3000:]
    assert "10 graded now" in first.stdout


def test_scores_match_the_plan(tiny):
    root, plan, _ = tiny
    assert_matches_plan(read_csv(root / "class_grades.csv"), plan, "t1")


def test_broken_submissions_are_flagged_with_the_reason(tiny):
    root, plan, first = tiny
    rows = {r["student"]: r for r in read_csv(root / "class_grades.csv")}
    expected = {"timeout": "timed out", "os_exit": "kernel died", "missing": "missing notebook",
                "renamed": "renamed notebook"}
    for student, per in plan["students"].items():
        kind = per["t1"]["kind"]
        if kind in expected:
            assert rows[student]["status"] == NEEDS_MANUAL
            assert expected[kind] in rows[student]["reason"]
            assert f"{student} / t1: {expected[kind]}" in first.stdout
        elif kind == "sys_exit":  # IPython catches SystemExit: graded like any other submission
            assert rows[student]["status"] == GRADED


def test_nbgrader_export_and_feedback_written(tiny):
    root, plan, _ = tiny
    exported = read_csv(root / "grades.csv")
    assert {r["student_id"] for r in exported} >= {s for s, p in plan["students"].items() if p["t1"]["kind"] == "correct"}
    for student, per in plan["students"].items():
        if per["t1"]["status"] == GRADED:
            assert (root / "feedback" / student / "t1" / "t1.html").exists()


def test_report_counts_match_the_plan(tiny):
    root, plan, _ = tiny
    csv_path, png_path = write_report(root, "t1")
    assert png_path.stat().st_size > 0
    rows = read_csv(csv_path)
    usable = {s: p["t1"] for s, p in plan["students"].items() if p["t1"]["points"] is not None}
    tests = {r["item"]: int(r["students"]) for r in rows if r["kind"] == "test"}
    maxima = {"add_tests": 2, "mul_tests": 1}
    for cell, top in maxima.items():
        assert tests[cell] == sum(1 for p in usable.values() if p["points"][cell] < top)
    mistakes = {}
    for r in rows:
        if r["kind"] == "mistake":
            mistakes[r["item"]] = mistakes.get(r["item"], 0) + int(r["students"])
    for key in ("sign", "factor"):
        assert mistakes.get(key, 0) == sum(1 for p in usable.values() if key in p["mistakes"].values())
    assert all(int(r["of"]) == len(usable) for r in rows)


def test_second_run_skips_everything(tiny):
    root, plan, _ = tiny
    again = run_cli("grade", "t1", "--course-dir", str(root), "--workers", "2", "--timeout", TIMEOUT, "--no-progress")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 graded now, 10 unchanged and skipped" in again.stdout
    assert_matches_plan(read_csv(root / "class_grades.csv"), plan, "t1")


def test_changed_submission_is_regraded(tiny):
    root, plan, _ = tiny
    student = next(s for s, p in plan["students"].items() if p["t1"]["kind"] == "blank")
    path = root / "submitted" / student / "t1" / "t1.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "add_answer":
            cell.source = "def add(a, b):\n    return b + a"
    nbformat.write(nb, str(path))
    result = grade_class(root, ["t1"], workers=2, timeout=int(TIMEOUT), progress=False)
    assert result.graded == 1 and result.skipped == 9 and not result.errors
    row = next(r for r in result.rows if r["student"] == student)
    assert (row["status"], row["score"]) == (GRADED, 2.0)


def test_unreachable_database_exits_nonzero_with_a_clear_message(tiny):
    root, _, _ = tiny
    bad = run_cli("grade", "t1", "--course-dir", str(root), "--db-url",
                  "postgresql+psycopg://nobody@127.0.0.1:1/nowhere", "--no-progress")
    assert bad.returncode == 2
    assert "cannot open the gradebook at postgresql+psycopg://nobody@127.0.0.1:1/nowhere" in bad.stderr


def test_unknown_assignment_exits_nonzero(tiny):
    root, _, _ = tiny
    bad = run_cli("grade", "no_such_assignment", "--course-dir", str(root), "--no-progress")
    assert bad.returncode != 0
    assert "no_such_assignment" in bad.stderr


# ----------------------------------------------------------------------------- the course's own 01_mse


def _real_course(tmp_path, assignment):
    if not (ROOT / "notebooks" / assignment / f"{assignment}.ipynb").exists():
        pytest.skip(f"{assignment} is not released yet (notebooks/{assignment}/ missing)")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / assignment, tmp_path / folder / assignment)
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    return tmp_path


def test_real_01_mse_class(tmp_path):
    root = _real_course(tmp_path, "01_mse")
    plan = make_class(root, 9, seed=3, assignments=["01_mse"])
    result = grade_class(root, ["01_mse"], workers=2, timeout=int(TIMEOUT), progress=False)
    assert not result.errors, [e.error for e in result.errors]
    assert_matches_plan(result.rows, plan, "01_mse")
    rows = item_analysis(root, "01_mse")
    counted = {}
    for r in rows:
        if r["kind"] == "mistake":
            counted[r["item"]] = counted.get(r["item"], 0) + r["students"]
    usable = [p["01_mse"] for p in plan["students"].values() if p["01_mse"]["points"] is not None]
    for key in {k for p in usable for k in p["mistakes"].values()}:
        assert counted.get(key, 0) >= sum(1 for p in usable if key in p["mistakes"].values())
