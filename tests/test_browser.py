"""Every notebook in a real browser: Debian's headless Chromium driven by playwright, against JupyterLab
running from the Binder environment (``binder/`` built in a fresh venv, see ``browser_util.binder_env``)
over a temporary copy of the course.

Released notebooks: Run All (through the Run menu; JupyterLab stops at the first error, so the test goes
on from the next unexecuted cell, as a learner who skips an exercise would), then only the errors of the
unfilled answers; every widget renders; changing each control (slider, toggle, drop-down) changes its
figure; the Validate button is there (and, on the first notebook, answers). Solution notebooks: Run All
without a single error, and Validate reports success. A screenshot of each notebook goes to
``artifacts/screenshots/``.

Slow (a minute for the environment, then seconds per notebook): ``pytest -m "not slow"`` leaves it out.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from browser_util import (
    CHROMIUM,
    CHROMIUM_ARGS,
    COURSE,
    REDRAW_RECORDER,
    REPO,
    LabServer,
    binder_env,
    copy_course,
    error_outputs,
    learn_env,
    notebook_params,
    read_notebook,
    redraw_seconds,
    solution_of,
    unexpected_errors,
)

pytestmark = pytest.mark.slow

SCREENSHOTS = REPO / "artifacts" / "screenshots"
RUN_TIMEOUT_MS = 300_000  # a whole notebook; each runs in seconds, the margin is for a loaded machine
WIDGET_TIMEOUT_MS = 60_000
VALIDATE_TIMEOUT_MS = 300_000


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    env = binder_env(tmp_path_factory)
    tmp = tmp_path_factory.mktemp("lab")
    home = tmp / "home"
    home.mkdir()
    server = LabServer(env, copy_course(tmp / "course"), home)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `bash .ci/run` installs Debian's chromium package")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            headless=True, viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, lab):
    page = browser.new_page()
    page.set_default_timeout(WIDGET_TIMEOUT_MS)
    yield page
    page.close()
    lab.shut_down_kernels()


# ---------------------------------------------------------------------------------------------------------
# Driving JupyterLab. Actions go through the UI (menus, toolbar, keyboard); the notebook's state (kernel
# status, outputs) is read from the application object that --LabApp.expose_app_in_browser exposes.
# ---------------------------------------------------------------------------------------------------------

_PANEL = "window.jupyterapp.shell.currentWidget"

_STATE = f"""() => {{
    const panel = {_PANEL};
    if (!panel || !panel.content || !panel.sessionContext) return null;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = panel.content.widgets.map((cell, index) => {{
        cell.node.dataset.testIndex = index;
        const prompt = cell.node.querySelector('.jp-InputPrompt');
        return {{
            type: cell.model.type,
            empty: cell.model.sharedModel.getSource().trim() === '',
            count: cell.model.type === 'code' ? cell.model.executionCount : null,
            pending: cell.model.type === 'code'
                && ((prompt && prompt.textContent.includes('*')) || cell.model.executionState === 'running'),
        }};
    }});
    return {{kernel: kernel ? kernel.status : null, cells}};
}}"""


def _state(page):
    return page.evaluate(_STATE)


def open_notebook(page, lab, relpath, workspace):
    """Open ``relpath`` in a fresh workspace (no tabs restored from an earlier test), kernel idle."""
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{relpath}?token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(
        f"() => {{ const p = {_PANEL}; const s = p && p.sessionContext && p.sessionContext.session;"
        " return !!(s && s.kernel && s.kernel.status === 'idle'); }", timeout=RUN_TIMEOUT_MS,
    )
    page.evaluate(_COUNT_BUSY)
    # Start from a clean slate, so "executed" below means executed in this run.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")


def _menu(page, menu, item):
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-item:visible", has_text=re.compile(rf"^{re.escape(item)}")).first.click()


def _run_from_menu(page, item, first_index):
    """Run > ``item``, then wait until nothing is queued or running any more.

    A run the kernel aborts (it drops requests that arrive just after an error, ``stop_on_error``) leaves
    its cells unexecuted; :func:`run_all` then starts them again.
    """
    _menu(page, "Run", item)
    try:  # the run has started: its first cell is queued, running or done
        page.wait_for_function(
            f"() => {{ const c = ({_STATE})().cells[{first_index}]; return c.pending || c.count !== null; }}",
            timeout=10_000, polling=50,
        )
    except PlaywrightTimeout:
        pass
    try:
        page.wait_for_function(
            f"() => {{ const s = ({_STATE})(); return s.kernel === 'idle' && !s.cells.some(c => c.pending); }}",
            timeout=RUN_TIMEOUT_MS, polling=250,
        )
    except PlaywrightTimeout:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "timeout.png"))
        state = _state(page)
        summary = state and [(i, c["count"], c["pending"]) for i, c in enumerate(state["cells"]) if c["type"] == "code"]
        pytest.fail(f"the notebook did not finish running (from cell {first_index}): kernel "
                    f"{state and state['kernel']}, (cell, count, pending): {summary}")


def _unexecuted(state):
    return [i for i, c in enumerate(state["cells"]) if c["type"] == "code" and not c["empty"] and c["count"] is None]


def run_all(page):
    """Run > Run All Cells; after each cell that stops the run with an error, go on from the next cell
    (Run > Run Selected Cell and All Below). Returns the executed notebook (nbformat)."""
    todo = _unexecuted(_state(page))
    if not todo:
        return current_notebook(page)
    _run_from_menu(page, "Run All Cells", todo[0])
    for _ in range(2 * len(todo) + 3):  # one continuation per error, plus a few aborted runs
        todo = _unexecuted(_state(page))
        if not todo:
            break
        page.evaluate(f"() => {{ {_PANEL}.content.activeCellIndex = {todo[0]}; }}")
        _run_from_menu(page, "Run Selected Cell and All Below", todo[0])
    return current_notebook(page)


def current_notebook(page):
    return nbformat.from_dict(page.evaluate(f"() => {_PANEL}.content.model.toJSON()"))


def _cell(page, index):
    return page.locator(f".jp-NotebookPanel:visible [data-test-index='{index}']")


_FIGURES = """(cell) => {
    const area = cell.querySelector('.jp-Cell-outputArea');
    if (!area) return [];
    return [...Array.from(area.querySelectorAll('img')).map(img => img.src),
            ...Array.from(area.querySelectorAll('canvas')).map(c => c.toDataURL())];
}"""


def check_widgets(page, nb, *, move_controls):
    """Every widget output renders. With ``move_controls``, every control of every widget is changed as a
    learner would (a slider by the keyboard, a toggle button or a drop-down by the mouse) and the figure of
    its cell must change; a control that only takes effect through a button (Train) gets that button
    clicked. In a cell without a figure, the control's own value must change."""
    widget_cells = [
        i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
        and any(_WIDGET in o.get("data", {}) for o in cell.outputs)
    ]
    for index in widget_cells:
        cell = _cell(page, index)
        cell.scroll_into_view_if_needed()
        views = sum(_WIDGET in o.get("data", {}) for o in nb.cells[index].outputs)
        page.wait_for_function(
            "([cell, n]) => cell.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= n",
            arg=[cell.element_handle(), views],
        )
        text = cell.locator(".jp-Cell-outputArea").inner_text()
        assert "Error displaying widget" not in text, f"cell {index}: {text[:300]}"
        if not move_controls:
            continue
        handles = cell.locator(".widget-slider .noUi-handle")
        for k in range(handles.count()):
            if handles.nth(k).get_attribute("aria-disabled") != "true":
                _change(page, cell, f"cell {index}, slider {k}", lambda h=handles.nth(k): _move_slider(page, h))
        groups = cell.locator(".widget-toggle-buttons")
        for k in range(groups.count()):
            others = groups.nth(k).locator("button.widget-toggle-button:not(.mod-active):not([disabled])")
            if others.count():
                _change(page, cell, f"cell {index}, toggle buttons {k}", others.first.click)
        selects = cell.locator(".widget-dropdown select:not([disabled])")
        for k in range(selects.count()):
            if selects.nth(k).locator("option").count() > 1:
                _change(page, cell, f"cell {index}, drop-down {k}", lambda sel=selects.nth(k): _pick_other(sel))
    return widget_cells


