"""The ``serve`` command: start the web app (``streamlit run app.py``), the packs loaded and their opening
maps drawn in this process while the server starts."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from culturemap.cli.args import port


def add_serve_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap serve [--port 8501]``."""
    serve = sub.add_parser(
        "serve", help="start the web app; the packs load and their opening maps draw while it starts"
    )
    serve.add_argument("--port", type=port, default=8501, help="HTTP port (default 8501)")
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """``streamlit run app.py``, with the caches warmed in a thread while the server starts (the
    caches live in this process, so the first visitor finds the packs loaded and the maps drawn)."""
    import gc
    import threading

    from streamlit.web import cli as streamlit_cli

    from culturemap.ui.app import warm_up

    app = Path(__file__).resolve().parents[3] / "app.py"  # src/culturemap/cli/serve.py -> the checkout
    if not app.is_file():
        raise ValueError(f"{app.name} not found beside src/: run serve from a checkout of the repository")

    def warm() -> None:  # the console says when the first visitor finds everything ready
        started = time.perf_counter()
        warmed = warm_up(wait_for_server=True)
        # what is cached now (packs, drawn maps, road graphs) lives as long as the server: the garbage
        # collector need not walk it again on every collection
        gc.collect()
        gc.freeze()
        print(f"  culturemap: caches warmed for {', '.join(warmed) or 'no city'} in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)  # fmt: skip

    threading.Thread(target=warm, name="culturemap-warm-up", daemon=True).start()
    # no file watcher: a served app does not reload on edits (use `streamlit run app.py` while developing);
    # no full garbage collection after every script run, and no message cache: a busy browser froze on a
    # "Cached ForwardMsg MISS" (see .streamlit/config.toml, read only in the checkout, for both)
    streamlit_cli.main(["run", str(app), "--server.port", str(args.port), "--server.headless", "true",
                        "--server.fileWatcherType", "none", "--runner.postScriptGC", "false",
                        "--global.minCachedMessageSize", "1e12"],
                       prog_name="streamlit")  # fmt: skip
    return 0
