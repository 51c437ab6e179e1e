from html import escape as html_escape

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from culturemap.catalog import load_city
from culturemap.crs import from_wgs84
from culturemap.render.assets import localise_assets
from culturemap.render.folium_map import MapOptions, build_map
from culturemap.render.route import candidates_layer, route_layer
from culturemap.routing.itinerary import plan_route

GEOD = Geod(ellps="WGS84")


def markers(fmap) -> list[tuple[str, dict]]:
    """(icon class, feature) for every asset marker on the map."""
    import folium

    found = []

    def walk(element):
        for child in element._children.values():
            marker = getattr(child, "marker", None)
            if isinstance(child, folium.GeoJson) and marker is not None:
                css = marker.icon.options["class_name"]
                found.extend((css, f) for f in child.data["features"])
            walk(child)

    walk(fmap)
    return found


def html(fmap) -> str:
    return fmap.get_root().render()


def test_one_marker_per_asset_styled_by_layer(pack):
    city = load_city(pack)
    result = build_map(city, city.assets())
    found = markers(result.map)
    assert (result.mode, result.markers, len(found)) == ("markers", 6, 6)
    classes = sorted(css for css, _ in found)
    assert classes.count("cm-marker cm-scenic_spots") == 2 and classes.count("cm-marker cm-universities") == 2


def test_amap_basemap_shifts_overlays_to_gcj02_and_osm_does_not(pack):
    city = load_city(pack)
    assets = city.assets()
    bridge = assets[assets["id"] == "hu-old-bridge"].geometry.iloc[0]

    def bridge_marker(basemap):
        result = build_map(city, assets, MapOptions(basemap=basemap))
        (feature,) = [f for _, f in markers(result.map) if f["properties"]["id"] == "hu-old-bridge"]
        lon, lat = feature["geometry"]["coordinates"]
        return lat, lon

    lat, lon = bridge_marker("osm")
    assert (lat, lon) == pytest.approx((bridge.y, bridge.x), abs=1e-6)
    lat, lon = bridge_marker("amap")
    expected_lon, expected_lat = from_wgs84([bridge.x], [bridge.y], "gcj02")
    assert (lat, lon) == pytest.approx((expected_lat[0], expected_lon[0]), abs=1e-6)
    shift_m = GEOD.inv(bridge.x, bridge.y, lon, lat)[2]
    assert 100 < shift_m < 700  # the GCJ-02 offset in western China


def test_names_with_html_are_escaped(make_pack):
    evil = '<img src=x onerror="window.__xss=1"><script>alert(1)</script>西塔'

    def inject(layers):
        layers["scenic_spots"][0]["properties"]["name_zh"] = evil
        layers["scenic_spots"][0]["properties"]["source"] = "<b>bold</b>"

    city = load_city(make_pack(inject))
    fmap = build_map(city, city.assets()).map
    page = html(fmap)
    assert "<script>alert(1)</script>" not in page
    assert 'onerror="window.__xss=1"' not in page
    (feature,) = [f for _, f in markers(fmap) if f["properties"]["id"] == "sc-west-pagoda"]
    # tooltip and popup insert these as HTML: they must arrive escaped, so they show as text
    assert feature["properties"]["name"] == html_escape(evil)
    assert (
        "&lt;b&gt;bold&lt;/b&gt;" in feature["properties"]["card"]
        and "<b>bold</b>" not in feature["properties"]["card"]
    )


