"""Open notebooks/explorer.ipynb in a real JupyterLab with headless chromium and check the panel.

Usage::

    python tests/browser/run_explorer.py --out OUT_DIR [--notebook notebooks/explorer.ipynb]
                                         [--chromium /usr/bin/chromium] [--timeout 240]

Steps: copy the notebook into ``OUT_DIR/notebooks``; start ``jupyter lab`` on
127.0.0.1 with a random token, isolated config/data/runtime/settings
directories and ``window.jupyterapp`` exposed; start headless chromium with a
fresh profile; open the notebook, wait for the kernel, run all cells; check
that the rendered panel has a Solve button, the provider checkboxes and the
result tabs; click Solve and check that the button is disabled and the kernel
idle while the solve runs (background thread), then that a status and a map
image appear.  Writes ``result.json`` and screenshots ``explorer_panel.png``
and ``explorer_solved.png`` to ``OUT_DIR``; exits 0 when every check passed.
Needs no network: JupyterLab and ipywidgets are served from the local install.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cdp import Browser, CdpError, _stop

HERE = Path(__file__).resolve().parent
DEFAULT_NOTEBOOK = HERE.parent.parent / "notebooks" / "explorer.ipynb"

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


def free_port() -> int:
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
    log = open(out / "jupyterlab.log", "wb")
    return subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for_server(base: str, token: str, process: subprocess.Popen, timeout_s: float) -> None:
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
    _stop(process)


def drive(browser: Browser, url: str, out: Path, timeout_s: float) -> dict:
    """Open the notebook, run it, check the panel, solve once; return the findings."""
    found: dict = {}
    t0 = time.monotonic()
    browser.send("Page.enable")
    browser.send("Page.navigate", url=url)
    browser.wait_for("!!(window.jupyterapp && document.querySelector('.jp-Notebook'))", 90,
                     "JupyterLab to open the notebook")
    browser.wait_for(f"{KERNEL_STATUS_JS} === 'idle'", 90, "the kernel to start")
    found["lab_ready_s"] = round(time.monotonic() - t0, 1)
    browser.evaluate(RUN_ALL_JS)
    rendered = browser.wait_for(f"({TRACEBACK_JS}) ? 'traceback' : {PANEL_JS}", timeout_s,
                                "the explorer panel to render")
    if rendered == "traceback":
        browser.screenshot(out / "explorer_failure.png")
        raise CdpError("a cell raised: the notebook shows a traceback (see explorer_failure.png)")
    found["panel"] = rendered
    found["panel_rendered_s"] = round(time.monotonic() - t0, 1)
    browser.wait_for(f"{KERNEL_STATUS_JS} === 'idle'", timeout_s, "all cells to finish")
    browser.evaluate("document.querySelector('.gstk-explorer').scrollIntoView(); true")
    time.sleep(1.0)
    browser.screenshot(out / "explorer_panel.png")
    browser.click("document.querySelector('.gstk-explorer button.gstk-solve')")
    found["busy"] = browser.wait_for(f"(() => {{ const b = {BUSY_JS}; return b && b.disabled ? b : null; }})()",
                                     30, "the Solve button to be disabled while solving")
    # While the solve runs in its thread the kernel must come back to idle (the UI is not frozen).
    found["kernel_idle_while_solving"] = bool(browser.wait_for(
        f"(() => {{ const b = {BUSY_JS}; return b && b.disabled && {KERNEL_STATUS_JS} === 'idle'; }})()",
        30, "the kernel to be idle during the background solve", poll_s=0.2))
    solve_began = time.monotonic()
    found["result"] = browser.wait_for(RESULT_JS, timeout_s, "the solve to finish")
    found["solve_s"] = round(time.monotonic() - solve_began, 1)
    found["traceback_in_notebook"] = browser.evaluate(TRACEBACK_JS)
    browser.evaluate("document.querySelector('.gstk-explorer').scrollIntoView(); true")
    time.sleep(1.0)
    browser.screenshot(out / "explorer_solved.png")
    found["tabs"] = {name: show_tab(browser, name, check) for name, check in TAB_CHECKS.items()}
    browser.screenshot(out / "explorer_contacts_tab.png")
    return found


def show_tab(browser: Browser, name: str, check_js: str):
    """Select the result tab ``name`` with a real click and return ``check_js`` of its content."""
    browser.click(f"[...document.querySelectorAll('.gstk-explorer .lm-TabBar-tab')]"
                  f".find(t => t.textContent.trim() === {json.dumps(name)})")
    return browser.wait_for(check_js, 20, f"the {name} tab to show its content")


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


def main(argv: list[str] | None = None) -> int:
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
    root = out / "notebooks"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(args.notebook, root / "explorer.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    lab = start_jupyter_lab(root, out, port, token)
    browser = None
    found: dict = {}
    try:
        wait_for_server(base, token, lab, 90)
        browser = Browser(args.chromium, out / "chromium-profile", out / "chromium.log")
        found = drive(browser, f"{base}/lab/tree/explorer.ipynb?token={token}", out, args.timeout)
    except (CdpError, RuntimeError, OSError) as exc:
        found["error"] = f"{type(exc).__name__}: {exc}"
        if browser is not None:
            try:
                browser.screenshot(out / "explorer_failure.png")
            except Exception:  # noqa: BLE001 - best effort
                pass
    finally:
        if browser is not None:
            browser.close()
        shutdown_jupyter(base, token, lab)
    found["failures"] = [found["error"]] if "error" in found else checks(found)
    (out / "result.json").write_text(json.dumps(found, indent=2))
    print(json.dumps(found, indent=2))
    return 0 if not found["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
