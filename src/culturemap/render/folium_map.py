"""Build the interactive folium map of a city: one feature group per layer, styled by the registry."""

from __future__ import annotations

from html import escape

import folium
import geopandas as gpd

from culturemap.catalog import City
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, COORD_ACCURACY, LAYERS, THEMES, LayerSpec

_POPUP_FIELDS = (
    ("grade", "popup_grade"),
    ("level", "popup_level"),
    ("category", "popup_kind"),
    ("kind", "popup_kind"),
    ("type", "popup_type"),
    ("campus", "popup_campus"),
    ("era", "popup_era"),
    ("district", "popup_district"),
    ("address", "popup_address"),
)


def feature_name(row, lang: str) -> str:
    """The display name of a feature in ``lang``, falling back to the other language."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    return str(row.get(first) or row.get(second) or row.get("id") or "")


def _value_label(spec: LayerSpec, field: str, value, lang: str) -> str:
    field_spec = spec.field(field)
    if field_spec is not None and field_spec.vocabulary is not None:
        return field_spec.vocabulary.label(str(value), lang)
    return str(value)


def fact_card_html(row, spec: LayerSpec, lang: str) -> str:
    """The popup fact card of one feature. Every value is HTML-escaped."""
    other = row.get("name_en") if lang == "zh" else row.get("name_zh")
    parts = [f"<b>{escape(feature_name(row, lang))}</b>"]
    if other:
        parts.append(f"<br><i>{escape(str(other))}</i>")
    parts.append(f"<br><small>{escape(spec.label(lang))}</small><table>")
    for field, key in _POPUP_FIELDS:
        value = row.get(field)
        if spec.field(field) is None or value is None or value == "" or value != value:
            continue
        parts.append(
            f"<tr><th>{escape(tr(key, lang))}</th><td>{escape(_value_label(spec, field, value, lang))}</td></tr>"
        )
    themes = row.get("themes")
    if themes is not None and len(themes):
        labels = ", ".join(THEMES.label(str(t), lang) for t in themes)
        parts.append(f"<tr><th>{escape(tr('popup_themes', lang))}</th><td>{escape(labels)}</td></tr>")
    accuracy = row.get("coord_accuracy")
    if accuracy:
        flag = " ⚠" if accuracy == "approx" else ""
        parts.append(
            f"<tr><th>{escape(tr('popup_accuracy', lang))}</th>"
            f"<td>{escape(COORD_ACCURACY.label(str(accuracy), lang))}{flag}</td></tr>"
        )
    parts.append(f"<tr><th>{escape(tr('popup_source', lang))}</th><td>{escape(str(row.get('source') or ''))}</td></tr>")
    parts.append(f"</table><small>id: {escape(str(row.get('id') or ''))}</small>")
    return "".join(parts)


def _add_points(group: folium.FeatureGroup, frame: gpd.GeoDataFrame, spec: LayerSpec, lang: str) -> None:
    for row in frame.to_dict("records"):
        geom = row["geometry"]
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        dashed = row.get("coord_accuracy") == "approx"
        folium.CircleMarker(
            location=(point.y, point.x),
            radius=6,
            color=spec.color,
            weight=2,
            dash_array="3 3" if dashed else None,
            fill=True,
            fill_color=spec.color,
            fill_opacity=0.55 if dashed else 0.85,
            tooltip=folium.Tooltip(escape(feature_name(row, lang))),
            popup=folium.Popup(fact_card_html(row, spec, lang), max_width=360),
        ).add_to(group)
        if geom.geom_type != "Point":
            folium.GeoJson(
                geom.__geo_interface__, style_function=lambda _f, c=spec.color: {"color": c, "weight": 2}
            ).add_to(group)


def build_map(city: City, lang: str, layer_ids: tuple[str, ...] = ASSET_LAYERS, height_px: int = 640) -> folium.Map:
    """A folium map of ``city`` with the asset layers ``layer_ids``, the districts and the river."""
    cfg = city.config
    fmap = folium.Map(
        location=(cfg.center_lat, cfg.center_lon), zoom_start=cfg.zoom, tiles="OpenStreetMap", height=height_px
    )
    districts = city.layers["districts"]
    if len(districts):
        spec = LAYERS["districts"]
        name_field = "name_zh" if lang == "zh" else "name_en"
        folium.GeoJson(
            districts[[name_field, "geometry"]],
            name=spec.label(lang),
            style_function=lambda _f: {"color": spec.color, "weight": 1.5, "fill": False, "dashArray": "4 4"},
            tooltip=folium.GeoJsonTooltip(fields=[name_field], labels=False),
        ).add_to(fmap)
    river = city.layers["river"]
    if len(river):
        folium.GeoJson(
            river[["geometry"]],
            name=cfg.river_name_zh if lang == "zh" else cfg.river_name_en,
            style_function=lambda _f: {"color": LAYERS["river"].color, "weight": 4, "opacity": 0.8},
        ).add_to(fmap)
    for lid in layer_ids:
        frame = city.layers.get(lid)
        if frame is None or frame.empty:
            continue
        spec = LAYERS[lid]
        group = folium.FeatureGroup(name=f"{spec.label(lang)} ({len(frame)})")
        _add_points(group, frame, spec, lang)
        group.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap
