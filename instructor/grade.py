"""Grade a whole class with nbgrader: autograde, then feedback, then export, on a Dask cluster.

nbgrader has no parallel autograde, and every ``nbgrader`` command costs seconds of start-up. Here the work
runs on Dask (:mod:`instructor.cluster`): a local cluster of ``workers`` processes by default, or an existing
cluster across machines. Each worker process holds one :class:`nbgrader.apps.NbGraderAPI` and autogrades
submission after submission with it (``api.autograde``: nbgrader's own machinery, nothing re-implemented), so
start-up is paid once per worker, not once per student; then feedback is generated ten students per
``api.generate_feedback`` run. One task grades one *student* (all that student's assignments together), so a
student is never graded by two processes at once — measured, that corrupts the student's output — and a
worker held up by an infinite loop holds up nobody else. Students are entered into the gradebook before the
workers start, so no two workers race to create one.

What nbgrader does not do, this module adds:

- **Resumable.** A manifest (``.classroom/grading_manifest.json`` in the course directory) records a hash of
  every graded submission's files; a second run skips submissions whose files are unchanged.
- **Failures surfaced.** A submission whose cell timed out, whose kernel died, that is missing a notebook or
  carries a renamed one is written to the class CSV as "needs manual grading" with the reason, never as a
  silent 0 (``nbgrader export`` writes a dead kernel as a plain 0).
- **Exit status.** Non-zero only when grading itself broke (the gradebook is unreachable, nbgrader crashed on
  a submission for a reason that is not the student's code), never because a student's code failed.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cluster, sandbox
from .course import Course, GradingSetupError, ensure_tools_on_path

GRADED = "graded"
NEEDS_MANUAL = "needs manual grading"

# Reasons a submission needs a human (the CSV's `reason` column and the end-of-run summary).
TIMED_OUT = "timed out"
KERNEL_DIED = "kernel died"
MISSING = "missing notebook"
RENAMED = "renamed notebook"
NBGRADER_ERROR = "nbgrader error"

STATE_DIR = ".classroom"
MANIFEST = "grading_manifest.json"
CLASS_CSV = "class_grades.csv"
NBGRADER_CSV = "grades.csv"
CSV_FIELDS = ["student", "assignment", "notebook", "score", "max_score", "status", "reason", "flags"]
# The `flags` column: what an instructor should look at although a score was given (suspected tampering,
# an edited notebook structure, a check silenced in the kernel, learner code run without the sandbox).
NOT_SANDBOXED = "not sandboxed (--no-sandbox)"

# nbgrader's Execute preprocessor appends an error output with this name when a cell hits the timeout.
TIMEOUT_ENAME = "CellTimeoutError"


@dataclass
class Outcome:
    """What happened to one submission (one student, one assignment) in a worker."""

    student: str
    assignment: str
    ok: bool = True
    reasons: list = field(default_factory=list)  # e.g. ["timed out: 01_mse.ipynb cell mse_answer"]
    error: str = ""  # set only when nbgrader broke for a reason that is not the student's code
    seconds: float = 0.0
    hash: str = ""


@dataclass
class ClassResult:
    """The result of :func:`grade_class`."""

    rows: list  # dicts with CSV_FIELDS
    graded: int  # submissions graded in this run
    skipped: int  # submissions skipped because already graded and unchanged
    errors: list  # Outcome objects whose grading broke
    csv_path: Path
    export_path: Path
    seconds: float  # the whole run
    grading_seconds: float = 0.0  # from starting the workers to the last result (setup and export excluded)

    @property
    def flagged(self):
        """Rows that need manual grading."""
        return [r for r in self.rows if r["status"] == NEEDS_MANUAL]


# ----------------------------------------------------------------------------------------------- setup


def venv_env():
    """The environment for nbgrader: the interpreter's bin folder first on PATH (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    bindir = os.path.dirname(sys.executable)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _ignored(name, patterns):
    return any(fnmatch.fnmatch(name, pat) for pat in patterns)


