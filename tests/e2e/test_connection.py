"""A browser that handles the server's messages late (a busy machine, ten users) keeps working.

Streamlit's message cache (1.67) froze such a page: the browser lists the messages it holds with
each rerun request, the server then sends only a reference to those, and the browser drops a
message once it has gone unused for a few runs. When a click lands before the browser has handled
the previous run's messages (Chromium handles input before network messages, so under load it
often does), that run's end drops a message after the new request already listed it: "Cached
ForwardMsg MISS", a connection-error modal, and a page that stays frozen until reloaded (issue 22).
Here the browser's handling of the websocket's messages is held back on purpose, and released
one message per task as Chromium delivers them.
"""

import os
import time

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from culturemap.i18n import tr
from tests.conftest import write_pack
from tests.e2e.conftest import ARTIFACTS, MAP_IFRAME, WAIT_S, open_app, running_app, wait_idle

pytestmark = pytest.mark.e2e

# Holds the page's websocket messages while window.__gate.closed, then hands them over in order,
# each in a task of its own (as the browser delivers them); installed before Streamlit connects.
GATE_JS = """(() => {
  const add = WebSocket.prototype.addEventListener;
  window.__gate = {closed: false, queue: []};
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'message') return add.call(this, type, listener, options);
    const gated = (event) => window.__gate.closed ? window.__gate.queue.push(() => listener.call(this, event))
                                                  : listener.call(this, event);
    return add.call(this, type, gated, options);
  };
  window.__openGate = async () => {
    for (const deliver of window.__gate.queue.splice(0)) { deliver(); await new Promise((r) => setTimeout(r, 0)); }
    window.__gate.closed = false;
  };
})();"""
# the connection-error modal (its text), or "map" once the Map page's Leaflet map is drawn and Streamlit idle
MODAL_OR_MAP_JS = """frames => {
  for (const d of document.querySelectorAll('[role="dialog"]'))
    if (d.textContent.includes('Connection error')) return d.textContent;
  const idle = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning';
  for (const f of document.querySelectorAll(frames)) {
    try { if (idle && f.contentWindow.map_div && f.contentWindow.map_div._loaded) return 'map'; } catch (e) {}
  }
  return false;
}"""


@pytest.fixture(scope="module")
def one_city_url(tmp_path_factory):
    """The app serving one test pack (a server of its own: the page sequence below needs nothing else)."""
    root = tmp_path_factory.mktemp("connection-data")
    write_pack(root / "testville")
    with running_app({**os.environ, "CULTUREMAP_DATA": str(root)}, "streamlit-connection.log") as url:
        log = ARTIFACTS / "streamlit-connection.log"
        deadline = time.monotonic() + 180
        while "caches warmed" not in log.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.5)  # the page below is timed against a warm server, as a visitor finds it
        yield url


class RunsFinished:
    """Counts the ``script_finished`` messages the server has sent (on the wire, before the gate)."""

    def __init__(self, page):
        self.count = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload) -> None:
        if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
            self.count += 1

    def wait_for_more(self, page, than: int) -> None:
        page.wait_for_timeout(100)
        deadline = WAIT_S * 1000
        while self.count <= than and deadline > 0:
            page.wait_for_timeout(100)
            deadline -= 100
        assert self.count > than, "the server did not finish the run"


def _nav(page, page_key: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(tr(page_key, "zh"), exact=True).click()


def test_a_click_before_the_last_run_is_handled_leaves_no_frozen_page(page, one_city_url):
    page.context.add_init_script(script=GATE_JS)
    finished = RunsFinished(page)
    open_app(page, one_city_url)
    # the map drawn: its message is the large one the cache held
    page.wait_for_function(MODAL_OR_MAP_JS, arg=MAP_IFRAME)
    page.wait_for_timeout(1500)  # the map's first report and the rerun it asks for
    wait_idle(page)
    before = finished.count
    _nav(page, "page_compare")  # a page without that map: one run in which the map's message goes unused
    finished.wait_for_more(page, before)
    wait_idle(page)

    page.evaluate("window.__gate.closed = true")  # from here the browser is 'busy': messages wait
    before = finished.count
    _nav(page, "page_data")  # a second such run, sent to the server ...
    finished.wait_for_more(page, before)  # ... and finished there, its messages not yet handled
    before = finished.count
    _nav(page, "page_map")  # back to the map, asked for while the browser still lists the map as held
    finished.wait_for_more(page, before)
    page.evaluate("window.__openGate()")

    shown = page.wait_for_function(MODAL_OR_MAP_JS, arg=MAP_IFRAME, timeout=WAIT_S * 1000).json_value()
    assert shown == "map", f"the page froze: {shown}"
    assert not [e for e in page.console_log.errors if "ForwardMsg" in e]
