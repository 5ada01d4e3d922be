"""An instructor runs the Chinese class with the same commands: a synthetic class of the zh course
(zh/nbgrader_config.py, zh/solutions, zh/notebooks), graded by ``course-grade grade --course-dir``, then the
item-analysis report, with the mistakes counted under the same keys as in English."""

import shutil

import pytest

from instructor.report import write_report
from instructor.synthetic import make_class
from nbgrader_harness import ROOT
from test_classroom import TIMEOUT, assert_matches_plan, read_csv, run_cli

ASSIGNMENT = "01_mse"
EDITION = ROOT / "zh"


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    root = tmp_path_factory.mktemp("zh-course")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(EDITION / folder / ASSIGNMENT, root / folder / ASSIGNMENT)
    shutil.copy(EDITION / "nbgrader_config.py", root / "nbgrader_config.py")
    plan = make_class(root, 6, seed=3, assignments=[ASSIGNMENT], broken=False)
    run = run_cli("grade", ASSIGNMENT, "--course-dir", str(root), "--workers", "2", "--timeout", TIMEOUT,
                  "--no-progress")
    return root, plan, run


def test_grade_and_scores_match_the_plan(klass):
    root, plan, run = klass
    assert run.returncode == 0, run.stderr[-3000:]
    assert_matches_plan(read_csv(root / "class_grades.csv"), plan, ASSIGNMENT)


def test_report_counts_the_same_keys(klass):
    root, plan, _ = klass
    csv_path, png_path = write_report(root, ASSIGNMENT)
    assert png_path.stat().st_size > 0
    found = {(r["item"], r["test_cell"]): int(r["students"]) for r in read_csv(csv_path) if r["kind"] == "mistake"}
    expected = {}
    for per in plan["students"].values():
        for cell, key in (per[ASSIGNMENT]["mistakes"] or {}).items():
            expected[(key, cell)] = expected.get((key, cell), 0) + 1
    assert len(expected) >= 3, "the seed's class has several diagnosed mistakes"
    assert found == expected