def submission_hash(folder, ignore=()):
    """SHA-256 over the relative paths and contents of every file in a submission folder."""
    h = hashlib.sha256()
    folder = Path(folder)
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(_ignored(part, ignore) for part in rel.parts) or not path.is_file():
            continue
        h.update(str(rel).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


# ------------------------------------------------------------------------------------------- manifest


def _manifest_path(course_dir):
    return Path(course_dir) / STATE_DIR / MANIFEST


def load_manifest(course_dir):
    path = _manifest_path(course_dir)
    if path.exists():
        try:
            return json.loads(path.read_text())
        except ValueError:
            return {}
    return {}


def save_manifest(course_dir, manifest):
    path = _manifest_path(course_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(tmp, path)


def _db_key(db_url):
    # A gradebook is identified by its URL; a run against another database regrades everything.
    return hashlib.sha256(db_url.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------- gradebook


def ensure_assignments(course, assignments):
    """Make sure each assignment and its notebooks are in the gradebook; return {assignment: [notebook]}.

    An assignment the gradebook does not know yet is entered with ``nbgrader generate_assignment`` (through
    NbGraderAPI) writing its student version into a temporary folder, so the course's release folder is
    never touched.
    """
    notebooks = _known_notebooks(course, assignments)
    missing = [a for a in assignments if not notebooks[a]]
    if missing:
        from nbgrader.apps import NbGraderAPI

        with tempfile.TemporaryDirectory() as tmp:
            cfg = course.config()
            cfg.CourseDirectory.release_directory = tmp
            api = NbGraderAPI(config=cfg)
            for a in missing:
                result = api.generate_assignment(a, force=True, create=True)
                if not result["success"]:
                    raise GradingSetupError(
                        f"could not enter assignment {a} into the gradebook with nbgrader generate_assignment:\n"
                        + (result.get("error") or result.get("log") or "")[-2000:]
                    )
        notebooks.update(_known_notebooks(course, missing))
    return notebooks


def _known_notebooks(course, assignments):
    """{assignment: sorted notebook names the gradebook holds for it} (empty when it is not there)."""
    from nbgrader.api import MissingEntry

    notebooks = {}
    with course.gradebook() as gb:
        for a in assignments:
            try:
                notebooks[a] = sorted(nb.name for nb in gb.find_assignment(a).notebooks)
            except MissingEntry:
                notebooks[a] = []
    return notebooks


# ---------------------------------------------------------------------------------- inspecting results


def submitted_state(folder, expected):
    """Which expected notebooks a submission folder has, and any extra (renamed) notebooks."""
    folder = Path(folder)
    present = {p.stem for p in folder.glob("*.ipynb")} if folder.is_dir() else set()
    missing = [n for n in expected if n not in present]
    extra = sorted(n for n in present if n not in expected)
    return missing, extra


def timed_out_cells(notebook_path):
    """Cells (grade_id or index) of an autograded notebook whose execution hit nbgrader's timeout."""
    try:
        # Plain JSON: nbformat's schema validation would cost more than the scan itself on a large class.
        nb = json.loads(Path(notebook_path).read_text())
    except (OSError, ValueError):
        return []
    cells = []
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == TIMEOUT_ENAME:
                cells.append(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {i}")
                break
    return cells


def _inspect(course, student, assignment, expected):
    """Reasons this submission needs manual grading, from the files alone (missing/renamed/timeout)."""
    reasons = []
    missing, extra = submitted_state(course.folder("submitted", student, assignment), expected)
    if missing and extra:
        reasons.append(f"{RENAMED}: found {', '.join(e + '.ipynb' for e in extra)}, "
                       f"expected {', '.join(m + '.ipynb' for m in missing)}")
    elif missing:
        reasons.append(f"{MISSING}: {', '.join(m + '.ipynb' for m in missing)}")
    elif extra:
        reasons.append(f"{RENAMED}: extra notebook {', '.join(e + '.ipynb' for e in extra)} was not graded")
    auto = course.folder("autograded", student, assignment)
    for nb in expected:
        cells = timed_out_cells(auto / f"{nb}.ipynb")
        if cells:
            reasons.append(f"{TIMED_OUT}: {nb}.ipynb {', '.join(cells)}")
    return reasons


# ------------------------------------------------------------------- worker (instructor.cluster's tasks call these)


def _autograde(api, course, expected, student, assignment):
    t0 = time.perf_counter()
    out = Outcome(student, assignment)
    folder = course.folder("submitted", student, assignment)
    out.hash = submission_hash(folder, course.ignore)
    missing, _ = submitted_state(folder, expected)
    if len(missing) < len(expected):  # nothing to run when no expected notebook is there at all
        result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            out.ok = False
            text = (result.get("log") or "") + (result.get("error") or "")
            if "DeadKernelError" in text or "Kernel died" in text:
                out.reasons.append(f"{KERNEL_DIED}: the notebook could not finish, grades left for a human")
            else:
                last = [ln for ln in text.strip().splitlines() if ln.strip()]
                out.error = f"{NBGRADER_ERROR}: " + (last[-1].strip() if last else "autograde failed")
                out.reasons.append(out.error)
    else:
        out.ok = False
    out.seconds = time.perf_counter() - t0
    return out


def _feedback(api, course, expected, task):
    assignment, students = task["assignment"], task["students"]
    everyone = set()
    for kind in ("submitted", "autograded"):
        base = course.folder(kind)
        if base.is_dir():
            everyone.update(p.name for p in base.iterdir() if p.is_dir())
    # One nbgrader run over "*" minus everybody else: exactly this chunk, never another worker's students.
    api.coursedir.student_id_exclude = ",".join(sorted(everyone - set(students)))
    try:
        api.generate_feedback(assignment, "*", force=True)
    finally:
        api.coursedir.student_id_exclude = ""
    failed = []
    for s in students:
        auto = course.folder("autograded", s, assignment)
        fb = course.folder("feedback", s, assignment)
        if any((auto / f"{nb}.ipynb").exists() and not (fb / f"{nb}.html").exists() for nb in expected[assignment]):
            failed.append(s)
    return {"op": "feedback", "assignment": assignment, "students": students, "failed": failed}


def grade_class(course_dir, assignments=None, *, workers=2, db_url=None, timeout=None, force=False,
                progress=True, csv_path=None, log=print, no_sandbox=False, scheduler=None):
    """Autograde, generate feedback and export every submission of `assignments` (default: all).

    Parameters
    ----------
    course_dir : path
        The nbgrader course root (holding nbgrader_config.py, submitted/, ...).
    assignments : list of str or None
        Assignment names; None grades every assignment of the release (or source) folder.
    workers : int
        Worker processes of the local Dask cluster; the class is split between them by student.
    db_url : str or None
        Gradebook URL (``CourseDirectory.db_url``), e.g. ``postgresql+psycopg://user@host/db``.
        Default: the course configuration's, else SQLite ``gradebook.db`` in the course directory.
    timeout : int or None
        Per-cell timeout in seconds (``Execute.timeout``); default: the course configuration's.
    force : bool
        Regrade submissions even when they are unchanged since the last run.
    no_sandbox : bool
        Run learner code without the bubblewrap sandbox (instructor.sandbox). Without this, a machine
        without bubblewrap raises GradingSetupError; with it, every row graded so says so in its flags.
    scheduler : str or None
        Address of an existing Dask scheduler (``tcp://host:8786``) whose workers grade the class instead of a
        local cluster (default: ``$COURSE_GRADE_SCHEDULER``, else local). Its workers must see `course_dir`
        at the same absolute path, and the gradebook must be a server they reach (PostgreSQL).

    Returns
    -------
    ClassResult
    """
    t0 = time.perf_counter()
    try:
        sandboxed = sandbox.require(no_sandbox) and not no_sandbox
    except sandbox.SandboxUnavailable as exc:
        raise GradingSetupError(str(exc)) from None
    course = _open_course(course_dir, db_url)
    assignments = _chosen_assignments(course, assignments)
    notebooks = ensure_assignments(course, assignments)
    manifest = load_manifest(course.root)
    records = manifest.setdefault(_db_key(course.db_url), {})
    plan = plan_grading(course, assignments, records, force)
    if plan.skipped:
        log(f"skipping {plan.skipped} submission(s) already graded and unchanged")
    errors, grading_seconds = [], 0.0
    if plan.todo:
        t_grading = time.perf_counter()
        _enter_students(course, plan.todo)
        students = len({s for s, _ in plan.todo})  # no more local worker processes than students
        with cluster.connect(cluster.scheduler_address(scheduler), min(workers, students), log=log) as client:
            events = run_workers(client, course, plan.todo, notebooks, timeout=timeout, sandboxed=sandboxed)
            errors = _record(events, records, plan, progress, save=lambda: save_manifest(course.root, manifest))
        for student, a in plan.todo:
            records.setdefault(f"{a}/{student}", {})["sandboxed"] = sandboxed
        errors += _unreported(plan, records, errors)
        save_manifest(course.root, manifest)
        grading_seconds = time.perf_counter() - t_grading
    rows, csv_path, export_path = export(course, assignments, notebooks, records, csv_path)
    return ClassResult(rows=rows, graded=len(plan.todo), skipped=plan.skipped, errors=errors, csv_path=csv_path,
                       export_path=export_path, seconds=time.perf_counter() - t0, grading_seconds=grading_seconds)


# ---------------------------------------------------------------------------------------------- planning


def _open_course(course_dir, db_url):
    if not Path(course_dir).is_dir():
        raise GradingSetupError(f"course directory {Path(course_dir).resolve()} does not exist")
    ensure_tools_on_path()
    return Course.load(course_dir, db_url)


def _chosen_assignments(course, assignments):
    """`assignments`, or every assignment of the course; an unknown one is a GradingSetupError."""
    known = course.assignments()
    where = f"{course.folder('release')} or {course.folder('source')}"
    if not assignments:
        if not known:
            raise GradingSetupError(f"no assignments found in {where}")
        return known
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise GradingSetupError(f"unknown assignment(s) {', '.join(unknown)}: no notebooks in {where}")
    return list(assignments)


@dataclass
class Plan:
    """Which submissions a run grades: new, changed, or broken last time (every one with ``force``)."""

    todo: list  # (student, assignment) pairs to grade now
    skipped: int  # graded before and unchanged
    hashes: dict  # "assignment/student" -> hash of the submitted files


def plan_grading(course, assignments, records, force=False):
    """The :class:`Plan` of a run, from the submissions' file hashes and the manifest's `records`."""
    todo, skipped, hashes = [], 0, {}
    for student, a in course.submissions(assignments):
        key = f"{a}/{student}"
        hashes[key] = submission_hash(course.folder("submitted", student, a), course.ignore)
        rec = records.get(key)
        if not force and rec and rec.get("hash") == hashes[key] and not rec.get("error"):
            skipped += 1
        else:
            todo.append((student, a))
    return Plan(todo, skipped, hashes)


def _enter_students(course, todo):
    # Students are created before any worker starts, so two workers never race to insert one.
    with course.gradebook() as gb:
        for student in sorted({s for s, _ in todo}):
            gb.update_or_create_student(student)


# ------------------------------------------------------------------------------------------- worker pool


def run_workers(client, course, todo, notebooks, *, timeout, sandboxed=True):
    """Grade `todo` on `client`'s Dask cluster; yield ``("grade", Outcome)`` and ``("feedback", dict)`` as they come.

    The only place that knows how the work is spread: one task per student (all that student's assignments),
    so no student is graded by two processes at once (see :mod:`instructor.cluster`).
    """
    by_student = {}
    for student, a in todo:
        by_student.setdefault(student, []).append(a)
    spec = {"course_dir": str(course.root), "db_url": course.db_url, "timeout": timeout, "notebooks": notebooks,
            "sandbox": sandboxed}
    (course.root / STATE_DIR).mkdir(exist_ok=True)
    yield from cluster.run(client, spec, by_student)


# ---------------------------------------------------------------------------------------- reconciliation


def _record(events, records, plan, progress, save):
    """Write each worker result into the manifest `records`; return the Outcomes whose grading broke."""
    errors, received = [], 0
    bar, fb_bar = _progress(len(plan.todo), progress, "autograde"), None
    for kind, item in events:
        if kind == "feedback":
            if fb_bar is None:
                fb_bar = _progress(None, progress, "feedback")
            fb_bar.update(len(item["students"]))
            errors += _feedback_failures(item, records)
            continue
        received += 1
        bar.update(1)
        key = f"{item.assignment}/{item.student}"
        if item.error:
            errors.append(item)
        records[key] = {"hash": item.hash or plan.hashes.get(key, ""), "reasons": item.reasons,
                        "error": item.error, "seconds": round(item.seconds, 3)}
        if received % 20 == 0:
            save()
        if received == len(plan.todo):
            bar.close()
    bar.close()
    if fb_bar is not None:
        fb_bar.close()
    return errors


def _feedback_failures(item, records):
    failures = []
    for student in item["failed"]:
        out = Outcome(student, item["assignment"], ok=False,
                      error=item.get("error") or f"{NBGRADER_ERROR}: generate_feedback failed (see .classroom/worker-*.log)")
        failures.append(out)
        records[f"{out.assignment}/{student}"].update(error=out.error, reasons=[out.error])
    return failures


def _unreported(plan, records, errors):
    """Submissions no worker reported on (every worker died): errors, never silently skipped."""
    reported = {(o.student, o.assignment) for o in errors}
    lost = []
    for student, a in plan.todo:
        key = f"{a}/{student}"
        if records.get(key, {}).get("hash") != plan.hashes[key] and (student, a) not in reported:
            out = Outcome(student, a, ok=False, error=f"{NBGRADER_ERROR}: no worker graded this submission")
            lost.append(out)
            records[key] = {"hash": "", "reasons": [out.error], "error": out.error, "seconds": 0}
    return lost


def _progress(total, enabled, desc):
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc=desc, disable=not enabled, file=sys.stderr)


# ------------------------------------------------------------------------------------------------ export


def export(course, assignments, notebooks, records, csv_path=None):
    """Write the class CSV and nbgrader's own export; return ``(rows, csv_path, export_path)``."""
    rows = class_rows(course, assignments, notebooks, records)
    csv_path = Path(csv_path) if csv_path else course.root / CLASS_CSV
    write_rows(csv_path, rows)
    export_path = course.root / NBGRADER_CSV
    export_nbgrader(course, export_path)
    return rows, csv_path, export_path


def class_rows(course, assignments, notebooks, records):
    """One row per (student, assignment, notebook): nbgrader's score, or "needs manual grading" and why."""
    rows = []
    with course.gradebook() as gb:
        for student, a in course.submissions(assignments):
            reasons = _inspect(course, student, a, notebooks[a])
            for r in records.get(f"{a}/{student}", {}).get("reasons", []):
                if r not in reasons and not r.startswith(TIMED_OUT):
                    reasons.append(r)
            broken = any(r.startswith((KERNEL_DIED, NBGRADER_ERROR, cluster.WORKER_ERROR)) for r in reasons)
            for nb in notebooks[a]:
                handed_in = course.folder("submitted", student, a, f"{nb}.ipynb").exists()
                score, max_score = _scores(gb, nb, a, student, usable=handed_in and not broken)
                status = NEEDS_MANUAL if reasons or score == "" else GRADED
                if status == NEEDS_MANUAL and not reasons:
                    reasons = ["not graded automatically"]
                rows.append({"student": student, "assignment": a, "notebook": nb,
                             "score": score if score == "" else round(float(score), 4),
                             "max_score": max_score if max_score == "" else round(float(max_score), 4),
                             "status": status, "reason": "; ".join(reasons),
                             "flags": "; ".join(_flags(course, gb, student, a, nb, records.get(f"{a}/{student}", {})))})
    return rows


def _flags(course, gb, student, assignment, notebook, record):
    """What the grading steps flagged about one submitted notebook (the CSV's `flags` column)."""
    from .cleanroom import flags as flagfile
    from .report import mistakes_in
    from .verify import MISTAKE as TAMPERED

    folder = course.folder("autograded", student, assignment)
    mine = [f for f in flagfile.read_flags(folder) if f.get("notebook") == notebook]
    found = [flagfile.summary(mine)] if mine else []
    graded = folder / f"{notebook}.ipynb"
    if graded.exists():
        found += [f"{notebook}/{cell}: {TAMPERED}" for cell, keys in sorted(mistakes_in(graded).items())
                  if TAMPERED in keys]
    submitted = course.folder("submitted", student, assignment)
    modules = sorted(p.name for p in submitted.glob("*.py")) if submitted.is_dir() else []
    if modules:
        found.append(f"Python files handed in beside the notebook (never run): {', '.join(modules)}")
    found += _unconfirmed_passes(gb, submitted / f"{notebook}.ipynb", notebook, assignment, student)
    if record.get("sandboxed") is False:
        found.append(NOT_SANDBOXED)
    return found


def _unconfirmed_passes(gb, path, notebook, assignment, student):
    """Test cells whose handed-in output shows a check's pass line although grading failed them (outputs
    written by hand, or left from an earlier answer)."""
    import nbformat
    from nbgrader.api import MissingEntry

    from mlcore.grading.messages import pass_pattern

    from .verify import expected_passes

    try:
        nb = nbformat.read(str(path), as_version=4)
        grades = {g.name: g for g in gb.find_submission_notebook(notebook, assignment, student).grades}
    except (OSError, ValueError, MissingEntry):
        return []
    found = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        grade = grades.get(meta.get("grade_id")) if isinstance(meta, dict) and cell.cell_type == "code" else None
        if grade is None or grade.score is None or grade.score >= grade.max_score:
            continue
        shown = "".join(str(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        if any(pass_pattern(name, hidden).search(shown) for name, hidden in expected_passes(cell.source)):
            found.append(f"{notebook}/{grade.name}: the handed-in output shows a pass that grading did not confirm")
    return found


def _scores(gb, nb, assignment, student, usable):
    """(score, max_score) of one submitted notebook from the gradebook; "" where there is none."""
    from nbgrader.api import MissingEntry

    try:
        snb = gb.find_submission_notebook(nb, assignment, student)
        return (snb.score if usable and not snb.needs_manual_grade else ""), snb.max_score
    except MissingEntry:
        try:
            return "", gb.find_notebook(nb, assignment).max_score
        except MissingEntry:
            return "", ""


def write_rows(path, rows):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows)


def export_nbgrader(course, path):
    """nbgrader's own export (its CsvExportPlugin, what `nbgrader export` runs) into `path`."""
    from nbgrader.plugins import CsvExportPlugin

    plugin = CsvExportPlugin(config=course.config())
    plugin.to = str(path)
    with course.gradebook() as gb:
        plugin.export(gb)


def summary(result):
    """A plain-text summary of a ClassResult: counts, then every submission that needs a human."""
    lines = []
    subs = {(r["student"], r["assignment"]) for r in result.rows}
    lines.append(f"{len(subs)} submission(s): {result.graded} graded now, {result.skipped} unchanged and skipped "
                 f"({result.seconds:.1f} s)")
    flagged = {}
    for r in result.flagged:
        flagged.setdefault((r["student"], r["assignment"]), r["reason"])
    if flagged:
        lines.append(f"{len(flagged)} submission(s) need manual grading:")
        for (s, a), reason in sorted(flagged.items()):
            lines.append(f"  {s} / {a}: {reason}")
    suspicious = {}
    for r in result.rows:
        if r.get("flags") and r["flags"] != NOT_SANDBOXED:
            suspicious.setdefault((r["student"], r["assignment"]), []).append(r["flags"].replace(f"; {NOT_SANDBOXED}", ""))
    if suspicious:
        lines.append(f"{len(suspicious)} submission(s) flagged for an instructor to look at (flags column):")
        for (s, a), notes in sorted(suspicious.items()):
            lines.append(f"  {s} / {a}: {'; '.join(notes)}")
    if any(r.get("flags", "").endswith(NOT_SANDBOXED) for r in result.rows):
        lines.append("learner code ran WITHOUT the sandbox (--no-sandbox) for the rows flagged so")
    if result.errors:
        lines.append(f"{len(result.errors)} submission(s) could not be graded because grading itself broke:")
        for o in result.errors:
            lines.append(f"  {o.student} / {o.assignment}: {o.error}")
    lines.append(f"class CSV: {result.csv_path}")
    lines.append(f"nbgrader export: {result.export_path}")
    return "\n".join(lines)

