"""A folium map shown through streamlit-folium's component, rendered once instead of on every rerun.

``st_folium`` renders the whole folium map to HTML and JavaScript on every script run: for the
explorer's map that is most of a rerun's server time (jinja compiles each element's template again;
about 0.7 s warm and 4 s cold on a 2-core machine), although the map only changes when its inputs
do. :func:`prepare` does the same rendering once (callers cache the result with the inputs that
decide the map), and :func:`show` hands the prepared strings to the same component with the same
arguments ``st_folium`` would pass, so the browser side, the returned values and the component's
identity (a hash of the map's script: a new map remounts, a pan does not) are unchanged.

What changes more often than the map goes in a layer over it (:func:`layer_script`, the
``feature_group_to_add`` of ``st_folium``): a new layer replaces the old one in the mounted map,
which neither reloads nor blanks.

The helpers used here are streamlit-folium's own (pinned in requirements.txt); the tests that drive
the map in AppTest and Chromium fail if a new version changes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
import folium.elements
import streamlit as st
import streamlit_folium as sf
from streamlit import runtime

from culturemap.render.assets import walk


def served(component):
    """``component``, registered with the running server so that its files are served.

    Streamlit registers a component only when it is declared inside a script run; the warm-up
    thread of ``culturemap serve`` imports streamlit-folium (whose map component is declared at
    import) and declares the vendored files before any visitor, so it registers them with this
    (registering again is harmless)."""
    if runtime.exists():
        runtime.get_instance().component_registry.register_component(component)
    return component


# what the component reports before the first click: the values it starts from, so that a newly
# mounted map does not send them back as a change (which would rerun the page once more)
_UNCLICKED = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": 0}
MAP_DRAWN = "map_drawn"  # session state: a map has been drawn in this session's browser (see first_drawn)


@dataclass(frozen=True)
class PreparedMap:
    """What the component needs from a folium map, rendered: its script, HTML, header, links."""

    script: str
    html: str
    header: str
    map_id: str
    js_links: tuple[str, ...]
    css_links: tuple[str, ...]
    bounds: tuple[tuple[float | None, float | None], tuple[float | None, float | None]]
    zoom: float | None


def _links(fmap: folium.Map) -> tuple[list[str], list[str]]:
    """The JavaScript and CSS files the map's plugins ask for, in document order, once each."""
    plugins = [e for e in walk(fmap) if isinstance(e, folium.elements.JSCSSMixin)]
    js = [src for e in plugins for _, src in e.default_js]
    css = [href for e in plugins for _, href in e.default_css]
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


def prepare(fmap: folium.Map) -> PreparedMap:
    """Render ``fmap`` once for :func:`show` (this mutates ``fmap``: do not render it again)."""
    fmap.render()
    js_links, css_links = _links(fmap)
    try:
        bounds = fmap.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    return PreparedMap(
        script=sf._get_map_string(fmap),
        html=sf._get_html(fmap),
        header=sf._get_header(fmap),
        map_id=sf.get_full_id(fmap),
        js_links=tuple(js_links),
        css_links=tuple(css_links),
        bounds=(tuple(bounds[0]), tuple(bounds[1])),
        zoom=fmap.options.get("zoom"),
    )


def layer_script(group: folium.FeatureGroup, index: int = 0) -> str:
    """``group`` as the script :func:`show` adds over a prepared map (this mutates ``group``); the
    scripts of several layers, each with its own ``index``, are joined.

    Its elements may use only what the map already loads (Leaflet itself: paths, markers, GeoJSON).
    """
    return sf._get_feature_group_string(group, folium.Map(tiles=None), idx=index)


def show(
    prepared: PreparedMap,
    *,
    key: str,
    height: int,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    returned_objects: Sequence[str] = ("center", "zoom"),
    layer: str | None = None,
) -> dict | None:
    """The prepared map in the page, filling the container's width, with ``layer`` (from
    :func:`layer_script`) over it; returns what the map reports (the ``returned_objects`` of
    ``st_folium``). A new ``layer`` replaces the previous one without reloading the map."""
    (south, west), (north, east) = prepared.bounds
    defaults = {
        "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        "zoom": prepared.zoom,
        **_UNCLICKED,
    }
    hash_key = sf.generate_js_hash(prepared.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=prepared.script,
        header=prepared.header,
        html=prepared.html,
        id=prepared.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=zoom,
        center=center,
        feature_group=layer,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(prepared.css_links),
        js_links=list(prepared.js_links),
        on_change=_on_change,
        wrap_longitude=False,
    )


def first_drawn(reported: bool) -> None:
    """Call after a page's first map with whether that map has reported from the browser. Its first
    report in a session sets :data:`MAP_DRAWN` and reruns the whole page: what a page holds back until
    its map is on screen (tables, charts, the sections below the map) is then added. A browser loads
    the map's scripts and each table's and chart's at once otherwise, and the map comes last."""
    if reported and not st.session_state.get(MAP_DRAWN):
        st.session_state[MAP_DRAWN] = True
        st.rerun(scope="app")
