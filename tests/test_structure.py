"""instructor.structure: a submission is graded in the source notebook's cell layout with only the learner's
answer cells, and every structural edit is flagged, never a crash."""

import copy
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from traitlets.config import Config

from instructor.cleanroom.flags import read_flags
from instructor.structure import StructureCheck, compare, rebuild


def _cell(kind, gid, source, points=None, cell_type="code"):
    meta = {"grade": kind in ("test", "manual"), "solution": kind in ("answer", "manual"), "locked": kind == "test",
            "grade_id": gid, "schema_version": 3, "task": False}
    if points is not None:
        meta["points"] = points
    make = new_code_cell if cell_type == "code" else new_markdown_cell
    return make(source, metadata={"nbgrader": meta})


def source_notebook():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Title"),
        new_code_cell("import numpy as np"),
        _cell("answer", "f_answer", "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
        _cell("test", "f_tests", "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\n", 1),
        _cell("answer", "g_answer", "def g(x):\n    return x"),
        _cell("test", "g_tests", "assert g(1) == 1", 2),
        _cell("manual", "essay", "Because.", 1, cell_type="markdown"),
    ]
    return nb


def submission(**answers):
    """The student version (hidden tests removed, answers blank) with `answers` filled in, by grade_id."""
    nb = copy.deepcopy(source_notebook())
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answers.get(meta["grade_id"], "raise NotImplementedError()")
        elif meta.get("grade_id") == "f_tests":
            cell.source = "assert f(1) == 2\n"
    return nb


def cell_of(nb, gid):
    return next(c for c in nb.cells if isinstance(c.metadata.get("nbgrader"), dict)
                and c.metadata.nbgrader.get("grade_id") == gid)


def kinds(flags):
    return sorted((f["kind"], f["cell"]) for f in flags)


def test_an_honest_submission_has_no_flags_and_keeps_its_answers():
    nb = submission(f_answer="def f(x):\n    return x + x")
    nb.cells.insert(2, new_code_cell("# my notes\n"))  # comments only: nothing runs
    nb.cells.append(new_markdown_cell("my own notes"))
    flags, answers = compare(source_notebook(), nb)
    assert flags == []
    graded = rebuild(source_notebook(), answers)
    assert cell_of(graded, "f_answer").source == "def f(x):\n    return x + x"
    assert cell_of(graded, "f_tests").source == cell_of(source_notebook(), "f_tests").source
    assert [c.source for c in graded.cells if not c.metadata.get("nbgrader")] == ["# Title", "import numpy as np"]


@pytest.mark.parametrize("edit, expected", [
    (lambda nb: nb.cells.insert(3, copy.deepcopy(cell_of(nb, "f_tests"))), [("structure_duplicate_id", "f_tests")]),
    (lambda nb: cell_of(nb, "f_tests").metadata.nbgrader.update(grade=False), [("structure_flags_changed", "f_tests")]),
    (lambda nb: cell_of(nb, "f_tests").metadata.nbgrader.update(grade=False, solution=True),
     [("structure_flags_changed", "f_tests")] * 2),
    (lambda nb: cell_of(nb, "f_answer").metadata.nbgrader.update(solution=False), [("structure_flags_changed", "f_answer")]),
    (lambda nb: cell_of(nb, "g_tests").metadata.nbgrader.update(points=20), [("structure_points_changed", "g_tests")]),
    (lambda nb: nb.cells.append(_cell("test", "bonus", "print(1)", 5)), [("structure_unknown_id", "bonus")]),
    (lambda nb: nb.cells.insert(4, new_code_cell("check = lambda *a: None")), [("structure_extra_code", None)]),
    (lambda nb: setattr(cell_of(nb, "f_tests"), "source", "pass"), [("structure_test_edited", "f_tests")]),
    (lambda nb: nb.cells.remove(cell_of(nb, "f_tests")), [("structure_cell_deleted", "f_tests")]),
    (lambda nb: nb.cells.remove(cell_of(nb, "g_answer")), [("structure_cell_deleted", "g_answer")]),
    (lambda nb: cell_of(nb, "f_tests").metadata.nbgrader.pop("grade_id"), [("structure_cell_deleted", "f_tests"),
                                                                           ("structure_flags_changed", None)]),
])
def test_each_edit_is_flagged_and_graded_from_the_source_layout(edit, expected):
    nb = submission(f_answer="def f(x):\n    return x", g_answer="def g(x):\n    return x")
    edit(nb)
    flags, answers = compare(source_notebook(), nb)
    assert kinds(flags) == sorted(expected)
    graded = rebuild(source_notebook(), answers)
    source = source_notebook()
    assert [c.metadata.get("nbgrader") for c in graded.cells] == [c.metadata.get("nbgrader") for c in source.cells]
    for gid in ("f_tests", "g_tests"):
        assert cell_of(graded, gid).source == cell_of(source, gid).source
    if "g_answer" in answers:
        assert cell_of(graded, "g_answer").source == "def g(x):\n    return x"
    else:
        assert cell_of(graded, "g_answer").source == ""  # deleted: graded empty, never the solution


def test_garbage_metadata_is_flagged_not_fatal():
    nb = submission()
    nb.cells[1].metadata["nbgrader"] = "not a dict"
    cell_of(nb, "g_answer").metadata.nbgrader["grade_id"] = 7
    flags, answers = compare(source_notebook(), nb)
    assert ("structure_unknown_id", "7") in kinds(flags)
    rebuild(source_notebook(), answers)


def _config(root):
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.source_directory = "solutions"
    return config


def test_the_preprocessor_records_flags_and_never_crashes(tmp_path):
    (tmp_path / "solutions" / "a1").mkdir(parents=True)
    nbformat.write(source_notebook(), str(tmp_path / "solutions" / "a1" / "n1.ipynb"))
    resources = {"nbgrader": {"assignment": "a1", "student": "s1", "notebook": "n1"}}
    nb = submission()
    nb.cells.append(_cell("test", "bonus", "print(1)", 5))
    out, _ = StructureCheck(config=_config(tmp_path)).preprocess(nb, resources)
    assert "bonus" not in json.dumps(out)
    folder = tmp_path / "autograded" / "s1" / "a1"
    assert [(f["source"], f["kind"]) for f in read_flags(folder)] == [("structure", "structure_unknown_id")]
    # graded again, unchanged: the old flags go
    StructureCheck(config=_config(tmp_path)).preprocess(submission(), resources)
    assert read_flags(folder) == []
    # no source notebook: the submission is graded as it is, flagged
    resources["nbgrader"]["notebook"] = "missing"
    out, _ = StructureCheck(config=_config(tmp_path)).preprocess(submission(), resources)
    assert [f["kind"] for f in read_flags(folder)] == ["structure_check_failed"]
