"""Ten users for five minutes: frozen sessions, errors and time per action under load (issue 22, item 11).

    python bench/load.py [--sessions 10] [--seconds 300] [--runs 3] [--trace] [--message-cache] [--out BENCHMARKS.md]

Starts the app as `make run` does (``culturemap serve``, the bundled packs; the browsers reach it on
127.0.0.1), waits for its warm-up, then drives headless Chromium (/usr/bin/chromium): first one session
alone doing each action a few times (the baseline), then ``--sessions`` sessions at once (arriving
``--arrival`` s apart) doing mixed actions (open the Map page, search, filter by grade or level, switch
language, switch page, change the route mode, pan and zoom) with a short pause between, some
(``--impatient``) without waiting for the page, for ``--seconds``; ``--runs`` times on the same server.
An action counts from its click or navigation until the page has finished its reruns (the sidebar
shown, Streamlit idle for 0.6 s and, on the pages that open on a map, a drawn map). A session is frozen
when an action has not finished after ``--frozen-after`` s or the page shows Streamlit's connection-error
modal; it then waits up to ``--give-up-after`` s and reloads (as a user would). A stall also notes the
busiest processes and, with ``--py-spy PATH``, dumps the server's threads (build/bench-load/stall-*.txt).
``--trace`` records every websocket message (bytes, cached messages, references, runs finished) and
writes a frozen session's last ones to build/bench-load/trace-*.txt. ``--message-cache`` runs the server
with Streamlit's message cache on, as before issue 22, into a section of its own of BENCHMARKS.md (see
bench/benchmarks_md.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil
from benchmarks_md import write_section
from browser import CHROMIUM_ARGS, REPO, VIEWPORT, BenchError, Server, _end_with_parent
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from culturemap.i18n import tr
from culturemap.layers import GRADES, HERITAGE_LEVELS, LAYERS
from tests.e2e.conftest import CHROMIUM

LOGS = REPO / "build" / "bench-load"
OWNER = "bench/load.py"
# `culturemap serve` with Streamlit's message cache on, as before issue 22 (--message-cache): the server's
# flag swapped for Streamlit's default (messages from 10 kB cached in the browser)
WITH_MESSAGE_CACHE = """import sys
import streamlit.web.cli as streamlit_cli
from culturemap import cli
run = streamlit_cli.main
def with_cache(args, **options):
    args = list(args)
    args[args.index("--global.minCachedMessageSize") + 1] = "1e4"
    return run(args, **options)