_WIDGET = "application/vnd.jupyter.widget-view+json"

# Counts the kernel's busy periods, so the test knows when the kernel has answered a widget change.
_COUNT_BUSY = f"""() => {{
    if (window.__busyCount !== undefined) return;
    window.__busyCount = 0;
    {_PANEL}.sessionContext.statusChanged.connect((_, status) => {{
        if (status === 'busy') window.__busyCount += 1;
    }});
}}"""


def _kernel_round(page, action):
    """Do ``action``, then wait until the kernel has been busy since and is idle again."""
    before = page.evaluate("() => window.__busyCount")
    action()
    page.wait_for_function(
        f"() => window.__busyCount > {before} && ({_STATE})().kernel === 'idle'", timeout=RUN_TIMEOUT_MS, polling=100,
    )


def _figures_changed(page, cell, before, timeout):
    try:
        page.wait_for_function(
            f"([cell, before]) => {{ const now = ({_FIGURES})(cell);"
            " return now.length > 0 && JSON.stringify(now) !== JSON.stringify(before); }",
            arg=[cell.element_handle(), before], timeout=timeout,
        )
        return True
    except PlaywrightTimeout:
        return False


# label -> seconds from the input event to the first new figure on screen, as benchmarks/bench_widgets.py
# measures them (there, medians of many interactions against the targets). Recorded, never asserted: written
# to artifacts/widget_redraws.json.
REDRAWS = {}


