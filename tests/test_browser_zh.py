"""The first Chinese notebook in a real browser, as a learner opens it: JupyterLab from the Binder
environment over a copy of the course (with ``zh/``), headless Chromium through playwright. Run All, then
the page shows the Chinese text, typeset maths, the figures (with Chinese labels), and the failing check's
diagnosis with its key. Reuses the English browser test's driver (tests/test_browser.py, browser_util).
Slow: ``pytest -m "not slow"`` leaves it out.
"""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from browser_util import CHROMIUM, CHROMIUM_ARGS, REPO, LabServer, binder_env, copy_course, solution_of
from browser_util import unexpected_errors
from test_browser import _PANEL, WIDGET_TIMEOUT_MS, check_widgets, open_notebook, run_all, screenshot

pytestmark = pytest.mark.slow

FIRST = "zh/notebooks/00_start_here/00_start_here.ipynb"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
_NOT_COPIED = shutil.ignore_patterns("gradebook.db", "submitted", "autograded", "feedback", ".ipynb_checkpoints")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    env = binder_env(tmp_path_factory)
    tmp = tmp_path_factory.mktemp("lab-zh")
    home = tmp / "home"
    home.mkdir()
    course = copy_course(tmp / "course")
    shutil.copytree(REPO / "zh", course / "zh", ignore=_NOT_COPIED)
    server = LabServer(env, course, home)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(tmp_path_factory, lab):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `bash .ci/run` installs Debian's chromium package")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile-zh")), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            headless=True, viewport={"width": 1400, "height": 1000},
        )
        page = context.new_page()
        page.set_default_timeout(WIDGET_TIMEOUT_MS)
        yield page
        context.close()
    lab.shut_down_kernels()


@pytest.fixture(scope="module")
def ran(page, lab):
    """The first Chinese notebook opened and run (Run All, going on after the unfilled answer's errors)."""
    open_notebook(page, lab, FIRST, "zh-first")
    nb = run_all(page)
    widget_cells = check_widgets(page, nb, move_controls=True)
    screenshot(page, nb, widget_cells, "zh__released__00_start_here")
    return nb


def _panel(page):
    return page.locator(".jp-NotebookPanel:visible")


def test_runs_with_only_the_unfilled_answers_failing(ran):
    assert unexpected_errors(ran, solution_of(REPO / FIRST)) == []


def _scroll_to(page, nb, text):
    """Bring the Markdown cell whose source holds ``text`` into view and wait until it is rendered (JupyterLab
    renders only the cells near the viewport); return its rendered Markdown."""
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and text in c.source)
    page.evaluate(f"async () => {{ const n = {_PANEL}.content; n.activeCellIndex = {index};"
                  f" await n.scrollToItem({index}, 'start'); }}")
    rendered = _panel(page).locator(".jp-RenderedMarkdown", has_text=text)
    rendered.first.wait_for()
    return rendered.first


def test_shows_chinese_text_and_typeset_maths(page, ran):
    assert "从这里开始" in _scroll_to(page, ran, "课程怎么学").inner_text()
    # MathJax typesets the maths of the Markdown cells (the warm-up's derivation)
    cell = _scroll_to(page, ran, "足够光滑")
    cell.locator("mjx-container").first.wait_for()
    assert cell.locator("mjx-container").count() > 0 and "$" not in cell.inner_text()


def test_shows_figures(page, ran):
    images = [o for c in ran.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    widgets = _panel(page).locator(".jp-OutputArea-output img, .jp-OutputArea-output canvas").count()
    assert images or widgets, "the notebook shows a figure"


def _demo_output(nb):
    cell = next(c for c in nb.cells if c.get("id") == "00-wrong-demo")
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


def test_failing_check_names_its_key(ran):
    assert "[mistake: factor]" in _demo_output(ran)


def test_failing_check_diagnosis_in_chinese(ran):
    """The diagnosis itself (the line that ends with the key) is Chinese, not only the learner's comment."""
    line = next(line for line in _demo_output(ran).splitlines() if "[mistake: factor]" in line)
    assert CHINESE.search(line.split("[mistake:")[0]), line
