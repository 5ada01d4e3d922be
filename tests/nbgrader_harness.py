"""Shared helpers for the notebook tests: validate, execute, build submissions, autograde a class.

Everything goes through nbgrader's own machinery (``nbgrader.validator.Validator``, the
``GenerateAssignment`` / ``Autograde`` / ``GenerateFeedback`` converters) with the repository's
``nbgrader_config.py``, so the tests see what an instructor sees.

Typical use in a test module::

    from nbgrader_harness import autograde, make_submission, pack_variants, read_notebook, release_path
    from instructor.answers.nb01 import CORRECT, POINTS, TEST_OF, VARIANTS

    released = read_notebook(release_path("01_mse"))
    packs = pack_variants(VARIANTS, CORRECT, POINTS, TEST_OF)      # 30 variants -> 17 submissions
    results = autograde("01_mse", {p.name: make_submission(released, p.answers) for p in packs})
    results["correct"].scores["mse_tests"]      # -> (score, max_score), from the gradebook
    results["pack05"].outputs["mse_tests"]      # what that test cell printed, ANSI stripped
    results["pack05"].feedback_text             # the feedback HTML the learner would get, as text

``autograde`` runs one nbgrader process per CPU (at most 2), each grading its share of the class.
"""

import copy
import dataclasses
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"

# Seconds a cell may run in the tests' kernels (the course's config says 60; the notebooks need far less).
CELL_TIMEOUT = 60

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --------------------------------------------------------------------------------------------------------
# Finding and reading notebooks
# --------------------------------------------------------------------------------------------------------


def assignments():
    """Sorted names of every assignment in ``solutions/`` (a folder ``<A>`` holding ``<A>.ipynb``)."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").is_file())


def solution_path(assignment):
    """Path of the instructor notebook ``solutions/<A>/<A>.ipynb``."""
    return SOLUTIONS / assignment / f"{assignment}.ipynb"


def release_path(assignment):
    """Path of the student notebook ``notebooks/<A>/<A>.ipynb``."""
    return NOTEBOOKS / assignment / f"{assignment}.ipynb"


def read_notebook(path):
    """Read a notebook as the current nbformat version."""
    return nbformat.read(str(path), as_version=nbformat.NO_CONVERT)


def nbgrader_meta(cell):
    """The cell's ``nbgrader`` metadata dict ({} for a plain cell)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell):
    """The cell's nbgrader ``grade_id``, or None."""
    return nbgrader_meta(cell).get("grade_id")


def answer_cells(nb):
    """Map grade_id -> cell for every autograded answer cell (nbgrader ``solution`` and not ``grade``)."""
    from nbgrader.utils import is_grade, is_solution

    return {grade_id(c): c for c in nb.cells if is_solution(c) and not is_grade(c)}


def graded_cells(nb):
    """Map grade_id -> cell for every autograder test cell (``grade`` code cells), in notebook order."""
    from nbgrader.utils import is_grade

    return {grade_id(c): c for c in nb.cells if is_grade(c) and c.cell_type == "code"}


def total_points(nb):
    """Sum of the points of the notebook's graded cells."""
    from nbgrader.utils import is_grade

    return sum(float(nbgrader_meta(c).get("points", 0)) for c in nb.cells if is_grade(c))


