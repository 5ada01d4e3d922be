"""Before a submission runs: compare its cells with the source notebook and grade the source's layout.

nbgrader trusts a submission's cell metadata. A learner can edit it in any text editor, and every edit below
either crashes ``nbgrader autograde`` on that submission (``KeyError: 'grade_id'``, "Inconsistent checksums")
or hides code from the graders' checks (GRADING.md):

- a duplicated ``grade_id``, or one the assignment does not have;
- an extra cell carrying code (it would run between the answer and its test, unscanned);
- flipped flags: a test cell's ``grade`` switched off, a test cell turned into an answer cell, ``solution:
  false`` on an answer cell (nbgrader restores a test cell's source and points, never an answer's flag);
- changed points, a changed cell type, an edited or deleted test cell.

:class:`StructureCheck` runs first of all, in ``Autograde.sanitize_preprocessors``. It always rebuilds the
notebook from the SOURCE notebook (``solutions/<A>/<nb>.ipynb``: its cells, order and metadata), copying in
only the learner's answer cells, matched by ``grade_id`` (the first cell carrying it). Test cells and every
other cell are the instructor's; nbgrader's own ``OverwriteCells`` then restores test cells from the gradebook
as usual. An answer cell the learner deleted is graded empty. So whatever was edited, the submission is graded
like an honest one with the same answers, and it never crashes the run.

Each difference is recorded as a flag in the submission's ``grading_flags.json`` (:mod:`instructor.cleanroom.flags`,
shared with the clean room; the sandboxed kernel never sees that folder: it runs in a scratch copy) and shown
by ``course-grade`` in the class report and ``class_grades.csv``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from .cleanroom import flags as flagfile

SOURCE = "structure"
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M)
_FLAG_KEYS = ("solution", "grade", "locked", "task")


# -------------------------------------------------------------------------------------------- comparing


def _meta(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def _has_code(cell):
    if cell.get("cell_type") != "code":
        return False
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    return any(line.strip() and not line.strip().startswith("#") for line in source.splitlines())


def _text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _released(source):
    """A test cell's text as learners get it (hidden tests removed), for spotting an edited test cell."""
    return _HIDDEN.sub("", source).strip()


def _points(meta):
    try:
        return float(meta.get("points", 0) or 0)
    except (TypeError, ValueError):
        return None


def _flag(kind, cell, detail):
    return {"kind": kind, "cell": cell, "detail": detail}


def compare(source_nb, submitted_nb):
    """What a submission changed in the source notebook's structure.

    Returns ``(flags, answers)``: ``flags`` is a list of dicts (``kind``, ``cell``, ``detail``; empty when
    nothing changed), ``answers`` maps each answer cell's grade_id to the learner's cell.
    """
    source_cells, plain = {}, set()
    for cell in source_nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid:
            source_cells[gid] = cell
        elif _has_code(cell):
            plain.add(_text(cell).strip())
    answers, seen, messages = {}, set(), []
    for index, cell in enumerate(submitted_nb.cells):
        meta = _meta(cell)
        gid = meta.get("grade_id")
        where = f"cell {index + 1}"
        if not gid:
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                messages.append(_flag("structure_flags_changed", None, f"{where} carries nbgrader flags but no grade id (not graded)"))
            elif _has_code(cell) and _text(cell).strip() not in plain:
                messages.append(_flag("structure_extra_code", None, f"{where}: an added or edited code cell outside the answer cells (not run when grading)"))
            continue
        if not isinstance(gid, str) or gid not in source_cells:
            messages.append(_flag("structure_unknown_id", str(gid), f"{where}: unknown grade id {gid!r}" + (" (its code is not run)" if _has_code(cell) else "")))
            continue
        if gid in seen:
            messages.append(_flag("structure_duplicate_id", gid, f"{where}: grade id {gid!r} appears twice (the first one is graded)"))
            continue
        seen.add(gid)
        src = source_cells[gid]
        src_meta = _meta(src)
        for key in _FLAG_KEYS:
            if bool(meta.get(key, False)) != bool(src_meta.get(key, False)):
                messages.append(_flag("structure_flags_changed", gid, f"{key} flag changed from "
                                      f"{bool(src_meta.get(key, False))} to {bool(meta.get(key, False))} (restored)"))
        if (src_meta.get("grade") or meta.get("grade")) and _points(meta) != _points(src_meta):
            messages.append(_flag("structure_points_changed", gid, f"points changed from {_points(src_meta):g} to {meta.get('points')!r} (restored)"))
        if cell.get("cell_type") != src.get("cell_type"):
            messages.append(_flag("structure_flags_changed", gid, f"cell type changed from {src.get('cell_type')} to {cell.get('cell_type')} (restored)"))
        if src_meta.get("solution"):
            answers[gid] = cell
        elif src_meta.get("grade") or src_meta.get("locked"):
            if _released(_text(cell)) != _released(_text(src)):
                kind = "test cell" if src_meta.get("grade") and src.cell_type == "code" else "read-only cell"
                messages.append(_flag("structure_test_edited", gid, f"{kind} was edited (restored)"))
    for gid, src in source_cells.items():
        if gid not in seen:
            src_meta = _meta(src)
            if src_meta.get("solution"):
                messages.append(_flag("structure_cell_deleted", gid, "answer cell deleted (graded as empty)"))
            elif src_meta.get("grade"):
                messages.append(_flag("structure_cell_deleted", gid, "test cell deleted (restored)"))
            else:
                messages.append(_flag("structure_cell_deleted", gid, "read-only cell deleted (restored)"))
    return messages, answers


def rebuild(source_nb, answers):
    """The source notebook with the learner's answer cells copied in (deleted answers become empty)."""
    nb = copy.deepcopy(source_nb)
    for cell in nb.cells:
        meta = _meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution"):
            mine = answers.get(gid)
            if mine is not None and mine.get("cell_type") == cell.cell_type:
                cell.source = _text(mine)
            else:
                cell.source = ""
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


# -------------------------------------------------------------------------------------------- nbgrader


class StructureCheck(NbGraderPreprocessor):
    """Grade the source notebook's layout with the learner's answer cells; flag whatever else changed.

    Put it first in ``c.Autograde.sanitize_preprocessors``. It reads ``solutions/<A>/<nb>.ipynb`` (the
    configured source folder) and writes its flags under ``source="structure"``.
    """

    def preprocess(self, nb, resources):
        from nbgrader.coursedir import CourseDirectory

        info = resources.get("nbgrader", {})
        assignment, student, notebook = info.get("assignment"), info.get("student"), info.get("notebook")
        coursedir = CourseDirectory(config=self.config)
        folder = coursedir.format_path(coursedir.autograded_directory, student, assignment)
        try:
            path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment)) / f"{notebook}.ipynb"
            source_nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
        except Exception as exc:  # never crash the run: let nbgrader grade the submission as it is, flagged
            self.log.error("structure check of %s/%s/%s could not run: %s", assignment, student, notebook, exc)
            flagfile.replace_flags(folder, SOURCE, notebook, [_flag("structure_check_failed", None, str(exc))])
            return nb, resources
        try:
            flags, answers = compare(source_nb, nb)
        except Exception as exc:
            flags, answers = [_flag("structure_unreadable", None, f"the notebook's cells could not be read "
                                    f"({type(exc).__name__}: {exc}); graded with empty answers")], {}
        for flag in flags:
            self.log.warning("%s/%s/%s: %s %s", assignment, student, notebook, flag["cell"] or "", flag["detail"])
        flagfile.replace_flags(folder, SOURCE, notebook, flags)
        return rebuild(source_nb, answers), resources
