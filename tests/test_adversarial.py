"""A determined student against the real grading pipeline: ``course-grade`` (nbgrader autograde with the
sandboxed kernel, the structure check, the clean room and VerifyChecks) on 01_mse.

Every attack comes with the same WRONG mse_grad (the 2/N dropped, COURSE.md's most common mistake), so the
control is that wrong answer alone: an attack that earned more than the control beat the grader. For every
case the suite asserts that

- the run completes (``course-grade`` exits 0) and the submission's score is at most the control's;
- the next students (graded after every attacker, and again in a second ``course-grade`` run) with the
  same wrong answer and with the correct one are graded exactly like the controls before the attackers;
- no file outside the submissions' outputs changed (the course tree, the repository's sources and the
  grader's ``~/.ipython`` are hashed before and after);
- no process of any sandbox survives, detached or not, also seconds after the run;
- the class report flags the submission (``class_grades.csv``: the ``flags`` column or "needs manual
  grading" with the reason).

The whole class is one ``course-grade`` run (2 workers), so the suite costs one grading of ~45 notebooks.
"""

import base64
import copy
import csv
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from instructor import sandbox
from instructor.answers.nb01 import CORRECT, VARIANTS
from mlcore.grading.messages import pass_line
from nbgrader_harness import grade_id, make_submission, read_notebook

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox.available(), reason="bubblewrap (bwrap) is not installed: .ci/run installs it")]

ROOT = Path(__file__).resolve().parent.parent
A = "01_mse"
TIMEOUT = "20"  # seconds per cell: every cell of 01_mse takes well under one
WRONG = dict(CORRECT, mse_grad_answer=VARIANTS["mse_grad_dropped_2_over_n"]["answers"]["mse_grad_answer"])
# Attack code may name {ROOT} (the course folder), {REPO} (this repository) and {HOME} (the grader's HOME).
FORGED = (f"print({pass_line('mse_grad', 20, False)!r} + ' on random inputs'); "
          f"print({pass_line('mse_grad', 50, True)!r} + ' on random inputs')")


def _fake_check_source():
    """A forged check that prints the real pass line whatever the function does."""
    return textwrap.dedent("""
        from mlcore.grading.messages import pass_line as _pass_line
        def _fake_check(name, *args, **kwargs):
            print(_pass_line(name, 20, bool(kwargs.get("hidden"))) + " on random inputs")
    """)


class Case:
    """One attack: code appended to the wrong mse_grad answer cell, a notebook transform, extra files."""

    def __init__(self, code="", transform=None, files=None, notebook=f"{A}.ipynb", answers=None, cleanroom=False):
        self.code = textwrap.dedent(code).strip("\n")
        self.transform = transform
        self.files = files or {}
        self.notebook = notebook
        self.answers = answers
        self.cleanroom = cleanroom  # an in-kernel trick: only the clean room's verdict defeats it