def cell_text(cell):
    """Everything a code cell printed or raised, as plain text (ANSI colours stripped)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append("\n".join(out.traceback))
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return _ANSI.sub("", "\n".join(parts))


def cell_errors(cell):
    """The error outputs of a code cell as a list of (ename, plain traceback text); stderr counts as an error
    named ``"stderr"`` (nbgrader fails a test cell that writes to stderr)."""
    errors = []
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            errors.append((out.ename, _ANSI.sub("", "\n".join(out.traceback))))
        elif out.output_type == "stream" and out.name == "stderr":
            errors.append(("stderr", out.text))
    return errors


# --------------------------------------------------------------------------------------------------------
# Running a notebook the way `nbgrader validate` does
# --------------------------------------------------------------------------------------------------------


def _validator(**traits):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = CELL_TIMEOUT
    return Validator(config=config, **traits)


def validate(path, *, validate_all=True, invert=False):
    """Run ``nbgrader``'s ``Validator`` on a notebook and return its result dict.

    ``{}`` means success. Otherwise the keys are ``"failed"`` (list of {"source", "error", "raw_error"}),
    ``"passed"`` (with ``invert=True``: test cells that passed), ``"changed"`` or ``"type_changed"``.
    ``validate_all=True`` also fails any code cell that raised or wrote to stderr, not only graded cells.
    The kernel sees ``NBGRADER_EXECUTION=validate``, as under ``nbgrader validate``.
    """
    return _validator(validate_all=validate_all, invert=invert).validate(str(path))


def execute(path_or_nb):
    """Execute a notebook with the Validator's preprocessors and return the executed notebook.

    Runs in the notebook's folder (for a NotebookNode: a temporary folder) with
    ``NBGRADER_EXECUTION=validate``; errors do not stop execution. Inspect cells with
    :func:`cell_errors`, :func:`cell_text` and ``nbgrader.utils.determine_grade``.
    """
    from nbgrader import utils

    if isinstance(path_or_nb, (str, Path)):
        nb = read_notebook(path_or_nb)
        folder = Path(path_or_nb).resolve().parent
        with utils.chdir(str(folder)):
            return _validator()._preprocess(nb)
    with tempfile.TemporaryDirectory() as tmp, utils.chdir(tmp):
        return _validator()._preprocess(copy.deepcopy(path_or_nb))


def cell_score(cell):
    """(score, max_score) of an executed graded cell, as nbgrader computes it."""
    from nbgrader import utils

    return utils.determine_grade(cell)


def assert_fails_only_on_missing_work(nb):
    """An executed student notebook fails every graded cell, and every error comes from a NotImplementedError
    (or, for a self-check question still set to None, the check's "not answered yet" diagnosis, key
    not_implemented)."""
    from mlcore.grading.messages import mistakes_in

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if nbgrader_meta(cell).get("grade"):
            score, max_score = cell_score(cell)
            assert score < max_score, f"{grade_id(cell)} passes before the learner wrote anything"
        for ename, text in cell_errors(cell):
            missing = "NotImplementedError" in text or mistakes_in(text) == ["not_implemented"]
            assert ename == "NotImplementedError" or missing, (
                f"cell {grade_id(cell) or cell.get('id')} fails for another reason:\n{cell.source[:300]}\n"
                f"{ename}: {text[-3000:]}"
            )


# --------------------------------------------------------------------------------------------------------
# Submissions
# --------------------------------------------------------------------------------------------------------


def make_submission(released, answers):
    """A copy of the released notebook whose answer cells' sources are replaced, by grade_id.

    Parameters
    ----------
    released : NotebookNode
        The student version (``notebooks/<A>/<A>.ipynb``), as read by :func:`read_notebook`.
    answers : dict
        grade_id -> new source. Unknown grade_ids raise KeyError; cells not named keep their released
        source (``raise NotImplementedError()``). A value may also be a callable taking the notebook and
        returning it (to tamper with cells, delete them, ...), under any key starting with ``"!"``.
    """
    nb = copy.deepcopy(released)
    cells = answer_cells(nb)
    for key, source in answers.items():
        if key.startswith("!"):
            nb = source(nb)
            continue
        if key not in cells:
            raise KeyError(f"no answer cell with grade_id {key!r}; answer cells: {sorted(cells)}")
        cells[key].source = textwrap.dedent(source).strip("\n") + "\n"
    return nb


@dataclasses.dataclass
class Pack:
    """One submission carrying the answers of several variants (see :func:`pack_variants`).

    Attributes
    ----------
    name : str
        Student id to grade it under.
    answers : dict
        answer-cell grade_id -> source, ready for :func:`make_submission`.
    points : dict
        test-cell grade_id -> expected points.
    mistakes : dict
        test-cell grade_id -> mistake key expected in that cell's feedback (failing cells).
    members : dict
        variant name -> the test cells that variant decides in this pack.
    """

    name: str
    answers: dict
    points: dict
    mistakes: dict
    members: dict


def pack_variants(variants, baseline, full_points, test_of, claims=None):
    """Combine single-answer variants into few submissions, so a class of variants grades fast.

    A variant *owns* the answer cells whose source differs from ``baseline`` (the correct answers). Variants
    owning disjoint answer cells (and hence disjoint test cells) share one submission; the cells nobody owns
    get the baseline. A variant that leaves a cell empty (the blank one) or owns no cell (the correct
    one) is graded alone. Sound when each test cell runs only its own answer cell's function, as in
    the course's ``check(name, fn)`` cells; pass a ``test_of`` that lists every test cell an answer cell
    influences otherwise.

    Parameters
    ----------
    variants : dict
        name -> {"answers": {answer cell: source}, "points": {test cell: pts}, "mistakes": {test cell: key}}
        (the format of ``instructor.answers``).
    baseline : dict
        answer cell -> correct source.
    full_points : dict
        test cell -> its points.
    test_of : dict
        answer cell -> test cell, or a list of the test cells it influences.
    claims : dict, optional
        variant name -> further answer cells it must not share, e.g. those its code calls
        (:func:`called_cells`).

    Returns
    -------
    list of Pack
    """
    def tests(cell):
        t = test_of[cell]
        return [t] if isinstance(t, str) else list(t)

    def norm(src):
        return textwrap.dedent(src).strip()

    packs, taken = [], []  # taken[i]: the answer and test cells already owned in packs[i] (None: alone)
    for name in sorted(variants):
        v = variants[name]
        answers = v["answers"]
        owned = {c for c in baseline if c in answers and norm(answers[c]) != norm(baseline[c])}
        if set(answers) != set(baseline) or not owned:
            packs.append(Pack(name, dict(answers), dict(v["points"]), dict(v["mistakes"]),
                              {name: sorted(full_points)}))
            taken.append(None)
            continue
        cells = owned | {t for c in owned for t in tests(c)} | set((claims or {}).get(name, ()))
        free = [i for i, used in enumerate(taken) if used is not None and not used & cells]
        if free:
            i = free[0]
        else:
            shared = sum(1 for used in taken if used is not None)
            packs.append(Pack(f"pack{shared + 1:02d}", dict(baseline), dict(full_points), {}, {}))
            taken.append(set())
            i = len(packs) - 1
        p = packs[i]
        owned_tests = sorted({t for c in owned for t in tests(c)})
        for c in owned:
            p.answers[c] = answers[c]
        for t in owned_tests:
            p.points[t] = v["points"][t]
            if v["mistakes"].get(t):
                p.mistakes[t] = v["mistakes"][t]
        p.members[name] = owned_tests
        taken[i] |= cells
    return packs


def called_cells(module):
    """variant name -> the answer cells whose function the variant's own code calls (a ``backward`` built
    on the learner's ``hidden_delta``): packed with another variant's wrong ``hidden_delta``, it would fail
    for a mistake not its own. ``module`` is a catalogue module (``CORRECT`` names one function per cell)."""
    called = {cell: re.compile(rf"(?<![\w.]){cell[: -len('_answer')]}\(") for cell in module.CORRECT}

    def calls(cell, source):
        return {other for other, pattern in called.items() if other != cell and pattern.search(source)}

    return {name: set().union(*(calls(c, src) for c, src in v["answers"].items()
                                if src != module.CORRECT.get(c)))
            for name, v in module.VARIANTS.items()}


@functools.lru_cache(maxsize=None)
def catalogue_packs(assignment):
    """The submissions carrying the catalogue's variants of ``assignment`` (:func:`pack_variants`, with
    :func:`called_cells`)."""
    from instructor import answers

    module = answers.module_of(assignment)
    variants = {name: v for name, v in module.VARIANTS.items() if v.get("autograde", True)}
    return pack_variants(variants, module.CORRECT, module.POINTS, module.TEST_OF, called_cells(module))


def catalogue_home(assignment):
    """variant name -> the pack (:func:`catalogue_packs`) that carries it."""
    return {name: pack for pack in catalogue_packs(assignment) for name in pack.members}


@functools.lru_cache(maxsize=None)
def graded_catalogue(assignment):
    """pack name -> GradeResult: the catalogue of ``assignment`` autograded, ONE nbgrader run per assignment
    and pytest process, whichever test module asks first."""
    released = read_notebook(release_path(assignment))
    return autograde(assignment, {p.name: make_submission(released, p.answers) for p in catalogue_packs(assignment)})


# --------------------------------------------------------------------------------------------------------
# Autograding a class in one nbgrader run
# --------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class GradeResult:
    """What nbgrader recorded for one student's submission of one assignment.

    Attributes
    ----------
    student : str
    scores : dict
        grade_id -> (score, max_score) for every graded cell, from the gradebook.
    total : float
        The submission's total score.
    max_total : float
    needs_manual_grade : list of str
        grade_ids nbgrader could not grade (e.g. the kernel died).
    outputs : dict
        grade_id -> plain text of that cell's outputs in the autograded notebook (test cells and answer
        cells).
    autograded : NotebookNode
        The autograded notebook.
    feedback_html : str or None
        The feedback HTML (hidden tests cleared), when feedback was generated.
    """

    student: str
    scores: dict
    total: float
    max_total: float
    needs_manual_grade: list
    outputs: dict
    autograded: object
    feedback_html: object = None

    @property
    def feedback_text(self):
        """The feedback as plain text (tags stripped, entities unescaped), or "" without feedback."""
        if not self.feedback_html:
            return ""
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", self.feedback_html, flags=re.S | re.I)
        return html.unescape(re.sub(r"<[^>]+>", "", body))


# --------------------------------------------------------------------------------------------------------
# Assertions on a GradeResult, shared by the autograde tests
# --------------------------------------------------------------------------------------------------------


def assert_scores(result, points, max_total):
    """Every cell graded automatically, each test cell scored as ``points`` says, out of ``max_total``."""
    import pytest

    assert result.needs_manual_grade == [], "every cell is graded automatically"
    assert {cell: score for cell, (score, _) in result.scores.items()} == pytest.approx(points)
    assert result.max_total == max_total


def assert_cell_feedback(result, cell, mistake=None):
    """With ``mistake``, the test cell's output and the feedback name ``[mistake: <mistake>]``; without, the
    cell's output names no mistake."""
    from mlcore.grading.messages import has_tag, tag

    if mistake:
        assert tag(mistake) in result.outputs[cell], f"{cell} output:\n{result.outputs[cell][-2000:]}"
        assert tag(mistake) in result.feedback_text
    else:
        assert not has_tag(result.outputs[cell]), result.outputs[cell][-2000:]


