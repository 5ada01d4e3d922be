"""The autograde step that grades every test cell in a clean room (GRADING.md, principle 8).

nbgrader scores a test cell by what the learner's kernel printed, and anything in that kernel can be
rewritten by the learner. :class:`CleanRoom` runs in nbgrader's own process after ``Execute``. For each
notebook it starts one child process (:class:`~instructor.cleanroom.runner.Runner`, sandboxed) and replays,
in the order of the SOURCE notebook (``solutions/``): the source's own code cells that the answers need
(trusted), and the learner's answer cells (the cells whose grade id is a solution cell in the source, whatever
flags the submission gives them). Demonstrations skip their heavy part (``NBGRADER_EXECUTION=autograde``).

At each test cell of the source, every ``check("name", expr, hidden=...)`` call in its source (read with
``ast``, never evaluated) is graded here, in the grader's process, with the same engine as in the kernel
(:func:`mlcore.grading.check`): the seed comes from ``os.urandom`` (or ``CleanRoom.seed``), the cases and
references are computed here, and the learner's function is a proxy to the child that takes and returns
plain data.

The cell's score is the clean room's verdict: a failure becomes an error output carrying the clean room's
message; a pass removes the kernel's errors. When both agree the learner sees their kernel's output
unchanged. When they disagree the submission is flagged ``suspected_tampering`` (cell and both verdicts) in
``grading_flags.json`` beside it (:mod:`instructor.cleanroom.flags`).
"""

import ast
import contextlib
import io
import json
import os
import symtable
import time

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from nbgrader.utils import determine_grade
from traitlets import Bool, Float, Int

from instructor.cleanroom import flags as flagfile
from instructor.cleanroom.runner import Proxy, Runner
from mlcore.grading import GradingError, check, specs
from mlcore.grading.messages import mistakes_in
from mlcore.grading.question import Question

SOURCE = "cleanroom"
RECORD = "cleanroom.json"  # per submission folder: each notebook's seed and both verdicts of every test cell


# ----------------------------------------------------------------------------------------------- cells


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell):
    meta = _meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell):
    return cell.cell_type == "code" and bool(_meta(cell).get("solution"))


def check_calls(source):
    """The ``check`` calls of a test cell: ``[(name, expression source, hidden)]``, read with ``ast``.

    Only statements of the form ``check("name", <expression>[, hidden=True|False][, seed=...])`` count (the
    seed is chosen by the clean room, never by the cell).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"):
            continue
        if len(node.args) != 2 or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            continue
        hidden = False
        for keyword in node.keywords:
            if keyword.arg == "hidden" and isinstance(keyword.value, ast.Constant):
                hidden = bool(keyword.value.value)
        calls.append((node.lineno, node.col_offset, node.args[0].value, ast.unparse(node.args[1]), hidden))
    return [call[2:] for call in sorted(calls)]


def _names(source):
    """``(defined, used)``: the global names a cell binds, and the global names it (or its functions) reads.

    A function's parameters and locals are not global names: ``def mse(y, y_hat)`` reads no global ``y``.
    """
    try:
        top = symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return set(), set()
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    used, tables = set(), [top]
    while tables:
        table = tables.pop()
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (table is top or symbol.is_global()):
                used.add(symbol.get_name())
        tables += table.get_children()
    return defined, used


def plain_python(source):
    """A cell's source as plain Python: IPython's magics, ``!`` commands and ``?`` help become calls of
    ``get_ipython()``, which does nothing in the child (a text transform; nothing is run here)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # whatever IPython cannot read, Python will report as the cell's error
        return source


def plan(source_nb, submitted_nb):
    """The steps that grade ``submitted_nb``, in the source's order: ``("exec", filename, code)`` for the
    cells to run in the child and ``("test", grade_id, source)`` for the test cells.

    Answer cells always run (the learner's code, found by grade id in the submission); a source cell that is
    neither an answer nor a test runs only when it defines a name that a cell which runs, or a check call,
    reads (imports and helpers yes, demonstrations no).
    """
    submitted = {}
    for cell in submitted_nb.cells:
        gid = _meta(cell).get("grade_id")
        if cell.cell_type == "code" and gid and gid not in submitted:
            submitted[gid] = cell.source
    steps = []
    for index, cell in enumerate(source_nb.cells):
        if cell.cell_type != "code":
            continue
        gid = _meta(cell).get("grade_id")
        if is_test_cell(cell):
            steps.append(["test", gid, cell.source])
        elif is_answer_cell(cell):
            steps.append(["exec", f"<answer {gid}>", plain_python(submitted.get(gid, ""))])
        else:
            steps.append(["exec", f"<cell {index}>", plain_python(cell.source)])
    keep = _needed(steps)
    return [tuple(step) for i, step in enumerate(steps) if i in keep]