def test_route_layers_number_the_stops_and_escape_names(make_pack):
    """The route and the assets that can join it, drawn as layers over the route's base map."""
    import folium

    evil = '<img src=x onerror="window.__xss=1">西塔'

    def inject(layers):
        layers["scenic_spots"][0]["properties"]["name_zh"] = evil

    city = load_city(make_pack(inject))
    assets = city.assets()
    plan = plan_route(city, ["hu-old-bridge", "sc-west-pagoda", "mu-city"], optimise=False)
    route = route_layer(city, plan, "zh")
    candidates = candidates_layer(assets[~assets["id"].isin(plan.stops["id"])], "zh")
    layers = {
        child.marker.icon.options["class_name"] if child.marker.icon else "candidates": child.data
        for group in (route, candidates)
        for child in group._children.values()
        if isinstance(child, folium.GeoJson)
    }
    stops = layers["cm-route-stop-icon"]["features"]
    assert [f["properties"]["html"] for f in stops] == [f'<div class="cm-route-stop">{n}</div>' for n in (1, 2, 3)]
    assert stops[1]["properties"]["label"].startswith(f"2. {html_escape(evil)} ")  # the tooltip shows it as text
    assert len(layers["cm-route-arrow"]["features"]) == 2  # one arrow per (straight, estimated) leg
    assert len(layers["candidates"]["features"]) == len(assets) - 3
    page = folium.Map().add_child(route).add_child(candidates).get_root().render()
    assert 'onerror="window.__xss=1"' not in page


