"""Every notebook of the course, through nbgrader: solutions pass, released versions fail only where the
learner has work to do, and notebooks/ is exactly what `python -m instructor.release` generates.

Parametrised over the assignments found in solutions/, so a new notebook is tested as soon as it exists.
"""


import numpy as np
import pytest

from instructor import release
from nbgrader_harness import (
    NOTEBOOKS,
    answer_cells,
    assert_fails_only_on_missing_work,
    assignments,
    execute,
    grade_id,
    nbgrader_meta,
    read_notebook,
    release_path,
    solution_path,
    graded_cells,
    validate,
)

ASSIGNMENTS = assignments()


def _describe(result):
    lines = []
    for kind, cells in result.items():
        for cell in cells:
            lines.append(f"--- {kind}: {cell.get('source', '')[:300]}\n{cell.get('raw_error', '')[-3000:]}")
    return "\n".join(lines)


def test_assignments_found():
    assert "00_start_here" in ASSIGNMENTS and "01_mse" in ASSIGNMENTS


# --------------------------------------------------------------------------------------------------------
# Cell conventions (cheap: no kernel)
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_cell_conventions(assignment):
    """Answer cells hold a solution block, test cells a visible and a hidden check, ids are unique."""
    nb = read_notebook(solution_path(assignment))
    ids = [grade_id(c) for c in nb.cells if grade_id(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids: {ids}"
    for gid, cell in answer_cells(nb).items():
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, gid
    for gid, cell in graded_cells(nb).items():
        meta = nbgrader_meta(cell)
        assert meta.get("locked") and meta.get("points", 0) > 0, f"{gid}: locked, with points"
        assert "### BEGIN HIDDEN TESTS" in cell.source and "hidden=True" in cell.source, gid
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "check(" in visible, f"{gid}: a visible check comes first"
    if assignment == "00_start_here":
        assert not graded_cells(nb), "00_start_here is not graded"
    else:
        assert graded_cells(nb), f"{assignment} has graded test cells"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), "solutions/ is stored without outputs"


# --------------------------------------------------------------------------------------------------------
# Solutions pass, released notebooks fail only where the learner has work to do
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_validates(assignment):
    """The instructor version runs top to bottom: every test passes, no cell raises or writes to stderr."""
    result = validate(solution_path(assignment), validate_all=True)
    assert result == {}, _describe(result)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_fails_only_on_missing_work(assignment):
    """The student version fails every graded test, and every error comes from a NotImplementedError (or, for
    a self-check question still set to None, the check's "not answered yet" diagnosis, key not_implemented)."""
    assert_fails_only_on_missing_work(execute(release_path(assignment)))


# --------------------------------------------------------------------------------------------------------
# notebooks/ is what the generator produces now
# --------------------------------------------------------------------------------------------------------

_VOLATILE_CELL_META = {"execution", "collapsed", "scrolled", "jupyter", "trusted", "ExecuteTime"}


def _normalise(nb):
    cells = []
    for cell in nb.cells:
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in _VOLATILE_CELL_META}
        cells.append({
            "cell_type": cell.cell_type,
            "source": cell.source,
            "metadata": meta,
            "outputs": cell.get("outputs", []),
        })
    meta = {k: v for k, v in nb.metadata.items() if k != "widgets"}
    return {"metadata": meta, "cells": cells}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    release.generate(ASSIGNMENTS, release_root=out, no_database=True, quiet=True)
    return out / "notebooks"


def test_no_stale_released_assignments():
    released = sorted(p.name for p in NOTEBOOKS.iterdir() if p.is_dir())
    assert released == ASSIGNMENTS, "notebooks/ must hold exactly the assignments of solutions/"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_in_sync(assignment, regenerated):
    fresh_dir = regenerated / assignment
    committed_dir = NOTEBOOKS / assignment

    def files(folder):
        return sorted(
            str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
        )

    assert files(committed_dir) == files(fresh_dir), "run: python -m instructor.release"
    fresh = _normalise(read_notebook(fresh_dir / f"{assignment}.ipynb"))
    committed = _normalise(read_notebook(release_path(assignment)))
    assert len(committed["cells"]) == len(fresh["cells"]), "run: python -m instructor.release"
    for i, (a, b) in enumerate(zip(committed["cells"], fresh["cells"])):
        assert a == b, f"cell {i} of notebooks/{assignment} differs from the generator's; run: python -m instructor.release"
    assert committed["metadata"] == fresh["metadata"], "run: python -m instructor.release"


# --------------------------------------------------------------------------------------------------------
# The widgets the notebooks show (skipped while notebooks are validated, so exercised here)
# --------------------------------------------------------------------------------------------------------


def test_finite_difference_explorer_redraws():
    import matplotlib

    matplotlib.use("Agg")
    from mlcore import widgets

    ui = widgets.finite_difference_explorer(
        np.sin, np.cos, 1.0, name="sin", d2=lambda t: -np.sin(t), d3=lambda t: -np.cos(t)
    )
    for value in (-16, -8, -5, 0):
        ui.controls["log10_h"].value = value


def test_descent_explorer_redraws_every_regime():
    import matplotlib

    matplotlib.use("Agg")
    from mlcore import widgets

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 4, 30)
    y = 1.5 * x - 2 + 0.2 * rng.standard_normal(30)

    def loss(w, b):
        return float(np.mean((w * x + b - y) ** 2))

    def grad(w, b):
        r = w * x + b - y
        return 2 * np.mean(r * x), 2 * np.mean(r)

    H = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    lr_max = 2 / np.linalg.eigvalsh(H).max()
    ui = widgets.descent_explorer(
        loss, grad, (-1.0, 3.0), p_values=np.linspace(-2, 4, 30), q_values=np.linspace(-6, 6, 30), lr_max=lr_max
    )
    slider = ui.controls["lr"]
    for value in (slider.min, 0.7 * lr_max, 1.1 * lr_max):
        slider.value = value
    diverging = widgets.descent_path(grad, (-1.0, 3.0), 1.1 * lr_max, 500)
    assert len(diverging) < 501, "a rate above 2/lambda_max blows up and the path stops early"
    converging = widgets.descent_path(grad, (-1.0, 3.0), 0.5 * lr_max, 500)
    assert loss(*converging[-1]) < loss(-1.0, 3.0)