def _needed(steps):
    """Indices of the steps to run: tests, answers, and the source cells defining a name a kept step reads."""
    names = [_names(code) if kind == "exec" else (set(), set()) for kind, _, code in steps]
    keep, wanted = set(), set()
    for i, ((kind, filename, code), (_, used)) in enumerate(zip(steps, names)):
        if kind == "test":
            keep.add(i)
            wanted |= {name for _, expr, _ in check_calls(code) for name in _names(expr)[1]}
        elif filename.startswith("<answer"):
            keep.add(i)
            wanted |= used
    changed = True
    while changed:  # a helper cell may itself read names that another cell defines
        changed = False
        for i, (defined, used) in enumerate(names):
            if i not in keep and defined & wanted:
                keep.add(i)
                wanted |= used
                changed = True
    return keep


# ----------------------------------------------------------------------------------------------- verdicts


class Verdict:
    """The clean room's verdict on one test cell: ``passed``, the printed lines or the failure message."""

    def __init__(self, passed, text, mistakes=(), error=False):
        self.passed, self.text, self.mistakes, self.error = passed, text, tuple(mistakes), error

    def words(self):
        if self.passed:
            return "passed"
        return "failed" + (f" [{', '.join(self.mistakes)}]" if self.mistakes else "")


def grade_calls(runner, calls, seed):
    """Grade a test cell's check calls in order, stopping at the first failure (as the cell would)."""
    printed = []
    for name, expr, hidden in calls:
        try:
            exercise = specs.exercise(name)
        except ValueError as error:
            return Verdict(False, str(error), ("unknown_exercise",), error=True)
        target = runner.resolve(expr, name=name, guarded=getattr(exercise, "guarded", ()))
        if isinstance(exercise, Question) and isinstance(target, Proxy) and target.broken is not None:
            target = _Missing(target)  # a question whose answer variable is missing
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                check(name, target, hidden=hidden, seed=seed)
        except GradingError as failure:
            return Verdict(False, str(failure), failure.mistakes)
        except Exception as error:  # the engine itself failed: never a crash of the run, never a pass
            return Verdict(False, f"the clean room could not grade {name}: {type(error).__name__}: {error}",
                           ("cleanroom_error",), error=True)
        printed.append(out.getvalue())
    return Verdict(True, "".join(printed))


class _Missing:
    """What a question is graded on when the learner's answer variable does not exist."""

    def __init__(self, proxy):
        self.error = proxy.broken

    def __repr__(self):
        return f"<{type(self.error).__name__}: {self.error}>"


def kernel_verdict(cell):
    """``(passed, mistakes)`` of a test cell as the kernel left it, scored the way nbgrader scores it."""
    score, points = determine_grade(cell)
    text = "\n".join(out.get("evalue", "") for out in cell.get("outputs", []) if out.get("output_type") == "error")
    return score == points, tuple(mistakes_in(text))


def apply_verdict(cell, verdict, kernel_passed):
    """Set the test cell's outputs so that nbgrader's scoring gives the clean room's verdict."""
    outputs = [out for out in cell.get("outputs", []) if out.get("output_type") != "execute_result"]
    if verdict.passed:
        outputs = [out for out in outputs if not _is_failure(out)]
        if not kernel_passed:
            outputs.append(new_output("stream", name="stdout", text="Graded outside the notebook's kernel:\n" + verdict.text))
    elif kernel_passed or not any(_is_failure(out) for out in outputs):
        lines = verdict.text.splitlines() or [""]
        outputs.append(new_output(
            "error", ename="GradingError", evalue=verdict.text,
            traceback=[f"GradingError (graded outside the notebook's kernel): {lines[0]}"] + lines[1:],
        ))
    cell.outputs = outputs


def _is_failure(output):
    return output.get("output_type") == "error" or (output.get("output_type") == "stream" and output.get("name") == "stderr")


def write_record(folder, notebook, entry):
    """Record ``entry`` (seed, verdicts) for ``notebook`` in the submission folder's ``cleanroom.json``."""
    path = os.path.join(folder, RECORD)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    data[notebook] = entry
    os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


# ----------------------------------------------------------------------------------------------- nbgrader


