"""Item analysis of one assignment: per graded test cell and per diagnosed mistake, how many students failed.

Scores come from nbgrader's gradebook; the diagnosed mistakes come from the autograded notebooks, where every
failed check ends its message with ``[mistake: <key>]`` (see ``mlcore.grading``). The result is a CSV and a
PNG bar chart in ``<course>/reports/``.

CSV columns: ``kind`` (``test`` or ``mistake``), ``item`` (the test cell's grade_id, or the mistake key),
``test_cell`` (where it was seen), ``students`` (how many students failed the test / made the mistake),
``of`` (students whose submission was graded automatically).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade

from mlcore.grading.messages import mistakes_in as _mistakes_in_text

from .course import Course, GradingSetupError, redact

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
FIELDS = ["kind", "item", "test_cell", "students", "of"]


def _cell_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            # The message only: a traceback quotes source lines, which may mention mistake keys themselves.
            parts.append(out.get("evalue", ""))
        else:
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return _ANSI.sub("", "\n".join(parts))


def mistakes_in(notebook_path):
    """{test cell grade_id: set of mistake keys} found in an autograded notebook's test-cell outputs."""
    nb = nbformat.read(str(notebook_path), as_version=4)
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_grade(cell):
            continue
        keys = set(_mistakes_in_text(_cell_text(cell)))
        if keys:
            found.setdefault(cell.metadata.nbgrader.get("grade_id"), set()).update(keys)
    return found


def item_analysis(course_dir, assignment, db_url=None):
    """Rows (dicts with FIELDS): per test cell how many students failed it, per mistake how many made it."""
    from nbgrader.api import MissingEntry

    course = Course.load(course_dir, db_url)
    failed, mistakes, graded_students = {}, {}, set()
    with course.gradebook() as gb:
        try:
            test_cells = _test_cells(gb.find_assignment(assignment))
        except MissingEntry:
            raise GradingSetupError(f"assignment {assignment} is not in the gradebook {redact(course.db_url)}: "
                                    "grade it first") from None
        for student, _ in course.submissions([assignment]):
            cells = _failed_cells(gb, assignment, student)
            if cells is None:  # never autograded, or some cell still needs a human
                continue
            graded_students.add(student)
            for cell in cells:
                failed.setdefault(cell, set()).add(student)
            for path in sorted(course.folder("autograded", student, assignment).glob("*.ipynb")):
                for cell, keys in mistakes_in(path).items():
                    for k in keys:
                        mistakes.setdefault((k, cell), set()).add(student)
    of = len(graded_students)
    rows = [{"kind": "test", "item": c, "test_cell": c, "students": len(failed.get(c, ())), "of": of}
            for c in test_cells]
    rows += [{"kind": "mistake", "item": k, "test_cell": cell, "students": len(s), "of": of}
             for (k, cell), s in sorted(mistakes.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    return rows


def _test_cells(assignment_row):
    """grade_ids of the assignment's graded code cells, in notebook order, each once."""
    names = []
    for nb in assignment_row.notebooks:
        names += [gc.name for gc in nb.grade_cells if gc.cell_type == "code" and gc.name not in names]
    return names


def _failed_cells(gb, assignment, student):
    """The graded code cells ``student`` lost points on; None when the submission is not fully graded."""
    try:
        sub = gb.find_submission(assignment, student)
    except Exception:  # never autograded (e.g. no notebook at all)
        return None
    grades = [g for snb in sub.notebooks for g in snb.grades if g.cell_type == "code"]
    if any(g.auto_score is None and g.manual_score is None for g in grades):
        return None
    return [g.name for g in grades if g.score < g.max_score]


def plot_items(rows, assignment, path):
    """Two horizontal bar charts: students failing each test cell; students making each mistake."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tests = [r for r in rows if r["kind"] == "test"]
    mist = [r for r in rows if r["kind"] == "mistake"]
    of = rows[0]["of"] if rows else 0
    height = max(3.0, 0.35 * max(len(tests), len(mist), 1) + 1.5)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, height))
    ax1.barh([r["item"] for r in tests][::-1], [r["students"] for r in tests][::-1], color="tab:red")
    ax1.set_title("Students failing each test cell")
    ax1.set_xlabel(f"students (of {of} graded)")
    ax1.set_ylabel("test cell (grade_id)")
    labels = [f"{r['item']} ({r['test_cell']})" for r in mist][::-1]
    ax2.barh(labels, [r["students"] for r in mist][::-1], color="tab:orange")
    ax2.set_title("Students per diagnosed mistake")
    ax2.set_xlabel(f"students (of {of} graded)")
    ax2.set_ylabel("mistake key (test cell)")
    if not mist:
        ax2.text(0.5, 0.5, "no diagnosed mistakes", ha="center", va="center", transform=ax2.transAxes)
    for ax in (ax1, ax2):
        ax.set_xlim(0, max(1, of))
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.suptitle(f"Item analysis of {assignment}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(course_dir, assignment, db_url=None, out_dir=None):
    """Write ``<A>_item_analysis.csv`` and ``.png`` into `out_dir` (default ``<course>/reports``)."""
    course_dir = Path(course_dir).resolve()
    out_dir = Path(out_dir) if out_dir else course_dir / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = item_analysis(course_dir, assignment, db_url)
    csv_path = out_dir / f"{assignment}_item_analysis.csv"
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    png_path = out_dir / f"{assignment}_item_analysis.png"
    plot_items(rows, assignment, png_path)
    return csv_path, png_path
