"""Widget latency in a real browser: from the input event to the new figure on screen.

JupyterLab from this Python environment serves a temporary copy of the course on 127.0.0.1 (kernels over
IPC sockets); Debian's headless Chromium, driven by playwright, opens each solution notebook that has a
widget, runs it, then works every control that redraws a figure as a learner would: a slider by the
keyboard (one step at a time towards its farther end, so
that every value is a new one, turning back at the end), a toggle button by the mouse, a Train button by the mouse.

For each interaction the page itself records the time of the keydown / mousedown and the time of the
first animation frame after the new image has been decoded in the widget's cell (a MutationObserver on
the cell's output). A Train button's figure is the final one, the one followed by the line "trained N
epochs in T s": T, the training time the widget reports, is subtracted. Between interactions the kernel
is left to go idle, so no interaction waits for the previous one.

    .venv/bin/python benchmarks/bench_widgets.py                # 12 interactions per control
    .venv/bin/python benchmarks/bench_widgets.py --repeat 20 01_mse
    .venv/bin/python benchmarks/bench_widgets.py --widgets-from ad7b264^   # the widgets of another commit

``--widgets-from REV`` runs the kernels with ``mlcore/widgets.py`` and ``mlcore/plots.py`` as they were at
git revision REV (over a copy of today's mlcore, first on the kernels' PYTHONPATH), so that before and
after can be measured in one sitting, under the same load.

Targets (issue 14): every slider <= 0.3 s, every Train button <= 1.0 s beyond its training time (medians).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser_util import (  # noqa: E402
    CHROMIUM, CHROMIUM_ARGS, REDRAW_RECORDER, LabServer, copy_course, notebook_params, venv_env,
)

TIMEOUT_MS = 120_000

_PANEL = "window.jupyterapp.shell.currentWidget"
_IDLE = (f"() => {{ const p = {_PANEL}; const s = p && p.sessionContext && p.sessionContext.session;"
         " return !!(s && s.kernel && s.kernel.status === 'idle'); }")
_ALL_RAN = f"""() => {{
    const p = {_PANEL};
    const s = p.sessionContext.session;
    if (!s || !s.kernel || s.kernel.status !== 'idle') return false;
    return p.content.widgets.every(c => c.model.type !== 'code' || c.model.sharedModel.getSource().trim() === ''
                                        || c.model.executionCount !== null);
}}"""

_TRAINED = r"trained \d+ epochs in ([\d.]+) s"


def _open(page, lab, relpath):
    page.goto(f"{lab.url}/lab/workspaces/bench-{Path(relpath).stem}/tree/{relpath}?token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=TIMEOUT_MS)
    page.wait_for_function(_IDLE, timeout=TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(_ALL_RAN, timeout=TIMEOUT_MS, polling=200)
    page.evaluate(REDRAW_RECORDER)


def _settle(page):
    page.wait_for_function(_IDLE, timeout=TIMEOUT_MS, polling=20)
    page.wait_for_timeout(150)


def _measure(page, action, *, train):
    """Do ``action`` (an input event); return (seconds to the new image, reported training seconds)."""
    before = page.evaluate("() => window.__bench.start()")
    action()
    if train:
        # The old "trained ..." line stays until the first new figure replaces it: wait for it to go, then
        # for the new one.
        condition = f"""() => {{ const b = window.__bench, re = /{_TRAINED}/;
            const gone = b.events.findIndex(e => e.t > b.t0 && !re.test(e.text));
            return gone >= 0 && b.events.slice(gone).some(e => re.test(e.text)); }}"""
    else:
        condition = """(before) => window.__bench.events.some(e => e.t > window.__bench.t0 && e.key !== before
                                                               && e.key !== '')"""
    page.wait_for_function(condition, arg=before, timeout=TIMEOUT_MS, polling=20)
    bench = page.evaluate("() => ({t0: window.__bench.t0, events: window.__bench.events})")
    after = [e for e in bench["events"] if e["t"] > bench["t0"]]
    if train:
        first_gone = next(i for i, e in enumerate(after) if not re.search(_TRAINED, e["text"]))
        event = next(e for e in after[first_gone:] if re.search(_TRAINED, e["text"]))
        reported = float(re.search(_TRAINED, event["text"]).group(1))
    else:
        event = next(e for e in after if e["key"] != before and e["key"])
        reported = 0.0
    _settle(page)
    return (event["t"] - bench["t0"]) / 1000, reported


def _controls(cell):
    """(label, kind, locator) of every control in a widget cell that redraws a figure."""
    found = []
    buttons = cell.locator("button.widget-button")
    if buttons.count():  # a widget with a Train button: only the button redraws
        return [("Train button", "button", buttons.first)]
    handles = cell.locator(".widget-slider")
    for k in range(handles.count()):
        name = handles.nth(k).locator(".widget-label").first.text_content().strip()
        found.append((f"slider '{name}'", "slider", handles.nth(k).locator(".noUi-handle")))
    groups = cell.locator(".widget-toggle-buttons")
    for k in range(groups.count()):
        found.append((f"toggle buttons {k}", "toggle", groups.nth(k)))
    return found


def _slider_position(handle):
    return [float(handle.get_attribute(f"aria-value{k}")) for k in ("min", "now", "max")]


def _towards_more_room(handle):
    """A slider moves towards its farther end, so that its values are new ones (nothing cached)."""
    low, now, high = _slider_position(handle)
    return "ArrowRight" if high - now >= now - low else "ArrowLeft"


def _at_end(handle, key):
    low, now, high = _slider_position(handle)
    step = (high - low) / 1000
    return now >= high - step if key == "ArrowRight" else now <= low + step


def _interactions(page, kind, locator, repeat, *, train):
    results, key = [], None
    for i in range(repeat):
        if kind == "slider":
            if i == 0 or _at_end(locator, key):
                key = _towards_more_room(locator) if i == 0 else ("ArrowLeft" if key == "ArrowRight" else "ArrowRight")
            locator.focus()
            results.append(_measure(page, lambda: locator.press(key), train=train))
        elif kind == "toggle":
            other = locator.locator("button.widget-toggle-button:not(.mod-active)").nth(i % 2)
            results.append(_measure(page, other.click, train=train))
        else:
            results.append(_measure(page, locator.click, train=train))
    return results


def bench_notebook(page, lab, relpath, repeat):
    _open(page, lab, relpath)
    rows = []
    cells = page.locator(".jp-NotebookPanel:visible .jp-CodeCell")
    for index in range(cells.count()):
        cell = cells.nth(index)
        if not cell.locator(".jp-OutputArea-output .jupyter-widgets").count():
            continue
        cell.scroll_into_view_if_needed()
        controls = _controls(cell)
        if not controls:
            continue
        page.evaluate("(cell) => window.__bench.watch(cell.querySelector('.jp-Cell-outputArea'))",
                      cell.element_handle())
        for label, kind, locator in controls:
            train = kind == "button"
            results = _interactions(page, kind, locator, repeat, train=train)
            latency = [total - reported for total, reported in results]
            rows.append({
                "notebook": Path(relpath).stem, "cell": index, "control": label, "kind": kind,
                "median": statistics.median(latency), "min": min(latency), "max": max(latency), "n": len(latency),
                "training": statistics.median(r for _, r in results) if train else None,
            })
            print(_row(rows[-1]), flush=True)
    return rows


def _row(r):
    target = 1.0 if r["kind"] == "button" else 0.3
    training = f"{r['training']:.2f}" if r["training"] is not None else ""
    met = "yes" if r["median"] <= target else "**no**"
    return (f"| `{r['notebook']}` | {r['control']} | {r['median']:.3f} | {r['min']:.3f}–{r['max']:.3f} | {r['n']} "
            f"| {training} | ≤ {target:g} | {met} |")


def _overlay(rev, folder):
    """A copy of mlcore in ``folder`` whose widgets.py and plots.py are those of git revision ``rev``."""
    shutil.copytree(REPO / "mlcore", folder / "mlcore", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("widgets.py", "plots.py"):
        old = subprocess.run(["git", "show", f"{rev}:mlcore/{name}"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
        (folder / "mlcore" / name).write_text(old)
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="names such as 01_mse (default: every one with a widget)")
    parser.add_argument("--repeat", type=int, default=12, help="interactions per control (default 12)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--widgets-from", metavar="REV", help="mlcore/widgets.py and plots.py of this git revision")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-widgets-") as tmp:
        tmp = Path(tmp)
        course = copy_course(tmp / "course")
        (tmp / "home").mkdir()
        extra_env = {"PYTHONPATH": str(_overlay(args.widgets_from, tmp / "overlay"))} if args.widgets_from else {}
        lab = LabServer(venv_env(sys.prefix, tmp / "env"), course, tmp / "home", extra_env=extra_env)
        relpaths = [p for p in notebook_params("solutions")
                    if not args.notebooks or any(n in p for n in args.notebooks)]
        print(f"widgets of {args.widgets_from or 'the working tree'}; load average {os.getloadavg()[0]:.2f}; "
              f"{args.repeat} interactions per control", flush=True)
        print("| notebook | control | median s | min–max s | n | training s (reported) | target s | met |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        rows = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(TIMEOUT_MS)
                for relpath in relpaths:
                    started = time.monotonic()
                    rows += bench_notebook(page, lab, relpath, args.repeat)
                    lab.shut_down_kernels()
                    print(f"<!-- {relpath}: {time.monotonic() - started:.0f} s -->", flush=True)
                browser.close()
        finally:
            lab.stop()
        print(f"load average {os.getloadavg()[0]:.2f}")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