@pytest.fixture(scope="module", autouse=True)
def _write_redraws():
    yield
    if REDRAWS:
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS.parent / "widget_redraws.json").write_text(json.dumps(REDRAWS, indent=1))


def _change(page, cell, label, action):
    before = page.evaluate(_FIGURES, cell.element_handle())
    page.evaluate(REDRAW_RECORDER)
    page.evaluate("(area) => { window.__bench.watch(area); window.__bench.start(); }",
                  cell.locator(".jp-Cell-outputArea").element_handle())
    _kernel_round(page, action)
    # A widget with a button (Train) takes the new settings into account when the button is clicked.
    buttons = cell.locator("button.widget-button:not([disabled])")
    if buttons.count():
        page.evaluate("() => window.__bench.start()")
        _kernel_round(page, buttons.first.click)
    elif not before:
        return  # no figure in this cell: the control's own value changed, which is all there is to see
    if not _figures_changed(page, cell, before, timeout=WIDGET_TIMEOUT_MS):
        pytest.fail(f"{label}: changing it did not change the figure")
    REDRAWS[f"{_state_path(page)}: {label}"] = redraw_seconds(page)


def _state_path(page):
    return page.evaluate(f"() => {_PANEL}.context.path")


def _move_slider(page, handle):
    """One keyboard step to the right, or to the left when the slider is already at its maximum."""
    value = handle.get_attribute("aria-valuetext")  # aria-valuenow is rounded, the text is not
    changed = "([h, v]) => h.getAttribute('aria-valuetext') !== v"
    handle.focus()
    handle.press("ArrowRight")
    try:
        page.wait_for_function(changed, arg=[handle.element_handle(), value], timeout=5_000)
    except PlaywrightTimeout:
        handle.press("ArrowLeft")
        page.wait_for_function(changed, arg=[handle.element_handle(), value])


def _pick_other(select):
    index = select.evaluate("s => s.selectedIndex")
    select.select_option(index=1 if index == 0 else 0)


def validate(page):
    """Click the notebook's Validate button; return (dialog CSS classes, dialog text), dialog closed."""
    button = page.locator(".jp-NotebookPanel:visible .jp-NotebookPanel-toolbar .validate-button")
    button.click()
    body = page.locator(".jp-Dialog .validation-success, .jp-Dialog .validation-failed, .jp-Dialog-body")
    page.wait_for_function(
        "() => { const d = document.querySelector('.jp-Dialog'); return d && !d.textContent.includes('Validating'); }",
        timeout=VALIDATE_TIMEOUT_MS,
    )
    dialog = page.locator(".jp-Dialog").first
    classes = " ".join(
        page.evaluate("() => Array.from(document.querySelectorAll('.jp-Dialog *')).flatMap(e => [...e.classList])")
    )
    text = dialog.inner_text()
    assert body.count() > 0
    page.keyboard.press("Escape")
    page.wait_for_selector(".jp-Dialog", state="detached")
    return classes, text


def screenshot(page, nb, widget_cells, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if widget_cells:
        _cell(page, widget_cells[0]).scroll_into_view_if_needed()
    else:
        _cell(page, 0).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _name(kind, relpath):
    return f"{kind}__{Path(relpath).stem}"


# ---------------------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------------------


def test_learner_sees_no_instructor_tools(page, lab):
    """Binder's JupyterLab has a working Validate button but no formgrader, course list, assignment list,
    Create Assignment panel or Nbgrader menu (binder/postBuild switches them off)."""
    params = notebook_params("notebooks") or notebook_params("solutions")
    if not params:
        pytest.skip("no notebook yet")
    open_notebook(page, lab, params[0], "instructor-tools")
    assert page.locator(".jp-NotebookPanel:visible .validate-button").count() == 1
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Run" in menus and "Nbgrader" not in menus, menus
    assert page.locator("#nbgrader-create_assignemnt").count() == 0  # nbgrader's own (misspelt) panel id
    plugins = page.evaluate("() => window.jupyterapp.listPlugins().filter(id => id.startsWith('@jupyter/nbgrader'))")
    activated = [p for p in plugins if page.evaluate(f"() => window.jupyterapp.isPluginActivated('{p}')")]
    assert activated == ["@jupyter/nbgrader:validate-assignment"], activated
    # Validate answers a learner's notebook (it passes or lists the failing tests; it never errors).
    classes, text = validate(page)
    assert "There was an error running the validate command" not in text, text[:2000]
    assert "validation-success" in classes or "validation-failed" in classes, text[:2000]
    for path in ("formgrader", "formgraders", "assignments", "courses"):
        request = urllib.request.Request(f"{lab.url}/{path}?token={lab.token}")
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request)
        assert error.value.code == 404, path