def assert_variant_scored_and_explained(result, variant, cells):
    """Each of ``cells`` (test cells) gets the variant's points; a failing one names the variant's mistake."""
    for cell in cells:
        assert result.scores[cell][0] == variant["points"][cell], f"{cell}:\n{result.outputs[cell][-2000:]}"
        assert_cell_feedback(result, cell, variant["mistakes"].get(cell))


def assert_hidden_tests_cleared(result):
    """The hidden checks ran (their summaries are in the feedback), but their source is not shown."""
    assert "hidden checks" in result.feedback_text
    assert "BEGIN HIDDEN TESTS" not in result.feedback_html


_DRIVER = r"""
import logging
import sys
logging.basicConfig(format="[nbgrader] %(levelname)s %(message)s")
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.coursedir import CourseDirectory
from nbgrader.converters import GenerateAssignment, Autograde, GenerateFeedback

root, assignment, feedback = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
config.CourseDirectory.root = root
config.CourseDirectory.db_url = "sqlite:///" + root + "/gradebook.db"
config.Execute.timeout = int(sys.argv[4])
config.Application.log_level = "WARN"
steps = [GenerateAssignment, Autograde] + ([GenerateFeedback] if feedback else [])
for step in steps:
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    converter = step(coursedir=coursedir, config=config)
    converter.force = True
    converter.log.setLevel("WARN")
    try:
        converter.start()
    except Exception:
        # nbgrader has logged which submission failed and why; a broken submission must not stop the
        # class from being graded, but a broken step (e.g. generating the assignment) must.
        if step is GenerateAssignment:
            raise
"""


