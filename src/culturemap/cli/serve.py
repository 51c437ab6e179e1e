"""The ``serve`` command: start the web app (``streamlit run app.py``), the packs loaded and their opening
maps drawn in this process while the server starts."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from culturemap.cli.args import port


def add_serve_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap serve [--port 8501]``."""
    serve = sub.add_parser(
        "serve", help="start the web app; the packs load and their opening maps draw while it starts"
    )
    serve.add_argument("--port", type=port, default=8501, help="HTTP port (default 8501)")
    serve.set_defaults(func=cmd_serve)


class _BareThreads(logging.Filter):
    """Drops Streamlit's "missing ScriptRunContext" warning in the threads that import the pages and warm the
    caches outside any script run, on purpose (the warning says it "can be ignored" there); a page's own
    thread still gets it."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """False (drop) for a record logged in a thread inside :meth:`bare`."""
        return record.thread not in self.threads

    @contextmanager
    def bare(self):
        """Within this block, this thread's "missing ScriptRunContext" warnings are dropped."""
        self.threads.add(threading.get_ident())
        try:
            yield
        finally:
            self.threads.discard(threading.get_ident())


def _flags(port: int) -> dict[str, object]:
    """Streamlit's options for a served app, typed as Streamlit's command line parses them: no file watcher
    (a served app does not reload on edits; use `streamlit run app.py` while developing), no full garbage
    collection after every script run and no message cache (a busy browser froze on a "Cached ForwardMsg
    MISS"; see .streamlit/config.toml, read only in the checkout, for both), and Streamlit's INFO lines
    ("Uvicorn server started on ...") left out of the console: it prints the URLs either way."""
    return {"server.port": port, "server.headless": True, "server.fileWatcherType": "none",
            "runner.postScriptGC": False, "global.minCachedMessageSize": 1e12,
            "logger.level": "warning"}  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> int:
    """``streamlit run app.py``, with the caches warmed in a thread while the server starts (the
    caches live in this process, so the first visitor finds the packs loaded and the maps drawn)."""
    import gc

    from streamlit import config
    from streamlit.web import cli as streamlit_cli

    flags = _flags(args.port)
    # The options read with the flags before anything reads them without: importing the pages reads the
    # config, and Streamlit's start then read it again with the flags, a changed [server] section, and said
    # "An update to the [server] config option section was detected... please restart"
    config.get_config_options(force_reparse=True, options_from_flags=flags)
    # headless, Streamlit asks a web service for the machine's public address to print an "External URL";
    # offline that logs "Did not auto detect external IP": the Local and Network URLs are printed either way
    # (a filter: Streamlit sets its loggers' levels from logger.level once the server starts)
    logging.getLogger("streamlit.net_util").addFilter(lambda record: "external IP" not in record.getMessage())
    bare_threads = _BareThreads()
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(bare_threads)
    with bare_threads.bare():
        from culturemap.ui.app import warm_up

    app = Path(__file__).resolve().parents[3] / "app.py"  # src/culturemap/cli/serve.py -> the checkout
    if not app.is_file():
        raise ValueError(f"{app.name} not found beside src/: run serve from a checkout of the repository")

    def warm() -> None:  # the console says when the first visitor finds everything ready
        started = time.perf_counter()
        with bare_threads.bare():
            warmed = warm_up(wait_for_server=True)
        # what is cached now (packs, drawn maps, road graphs) lives as long as the server: the garbage
        # collector need not walk it again on every collection
        gc.collect()
        gc.freeze()
        print(f"  culturemap: caches warmed for {', '.join(warmed) or 'no city'} in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)  # fmt: skip

    threading.Thread(target=warm, name="culturemap-warm-up", daemon=True).start()
    options = [part for name, value in flags.items() for part in (f"--{name}", str(value).lower())]
    streamlit_cli.main(["run", str(app), *options], prog_name="streamlit")
    return 0