@pytest.mark.parametrize("relpath", notebook_params("notebooks"))
def test_released_notebook_in_browser(page, lab, relpath):
    name = _name("released", relpath)
    open_notebook(page, lab, relpath, name)
    assert page.locator(".jp-NotebookPanel:visible .jp-NotebookPanel-toolbar .validate-button").count() == 1, (
        "nbgrader's Validate button is missing from the notebook toolbar"
    )
    nb = run_all(page)
    state = _state(page)
    assert not _unexecuted(state), f"cells never ran: {_unexecuted(state)}"
    assert unexpected_errors(nb, solution_of(COURSE / relpath)) == [], "errors not from the unfilled answers"
    widget_cells = check_widgets(page, nb, move_controls=True)
    screenshot(page, nb, widget_cells, name)


@pytest.mark.parametrize("relpath", notebook_params("solutions"))
def test_solution_notebook_in_browser(page, lab, relpath):
    name = _name("solution", relpath)
    open_notebook(page, lab, relpath, name)
    nb = run_all(page)
    errors = [(i, ename, evalue.splitlines()[0] if evalue else "") for i, ename, evalue, _ in error_outputs(nb)]
    assert errors == [], "a solution notebook must run without errors"
    state = _state(page)
    assert not _unexecuted(state), f"cells never ran: {_unexecuted(state)}"
    widget_cells = check_widgets(page, nb, move_controls=False)
    screenshot(page, nb, widget_cells, name)
    classes, text = validate(page)
    assert "validation-success" in classes and "Success! Your notebook passes all the tests." in text, text[:2000]


# ---------------------------------------------------------------------------------------------------------
# The README's Learn command, as a newcomer follows it
# ---------------------------------------------------------------------------------------------------------

FIRST, SECOND = "notebooks/00_start_here/00_start_here.ipynb", "notebooks/01_mse/01_mse.ipynb"
# What nbgrader's instructor tools print when a learner's JupyterLab shows them (there is no exchange).
INSTRUCTOR_NOISE = ("Error fetching courses", "exchange directory does not exist",
                    "course directory root is not a subdirectory")
WRONG_MSE_GRAD = "def mse_grad(y, y_hat):\n    return (y_hat - y) / y.size\n"  # the 2 dropped


@pytest.fixture(scope="module")
def learn_lab(tmp_path_factory):
    """JupyterLab started by the README's Learn command, in a fresh copy of the repository (test options
    appended: address, port, token, no browser)."""
    env, command = learn_env(tmp_path_factory)
    server = LabServer(env, env.repo, tmp_path_factory.mktemp("learn-home"), command=command)
    yield server
    server.stop()


def _open_from_file_browser(page, *names):
    """From the file browser's root, double-click each of ``names`` in turn (folders, then a file)."""
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    page.locator("#filebrowser .jp-BreadCrumbs-home").click()
    for name in names:
        item = page.locator("#filebrowser .jp-DirListing-item", has=page.locator(
            ".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(name)}$")))
        item.dblclick()
    _wait_for_path(page, "/".join(names))


def _wait_for_path(page, path, timeout=WIDGET_TIMEOUT_MS):
    """Wait until the notebook at ``path`` is the current tab."""
    page.wait_for_function(
        "(path) => { const app = window.jupyterapp; const p = app && app.shell.currentWidget;"
        " return !!(p && p.context && p.context.path === path); }", arg=path, timeout=timeout)


def _listing(page):
    return page.locator("#filebrowser .jp-DirListing-item .jp-DirListing-itemText").all_inner_texts()


def _diagnosis_of(source, name):
    """The diagnosis sentence ``check`` gives for the function ``source`` defines (all before the tag)."""
    from mlcore.grading import check

    namespace = {}
    exec(source, namespace)
    with pytest.raises(Exception) as failure:
        check(name, namespace[name])
    return " ".join(str(failure.value).split("[mistake:")[0].split())