def synthetic(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(103.6, 104.1, n)
    lat = rng.uniform(35.95, 36.2, n)
    return gpd.GeoDataFrame(
        {"layer": rng.choice(["scenic_spots", "museums"], n), "id": [f"x{i}" for i in range(n)], "name_zh": "点",
         "name_en": "p", "district": "西区", "coord_accuracy": "surveyed", "source": "s", "themes": [[]] * n},
        geometry=shapely.points(lon, lat), crs="EPSG:4326",
    )  # fmt: skip


def test_many_assets_become_hexagons_with_a_bounded_payload(pack):
    city = load_city(pack)
    assets = synthetic(100_000)
    result = build_map(city, assets, MapOptions(zoom=11))
    assert result.mode == "hexagons" and result.markers == 0
    assert 0 < result.cells <= MapOptions().max_cells
    assert len(html(result.map).encode()) < 2_000_000


def test_zoomed_in_view_shows_the_markers_in_view(pack):
    city = load_city(pack)
    assets = synthetic(100_000)
    bounds = (36.05, 103.80, 36.06, 103.82)  # ~1.1 km x 1.8 km: ~ 160 of the 100k points
    in_view = assets.cx[103.80:103.82, 36.05:36.06]
    result = build_map(city, assets, MapOptions(zoom=15, bounds=bounds))
    assert result.mode in ("markers", "clusters")
    assert result.markers == len(in_view) and 0 < len(in_view) <= MapOptions().marker_limit
    assert build_map(city, assets, MapOptions(zoom=12, bounds=bounds)).mode == "hexagons"


def test_clustering_above_the_threshold(pack):
    city = load_city(pack)
    assert build_map(city, synthetic(400), MapOptions()).mode == "clusters"
    assert build_map(city, synthetic(400), MapOptions(cluster=False)).mode == "markers"


def test_offline_basemap_has_no_tiles_and_labels_districts(pack):
    city = load_city(pack)
    page = html(build_map(city, city.assets(), MapOptions(basemap="offline", lang="en")).map)
    assert "tile.openstreetmap.org" not in page
    assert page.count('"className": "cm-district-label"') == 2 and r"\u003eWest\u003c" in page


def test_local_assets_replace_cdn_links(pack):
    city = load_city(pack)
    fmap = localise_assets(build_map(city, synthetic(400)).map, "/component/x/")
    page = html(fmap)
    assert "/component/x/leaflet/dist/leaflet.js" in page
    assert "/component/x/leaflet.markercluster/dist/leaflet.markercluster.js" in page
    assert "cdn.jsdelivr.net/npm/leaflet@" not in page
    assert "bootstrap" not in page


def test_choropleth_classes_by_value_in_a_layer_over_its_base_map(pack):
    import folium

    from culturemap.render.analysis import analysis_base_map, choropleth_layer
    from culturemap.render.assets import walk
    from culturemap.render.hexagons import HEX_COLOURS

    city = load_city(pack)
    areas = city.layers["districts"].assign(score=[0.0, 10.0])
    layer = choropleth_layer(city, areas, "score", "Score", "en")
    (fill,) = [c for c in walk(layer) if isinstance(c, folium.GeoJson)]
    fills = {f["properties"]["name_en"]: f["properties"]["fill"] for f in fill.data["features"]}
    assert fills == {"West": HEX_COLOURS[0], "East": HEX_COLOURS[-1]}
    fmap = analysis_base_map(city, "en", "osm", "districts")
    assert not [c for c in walk(fmap) if isinstance(c, folium.GeoJson) and "score" in str(c.data)]  # only in the layer
    page = html(layer.add_to(fmap))
    assert "10" in page  # the legend's top class ends at the maximum
    assert '.cmName = "Score"' in page  # the part the layer control lists


def test_analysis_layers_name_their_parts_and_carry_their_legends(pack):
    from culturemap.analysis.aggregate import h3_counts
    from culturemap.analysis.density import contour_polygons, kde
    from culturemap.render.analysis import analysis_base_map, density_layer, hexagon_layer

    city = load_city(pack)
    assets = city.assets()
    grid = kde(assets, city.config.metric_crs, 500.0)
    density = density_layer(grid, contour_polygons(grid), "en", "osm")
    hexagons = hexagon_layer(h3_counts(assets, 8).assign(spot=["hot"] + ["not significant"] * 5), "en", "osm")
    parts = {
        layer: [(part.layer_name, [c._name for c in part._children.values()])
                for part in layer._children.values()]
        for layer in (density, hexagons)
    }  # fmt: skip
    assert parts[density] == [
        ("Kernel density", ["ImageOverlay", "Legend", "FrameTitle"]),
        ("densest areas (50/75/90%)", ["GeoJson"]),
    ]
    assert parts[hexagons] == [
        ("Hexagon counts", ["GeoJson", "Legend", "FrameTitle"]),
        ("hot spot (Gi*, p < 0.05)", ["GeoJson"]),
    ]
    counts = next(iter(hexagons._children.values()))
    assert [c.title_json for c in counts._children.values() if c._name == "FrameTitle"] == ['"Hexagon counts"']
    base = html(analysis_base_map(city, "en", "osm", "density"))
    assert ".cmLayerControl = layer_control_" in base and "Kernel density" not in base


def test_popup_source_is_short_with_the_full_text_one_click_away_and_no_machine_path(make_pack):
    """Defect 13: the popup showed the absolute path of the machine that built the pack, and curator notes."""
    from culturemap.render.fact_card import display_source

    source = (
        "甘肃省文化和旅游厅 A级旅游景区名录 (grade recalled); address: /home/someone/work/shared/reference/"
        "lanzhou_scenic_qunar_nocoords.csv (Qunar scrape, listed there as 兴隆山自然保护区)"
    )
    short, full = display_source(source)
    assert short == "甘肃省文化和旅游厅 A级旅游景区名录"
    assert "/home/" not in full and "…/lanzhou_scenic_qunar_nocoords.csv (Qunar scrape" in full
    assert display_source(r"C:\Users\me\data\list.csv; note") == (r"…/list.csv", r"…/list.csv; note")
    # URLs and relative reference paths are kept as written
    assert display_source("https://example.org/a/b.html")[1] == "https://example.org/a/b.html"
    assert display_source("via ../shared/reference/x.csv")[1] == "via ../shared/reference/x.csv"
    # the short form names who published it: parentheses dropped, not cut at; a web address as its host
    lead = "grade: LEAD ONLY (weak source): http://wenrenren.com/c/0R01G6312021.html (via x.csv); hours recalled"
    assert display_source(lead)[0] == "grade: LEAD ONLY: wenrenren.com"
    news = "兰州晚报 via 中国甘肃网 2020-12-23: http://gansu.gscn.com.cn/system/2020/12/23/012517633.shtml"
    assert display_source(news) == ("兰州晚报 via 中国甘肃网 2020-12-23: gansu.gscn.com.cn", news)

    def inject(layers):
        layers["scenic_spots"][0]["properties"]["source"] = source

    city = load_city(make_pack(inject))
    (feature,) = [
        f for _, f in markers(build_map(city, city.assets()).map) if f["properties"]["id"] == "sc-west-pagoda"
    ]
    card = feature["properties"]["card"]
    assert "<details><summary>甘肃省文化和旅游厅 A级旅游景区名录</summary>" in card and "/home/" not in card


def test_english_popups_name_the_district_in_english_and_say_approximate_in_words(make_pack):
    def approx(layers):
        layers["museums"][0]["properties"]["coord_accuracy"] = "approx"

    city = load_city(make_pack(approx))
    cards = {
        f["properties"]["id"]: f["properties"]["card"]
        for _, f in markers(build_map(city, city.assets(), MapOptions(lang="en")).map)
    }
    assert "<th>District</th><td>West</td>" in cards["mu-city"] and "西区" not in cards["mu-city"]
    assert "approximate (not surveyed)" in cards["mu-city"] and "cm-approx-note" in cards["mu-city"]
    zh = {f["properties"]["id"]: f["properties"]["card"] for _, f in markers(build_map(city, city.assets()).map)}
    assert "<td>西区</td>" in zh["mu-city"]


def test_web_tiles_are_probed_once_and_popups_never_pan(pack):
    """Defect 18 and 3: tiles and the minimap are added only after one probe tile loaded; popups do not auto-pan."""
    city = load_city(pack)
    page = html(build_map(city, city.assets()).map)
    assert page.count("L.tileLayer(") == 2  # the basemap and the minimap's, both after the probe
    assert "probe.onload" in page and "cm-offline" in page
    assert "L.Popup.prototype.options.autoPan = false" in page
    offline = html(build_map(city, city.assets(), MapOptions(basemap="offline")).map)
    assert "Control.MiniMap.js" not in offline and "tile.openstreetmap.org" not in offline


def test_display_outlines_are_simplified_for_each_maps_zoom_and_the_pack_keeps_its_geometry():
    """Issue 11: the district outlines and the river are drawn as coarse as the map's opening zoom
    allows (twice the tolerance per level out), never coarser than 1 px there; the layers the
    analysis uses keep every vertex."""
    import folium

    from culturemap.render.analysis import analysis_basemap_layer
    from culturemap.render.folium_map import basemap_layer
    from culturemap.render.overlay import DISPLAY_TOLERANCE_M
    from tests.conftest import LANZHOU

    city = load_city(LANZHOU)
    pack_vertices = {lid: int(shapely.get_num_coordinates(city.layers[lid].geometry.array).sum())
                     for lid in ("districts", "river")}  # fmt: skip

    def geojsons(element):
        for child in element._children.values():
            if isinstance(child, folium.GeoJson):
                yield child
            yield from geojsons(child)

    def drawn_vertices(layer) -> int:
        geometries = [shapely.geometry.shape(f["geometry"]) for g in geojsons(layer) for f in g.data["features"]]
        return int(shapely.get_num_coordinates(geometries).sum())

    explorer = drawn_vertices(basemap_layer(city, "zh", "osm"))
    density = drawn_vertices(analysis_basemap_layer(city, "zh", "osm", "density"))  # one level out
    hexagons = drawn_vertices(analysis_basemap_layer(city, "zh", "osm", "hexagons"))  # two levels out
    assert sum(pack_vertices.values()) > explorer > density > hexagons > 0
    assert density < 0.8 * explorer and hexagons < 0.8 * density
    # the tolerance stays under a pixel at each map's opening zoom (metres per pixel at the city's latitude)
    for zoom_out in (0, 1, 2):
        metres_per_px = 156_543.03 * np.cos(np.radians(city.config.center_lat)) / 2 ** (city.config.zoom - zoom_out)
        assert DISPLAY_TOLERANCE_M * 2**zoom_out < metres_per_px
    assert {lid: int(shapely.get_num_coordinates(city.layers[lid].geometry.array).sum())
            for lid in ("districts", "river")} == pack_vertices  # fmt: skip
