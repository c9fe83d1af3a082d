"""Open notebooks/explorer.ipynb in a real JupyterLab with headless chromium and check the panel.

Usage::

    python tests/browser/run_explorer.py --out OUT_DIR [--notebook notebooks/explorer.ipynb]
                                         [--chromium /usr/bin/chromium] [--timeout 240]

Steps: copy the notebook into ``OUT_DIR/notebooks``; start ``jupyter lab`` on
127.0.0.1 with a random token, isolated config/data/runtime/settings
directories and ``window.jupyterapp`` exposed; drive Debian's chromium
headless through Playwright (sync API, fresh profile); open the notebook, wait
for the kernel, run all cells; check that the rendered panel has a Solve
button, the provider checkboxes and the result tabs; click Solve and check
that the button is disabled and the kernel idle while the solve runs
(background thread), then that a status, a map image and the result tabs
appear.  Writes ``result.json``, ``browser-console.log`` and screenshots
``explorer_panel.png``, ``explorer_solved.png`` and ``explorer_contacts_tab.png``
to ``OUT_DIR``; exits 0 when every check passed.  Needs no network: JupyterLab
and ipywidgets are served from the local install and Playwright downloads no
browser.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

HERE = Path(__file__).resolve().parent
DEFAULT_NOTEBOOK = HERE.parent.parent / "notebooks" / "explorer.ipynb"
#: Headless, sandboxless (root in a container) and quiet: no connection leaves for Google's services.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
VIEWPORT = {"width": 1500, "height": 1500}
PANEL = ".gstk-explorer"
SOLVE_BUTTON = f"{PANEL} button.gstk-solve"
RESULT_TAB = f"{PANEL} .lm-TabBar-tab"

#: The notebook panel: the main-area widget with a session (shell.currentWidget is null headless).
NOTEBOOK_JS = """[...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext && w.content)"""
KERNEL_STATUS_JS = f"""(() => {{
  const w = window.jupyterapp && {NOTEBOOK_JS};
  const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? k.status : null; }})()"""
RUN_ALL_JS = f"""(() => {{
  const w = {NOTEBOOK_JS};
  window.jupyterapp.shell.activateById(w.id);
  return window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => true); }})()"""
PANEL_JS = """(() => {
  const p = document.querySelector('.gstk-explorer');
  if (!p) return null;
  const solve = p.querySelector('button.gstk-solve');
  return {
    solve_button: solve ? solve.textContent.trim() : null,
    checkboxes: [...p.querySelectorAll('.widget-checkbox')]
      .map(b => b.textContent.replace(/\u200b/g, '').trim()).filter(t => t),
    sliders: [...p.querySelectorAll('.widget-slider .widget-label')].map(l => l.textContent.trim()),
    tabs: [...p.querySelectorAll('.lm-TabBar-tabLabel')].map(t => t.textContent.trim()),
    objective: (p.querySelector('.widget-dropdown select') || {}).value || null,
  }; })()"""
BUSY_JS = """(() => { const b = document.querySelector('.gstk-explorer button.gstk-solve');
  return b ? {disabled: b.disabled, text: b.textContent.trim()} : null; })()"""
RESULT_JS = """(() => {
  const s = document.querySelector('.gstk-explorer .gstk-status');
  const b = document.querySelector('.gstk-explorer button.gstk-solve');
  if (!s || !b || b.disabled || !/OPTIMAL|FEASIBLE|INFEASIBLE|NO_SOLUTION|ERROR|Error/.test(s.textContent))
    return null;
  const img = document.querySelector('.gstk-explorer img.gstk-map')
    || document.querySelector('.gstk-explorer .gstk-map img');
  return {status: s.textContent.trim(), map_px: img ? [img.naturalWidth, img.naturalHeight] : null}; })()"""
#: What each result tab must show once selected (visible = laid out with a size).
_VISIBLE = "(e => e && e.offsetParent !== null && e.getBoundingClientRect().height > 0)"
TAB_CHECKS = {
    "Costs": f"""(() => {{ const t = [...document.querySelectorAll('.gstk-explorer .gstk-table')]
      .find({_VISIBLE}); return t && /total/.test(t.textContent) ? t.textContent.length : null; }})()""",
    "Data per satellite": f"""(() => {{ const t = [...document.querySelectorAll('.gstk-explorer .gstk-table')]
      .find({_VISIBLE}); return t && /DEMO-1/.test(t.textContent) ? t.textContent.length : null; }})()""",
    "Contacts": f"""(() => {{ const i = [...document.querySelectorAll('.gstk-explorer img.gstk-gantt')]
      .find({_VISIBLE}); return i && i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight] : null; }})()""",
}
TRACEBACK_JS = ("(n => n ? n.innerText.includes('Traceback') : null)"
                "(document.querySelector('.jp-Notebook'))")
#: Resolves after the next two frames, once a scroll or a new image has been laid out and painted.
NEXT_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


class CheckError(RuntimeError):
    """The page did not reach an expected state."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_jupyter_lab(root: Path, out: Path, port: int, token: str) -> subprocess.Popen:
    """Start JupyterLab serving ``root`` on 127.0.0.1:port with isolated user directories."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(out / "jupyter" / name.lower())
    env.pop("MPLBACKEND", None)  # let the kernel use the inline backend
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",  # CI containers run as root
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",  # no PyPI queries offline
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={out / 'jupyter' / 'settings'}",
        f"--LabApp.workspaces_dir={out / 'jupyter' / 'workspaces'}",
    ]
    settings = out / "jupyter" / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)  # no "get Jupyter news?" toast over the panel
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    with open(out / "jupyterlab.log", "wb") as log:  # the server keeps its own descriptor
        return subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for_server(base: str, token: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Return once the server answers ``/api/status``; raise if it exits or stays silent."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode}; see jupyterlab.log")
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("jupyter lab did not answer on /api/status")


def shutdown_jupyter(base: str, token: str, process: subprocess.Popen) -> None:
    """Ask the server to stop (it shuts its kernels down), then make sure it is gone."""
    try:
        request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST", data=b"")
        urllib.request.urlopen(request, timeout=10).close()
        process.wait(30)
    except (OSError, subprocess.TimeoutExpired):
        pass
    stop_process_group(process)


def stop_process_group(process: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Terminate a process started with ``start_new_session=True`` and its group."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace_s)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(grace_s)


@contextlib.contextmanager
def chromium_page(executable: str, console_log: Path) -> Iterator[Page]:
    """Launch ``executable`` headless with a fresh profile and yield a page; log its console."""
    with sync_playwright() as playwright, open(console_log, "w", encoding="utf-8") as log:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.on("console", lambda message: log.write(f"{message.type}: {message.text}\n"))
            page.on("pageerror", lambda error: log.write(f"pageerror: {error}\n"))
            yield page
        finally:
            browser.close()


def wait_for(page: Page, expression: str, timeout_s: float, what: str,
             polling: float | str = 250) -> Any:
    """Return the first truthy JSON value of the JavaScript ``expression``.

    A throwing ``expression`` counts as not ready yet; raise :class:`CheckError`
    naming ``what`` after ``timeout_s``.
    """
    predicate = f"() => {{ try {{ return ({expression}); }} catch (e) {{ return null; }} }}"
    try:
        handle = page.wait_for_function(predicate, timeout=timeout_s * 1000, polling=polling)
    except PlaywrightTimeoutError:
        raise CheckError(f"timed out after {timeout_s:.0f} s waiting for {what}") from None
    try:
        return handle.json_value()
    finally:
        handle.dispose()


def screenshot_panel(page: Page, path: Path) -> None:
    """Scroll the explorer panel to the top of the viewport and write a PNG of the viewport."""
    page.locator(PANEL).evaluate("panel => panel.scrollIntoView()")
    page.evaluate(NEXT_FRAMES_JS)
    page.screenshot(path=path)


def open_notebook(page: Page, url: str, found: dict) -> None:
    """Open the notebook in JupyterLab and wait for its kernel to be idle."""
    t0 = time.monotonic()
    page.goto(url, wait_until="domcontentloaded", timeout=90_000)
    wait_for(page, "!!(window.jupyterapp && document.querySelector('.jp-Notebook'))", 90,
             "JupyterLab to open the notebook")
    wait_for(page, f"{KERNEL_STATUS_JS} === 'idle'", 90, "the kernel to start")
    found["lab_ready_s"] = round(time.monotonic() - t0, 1)


def run_all_cells(page: Page, timeout_s: float, found: dict) -> None:
    """Run every cell and wait until the panel is rendered and the kernel idle again."""
    t0 = time.monotonic()
    page.evaluate(RUN_ALL_JS)
    rendered = wait_for(page, f"({TRACEBACK_JS}) ? 'traceback' : {PANEL_JS}", timeout_s,
                        "the explorer panel to render")
    if rendered == "traceback":
        raise CheckError("a cell raised: the notebook shows a traceback (see explorer_failure.png)")
    found["panel"] = rendered
    found["panel_rendered_s"] = round(time.monotonic() - t0, 1)
    wait_for(page, f"{KERNEL_STATUS_JS} === 'idle'", timeout_s, "all cells to finish")


def solve(page: Page, timeout_s: float, found: dict) -> None:
    """Click Solve; check the button is disabled and the kernel idle while it runs; wait for the result."""
    page.locator(SOLVE_BUTTON).click()
    found["busy"] = wait_for(page, f"(() => {{ const b = {BUSY_JS}; return b && b.disabled ? b : null; }})()",
                             30, "the Solve button to be disabled while solving", polling="raf")
    # While the solve runs in its thread the kernel must come back to idle (the UI is not frozen).
    found["kernel_idle_while_solving"] = bool(wait_for(
        page, f"(() => {{ const b = {BUSY_JS}; return b && b.disabled && {KERNEL_STATUS_JS} === 'idle'; }})()",
        30, "the kernel to be idle during the background solve", polling="raf"))
    solve_began = time.monotonic()
    found["result"] = wait_for(page, RESULT_JS, timeout_s, "the solve to finish")
    found["solve_s"] = round(time.monotonic() - solve_began, 1)
    found["traceback_in_notebook"] = page.evaluate(TRACEBACK_JS)


def show_tab(page: Page, name: str, check_js: str) -> Any:
    """Select the result tab ``name`` with a real click and return ``check_js`` of its content."""
    page.locator(RESULT_TAB).filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")).click()
    return wait_for(page, check_js, 20, f"the {name} tab to show its content")


def drive(page: Page, url: str, out: Path, timeout_s: float, found: dict) -> None:
    """Open the notebook, run it, check the panel, solve once; record the findings in ``found``."""
    open_notebook(page, url, found)
    run_all_cells(page, timeout_s, found)
    screenshot_panel(page, out / "explorer_panel.png")
    solve(page, timeout_s, found)
    screenshot_panel(page, out / "explorer_solved.png")
    found["tabs"] = {}
    for name, check in TAB_CHECKS.items():
        found["tabs"][name] = show_tab(page, name, check)
    page.screenshot(path=out / "explorer_contacts_tab.png")


def checks(found: dict) -> list[str]:
    """Return the failed checks (empty when the panel works)."""
    panel, result = found.get("panel") or {}, found.get("result") or {}
    failures = []
    if panel.get("solve_button") != "Solve":
        failures.append(f"Solve button reads {panel.get('solve_button')!r}")
    if not {"KSAT", "AWS", "Leaf"} <= set(panel.get("checkboxes", [])):
        failures.append(f"provider checkboxes missing: {panel.get('checkboxes')}")
    if "Network map" not in panel.get("tabs", []):
        failures.append(f"result tabs missing: {panel.get('tabs')}")
    if not found.get("kernel_idle_while_solving"):
        failures.append("kernel was not idle while solving")
    if not any(s in result.get("status", "") for s in ("OPTIMAL", "FEASIBLE")):
        failures.append(f"solve status: {result.get('status')!r}")
    if not result.get("map_px") or min(result["map_px"]) <= 0:
        failures.append(f"map image not rendered: {result.get('map_px')}")
    for name, value in (found.get("tabs") or {}).items():
        if not value:
            failures.append(f"tab {name!r} shows nothing")
    if len(found.get("tabs") or {}) != len(TAB_CHECKS):
        failures.append("result tabs were not all checked")
    if found.get("traceback_in_notebook"):
        failures.append("a traceback is shown in the notebook")
    return failures


def run(chromium: str, notebook: Path, out: Path, timeout_s: float) -> dict:
    """Serve a copy of ``notebook`` from ``out``, drive it in chromium and return the findings."""
    root = out / "notebooks"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, root / "explorer.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    lab = start_jupyter_lab(root, out, port, token)
    found: dict = {}
    try:
        wait_for_server(base, token, lab, 90)
        with chromium_page(chromium, out / "browser-console.log") as page:
            try:
                drive(page, f"{base}/lab/tree/explorer.ipynb?token={token}", out, timeout_s, found)
            except (CheckError, PlaywrightError):  # keep what the page showed
                with contextlib.suppress(PlaywrightError):
                    page.screenshot(path=out / "explorer_failure.png")
                raise
    except (CheckError, PlaywrightError, RuntimeError, OSError) as exc:
        found["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        shutdown_jupyter(base, token, lab)
    found["failures"] = [found["error"]] if "error" in found else checks(found)
    return found


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the check, write ``result.json``; 0 when every check passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--notebook", type=Path, default=DEFAULT_NOTEBOOK)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args(argv)
    if not args.chromium:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    out = args.out.resolve()
    found = run(args.chromium, args.notebook, out, args.timeout)
    (out / "result.json").write_text(json.dumps(found, indent=2))
    print(json.dumps(found, indent=2))
    return 0 if not found["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
