// Installed in every page by bench/ui.py (BrowserContext.add_init_script). It times a step inside the
// page: from its origin (the navigation start of a page load; otherwise the first websocket message the
// page sends after mark(), i.e. the widget change reaching Streamlit, or mark() itself when nothing is
// sent) until the page shows what the step expects, polled every POLL_MS. The map frames are
// st_folium's iframes (same origin): their Leaflet map is the frame's global `map_div`.
(() => {
  if (window.top !== window || window.__bench) return;
  const MAPS = 'iframe[src*="/streamlit_folium.st_folium/"]';
  const POLL_MS = 40;
  const sends = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    sends.push(performance.now());
    return send.call(this, data);
  };

  // A frame's Leaflet map once drawn. A frame that has not sized itself is still loading its scripts:
  // it is not looked into (the browser tests found that polling such a frame can stall it).
  function leaflet(frame) {
    if (frame.getBoundingClientRect().height <= 0) return null;
    try {
      const map = frame.contentWindow && frame.contentWindow.map_div;
      return map && typeof map.getZoom === "function" && map._loaded ? map : null;
    } catch (error) {
      return null; // a frame being torn down
    }
  }

  // What a step may change on a map without replacing it: its basemap, its layers (tiles, overlays,
  // fill colours). Not the offline look (class, notice): the tile probe sets it on its own, at any time.
  function look(map) {
    const parts = [map.cmBasemap || ""];
    map.eachLayer((layer) => {
      const url = layer._url || "";
      parts.push(url.length + url.slice(-40), (layer.options || {}).fillColor || "");
    });
    return parts.join("|");
  }

  function maps() {
    const out = [];
    for (const frame of document.querySelectorAll(MAPS)) {
      const map = leaflet(frame);
      if (!map) {
        out.push({ drawn: false });
        continue;
      }
      const doc = frame.contentDocument;
      const centre = map.getCenter();
      out.push({ drawn: true, map, doc, tag: map.__benchTag || 0, zoom: map.getZoom(), lat: centre.lat, lng: centre.lng,
                 look: look(map) }); // prettier-ignore
    }
    return out;
  }

  function urlView() {
    const q = new URLSearchParams(location.search);
    return q.has("lat") && q.has("lon") ? [Number(q.get("lat")), Number(q.get("lon"))] : null;
  }

  let marked = { at: 0, looks: [], drawn: 0, view: null };
  let current = null;

  function mark() {
    const shown = maps().filter((m) => m.drawn);
    marked = { at: performance.now(), looks: shown.map((m) => m.look), drawn: shown.length, view: urlView() };
    for (const m of shown) m.map.__benchTag = marked.at;
    current = null;
  }

  // Does map `m` show what `spec` asks of a map?
  function mapMatches(m, spec) {
    if (!m.drawn) return false;
    if (spec.count !== undefined && m.doc.querySelectorAll(spec.selector || ".cm-marker").length !== spec.count)
      return false;
    if (spec.changed && m.tag === marked.at && marked.looks.includes(m.look)) return false;
    if (spec.zoom !== undefined && m.zoom !== spec.zoom) return false;
    if (spec.mapText !== undefined && !m.doc.body.textContent.includes(spec.mapText)) return false;
    if (spec.urlView) {
      const view = urlView();
      if (!view || (marked.view && view[0] === marked.view[0] && view[1] === marked.view[1])) return false;
      if (Math.abs(view[0] - m.lat) > 2e-4 || Math.abs(view[1] - m.lng) > 2e-4) return false;
    }
    return true;
  }

  function state(spec) {
    const all = maps();
    const app = document.querySelector('[data-testid="stApp"]');
    const script = app ? app.getAttribute("data-test-script-state") : "not loaded"; // initial, running, notRunning, ...
    const q = new URLSearchParams(location.search);
    const checks = {
      exception: document.querySelector('[data-testid="stException"]') === null,
      idle: !spec.idle || script === "notRunning",
      url: Object.entries(spec.url || {}).every(([k, v]) => (v === null ? !q.has(k) : q.get(k) === v)),
      allMaps: !spec.allMaps || (all.length >= spec.allMaps && all.every((m) => m.drawn)),
      map: !spec.mapCheck || all.some((m) => mapMatches(m, spec)),
    };
    const seen = all.map((m) => (m.drawn ? `${m.doc.querySelectorAll(spec.selector || ".cm-marker").length}@z${m.zoom}` : "not drawn"));
    return { ok: Object.values(checks).every(Boolean), checks, drawn: all.filter((m) => m.drawn).length,
             seen: `${all.length} map frame(s) [${seen.join(", ")}], script ${script}, url ${location.search}` }; // prettier-ignore
  }

  function start(spec) {
    spec.mapCheck = ["count", "changed", "zoom", "urlView", "mapText"].some((k) => spec[k] !== undefined && spec[k] !== false);
    const began = spec.nav ? 0 : marked.at;
    const run = { spec, done: false, ok: false, blankMs: 0, since: null, last: null };
    current = run;
    let previous = performance.now();
    (function poll() {
      if (current !== run) return;
      const now = performance.now();
      const s = state(spec);
      if (!spec.nav && s.drawn < marked.drawn) run.blankMs += now - previous;
      previous = now;
      run.last = s.seen;
      if (!s.checks.exception) {
        Object.assign(run, { done: true, error: "the page shows an exception" });
        return;
      }
      run.since = s.ok ? (run.since === null ? now : run.since) : null;
      if (run.since !== null && now - run.since >= (spec.quietMs || 0)) {
        const origin = spec.nav ? 0 : sends.find((t) => t >= began) ?? began;
        Object.assign(run, { done: true, ok: true, ms: run.since - origin, origin: origin - began,
                             sent: sends.filter((t) => t >= began).length }); // prettier-ignore
        return;
      }
      if (now - began > spec.timeoutMs) {
        Object.assign(run, { done: true, error: `timed out after ${Math.round(spec.timeoutMs / 1000)} s` });
        return;
      }
      setTimeout(poll, POLL_MS);
    })();
  }

  function result() {
    if (!current) return { done: false };
    const { spec, ...out } = current;
    return out;
  }

  window.__bench = { mark, start, result };
})();
