"""A synthetic class: N students' submissions of every assignment, for tests and benchmarks.

Each student gets, per assignment, one *kind* of submission:

- ``correct``: the solution notebook's answers (full marks);
- ``variant:<name>``: a named submission from ``instructor/answers/nbNN.py``'s ``VARIANTS`` (its
  ``answers`` fill answer cells by grade_id, the rest stay as released; its ``points`` and ``mistakes`` are
  what grading should give) — together they cover every diagnosed mistake and several correct forms;
- ``blank``: the released notebook untouched (0 points, graded normally);
- broken ones, each the correct answers with lines added to the last answer cell (an extra cell would be
  dropped by the structure check before anything runs): ``timeout`` (an infinite loop before the answer:
  that answer's test cell earns nothing, and the submission needs a human), ``sys_exit`` (``sys.exit()``
  after it: IPython catches it, so the submission is graded normally), ``os_exit``
  (``os._exit(1)``: the kernel dies), ``missing`` (the assignment folder holds no notebook), ``renamed`` (the notebook saved under
  another name, as "Save a copy" does).

The first students of every assignment get one of each kind (so even a small class covers them all); the
rest are drawn at random, mostly correct. Everything depends only on the seed. The plan, with the score
and status each submission should get, is returned and written to ``synthetic_class.json``.
"""

from __future__ import annotations

import copy
import json
import random

import nbformat

from nbgrader.utils import is_grade, is_solution

from .course import Course
from .grade import GRADED, NEEDS_MANUAL

BROKEN = ("timeout", "os_exit", "missing", "renamed", "sys_exit")
PLAN_FILE = "synthetic_class.json"

# What a broken kind adds to the last answer cell: (before the answer, after it). The infinite loop comes
# first, so the cell is interrupted before it defines anything and its test cell earns nothing, in the
# kernel and in a clean room that replays the cell alike.
_BREAKERS = {
    "timeout": ("while True:  # an infinite loop: the cell hits nbgrader's timeout\n    pass\n\n", ""),
    "sys_exit": ("", "\n\nimport sys\nsys.exit()  # IPython catches SystemExit: the kernel survives\n"),
    "os_exit": ("", "\n\nimport os\nos._exit(1)  # the kernel process dies\n"),
}


def _answer_cells(nb):
    """The autograded answer cells (code, solution, not graded themselves), in notebook order."""
    return [c for c in nb.cells if c.cell_type == "code" and is_solution(c) and not is_grade(c)]


def answer_ids(nb):
    """grade_ids of the autograded answer cells, in notebook order."""
    return [c.metadata.nbgrader["grade_id"] for c in _answer_cells(nb)]


def graded_points(nb):
    """{grade_id: points} of the autograded test cells."""
    return {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader.get("points", 0)) for c in nb.cells
            if c.cell_type == "code" and is_grade(c) and not is_solution(c)}


def _get(obj, *names):
    for n in names:
        if isinstance(obj, dict) and n in obj:
            return obj[n]
        if not isinstance(obj, dict) and hasattr(obj, n):
            return getattr(obj, n)
    return None


def normalise_variant(value):
    """A VARIANTS entry as {"answers": {grade_id: source}, "points": {test_id: pts} | None, "mistakes": {...}}."""
    answers = _get(value, "answers", "cells", "sources", "code", "source")
    if answers is None and isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        answers = value
    points = _get(value, "points", "expected_points", "scores")
    mistake = _get(value, "mistakes", "mistake", "expected_mistakes", "expected_mistake", "mistake_key")
    if isinstance(mistake, str):
        mistake = {"*": mistake}
    elif isinstance(mistake, (list, tuple, set)):
        mistake = {"*": sorted(mistake)[0]} if len(mistake) == 1 else {f"*{i}": m for i, m in enumerate(mistake)}
    elif isinstance(mistake, dict):
        mistake = {k: v for k, v in mistake.items() if v}
    else:
        mistake = {}
    return {"answers": dict(answers or {}), "points": dict(points) if points is not None else None,
            "mistakes": mistake}


def load_answer_variants():
    """{assignment: {variant name: normalised variant}} from every catalogue ``instructor/answers/nbNN.py``."""
    from instructor import answers

    return {a: {name: normalise_variant(v) for name, v in variants.items()}
            for a, variants in answers.catalogue().items()}


def _deck(variants, rng):
    """Kinds handed out first: one of each fixed kind, then the variants, those with a mistake first."""
    named = {n: v for n, v in variants.items() if n not in ("blank", "correct")}  # already fixed kinds
    wrong = sorted(n for n, v in named.items() if v["mistakes"])
    rng.shuffle(wrong)  # which mistakes a small class gets depends on the seed
    right = sorted(n for n, v in named.items() if not v["mistakes"])
    fixed = ["correct", "timeout", "os_exit", "missing", "renamed", "sys_exit", "blank"]
    return fixed + [f"variant:{n}" for n in wrong + right]


