"""A tiny Chrome DevTools Protocol client: start headless chromium, evaluate JavaScript, screenshot.

Only what the browser smoke test needs.  Uses ``websocket-client`` (a test
dependency) and Debian's ``chromium``; the browser runs offline, sandboxless
(containers), with a fresh profile in ``profile_dir``.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

#: Flags for a quiet, offline, headless chromium in a container.
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--no-default-browser-check",
    "--disable-dev-shm-usage", "--disable-extensions", "--disable-sync", "--mute-audio",
    "--remote-debugging-port=0", "--window-size=1500,1500",
)


class CdpError(RuntimeError):
    """The browser reported an error or did not answer in time."""


class Browser:
    """A headless chromium process and a DevTools connection to its first page."""

    def __init__(self, executable: str, profile_dir: Path, log_path: Path, timeout_s: float = 60.0):
        import websocket  # websocket-client

        profile_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", "about:blank"],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        port = _devtools_port(profile_dir / "DevToolsActivePort", self.process, timeout_s)
        page = _first_page(port, timeout_s)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout_s,
                                              suppress_origin=True)
        self._ids = itertools.count(1)

    def send(self, method: str, **params) -> dict:
        """Call a CDP method and return its ``result`` (events in between are dropped)."""
        call_id = next(self._ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        """Evaluate JavaScript in the page (promises awaited) and return its JSON value."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise CdpError(f"JavaScript error: {result['exceptionDetails'].get('text')} in {expression[:80]!r}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout_s: float, what: str, poll_s: float = 0.5):
        """Return the first truthy value of ``expression``; raise after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except CdpError:
                value = None
            if value:
                return value
            time.sleep(poll_s)
        raise CdpError(f"timed out after {timeout_s:.0f} s waiting for {what}")

    def click(self, selector_js: str) -> None:
        """Click the centre of the element ``selector_js`` evaluates to, with real mouse events."""
        box = self.evaluate(f"(() => {{ const e = {selector_js}; if (!e) return null; e.scrollIntoView();"
                            " const r = e.getBoundingClientRect();"
                            " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if not box:
            raise CdpError(f"nothing to click: {selector_js}")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def screenshot(self, path: Path) -> Path:
        """Write a PNG of the viewport to ``path``."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the connection and stop the browser process group."""
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.ws.close()
        finally:
            _stop(self.process)
            self._log.close()


def _devtools_port(port_file: Path, process: subprocess.Popen, timeout_s: float) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CdpError(f"chromium exited with code {process.returncode} before DevTools started")
        if port_file.exists() and port_file.read_text().strip():
            return int(port_file.read_text().splitlines()[0])
        time.sleep(0.1)
    raise CdpError("chromium did not open its DevTools port")


def _first_page(port: int, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                pages = [t for t in json.load(response) if t.get("type") == "page"]
            if pages:
                return pages[0]
        except OSError:
            pass
        time.sleep(0.2)
    raise CdpError("chromium has no page to attach to")


def _stop(process: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Terminate a process started with ``start_new_session=True`` and its group."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace_s)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(grace_s)
