"""What the Map page draws over the map for a signed-in contributor or editor (issue 28).

- The **drag handle** of the asset chosen in the Edit panel: a ring on its position that the user drags
  to where the asset belongs. When it is dropped, it fires a map click at the drop point carrying the
  asset's ``dragged`` key: streamlit-folium reports the click (``last_clicked``: ``lat``, ``lng``,
  ``dragged``), and the page fills the Edit panel's move form with it (saved only when the user says).
  Dragged before, the handle is drawn where it was dropped, joined to the stored position by a dashed line.
- The **pending changes of their author**: each proposal of the signed-in contributor still waiting for
  review, as a dashed marker where it would put the asset (a move: joined to the stored position), named
  "#3 pending review: move 西塔" for the pointer and for screen readers.

Positions come in WGS-84 and are drawn in the basemap's datum. Every name is HTML-escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import folium
from branca.element import MacroElement, Template

from culturemap.crs import from_wgs84
from culturemap.i18n import tr

HANDLE_CLASS = "cm-drag-handle"
PENDING_CLASS = "cm-pending"
OVERLAY_CSS = (
    f".{HANDLE_CLASS}{{border:3px solid #b30000;border-radius:50%;background:rgba(255,255,255,.55);"
    "box-shadow:0 0 0 2px #fff;cursor:move}"
    f".{PENDING_CLASS}{{border:2px dashed #8c2d04;border-radius:3px;background:rgba(253,174,97,.75)}}"
)


@dataclass(frozen=True)
class Handle:
    """The drag handle of one asset: ``key`` ("layer/id"), its name, its stored WGS-84 position and,
    once dragged, the WGS-84 drop point (``to``)."""

    key: str
    name: str
    lon: float
    lat: float
    to: tuple[float, float] | None = None


@dataclass(frozen=True)
class Pending:
    """One pending proposal drawn for its author: number, action, asset name, the WGS-84 position it
    shows (``at``) and, for a move, the stored position it leaves (``start``)."""

    number: int
    action: str
    name: str
    at: tuple[float, float]
    start: tuple[float, float] | None = None


class _DropReports(MacroElement):
    """The parent marker's drop fires a map click at the drop point, tagged with the asset's key."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("dragend", function(e) {
            var at = e.target.getLatLng(), spot = L.latLng(at.lat, at.lng);
            spot.dragged = {{ this.key | tojson }};
            e.target._map.fire("click", {latlng: spot});
        });
        {% endmacro %}
        """
    )

    def __init__(self, key: str):
        super().__init__()
        self._name = "DropReports"
        self.key = key


def _shown(point: tuple[float, float], datum: str) -> list[float]:
    """``point`` (WGS-84 lon, lat) as Leaflet's [lat, lon] in ``datum``."""
    lon, lat = from_wgs84([point[0]], [point[1]], datum)
    return [round(float(lat[0]), 7), round(float(lon[0]), 7)]


def edit_overlay(handle: Handle | None, pending: list[Pending], lang: str, datum: str) -> folium.FeatureGroup:
    """The layer of the drag handle and the author's pending changes (empty when there are none)."""
    group = folium.FeatureGroup(name="edit", control=False)
    for item in pending:
        label = tr("edit_pending_marker", lang, proposal=item.number,
                   action=tr(f"history_action_{item.action}", lang), name=item.name)  # fmt: skip
        at = _shown(item.at, datum)
        if item.start is not None:
            folium.PolyLine([_shown(item.start, datum), at], color="#8c2d04", weight=2, dash_array="4 4").add_to(group)
        # a change in place (fields, retire, restore) is a badge at the marker's upper right, the marker kept visible
        anchor = (8, 8) if item.action in ("add", "move") else (-4, 20)
        folium.Marker(at, icon=folium.DivIcon(html="", icon_size=(16, 16), icon_anchor=anchor, class_name=PENDING_CLASS),
                      tooltip=escape(label), title=label, keyboard=True).add_to(group)  # fmt: skip
    if handle is not None:
        start = (handle.lon, handle.lat)
        at = _shown(handle.to or start, datum)
        if handle.to is not None:
            folium.PolyLine([_shown(start, datum), at], color="#b30000", weight=2, dash_array="6 4").add_to(group)
        label = tr("edit_drag_handle", lang, name=handle.name)
        marker = folium.Marker(at, draggable=True, keyboard=True, title=label, z_index_offset=1000,
                               icon=folium.DivIcon(html="", icon_size=(30, 30), icon_anchor=(15, 15),
                                                   class_name=HANDLE_CLASS),
                               tooltip=escape(label))  # fmt: skip
        _DropReports(handle.key).add_to(marker)
        marker.add_to(group)
    return group