def plan_class(n_students, assignments, variants, seed=0, broken=True):
    """Which kind of submission each student hands in for each assignment: {student: {assignment: kind}}."""
    rng = random.Random(seed)
    width = max(3, len(str(n_students)))
    students = [f"s{i + 1:0{width}d}" for i in range(n_students)]
    plan = {s: {} for s in students}
    for a in assignments:
        wrong = sorted(variants.get(a, {}))
        deck = [k for k in _deck(variants.get(a, {}), rng) if broken or k not in BROKEN]
        order = list(range(n_students))
        rng.shuffle(order)
        for pos, i in enumerate(order):
            if pos < len(deck):
                kind = deck[pos]
            else:
                r = rng.random()
                if r < 0.55 or not wrong and r < 0.85:
                    kind = "correct"
                elif r < 0.85:
                    kind = f"variant:{rng.choice(wrong)}"
                elif r < 0.93 or not broken:
                    kind = "blank"
                else:
                    kind = rng.choice(BROKEN)
            plan[students[i]][a] = kind
    return plan


def _solution_answers(source_nb):
    return {c.metadata.nbgrader["grade_id"]: c.source for c in _answer_cells(source_nb)}


def _with_answers(released, answers):
    nb = copy.deepcopy(released)
    for c in nb.cells:
        if is_solution(c) and c.metadata.nbgrader.get("grade_id") in answers:
            c.source = answers[c.metadata.nbgrader["grade_id"]]
    return nb


def _material(course, a):
    """(released notebook, the solution's answers by grade_id, {test cell: points}, the last answer cell and
    the test cell after it (None when there is none)) of assignment ``a``."""
    released = nbformat.read(str(course.folder("release", a, f"{a}.ipynb")), as_version=4)
    source = course.folder("source", a, f"{a}.ipynb")
    correct = _solution_answers(nbformat.read(str(source), as_version=4)) if source.exists() else {}
    points = graded_points(released)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in released.cells]
    answers = answer_ids(released)
    last = answers[-1] if answers else None
    after = ids[ids.index(last) + 1:] if last else []
    return released, correct, points, (last, next((i for i in after if i in points), None))


def _submission(a, kind, correct, points, last, variants):
    """What a submission of ``kind`` holds and should be graded as: ``(expect, answers, file name, extra)``.

    ``answers`` fill answer cells by grade_id; ``file name`` is None when no notebook is handed in.
    """
    max_score = sum(points.values())
    expect = {"kind": kind, "max_score": max_score, "status": GRADED, "mistakes": {},
              "points": dict(points), "score": max_score}
    answers, name = dict(correct), f"{a}.ipynb"
    if kind == "blank":
        answers = {}
        expect["points"] = {k: 0.0 for k in points}
        if "blank" in variants:  # what the checks diagnose in an untouched notebook
            expect["mistakes"] = variants["blank"]["mistakes"]
    elif kind.startswith("variant:"):
        # A variant lists every answer cell it fills; the others stay as released.
        v = variants[kind.split(":", 1)[1]]
        answers = dict(v["answers"])
        expect["mistakes"] = v["mistakes"]
        if v["points"] is not None:
            expect["points"] = {k: float(v["points"].get(k, points[k])) for k in points}
    elif kind in _BREAKERS and last[0]:
        (cell, test), (before, after) = last, _BREAKERS[kind]
        answers[cell] = before + answers.get(cell, "").strip("\n") + after
        if kind == "timeout" and test:
            expect["points"][test] = 0.0
        if kind != "sys_exit":
            expect["status"] = NEEDS_MANUAL
        if kind == "os_exit":
            expect["points"] = None
    elif kind in ("missing", "renamed"):
        expect["status"] = NEEDS_MANUAL
        expect["points"] = None
        name = None if kind == "missing" else f"{a}-Copy1.ipynb"
    expect["score"] = None if expect["points"] is None else sum(expect["points"].values())
    return expect, answers, name


def _write(folder, released, answers, name):
    """Replace the notebooks in ``folder`` by ``released`` with ``answers`` as ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.ipynb"):
        old.unlink()
    if name:
        nbformat.write(_with_answers(released, answers), str(folder / name))


def make_class(course_dir, n_students, seed=0, assignments=None, variants=None, broken=True):
    """Write ``submitted/<student>/<A>/<A>.ipynb`` for `n_students` × `assignments` (default: all released).

    Parameters
    ----------
    course_dir : path
        nbgrader course root with the source (solutions) and release notebooks.
    n_students : int
    seed : int
        The same seed gives the same class.
    assignments : list of str or None
    variants : dict or None
        {assignment: {name: VARIANTS entry}}; default: every ``instructor/answers/nbNN.py``.
    broken : bool
        Include the broken kinds (timeout, os_exit, missing, renamed, sys_exit).

    Returns
    -------
    dict
        {"seed", "students": {student: {assignment: {"kind", "score", "max_score", "status", "points",
        "mistakes"}}}}: what each submission should be graded as (score None when it needs a human).
    """
    course = Course.load(course_dir)
    assignments = assignments or course.assignments()
    if variants is None:
        variants = load_answer_variants()
    else:
        variants = {a: {n: normalise_variant(v) for n, v in vs.items()} for a, vs in variants.items()}
    plan = plan_class(n_students, assignments, variants, seed, broken)
    material = {a: _material(course, a) for a in assignments}
    out = {"seed": seed, "students": {}}
    for student, kinds in plan.items():
        out["students"][student] = {}
        for a, kind in kinds.items():
            released, correct, points, last = material[a]
            expect, answers, name = _submission(a, kind, correct, points, last, variants.get(a, {}))
            _write(course.folder("submitted", student, a), released, answers, name)
            out["students"][student][a] = expect
    (course.root / PLAN_FILE).write_text(json.dumps(out, indent=1, sort_keys=True))
    return out