def _cell_of(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def _meta(nb, gid):
    return _cell_of(nb, gid).metadata["nbgrader"]


def _delete_test(nb):
    nb.cells.remove(_cell_of(nb, "mse_grad_tests"))
    return nb


def _edit_test(nb):
    _cell_of(nb, "mse_grad_tests").source = FORGED
    return nb


def _duplicate_id(nb):
    fake = copy.deepcopy(_cell_of(nb, "mse_grad_tests"))
    fake.source = FORGED
    fake.id = "dup-of-mse-grad-tests"
    nb.cells.insert(nb.cells.index(_cell_of(nb, "mse_grad_answer")) + 1, fake)
    return nb


def _grade_off(nb):
    _meta(nb, "mse_grad_tests")["grade"] = False
    return nb


def _test_to_answer(nb):
    meta = _meta(nb, "mse_grad_tests")
    meta.update(grade=False, solution=True, locked=False)
    _cell_of(nb, "mse_grad_tests").source = FORGED
    return nb


def _extra_points_cell(nb):
    nb.cells.append(new_code_cell("print('bonus')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "bonus_tests", "points": 10, "schema_version": 3}}))
    return nb


def _solution_false(nb):
    # The silencer hidden in an answer cell whose solution flag is off (nbgrader never restores that flag).
    _meta(nb, "mse_grad_answer")["solution"] = False
    return nb


def _extra_code_cell(nb):
    index = nb.cells.index(_cell_of(nb, "mse_grad_tests"))
    nb.cells.insert(index, new_code_cell(_fake_check_source() + "\ncheck = _fake_check\n"))
    return nb


def _prefilled_outputs(nb):
    cell = _cell_of(nb, "mse_grad_tests")
    shown = f"{pass_line('mse_grad', 20, False)} on random inputs\n{pass_line('mse_grad', 50, True)} on random inputs\n"
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=shown)]
    return nb


SILENCER = """
def _silence(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]
get_ipython().input_transformers_post.append(_silence)
"""

CASES = {
    # ------------------------------------------------------------------ the kernel's own world
    "numpy_monkeypatch": Case("""
        import numpy as np
        np.allclose = lambda *a, **k: True
        np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
        np.testing.assert_allclose = lambda *a, **k: None
        np.array_equal = lambda *a, **k: True
    """),
    "builtins_monkeypatch": Case("""
        import builtins
        builtins.abs = lambda x: 0 * x
        builtins.all = lambda *a, **k: True
        builtins.any = lambda *a, **k: False
    """),
    "input_transformer": Case(SILENCER),
    "shadowing_numpy_py": Case("""
        open("numpy.py", "w").write("allclose = lambda *a, **k: True\\n")
    """, files={"numpy.py": "allclose = lambda *a, **k: True\nisclose = allclose\n"}),
    # ------------------------------------------------------------------ the course's files
    "read_solutions": Case("""
        import glob, json
        for _p in ["{ROOT}/solutions/01_mse/01_mse.ipynb", "../../../solutions/01_mse/01_mse.ipynb", "{REPO}/solutions/01_mse/01_mse.ipynb"] + glob.glob("/*/*/solutions/01_mse/*.ipynb"):
            try:
                for _c in json.load(open(_p))["cells"]:
                    if "def mse_grad" in "".join(_c["source"]):
                        exec("".join(_c["source"]))
            except Exception:
                pass
    """),
    "gradebook_read_and_rewrite": Case("""
        import sqlite3
        for _p in ["{ROOT}/gradebook.db", "../../../gradebook.db"]:
            try:
                _db = sqlite3.connect(_p)
                _db.execute("UPDATE grade SET auto_score = 1000")
                _db.execute("UPDATE grade SET auto_score = 0, manual_score = 0 WHERE id IN (SELECT id FROM grade LIMIT 100)")
                _db.commit()
            except Exception:
                pass
    """),
    "write_other_students_and_solutions": Case("""
        for _p in ["{ROOT}/submitted/c_correct/01_mse/01_mse.ipynb", "{ROOT}/autograded/c_correct/01_mse/01_mse.ipynb",
                   "{ROOT}/solutions/01_mse/01_mse.ipynb", "../../c_correct/01_mse/01_mse.ipynb",
                   "{ROOT}/feedback/c_correct/01_mse/01_mse.html", "{ROOT}/release/x"]:
            try:
                open(_p, "w").write("{}")
            except Exception:
                pass
    """),
    "ipython_startup_file": Case("""
        import os
        for _home in [os.path.expanduser("~"), "{HOME}"]:
            try:
                os.makedirs(_home + "/.ipython/profile_default/startup", exist_ok=True)
                open(_home + "/.ipython/profile_default/startup/00-adversarial.py", "w").write("{PAYLOAD}\\n")
            except Exception:
                pass
    """),
    "append_to_config_and_mlcore": Case("""
        import os, mlcore
        for _p in ["{ROOT}/nbgrader_config.py", "../../../nbgrader_config.py",
                   os.path.join(os.path.dirname(mlcore.__file__), "grading", "diagnose.py")]:
            try:
                open(_p, "a").write("\\n{PAYLOAD}\\n")
            except Exception:
                pass
    """),
    "detached_gradebook_rewriter": Case("""
        import subprocess, sys, os
        _script = ("import time, sqlite3\\ntime.sleep(4)\\n"
                   "db = sqlite3.connect('{ROOT}/gradebook.db'); db.execute('UPDATE grade SET auto_score = 1000'); db.commit()\\n")
        _marker = "open('{ROOT}/detached_was_here', 'w').write('x')\\n"
        subprocess.Popen([sys.executable, "-c", "try:\\n    exec(%r)\\nfinally:\\n    exec(%r)" % (_script, _marker)],
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                try:
                    exec(_script)
                finally:
                    exec(_marker)
            os._exit(0)
    """),
    # ------------------------------------------------------------------ resources and exits
    "fork_bomb": Case("""
        import os
        while True:
            os.fork()
    """),
    "memory_bomb": Case("""
        _hog = []
        while True:
            _hog.append(b"x" * 50_000_000)
    """),
    "infinite_loop": Case("""
        while True:
            pass
    """),
    "os_exit": Case("""
        import os
        os._exit(0)
    """),
    "sys_exit": Case("""
        import sys
        sys.exit(0)
    """),
    # ------------------------------------------------------------------ the notebook's structure
    "test_cell_deleted": Case(transform=_delete_test),
    "test_cell_edited": Case(transform=_edit_test),
    "duplicated_grade_id": Case(transform=_duplicate_id),
    "test_cell_grade_flag_off": Case(transform=_grade_off),
    "test_cell_turned_answer_cell": Case(transform=_test_to_answer),
    "extra_cell_with_points": Case(transform=_extra_points_cell),
    "answer_cell_solution_false": Case(SILENCER, transform=_solution_false),
    "extra_code_cell": Case(transform=_extra_code_cell),
    "renamed_notebook": Case(notebook=f"{A}_final.ipynb"),
    "hard_coded_visible_outputs": Case("""
        import numpy as np
        _seen = {}
        def mse_grad(y, y_hat):
            return np.zeros_like(y_hat)
    """, transform=_prefilled_outputs),
    # ------------------------------------------------------------------ in-kernel tricks (the clean room's job)
    "rebind_check_via_vars": Case(_fake_check_source() + 'vars()["check"] = _fake_check', cleanroom=True),
    "rebind_check_via_setattr": Case(_fake_check_source() + 'import __main__\nsetattr(__main__, "ch" + "eck", _fake_check)',
                                     cleanroom=True),
    "rebind_check_via_exec_base64": Case(
        "import base64\nexec(base64.b64decode(%r).decode())"
        % base64.b64encode((_fake_check_source() + "check = _fake_check\n").encode()).decode(), cleanroom=True),
    "swap_check_code": Case(_fake_check_source() + """
        from mlcore.grading import check as _c
        import mlcore.grading
        _c.__code__ = _fake_check.__code__ if _c.__code__.co_freevars == () else _c.__code__
        mlcore.grading.check.__code__ = _c.__code__
    """, cleanroom=True),
    "settrace_under_another_name": Case("""
        import sys
        def _tracer(frame, event, arg):
            if "diagnos" in frame.f_code.co_name and event == "return":
                frame.f_locals.clear()
            return _tracer
        getattr(sys, "set" + "trace")(_tracer)
    """, cleanroom=True),
    "read_grader_frame": Case("""
        import sys
        def mse_grad(y, y_hat):
            f = sys._getframe(1)
            while f is not None:
                for k, v in list(f.f_locals.items()):
                    if k in ("expected", "want", "ref", "reference_value", "target") and getattr(v, "shape", None) == getattr(y_hat, "shape", 0):
                        return v
                f = f.f_back
            return y_hat - y
    """, cleanroom=True),
    "patch_deepcopy": Case("""
        import copy
        copy.deepcopy = lambda x, memo=None: x
    """, cleanroom=True),
    "edit_grader_objects_via_gc": Case("""
        import gc
        for _o in gc.get_objects():
            if type(_o).__name__ == "Exercise" and getattr(_o, "name", None) == "mse_grad":
                for _attr in ("reference", "ref", "fn"):
                    if hasattr(_o, _attr):
                        try:
                            object.__setattr__(_o, _attr, mse_grad)
                        except Exception:
                            pass
    """, cleanroom=True),
    "force_seed_env": Case("""
        import os
        os.environ["MLCORE_GRADING_SEED"] = "0"
        os.environ["MLCORE_SEED"] = "0"
    """, cleanroom=True),
    "reference_from_closure": Case("""
        import mlcore
        _raw = mlcore.mse_grad
        for _cell in (getattr(mlcore.mse_grad, "__closure__", None) or ()):
            try:
                if callable(_cell.cell_contents) and getattr(_cell.cell_contents, "__name__", "") == "mse_grad":
                    _raw = _cell.cell_contents
            except ValueError:
                pass
        def mse_grad(y, y_hat):
            return _raw(y, y_hat)
    """, cleanroom=True),
    "reference_after_reload": Case("""
        import importlib, mlcore, mlcore._guard
        importlib.reload(mlcore._guard)
        importlib.reload(mlcore.losses)
        def mse_grad(y, y_hat):
            return mlcore.losses.mse_grad(y, y_hat)
    """, cleanroom=True),
    "reference_second_import": Case("""
        import importlib.util, sys, os, mlcore
        _spec = importlib.util.spec_from_file_location("mlcore_again", os.path.join(os.path.dirname(mlcore.__file__), "__init__.py"),
                                                        submodule_search_locations=[os.path.dirname(mlcore.__file__)])
        _again = importlib.util.module_from_spec(_spec)
        sys.modules["mlcore_again"] = _again
        _spec.loader.exec_module(_again)
        def mse_grad(y, y_hat):
            return _again.mse_grad(y, y_hat)
    """, cleanroom=True),
    "reference_via_ctypes": Case("""
        import ctypes, mlcore, mlcore._guard
        _blocked = mlcore._guard._blocked
        def mse_grad(y, y_hat):
            _saved = set(_blocked)
            ctypes.pythonapi.PySet_Clear(ctypes.py_object(_blocked))
            try:
                return mlcore.mse_grad(y, y_hat)
            finally:
                _blocked.update(_saved)
    """, cleanroom=True),
    "wrap_ipython_run_code": Case(textwrap.dedent(f"""
        _ip = get_ipython()
        _orig = _ip.run_code
        async def _run_code(code_obj, result=None, *, async_=False):
            import io, contextlib
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                r = await _orig(code_obj, result, async_=async_)
            if result is not None and result.error_in_exec is not None:
                result.error_in_exec = None
                {FORGED}
            else:
                print(buf.getvalue(), end="")
            return r
        _ip.run_code = _run_code
    """), cleanroom=True),
}

CONTROLS = ("c_correct", "c_wrong")
NEXT = ("z_next_correct", "z_next_wrong")
NEXT_RUN = ("z2_next_correct", "z2_next_wrong")


def _fill(text, course):
    return (text.replace("{ROOT}", str(course)).replace("{HOME}", os.path.expanduser("~")).replace("{REPO}", str(ROOT))
            .replace("{PAYLOAD}", PAYLOAD))


def _submission(released, case, course):
    answers = dict(case.answers or WRONG)
    if case.code:
        answers["mse_grad_answer"] = answers["mse_grad_answer"].rstrip("\n") + "\n\n" + _fill(case.code, course) + "\n"
    if case.transform:
        answers["!transform"] = case.transform
    return make_submission(released, answers)


def _write(course, student, nb, name=f"{A}.ipynb", files=None):
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / name))
    for fname, text in (files or {}).items():
        (folder / fname).write_text(text)