streamlit_cli.main = with_cache
sys.exit(cli.main(["serve", "--port", sys.argv[1]]))
"""


class CachingServer(Server):
    """The app's server with Streamlit's message cache on (the comparison of --message-cache)."""

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "CULTUREMAP_DATA"}
        with self.log.open("w") as out:
            self.process = subprocess.Popen([sys.executable, "-c", WITH_MESSAGE_CACHE, str(self.port)], cwd=self.cwd,
                                            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=_end_with_parent)  # fmt: skip
        return self


SEARCHES = ("黄河", "bowuguan", "baita", "gongyuan", "daxue", "museum", "")
PAGES = {"map": "page_map", "analysis": "page_analysis", "routes": "page_routes", "lens": "page_lens",
         "compare": "page_compare"}  # fmt: skip
MAP_PAGES = ("map", "analysis", "routes", "lens")  # pages whose first view is a map
MODES = ("mode_walk", "mode_bike", "mode_car", "mode_taxi")
MODAL_TEXT = "Failed to process a Websocket message"
BASELINE_REPEAT = 3
# Installed in every page: counts the script runs Streamlit starts (the app's state turning "running").
RUNS_JS = """(() => {
  if (window.top !== window) return;
  window.__runs = 0;
  new MutationObserver((changes) => {
    for (const c of changes) if (c.target.getAttribute('data-test-script-state') === 'running') window.__runs++;
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();"""
# done: a run started since the action (arg.runs: the count before it; or 3 s idle: a change that reran
# nothing, or one folded into a run already going), then Streamlit idle (no status widget) with the
# sidebar there for quietMs, a map drawn where asked; "modal": the connection-error dialog (a MISS of the
# message cache shows it, and the page stops)
SETTLED_JS = """arg => {
  for (const d of document.querySelectorAll('[role="dialog"]'))
    if (d.textContent.includes('Connection error') || d.textContent.includes(arg.modal)) return 'modal: ' + d.textContent.slice(0, 300);
  const app = document.querySelector('[data-testid="stApp"]');
  let ok = app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && document.querySelector('[data-testid="stSidebar"] [data-testid="stSidebarNav"]');
  if (ok && arg.map) {
    ok = false;
    for (const f of document.querySelectorAll('iframe[src*="/streamlit_folium.st_folium/"]')) {
      if (f.getBoundingClientRect().height <= 0) continue;
      try { const m = f.contentWindow.map_div; if (m && m._loaded) { ok = true; break; } } catch (e) {}
    }
  }
  const now = performance.now();
  if (!window.__quiet || window.__quiet.token !== arg.token) window.__quiet = {token: arg.token, since: 0};
  if (!ok) { window.__quiet.since = 0; return false; }
  if (!window.__quiet.since) window.__quiet.since = now;
  const quiet = now - window.__quiet.since;
  return quiet >= arg.quietMs && ((window.__runs || 0) > arg.runs || quiet >= 3000) ? 'done' : false;
}"""


def _ignored(text: str) -> bool:
    """Console errors that say nothing about the app: tiles and other outside hosts are unreachable here,
    and a page opened at /<page> first probes /<page>/_stcore/... (Streamlit's own 404s)."""
    return "net::ERR_" in text or ("Failed to load resource" in text and "404" in text)


@dataclass
class Tally:
    """What the sessions of one run (or the baseline) saw."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    frozen: list[str] = field(default_factory=list)  # one line per frozen action
    frozen_sessions: set[int] = field(default_factory=set)
    recovered: int = 0  # frozen actions that finished by themselves before --give-up-after
    modals: int = 0
    exceptions: dict[str, int] = field(default_factory=dict)  # text shown in an st.exception -> times
    console: dict[str, int] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)  # actions whose widget was not found (the bench's side)
    refs: int = 0  # reference messages received (--trace)
    cacheable: int = 0  # cacheable messages received (--trace)
    actions: int = 0
    impatient: int = 0  # actions whose result was not waited for (the next one came first)
    received_mb: float = 0.0  # websocket messages received (--trace)


class Session:
    """One browser context: its page, where it is, what it has seen."""

    def __init__(self, number: int, context, page, tally: Tally, args, trace: bool):
        self.number, self.context, self.page, self.tally, self.args = number, context, page, tally, args
        self.lang, self.where = "zh", "map"
        self.reruns = 0
        self.token = 0
        self.events: deque[str] = deque(maxlen=400)  # --trace: the websocket's last messages
        self.started = time.perf_counter()
        page.on("console", self._console)
        page.on("pageerror", lambda e: self._count(tally.console, f"uncaught: {str(e)[:160]}"))
        page.on("websocket", lambda ws: self._watch(ws, trace))

    def _console(self, message) -> None:
        if message.type == "error" and not _ignored(message.text):
            self._count(self.tally.console, message.text[:160])

    @staticmethod
    def _count(where: dict[str, int], text: str) -> None:
        where[text] = where.get(text, 0) + 1

    def _watch(self, ws, trace: bool) -> None:
        ws.on("framesent", self._sent)
        if trace:
            ws.on("framereceived", self._received)

    def _stamp(self) -> str:
        return f"{time.perf_counter() - self.started:8.3f}"

    def _sent(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        msg = BackMsg.FromString(payload)
        if msg.WhichOneof("type") == "rerun_script":
            self.reruns += 1
            rerun = msg.rerun_script
            hashes = ",".join(h[:8] for h in rerun.cached_message_hashes)
            self.events.append(f"{self._stamp()} -> rerun fragment={rerun.fragment_id[:8] or '-'} "
                               f"cached=[{hashes}]")  # fmt: skip

    def _received(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        self.tally.received_mb += len(payload) / 2**20
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            self.tally.refs += 1
            self.events.append(f"{self._stamp()} <- ref_hash {msg.ref_hash[:8]}")
        elif kind == "new_session":
            self.events.append(f"{self._stamp()} <- new_session")
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            self.events.append(f"{self._stamp()} <- script_finished {status}")
        elif msg.metadata.cacheable:
            self.tally.cacheable += 1
            self.events.append(f"{self._stamp()} <- cacheable {msg.hash[:8]} ({len(payload)} B)")

    # ------------------------------------------------------------------------- waiting

    async def settle(self, name: str, started: float, runs_before: int, map_page: bool) -> float | None:
        """Wait until the action begun at ``started`` (perf_counter) has finished: a script run started
        since (``runs_before``: the page's count before the action), then the page settled. Seconds taken
        from ``started``, or None (frozen)."""
        start = started
        self.token += 1
        arg = {"modal": MODAL_TEXT, "map": map_page, "quietMs": 600, "runs": runs_before, "token": self.token}
        frozen_at = self.args.frozen_after
        try:
            result = await self._wait(arg, frozen_at - (time.perf_counter() - start))
        except PlaywrightTimeout:
            result = None
        if result == "done":
            return time.perf_counter() - start
        # frozen: too slow, or the modal. Does it recover by itself?
        modal = bool(result and result.startswith("modal"))
        self.tally.frozen_sessions.add(self.number)
        self.tally.modals += modal
        recovered, machine = False, ""
        if not modal:
            machine = await self.dump_server()
            try:
                result = await self._wait(arg, self.args.give_up_after - frozen_at)
                recovered = result == "done"
                modal = bool(result and result.startswith("modal"))
                self.tally.modals += modal
            except PlaywrightTimeout:
                pass
        took = time.perf_counter() - start
        self.tally.recovered += recovered
        what = (result or "no answer")[:200] if modal else ("finished" if recovered else "still not finished")
        line = f"session {self.number}, {name} on {self.where} ({self.lang}): {took:.0f} s, {what}"
        if not modal:
            line += f" (at {self.args.frozen_after:.0f} s: {machine})"
        self.tally.frozen.append(line)
        print(f"  FROZEN {line}", flush=True)
        if self.events:
            path = LOGS / f"trace-s{self.number}-{int(time.time())}.txt"
            path.write_text(line + "\n" + "\n".join(self.events) + "\n", encoding="utf-8")
        return took if recovered else None

    async def _wait(self, arg: dict, timeout_s: float) -> str:
        """What SETTLED_JS answers within ``timeout_s``; a page that navigates meanwhile is asked again."""
        deadline = time.perf_counter() + max(timeout_s, 1)
        while True:
            left = deadline - time.perf_counter()
            try:
                handle = await self.page.wait_for_function(
                    SETTLED_JS, arg=arg, polling=100, timeout=max(left, 0.1) * 1000
                )
                return await handle.json_value()
            except PlaywrightTimeout:
                raise
            except PlaywrightError:  # the execution context was destroyed (a navigation): ask the new page
                if time.perf_counter() > deadline:
                    raise PlaywrightTimeout("the page kept navigating") from None
                await asyncio.sleep(0.2)

    async def dump_server(self) -> str:
        """Where the machine is while an action stalls: the busiest processes and, with ``--py-spy``, what
        the server's script threads do (a dump of all its threads goes to build/bench-load/stall-*.txt)."""
        processes = list(psutil.process_iter(["name", "cmdline"]))
        for process in processes:
            with contextlib.suppress(psutil.Error):
                process.cpu_percent(None)
        await asyncio.sleep(1)
        busy = []
        for process in processes:
            with contextlib.suppress(psutil.Error):
                busy.append((process.cpu_percent(None), " ".join(process.info["cmdline"] or [process.info["name"]])))
        top = ", ".join(f"{cmd[:50]} {pct:.0f}%" for pct, cmd in sorted(busy, reverse=True)[:3])
        summary = f"load {os.getloadavg()[0]:.0f}; busiest: {top}"
        if self.args.py_spy and self.args.server_pid:
            out = subprocess.run([self.args.py_spy, "dump", "--pid", str(self.args.server_pid)],
                                 capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
            runners = [t for t in out.stdout.split("\nThread ") if "scriptThread" in t.splitlines()[0]]
            waiting = sum("Condition.wait" in t or ".acquire" in t for t in runners)
            summary += f"; server: {len(runners)} script thread(s), {waiting} waiting on a lock"
            path = LOGS / f"stall-s{self.number}-{int(time.time())}.txt"
            path.write_text(f"{summary}\n{out.stdout}{out.stderr}", encoding="utf-8")
        return summary

    async def exceptions(self) -> None:
        """Exceptions the page shows (st.exception blocks), counted by their first line."""
        for text in await self.page.locator('[data-testid="stException"]').all_inner_texts():
            self._count(self.tally.exceptions, text.strip().splitlines()[0][:160] if text.strip() else "?")

    # ------------------------------------------------------------------------- actions

    def sidebar(self):
        return self.page.get_by_test_id("stSidebar")

    async def mark(self) -> None:
        """The action's effective event comes next: the clock starts, the page's run count is noted."""
        self.runs_before = 0 if self.page.url == "about:blank" else await self.page.evaluate("window.__runs || 0")
        self.started_at = time.perf_counter()

    async def open_map(self) -> None:
        self.runs_before, self.started_at = 0, time.perf_counter()  # a new document counts from 0
        await self.page.goto(self.args.url, wait_until="commit")
        self.lang, self.where = "zh", "map"

    async def search(self, rng: random.Random) -> None:
        box = self.sidebar().get_by_role("textbox").first
        await box.fill(rng.choice(SEARCHES))
        await self.mark()
        await box.press("Enter")

    async def pick(self, widget, option: str) -> None:
        """Open ``widget``'s list and click ``option``."""
        target = self.page.get_by_role("option", name=option, exact=True)
        for _ in range(5):  # a rerun that redraws the widget may close its list under the pointer
            await widget.locator("input").click()
            try:
                await target.wait_for(timeout=3_000)
                await self.mark()
                await target.click(timeout=5_000)
                await self.page.keyboard.press("Escape")
                await self.page.evaluate("document.activeElement && document.activeElement.blur()")
                return
            except PlaywrightTimeout:
                await self.page.keyboard.press("Escape")
        raise BenchError(f"option {option!r} never appeared")

    async def expander(self, layer: str) -> None:
        expander = self.sidebar().get_by_test_id("stExpander").filter(has_text=LAYERS[layer].label(self.lang)).first
        if await expander.locator("details").get_attribute("open") is None:
            await expander.locator("summary").click()

    async def grade(self, rng: random.Random) -> None:
        """Another scenic grade (or all) in the scenic spots' selectbox."""
        await self.expander("scenic_spots")
        value = rng.choice((None, *GRADES.values[:3]))
        widget = self.sidebar().get_by_test_id("stSelectbox").filter(has_text=tr("app_grade", self.lang)).first
        await self.pick(widget, GRADES.label(value, self.lang) if value else tr("app_all", self.lang))

    async def level(self, rng: random.Random) -> None:
        """Add a heritage level to the multiselect, or remove one when some are chosen."""
        await self.expander("heritage_units")
        widget = self.sidebar().get_by_test_id("stMultiSelect").filter(has_text=tr("app_level", self.lang)).first
        remove = widget.locator('[data-tag] button[aria-label^="Remove"]')
        if await remove.count():
            await self.mark()
            await remove.first.click()
            return
        await self.pick(widget, HERITAGE_LEVELS.label(rng.choice(HERITAGE_LEVELS.values), self.lang))

    async def language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        await self.mark()
        await self.sidebar().get_by_text("English" if self.lang == "en" else "中文", exact=True).click()

    async def switch_page(self, target: str) -> None:
        link = self.sidebar().get_by_test_id("stSidebarNav").get_by_text(tr(PAGES[target], self.lang), exact=True)
        await self.mark()
        await link.click()
        self.where = target

    async def route_mode(self, rng: random.Random) -> None:
        widget = self.sidebar().get_by_test_id("stSelectbox").filter(has_text=tr("routes_mode", self.lang)).first
        await self.pick(widget, tr(rng.choice(MODES), self.lang))

    async def pan_zoom(self, rng: random.Random) -> None:
        frame = self.page.frame_locator('iframe[src*="/streamlit_folium.st_folium/"]').first
        move = rng.choice(("map_div.setZoom(map_div.getZoom() + 1)", "map_div.setZoom(map_div.getZoom() - 1)",
                           "map_div.panBy([200, 0])", "map_div.panBy([0, -150])"))  # fmt: skip
        await self.mark()
        moved = await frame.locator("body").evaluate(f"() => typeof map_div.panBy === 'function' && ({move}, true)")
        if not moved:
            raise BenchError("the map was not drawn yet")

    def choices(self) -> list[tuple[str, int]]:
        """(action, weight) possible where the session is."""
        other_pages = [(f"page: {p}", 2 if p == "map" else 1) for p in PAGES if p != self.where]
        common = [("open Map page", 1), ("language", 1), *other_pages]
        if self.where == "map":
            return [*common, ("search", 3), ("filter grade", 2), ("filter level", 2), ("pan/zoom", 3)]
        if self.where == "routes":
            return [*common, ("route mode", 3)]
        return common

    async def act(self, name: str, rng: random.Random, wait: bool = True) -> float | None:
        """Do ``name`` and wait for its result (``wait``); seconds, or None (frozen, or not waited for)."""
        actions = {
            "open Map page": self.open_map,
            "search": lambda: self.search(rng),
            "filter grade": lambda: self.grade(rng),
            "filter level": lambda: self.level(rng),
            "language": self.language,
            "route mode": lambda: self.route_mode(rng),
            "pan/zoom": lambda: self.pan_zoom(rng),
        }
        if name.startswith("page: "):
            await self.switch_page(name.removeprefix("page: "))
        else:
            await actions[name]()
        if not wait:
            return None
        return await self.settle(name, self.started_at, self.runs_before, self.where in MAP_PAGES)


async def run_session(session: Session, deadline: float, rng: random.Random, script: list[str] | None = None) -> None:
    """Mixed actions until ``deadline`` (perf_counter), or ``script``'s actions in turn; a short pause
    between. Mixed: now and then (``--impatient``) the next action comes before the page has settled, as
    a user clicks on while the app is still running."""
    tally = session.tally
    pending = ["open Map page", *(script or [])]
    while time.perf_counter() < deadline and (script is None or pending):
        if pending:
            name = pending.pop(0)
        elif script is None:
            names, weights = zip(*session.choices())
            name = rng.choices(names, weights)[0]
        else:
            break
        impatient = script is None and name != "open Map page" and rng.random() < session.args.impatient
        try:
            seconds = await session.act(name, rng, wait=not impatient)
        except (PlaywrightError, BenchError) as exc:  # a widget or map not found: the page is not as expected
            session._count(tally.misses, f"{name}: {str(exc).splitlines()[0][:120]}")
            seconds, impatient = None, False
        tally.actions += 1
        if impatient:
            tally.impatient += 1
            await asyncio.sleep(rng.uniform(0.1, 0.8))
            continue
        if seconds is None:  # frozen or lost: reload, as a user would
            with contextlib.suppress(PlaywrightError):
                await session.act("open Map page", rng)
        else:
            tally.seconds.setdefault(name if not name.startswith("page: ") else "switch page", []).append(seconds)
        with contextlib.suppress(PlaywrightError):  # a page that navigates meanwhile
            await session.exceptions()
        await asyncio.sleep(rng.uniform(0.3, 1.5) if script is None else 0.3)


async def new_session(browser, number: int, tally: Tally, args, trace: bool) -> Session:
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(30_000)
    await context.add_init_script(script=RUNS_JS)
    return Session(number, context, page, tally, args, trace)


BASELINE_SCRIPT = [
    "search", "filter grade", "filter level", "pan/zoom", "language", "language", "page: analysis", "page: routes",
    "route mode", "page: lens", "page: compare", "page: map", "open Map page",
]  # fmt: skip


async def baseline(browser, args) -> Tally:
    """One session alone, each action ``BASELINE_REPEAT`` times: what an action takes without load."""
    tally = Tally()
    session = await new_session(browser, 0, tally, args, trace=False)
    try:
        await run_session(session, float("inf"), random.Random(0), BASELINE_SCRIPT * BASELINE_REPEAT)
    finally:
        await session.context.close()
    return tally


async def load_run(browser, args, server: Server, number: int) -> tuple[Tally, dict]:
    """``args.sessions`` sessions at once for ``args.seconds``; memory at the start, middle and end."""
    tally = Tally()
    info = {"load_start": os.getloadavg(), "rss_start": server.rss_mb()}
    sessions = [await new_session(browser, i + 1, tally, args, args.trace) for i in range(args.sessions)]
    deadline = time.perf_counter() + args.seconds
    started = time.perf_counter()

    async def middle() -> None:
        await asyncio.sleep(args.seconds / 2)
        info["rss_middle"] = server.rss_mb()

    async def staggered(i: int, session: Session) -> None:
        await asyncio.sleep(i * args.arrival)  # users do not all arrive in the same instant
        try:
            await run_session(session, deadline, random.Random(args.seed * 1000 + number * 100 + i))
        except Exception as exc:  # noqa: BLE001 - the bench's own failure ends this session, not the run
            session._count(tally.misses, f"session ended: {exc.__class__.__name__}: {str(exc).splitlines()[0][:120]}")

    cpu_before = cpu_split(server)
    try:
        await asyncio.gather(middle(), *(staggered(i, s) for i, s in enumerate(sessions)))
        info["rss_end"] = server.rss_mb()  # the sessions still open
        info["cpu"] = {k: v - cpu_before[k] for k, v in cpu_split(server).items()}  # before the browsers close
    finally:
        for session in sessions:
            await session.context.close()
    info.update(seconds=time.perf_counter() - started, load_end=os.getloadavg())
    return tally, info


def cpu_split(server: Server) -> dict[str, float]:
    """CPU seconds used so far by the server's processes, the browsers (Playwright's driver and Chromium:
    this process's other children), this process, and the whole machine (every core, every process)."""

    def cpu(processes) -> float:
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    me = psutil.Process()
    children = me.children(recursive=True)
    server_tree = set()
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(server.process.pid)
        server_tree = {root.pid, *(p.pid for p in root.children(recursive=True))}
    machine = psutil.cpu_times()
    return {
        "server": cpu(p for p in children if p.pid in server_tree),
        "browsers": cpu(p for p in children if p.pid not in server_tree),
        "bench": cpu([me]),
        "machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
    }


def _warm(server: Server, timeout_s: float = 300) -> None:
    """Wait until the server's warm-up thread has filled the caches (its console says so)."""
    deadline = time.monotonic() + timeout_s
    while "caches warmed" not in server.log.read_text(errors="replace"):
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise BenchError(f"the app did not finish its warm-up; see {server.log}")
        time.sleep(1)


async def bench(args) -> tuple[Tally, list[tuple[Tally, dict]], dict]:
    LOGS.mkdir(parents=True, exist_ok=True)
    with (CachingServer if args.message_cache else Server)(REPO / "app.py", LOGS / "app.log", REPO) as server:
        server.start()
        server.wait_ready()
        _warm(server)
        args.url, args.server_pid = server.url, server.process.pid
        info = {"rss_ready": server.rss_mb(), "load_ready": os.getloadavg()}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            info["chromium"] = browser.version
            try:
                print("one session alone (the baseline) ...", flush=True)
                alone = await baseline(browser, args)
                info["rss_after_baseline"] = server.rss_mb()
                runs = []
                for number in range(1, args.runs + 1):
                    print(f"run {number} of {args.runs}: {args.sessions} sessions for {args.seconds:.0f} s ...",
                          flush=True)  # fmt: skip
                    tally, run_info = await load_run(browser, args, server, number)
                    runs.append((tally, run_info))
                    print(f"  frozen sessions {len(tally.frozen_sessions)}, modals {tally.modals}, actions "
                          f"{tally.actions}, RSS {run_info['rss_start']:.0f} -> {run_info['rss_middle']:.0f} -> "
                          f"{run_info['rss_end']:.0f} MiB, load {run_info['load_end'][0]:.1f}", flush=True)  # fmt: skip
            finally:
                await browser.close()
    return alone, runs, info


# ----------------------------------------------------------------------------- report


def _p(values: list[float], q: int) -> float:
    """The ``q``-th percentile (50, 90) of ``values``, interpolated."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[q // 10 - 1] if q != 50 else statistics.median(values)


def _cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text(encoding="utf-8").splitlines() if cpuinfo.exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def report(alone: Tally, runs: list[tuple[Tally, dict]], info: dict, args) -> list[str]:
    """The bench/load.py section of BENCHMARKS.md."""
    options = " ".join(a for a in sys.argv[1:] if a.startswith("--") and a != "--out") or "defaults"
    lines = [
        f"## Under load: {args.sessions} browser sessions with mixed actions for {args.seconds:.0f} s, {len(runs)} run(s)"
        + (", Streamlit's message cache on (as before issue 22)" if args.message_cache else ""),
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by bench/load.py ({options}) on {_cpu_name()}, {os.cpu_count()} "
        f"cores (the server, the {args.sessions} headless Chromium sessions and other engineers' jobs share them: "
        f"load averages below); Python {platform.python_version()}, Streamlit {version('streamlit')}, Chromium "
        f"{info.get('chromium', '?')}. One server (`culturemap serve`, bundled packs) for all runs; server RSS "
        f"{info['rss_ready']:.0f} MiB after its warm-up, {info['rss_after_baseline']:.0f} MiB after the baseline.",
        "",
        "Method: each session opens the Map page, then picks actions at random where it is (search, grade or level "
        "filter, pan/zoom on the Map page; the route mode on Routes; a language switch, a page switch or a fresh "
        f"Map page anywhere), with 0.3-1.5 s between; {args.impatient:.0%} of them are not waited for (the next "
        "action follows 0.1-0.8 s after the click, as a user clicks on while the app still runs: not timed). An action counts from its click or navigation until the "
        "page has settled: its rerun sent, Streamlit idle and the sidebar shown for 0.6 s, a map drawn on the "
        f"pages that open on one. *Frozen*: an action not settled after {args.frozen_after:.0f} s, or Streamlit's "
        f"connection-error modal; such a session waits up to {args.give_up_after:.0f} s, then reloads. Baseline: "
        f"one session alone, each action {BASELINE_REPEAT} times, before the runs. Goal: 0 frozen sessions in 3 "
        "runs, server memory flat.",
        "",
        "| run | load avg start / end | actions (not waited for) | frozen sessions | frozen actions (modal / "
        "recovered) | page exceptions | console errors | RSS start / middle / end MiB | CPU s: server / browsers / "
        "bench / machine | received MB (ref msgs / cacheable) |",
        "|---:|---|---:|---:|---|---:|---:|---|---|---|",
    ]
    for number, (tally, run) in enumerate(runs, 1):
        received = f"{tally.received_mb:.0f} ({tally.refs} / {tally.cacheable})" if args.trace else "not traced"
        cpu = " / ".join(f"{run['cpu'][k]:.0f}" for k in ("server", "browsers", "bench", "machine"))
        lines.append(
            f"| {number} | {run['load_start'][0]:.1f} / {run['load_end'][0]:.1f} | {tally.actions} "
            f"({tally.impatient}) | {len(tally.frozen_sessions)} of {args.sessions} | {len(tally.frozen)} "
            f"({tally.modals} / {tally.recovered}) | {sum(tally.exceptions.values())} | "
            f"{sum(tally.console.values())} | {run['rss_start']:.0f} / {run['rss_middle']:.0f} / "
            f"{run['rss_end']:.0f} | {cpu} | {received} |"
        )
    names = sorted({n for tally, _ in runs for n in tally.seconds} | set(alone.seconds))
    header = " | ".join(f"run {i} p50 / p90 s (n)" for i in range(1, len(runs) + 1))
    lines += ["", f"| action | alone p50 s | {header} | p50 / alone (all runs) |",
              "|---|---:|" + "---:|" * len(runs) + "---:|"]  # fmt: skip
    for name in names:
        base = alone.seconds.get(name)
        cells = []
        for tally, _ in runs:
            values = tally.seconds.get(name)
            cells.append(f"{_p(values, 50):.2f} / {_p(values, 90):.2f} ({len(values)})" if values else "-")
        pooled = [x for tally, _ in runs for x in tally.seconds.get(name, [])]
        ratio = f"{_p(pooled, 50) / _p(base, 50):.1f}x" if base and pooled else ""
        lines.append(f"| {name} | {f'{_p(base, 50):.2f}' if base else '-'} | {' | '.join(cells)} | {ratio} |")
    problems = [(f"run {i}", t) for i, (t, _) in enumerate(runs, 1)] + [("baseline", alone)]
    notes = []
    for who, tally in problems:
        notes += [f"- {who}: frozen: {line}" for line in tally.frozen[:5]]
        notes += [f"- {who}: page exception {n} x: {text}" for text, n in tally.exceptions.items()]
        notes += [f"- {who}: console {n} x: {text}" for text, n in list(tally.console.items())[:5]]
        notes += [f"- {who}: action not done (widget not found) {n} x: {text}" for text, n in tally.misses.items()]
    if notes:
        lines += ["", "What went wrong:", "", *notes]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="browser sessions at once")
    parser.add_argument("--seconds", type=float, default=300, help="length of a run (s)")
    parser.add_argument("--runs", type=int, default=3, help="runs on the same server")
    parser.add_argument("--frozen-after", type=float, default=30, help="an action not settled by then is frozen (s)")
    parser.add_argument("--give-up-after", type=float, default=120, help="a frozen session reloads then (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--arrival", type=float, default=3, help="seconds between the sessions' first visits")
    parser.add_argument("--message-cache", action="store_true",
                        help="Streamlit's message cache on, as before issue 22 (its own section)")  # fmt: skip
    parser.add_argument("--impatient", type=float, default=0.2, help="share of actions not waited for")
    parser.add_argument("--trace", action="store_true", help="record the websocket messages (costs CPU)")
    parser.add_argument("--py-spy", default=shutil.which("py-spy"), help="py-spy, to dump the server on a stall")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        raise BenchError(f"{CHROMIUM} is missing: run `make system-deps`")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out
    alone, runs, info = asyncio.run(bench(args))
    lines = report(alone, runs, info, args)
    if args.no_write:
        print("\n".join(lines))
    else:
        owner = f"{OWNER} --message-cache" if args.message_cache else OWNER
        write_section(args.out, owner, lines)
        print(f"wrote the {owner} section of {args.out}")
    frozen = sum(len(t.frozen_sessions) for t, _ in runs)
    if frozen:
        sys.exit(f"{frozen} frozen session(s) in {len(runs)} run(s): see {LOGS}")


if __name__ == "__main__":
    main()
