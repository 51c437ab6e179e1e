"""What bench/ui.py drives: Streamlit servers, headless Chromium pages, and steps timed inside the page.

A step is an action (a navigation, a click, a key press) and what the page must show afterwards
(``spec``, checked by bench/probe.js every 40 ms: markers in a map, a replaced or changed map, a
view, URL parameters, the rerun finished, all maps drawn, for how long it must hold). Sessions
work through their steps side by side, so ten browser contexts load the same server at once
with Playwright's synchronous API: actions are short, the waiting happens in the pages.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the browser tests' helpers (tests/e2e/conftest.py), here and in bench/ui.py
from tests.e2e.conftest import wait_for_health  # noqa: E402

PROBE = (Path(__file__).parent / "probe.js").read_text(encoding="utf-8")
# a headless page counts as hidden: keep its timers and frames running like a visible tab's
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-renderer-backgrounding",
                 "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1000}
ACTION_TIMEOUT_S = 30  # a click or a key press; what it leads to has the step's own timeout


class BenchError(RuntimeError):
    """A step or a server that did not do what the benchmark needs, with what was seen instead."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _end_with_parent() -> None:
    """Run in a server's process before it starts: it gets SIGTERM when the benchmark ends, however it ends."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Server:
    """``streamlit run script`` on a free port, headless, in its own process group (so it is always
    stopped with everything it started); its output goes to ``log``."""

    def __init__(self, script: Path, log: Path, cwd: Path, start_timeout_s: float = 120):
        self.script, self.log, self.cwd, self.start_timeout_s = script, log, cwd, start_timeout_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "CULTUREMAP_DATA"}  # the bundled packs
        with self.log.open("w") as out:
            # the app as `make run` starts it (packs and opening maps warmed while the server starts)
            command = (
                [sys.executable, "-m", "culturemap.cli", "serve", "--port", str(self.port)]
                if self.script.name == "app.py"
                else [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.port", str(self.port),
                      "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats",
                      "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
            )  # fmt: skip
            self.process = subprocess.Popen(
                command,
                cwd=self.cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_end_with_parent,
            )  # fmt: skip
        return self

    def wait_ready(self) -> None:
        if not wait_for_health(self.url, self.process, self.start_timeout_s):
            tail = self.log.read_text(errors="replace")[-3000:]
            self.stop()
            raise BenchError(f"{self.script.name} did not start on port {self.port} within "
                             f"{self.start_timeout_s:.0f} s; its log ({self.log}) ends:\n{tail}")  # fmt: skip

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it started (MB)."""
        try:
            root = psutil.Process(self.process.pid)
            return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20
        except psutil.Error:
            return float("nan")

    def cpu_s(self) -> float:
        """CPU time (user + system, s) used so far by the server and every process it started."""
        try:
            root = psutil.Process(self.process.pid)
            times = [p.cpu_times() for p in [root, *root.children(recursive=True)]]
            return sum(t.user + t.system for t in times)
        except psutil.Error:
            return float("nan")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class Tab:
    """One browser context with one page and the probe; counts the reruns and downloads it asks for."""

    def __init__(self, browser, timeout_s: float):
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.context.add_init_script(script=PROBE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(min(timeout_s, ACTION_TIMEOUT_S) * 1000)  # clicks, key presses, navigations
        self.reruns = 0
        self.downloads: list[float] = []  # perf_counter() of each download's start
        self.marked_at = 0.0  # perf_counter() and rerun count when the current step began
        self.reruns_at_mark = 0
        self.errors: list[str] = []  # the page's console errors and uncaught exceptions, for failure reports
        self.page.on("websocket", lambda ws: ws.on("framesent", self._sent))
        self.page.on("download", lambda _d: self.downloads.append(time.perf_counter()))
        self.page.on("console", lambda m: self.errors.append(m.text[:200]) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {str(e)[:200]}"))

    def _sent(self, payload) -> None:
        if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
            self.reruns += 1

    def close(self) -> None:
        self.context.close()


@dataclass
class Step:
    """``act(page)``, then wait until the page shows ``spec`` (see bench/probe.js). ``name`` None: a wait
    that is not recorded (the previous step's rerun settling). ``nav``: ``act`` navigates, and the time
    counts from the navigation's start. ``after(tab, result)`` checks more: it returns what went wrong, or None."""

    name: str | None
    act: Callable | None
    spec: dict
    nav: bool = False
    after: Callable | None = None


@dataclass
class Results:
    """Seconds per step, with the seconds the map was missing meanwhile, failures and notes."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    blank_s: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list] = field(default_factory=dict)

    def add(self, name: str, result: dict, blank: bool) -> None:
        """Record a finished step; ``blank``: also how long the map was missing (not for page loads)."""
        self.seconds.setdefault(name, []).append(result["ms"] / 1000)
        if blank:
            self.blank_s.setdefault(name, []).append(result.get("blankMs", 0) / 1000)

    def fail(self, name: str, message: str) -> None:
        self.failures.setdefault(name, []).append(message)
        print(f"  FAILED {name}: {message}", flush=True)


class Session:
    """A tab working through its steps; a failed step ends the session (its state is unknown)."""

    def __init__(self, tab: Tab, steps: list[Step], results: Results, timeout_s: float):
        self.tab, self.steps, self.results, self.timeout_s = tab, list(steps), results, timeout_s
        self.current: Step | None = None
        self.started = 0.0

    @property
    def finished(self) -> bool:
        return self.current is None and not self.steps

    def advance(self) -> None:
        if self.current is None:
            if self.steps:
                self._begin(self.steps.pop(0))
            return
        step, page = self.current, self.tab.page
        try:
            result = page.evaluate("() => window.__bench ? __bench.result() : {done: false}")
        except Exception as exc:  # noqa: BLE001 - a page that crashed or navigated: reported as the step's failure
            result = {"done": True, "error": f"the page did not answer ({exc.__class__.__name__}: {exc})"}
        if not result.get("done") and time.perf_counter() - self.started > self.timeout_s + 30:
            result = {"done": True, "error": "the page stopped reporting"}
        if not result.get("done"):
            return
        self.current = None
        if result.get("ok") and step.after:
            result["error"] = step.after(self.tab, result)
        if not result.get("ok"):
            self._abandon(step, f"{result.get('error')}; the page showed: {result.get('last')}")
        elif result.get("error"):
            self._abandon(step, result["error"])
        elif step.name:
            self.results.add(step.name, result, blank=not step.nav)
            print(f"  {step.name}: {result['ms'] / 1000:.2f} s", flush=True)

    def _begin(self, step: Step) -> None:
        page = self.tab.page
        self.current, self.started = step, time.perf_counter()
        spec = {"timeoutMs": self.timeout_s * 1000, "nav": step.nav, **step.spec}
        try:
            if not step.nav:
                page.evaluate("__bench.mark()")
                self.tab.marked_at, self.tab.reruns_at_mark = time.perf_counter(), self.tab.reruns
            if step.act:
                step.act(page)
            page.evaluate("spec => __bench.start(spec)", spec)
        except Exception as exc:  # noqa: BLE001 - a widget that was not found, a page that did not load
            self.current = None
            self._abandon(step, f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")

    def _abandon(self, step: Step, message: str) -> None:
        # tiles and other outside hosts cannot be reached here: those errors say nothing about the step
        errors = [e for e in self.tab.errors if "net::ERR_" not in e]
        if errors:
            message += f"; console errors: {' | '.join(errors[-3:])}"
        self.results.fail(step.name or "waiting for the page to settle", message)
        skipped = [s.name for s in self.steps if s.name]
        if skipped:
            print(f"  skipped after the failure: {', '.join(dict.fromkeys(skipped))}", flush=True)
        self.steps = []


def drive(sessions: list[Session]) -> None:
    """Run every session's steps until all are done, side by side."""
    while not all(s.finished for s in sessions):
        for session in sessions:
            session.advance()
        time.sleep(0.04)  # the pages' events (downloads, websocket frames) arrive with the next evaluate