# Outputs of grading: everything else in the course folder must come out of the run byte for byte unchanged.
OUTPUTS = ("autograded", "feedback", "gradebook.db", "class_grades.csv", "grades.csv", ".classroom", "reports")


def tree_hash(folder, skip=()):
    """{relative path: sha256} of every file below `folder` (symlinks by target), minus `skip` top-level names."""
    found = {}
    folder = Path(folder)
    if not folder.exists():
        return found
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in skip or "__pycache__" in rel.parts or ".pytest_cache" in rel.parts:
            continue
        if path.is_symlink():
            found[str(rel)] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


PAYLOAD = "# adversarial test"  # what the attacks write into the grader's own files, if they ever could


def watched(course):
    """What no submission may change: the course minus grading outputs (hashed), and the grader's own code
    and ~/.ipython (searched for the attacks' payload: other work may change those files meanwhile)."""
    planted = [str(p) for folder in (ROOT / "mlcore", ROOT / "instructor", Path.home() / ".ipython")
               for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", "") and PAYLOAD.encode() in p.read_bytes()]
    return {"course": tree_hash(course, skip=OUTPUTS), "planted": planted}


# Set for the grading runs only: the sandbox passes MLCORE_* variables in, so every process they start (kernels,
# clean-room children, whatever those spawn) carries it, and other test runs on the machine do not.
RUN_MARK = f"MLCORE_ADVERSARIAL_RUN={os.getpid()}-{time.time_ns()}"


def sandbox_processes(course):
    """Live processes left by this suite's grading runs (they carry RUN_MARK, or name the course)."""
    left = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (RUN_MARK.encode() in environ.split(b"\0") or str(course) in cmdline):
            left.append((int(entry), cmdline[:200]))
    return left


def run_grade(course):
    key, value = RUN_MARK.split("=")
    return subprocess.run([sys.executable, "-m", "instructor", "grade", A, "--course-dir", str(course),
                           "--workers", "2", "--timeout", TIMEOUT, "--no-progress"],
                          capture_output=True, text=True, cwd=course, timeout=1800, env=dict(os.environ, **{key: value}))


def read_rows(course):
    with open(course / "class_grades.csv", newline="") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def gradebook_scores(course):
    """{student: {test cell: score}} straight from the gradebook."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nn-first-principles") as gb:
        for sub in gb.assignment_submissions(A):
            for nb in sub.notebooks:
                found[sub.student_id] = {g.name: float(g.score) for g in nb.grades}
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("adversarial") / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    # The student version, generated from the current source (never a stale copy).
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_assignment", A, "--no-db"],
                   cwd=course, check=True, capture_output=True,
                   env=dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}"))
    released = read_notebook(course / "notebooks" / A / f"{A}.ipynb")
    _write(course, "c_correct", make_submission(released, CORRECT))
    _write(course, "c_wrong", make_submission(released, WRONG))
    for name, case in CASES.items():
        _write(course, f"x_{name}", _submission(released, case, course), case.notebook, case.files)
    _write(course, "z_next_correct", make_submission(released, CORRECT))
    _write(course, "z_next_wrong", make_submission(released, WRONG))

    before = watched(course)
    started = time.perf_counter()
    first = run_grade(course)
    seconds = time.perf_counter() - started
    rows, scores = read_rows(course), gradebook_scores(course)
    time.sleep(6)  # the detached rewriter sleeps 4 s: give it time to act if anything survived
    survivors = sandbox_processes(course)
    after_first = watched(course)
    scores_later = gradebook_scores(course)

    # A second run (a new nbgrader process, as the next grading session would be) with two more students.
    _write(course, "z2_next_correct", make_submission(released, CORRECT))
    _write(course, "z2_next_wrong", make_submission(released, WRONG))
    second = run_grade(course)
    return {"course": course, "first": first, "second": second, "rows": rows, "rows2": read_rows(course),
            "scores": scores, "scores_later": scores_later, "before": before, "after": after_first,
            "after2": watched(course), "survivors": survivors, "seconds": seconds}


def total(row):
    return float(row["score"]) if row["score"] != "" else 0.0


def test_the_run_completes(graded):
    for run in ("first", "second"):
        assert graded[run].returncode == 0, graded[run].stderr[-3000:] + graded[run].stdout[-3000:]


def test_controls(graded):
    rows = graded["rows"]
    assert total(rows["c_correct"]) == float(rows["c_correct"]["max_score"]) > 0
    assert total(rows["c_wrong"]) < total(rows["c_correct"]), "the wrong answer must lose points"
    assert graded["scores"]["c_wrong"]["mse_grad_tests"] == 0
    assert rows["c_correct"]["flags"] == rows["c_wrong"]["flags"] == "", (rows["c_correct"], rows["c_wrong"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_earns_nothing_beyond_the_control(graded, name):
    rows = graded["rows"]
    row = rows[f"x_{name}"]
    assert total(row) <= total(rows["c_wrong"]), row
    scores = graded["scores"].get(f"x_{name}", {})
    assert scores.get("mse_grad_tests", 0) == 0, scores


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_is_flagged(graded, name):
    row = graded["rows"][f"x_{name}"]
    assert row["flags"] or row["status"] == "needs manual grading", row


def test_next_students_are_graded_as_before(graded):
    rows, rows2 = graded["rows"], graded["rows2"]
    for kind in ("correct", "wrong"):
        want = total(rows[f"c_{kind}"])
        assert total(rows[f"z_next_{kind}"]) == want
        assert total(rows2[f"z2_next_{kind}"]) == want
        assert rows[f"z_next_{kind}"]["flags"] == rows2[f"z2_next_{kind}"]["flags"] == ""
    # and the controls' own grades were not altered afterwards, in the gradebook or in the second report
    assert graded["scores_later"]["c_correct"] == graded["scores"]["c_correct"]
    assert graded["scores_later"]["c_wrong"] == graded["scores"]["c_wrong"]
    for student in CONTROLS + NEXT:
        assert total(rows2[student]) == total(rows[student])


def test_no_file_outside_the_outputs_changed(graded):
    assert graded["after"]["course"] == graded["before"]["course"]
    assert graded["before"]["planted"] == graded["after"]["planted"] == graded["after2"]["planted"] == []
    assert not (graded["course"] / "detached_was_here").exists()


def test_no_process_survives(graded):
    assert graded["survivors"] == []
    assert sandbox_processes(graded["course"]) == []


def test_figures(graded, capsys):
    n = len(graded["rows"])
    with capsys.disabled():
        print(f"\n{len(CASES)} adversarial cases, {n} submissions graded in {graded['seconds']:.1f} s "
              f"({graded['seconds'] / n:.2f} s per submission, 2 workers)")