_CLIPPED = """() => {
    const content = document.querySelector('.jp-Dialog-content');
    const box = content.getBoundingClientRect();
    const clipped = [];
    for (const el of content.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (!r.width || !el.textContent.trim()) continue;
        const style = getComputedStyle(el);
        const scrolls = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible';
        if (scrolls || r.right > box.right + 1 || r.left < box.left - 1)
            clipped.push(`${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 80)}`);
    }
    return clipped;
}"""


def test_learn_command_opens_the_course_root_and_validate_explains_a_mistake(browser, learn_lab):
    lab = learn_lab
    page = browser.new_page()
    page.set_default_timeout(WIDGET_TIMEOUT_MS)
    try:
        # The address the command opens: JupyterLab on the first notebook, the repository as its root.
        url = lab.opened_url()
        assert urllib.parse.urlsplit(url).path == f"/lab/tree/{FIRST}", url
        page.goto(url)
        _wait_for_path(page, FIRST, timeout=RUN_TIMEOUT_MS)
        _open_from_file_browser(page, *FIRST.split("/"))
        page.locator("#filebrowser .jp-BreadCrumbs-home").click()
        page.wait_for_function("() => Array.from(document.querySelectorAll('#filebrowser .jp-DirListing-itemText'))"
                               ".some(e => e.textContent === 'notebooks')")
        assert {"notebooks", "README.md"} <= set(_listing(page)), _listing(page)
        _open_from_file_browser(page, *SECOND.split("/"))
        assert {"01_mse.ipynb"} <= set(_listing(page))
        page.wait_for_function(
            f"() => {{ const p = {_PANEL}; const s = p && p.sessionContext && p.sessionContext.session;"
            " return !!(s && s.kernel && s.kernel.status === 'idle'); }", timeout=RUN_TIMEOUT_MS,
        )
        # Every answer as in the solution, but mse_grad wrong; saved, then Validate.
        solution = read_notebook(REPO / "solutions/01_mse/01_mse.ipynb")
        answers = {c.id: c.source for c in solution.cells if c.metadata.get("nbgrader", {}).get("solution")}
        mse_grad_cell = next(i for i, s in answers.items() if re.search(r"^def mse_grad\(", s, re.M))
        answers[mse_grad_cell] = WRONG_MSE_GRAD
        filled = page.evaluate(
            f"""(answers) => {{ let n = 0;
                for (const cell of {_PANEL}.content.widgets)
                    if (cell.model.id in answers) {{ cell.model.sharedModel.setSource(answers[cell.model.id]); n++; }}
                return n; }}""", answers)
        assert filled == len(answers), (filled, len(answers))
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function(f"() => !{_PANEL}.context.model.dirty")
        text = _validate_dialog(page)
        diagnosis = _diagnosis_of(WRONG_MSE_GRAD, "mse_grad")
        assert diagnosis in " ".join(text.split()), f"the diagnosis {diagnosis!r} is not in the dialog:\n{text[:3000]}"
        clipped = page.evaluate(_CLIPPED)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "learn__validate_wrong_mse_grad.png"))
        assert clipped == [], f"text cut off in the Validate dialog: {clipped}"
        # The same look-up does see a line that is too long for this dialog (so the assertion above can fail).
        too_long = page.evaluate(f"""() => {{
            const pre = Array.from(document.querySelectorAll('.jp-Dialog-content pre')).pop();
            const added = document.createTextNode('\\n' + 'x'.repeat(400));
            pre.appendChild(added);
            const found = ({_CLIPPED})();
            added.remove();
            return found; }}""")
        assert too_long, "a 400-character line in the dialog should count as cut off"
        page.keyboard.press("Escape")
        # Nothing of the instructor's tools: no menu, no messages on the page or in the server's log.
        assert "Nbgrader" not in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        seen = page.evaluate("() => document.body.innerText") + lab.log()
        assert [m for m in INSTRUCTOR_NOISE if m in seen] == [], lab.log()[-3000:]
        assert "Jupyter news" not in page.evaluate("() => document.body.innerText")
    finally:
        page.close()
        lab.shut_down_kernels()


def _validate_dialog(page):
    """Click Validate; the dialog's text once it has answered (the dialog stays open)."""
    page.locator(".jp-NotebookPanel:visible .jp-NotebookPanel-toolbar .validate-button").click()
    page.wait_for_function(
        "() => { const d = document.querySelector('.jp-Dialog'); return d && !d.textContent.includes('Validating'); }",
        timeout=VALIDATE_TIMEOUT_MS,
    )
    return page.locator(".jp-Dialog").first.inner_text()