def autograde(assignment, submissions, *, feedback=True, workdir=None, env=None, timeout=CELL_TIMEOUT,
              jobs=None, course=ROOT):
    """Autograde many submissions of one assignment with nbgrader, in one process per job.

    The class is split into ``jobs`` groups. Each group gets a fresh course folder (the repository's
    ``nbgrader_config.py`` and ``solutions/<A>``) and ONE Python process that runs nbgrader's
    ``GenerateAssignment`` (which fills that folder's gradebook), ``Autograde`` for all of the group's
    students and, with ``feedback=True``, ``GenerateFeedback`` (hidden tests cleared, as the course config
    says). The groups run at the same time; nbgrader has no parallel mode of its own, and one process per
    student would pay nbgrader's start-up for each.

    Parameters
    ----------
    assignment : str
        e.g. ``"01_mse"``.
    submissions : dict
        student id -> NotebookNode (see :func:`make_submission`). Student ids: letters, digits, ``_``.
    feedback : bool
        Also generate the feedback HTML.
    workdir : path, optional
        Folder for the course folders (``job0``, ``job1``, ...; kept afterwards, for debugging); default a
        temporary one, removed.
    env : dict, optional
        Extra environment for the grading kernels, e.g. ``{"MLCORE_GRADING_SEED": "1"}``.
    timeout : int
        Per-cell timeout in seconds.
    jobs : int, optional
        Number of parallel nbgrader processes; default the number of CPUs, at most 2 (measured: 2 processes
        on 2 cores grade about 1.5 times as fast as one).
    course : path
        The course whose ``nbgrader_config.py`` and ``solutions/<A>`` are copied: the repository (default) or
        an edition, e.g. ``ROOT / "zh"``.

    Returns
    -------
    dict
        student id -> :class:`GradeResult`.
    """
    for student in submissions:
        if not re.fullmatch(r"[A-Za-z0-9_]+", student):
            raise ValueError(f"student id {student!r}: use letters, digits and _ only")
    jobs = max(1, min(jobs or min(os.cpu_count() or 1, 2), len(submissions)))
    students = list(submissions)
    groups = [students[i::jobs] for i in range(jobs)]

    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix=f"autograde-{assignment}-")
        base = Path(tmp.name)
    else:
        base = Path(workdir).resolve()
    try:
        run_env = dict(os.environ)
        run_env.pop("NBGRADER_DB_URL", None)
        # nbgrader runs the `alembic` command of its environment when it creates a gradebook.
        run_env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), run_env.get("PATH", "")])
        run_env.update(env or {})

        procs = []
        for j, group in enumerate(groups):
            root = base / f"job{j}"
            if root.exists():
                shutil.rmtree(root)
            (root / "solutions").mkdir(parents=True)
            shutil.copy(Path(course) / "nbgrader_config.py", root / "nbgrader_config.py")
            shutil.copytree(Path(course) / "solutions" / assignment, root / "solutions" / assignment,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            for student in group:
                dest = root / "submitted" / student / assignment
                dest.mkdir(parents=True)
                nbformat.write(submissions[student], str(dest / f"{assignment}.ipynb"))
            log = open(root / "nbgrader.log", "w")
            proc = subprocess.Popen(
                [sys.executable, "-c", _DRIVER, str(root), assignment, "1" if feedback else "0", str(timeout)],
                cwd=root, env=run_env, stdout=log, stderr=subprocess.STDOUT,
            )
            procs.append((root, group, proc, log))

        failures = []
        for root, _, proc, log in procs:
            proc.wait()
            log.close()
            if proc.returncode != 0:
                failures.append(f"{root.name} (exit {proc.returncode}):\n{(root / 'nbgrader.log').read_text()[-5000:]}")
        if failures:
            raise RuntimeError("nbgrader failed: " + "\n".join(failures))

        results = {}
        for root, group, _, _ in procs:
            results.update(_collect(root, assignment, group, feedback))
        return results
    finally:
        if tmp is not None:
            tmp.cleanup()


def _collect(root, assignment, students, feedback):
    """Read scores from a course folder's gradebook, outputs from its autograded notebooks."""
    from nbgrader.api import Gradebook

    results = {}
    with Gradebook("sqlite:///" + str(root / "gradebook.db")) as gb:
        for student in students:
            sub = gb.find_submission_notebook(assignment, assignment, student)
            scores = {g.name: (float(g.score), float(g.max_score)) for g in sub.grades}
            manual = sorted(g.name for g in sub.grades if g.needs_manual_grade)
            autograded = read_notebook(root / "autograded" / student / assignment / f"{assignment}.ipynb")
            outputs = {grade_id(c): cell_text(c) for c in autograded.cells if grade_id(c) and c.cell_type == "code"}
            fb_path = root / "feedback" / student / assignment / f"{assignment}.html"
            results[student] = GradeResult(
                student=student,
                scores=scores,
                total=float(sub.score),
                max_total=float(sub.max_score),
                needs_manual_grade=manual,
                outputs=outputs,
                autograded=autograded,
                feedback_html=fb_path.read_text() if feedback and fb_path.exists() else None,
            )
    return results