class CleanRoom(Preprocessor):
    """Grade every test cell outside the learner's kernel; flag the submission where the verdicts differ."""

    enabled = Bool(True, help="nbconvert's preprocessors are off unless enabled").tag(config=True)
    seed = Int(None, allow_none=True, help="Seed of every check (default: a fresh one per notebook from "
               "os.urandom, recorded in cleanroom.json beside the submission)").tag(config=True)
    call_timeout = Float(10.0, help="Seconds one call of a learner's function may run").tag(config=True)
    exec_timeout = Float(60.0, help="Seconds one cell may run in the clean room's child").tag(config=True)
    sandbox = Bool(True, help="Run the learner's code sandboxed (False only for an explicit --no-sandbox)").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._runner = None
        if self.enabled:
            # nbgrader creates its preprocessors for each notebook before Execute runs: the child starts now
            # and imports NumPy and mlcore while the learner's kernel runs the notebook.
            from nbgrader.coursedir import CourseDirectory

            try:
                self._runner = self._new_runner(CourseDirectory(config=self.config).root)
                self._runner.spawn()
            except Exception as error:  # e.g. no sandbox: preprocess tries again and fails the cells, flagged
                self.log.error("The clean room's child could not start: %s", error)
                if self._runner is not None:
                    self._runner.close()
                self._runner = None

    def _new_runner(self, root):
        return Runner(root, sandboxed=self.sandbox, call_timeout=self.call_timeout, exec_timeout=self.exec_timeout)

    def __del__(self):
        if getattr(self, "_runner", None) is not None:
            self._runner.close()

    def _paths(self, resources):
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        source = coursedir.format_path(coursedir.source_directory, ".", info["assignment"])
        folder = coursedir.format_path(coursedir.autograded_directory, info["student"], info["assignment"])
        return coursedir.root, os.path.join(source, f"{info['notebook']}.ipynb"), folder

    def preprocess(self, nb, resources):
        root, source_path, folder = self._paths(resources)
        notebook = resources["nbgrader"]["notebook"]
        seed = self.seed if self.seed is not None else int.from_bytes(os.urandom(4), "little") % 1_000_000
        cells = {_meta(c).get("grade_id"): c for c in nb.cells if is_test_cell(c)}
        flags, started, record = [], time.monotonic(), {}
        runner, self._runner = self._runner, None
        if not any(check_calls(cell.source) for cell in cells.values()):  # nothing the clean room grades
            if runner is not None:
                runner.close()
            return nb, resources
        try:
            runner = runner or self._new_runner(root)
            with runner:
                source_nb = nbformat.read(source_path, as_version=nbformat.NO_CONVERT)
                for kind, name, code in plan(source_nb, nb):
                    if kind == "exec":
                        runner.exec_cell(name, code)
                    elif cells.get(name) is not None and check_calls(code):
                        flags += self._grade_cell(runner, cells[name], name, check_calls(code), seed, notebook, record)
        except Exception as error:  # the clean room itself failed: no test cell keeps a kernel's pass
            message = (f"this notebook could not be graded outside the kernel ({type(error).__name__}: {error}); "
                       "an instructor has to grade it")
            self.log.error("Clean room failed on %s: %s", notebook, message)
            for name, cell in cells.items():
                apply_verdict(cell, Verdict(False, message, ("cleanroom_error",), error=True), kernel_verdict(cell)[0])
            flags = [{"kind": "cleanroom_error", "cell": None, "detail": message}]
        flagfile.replace_flags(folder, SOURCE, notebook, flags)
        write_record(folder, notebook, {"seed": seed, "sandboxed": self.sandbox, "cells": record})
        self.log.info("Clean room graded %s with seed %d in %.2f s", notebook, seed, time.monotonic() - started)
        return nb, resources

    def _grade_cell(self, runner, cell, name, calls, seed, notebook, record):
        """Grade one test cell, set its outputs to the verdict; return its flags."""
        verdict = grade_calls(runner, calls, seed)
        kernel_passed, kernel_mistakes = kernel_verdict(cell)
        apply_verdict(cell, verdict, kernel_passed)
        kernel = "passed" if kernel_passed else "failed" + (f" [{', '.join(kernel_mistakes)}]" if kernel_mistakes else "")
        record[name] = {"clean_room": verdict.words(), "kernel": kernel}
        if verdict.passed != kernel_passed:
            self.log.warning("Suspected tampering in %s, cell %s: in the kernel %s, clean room %s", notebook, name,
                             kernel, verdict.words())
            return [{"kind": "suspected_tampering", "cell": name,
                     "detail": f"in the kernel: {kernel}; clean room: {verdict.words()} (seed {seed})"}]
        if verdict.error:
            return [{"kind": "cleanroom_error", "cell": name, "detail": verdict.text}]
        return []
