import json
from datetime import date

import networkx as nx
import pytest

from culturemap.catalog import load_city
from culturemap.export.route import to_geojson
from culturemap.routing.itinerary import plan_route
from culturemap.routing.network import load_graph
from tests.conftest import utm_to_lonlat


def grid_graph(path, missing=()):
    """A 5 x 5 street grid, 1 km spacing, over the test city (UTM 48N x 501-505 km, y 3991-3995 km)."""
    graph = nx.MultiDiGraph()
    for i in range(5):
        for j in range(5):
            lon, lat = utm_to_lonlat(501_000 + i * 1_000, 3_991_000 + j * 1_000)
            graph.add_node(f"{i}-{j}", x=lon, y=lat)
    for i in range(5):
        for j in range(5):
            for di, dj in ((1, 0), (0, 1)):
                a, b = f"{i}-{j}", f"{i + di}-{j + dj}"
                if i + di < 5 and j + dj < 5 and (a, b) not in missing:
                    graph.add_edge(a, b, length=1_000.0)
                    graph.add_edge(b, a, length=1_000.0)
    nx.write_graphml(graph, path)
    return path


@pytest.fixture
def grid_city(make_pack):
    from tests.conftest import base_props, feature, point

    def stops(layers):
        layers["museums"] = [
            feature(base_props("mu-sw", "西南馆", "西区", kind="art"), point(501_000, 3_991_000)),
            feature(base_props("mu-ne", "东北馆", "西区", kind="art"), point(505_000, 3_995_000)),
        ]

    return load_city(make_pack(stops))


def test_route_follows_the_roads(grid_city, tmp_path):
    graph = load_graph(grid_graph(tmp_path / "g.graphml"))
    plan = plan_route(grid_city, ["mu-sw", "mu-ne"], "walk", "09:00", date(2026, 11, 24), graph=graph)
    assert not plan.estimated
    assert plan.stops["leg_km"].iloc[1] == pytest.approx(8.0, abs=0.01)  # 4 km east + 4 km north on the grid
    assert plan.stops["leg_min"].iloc[1] == pytest.approx(8.0 / 4.5 * 60, abs=0.1)
    assert len(plan.path) == 2 + 9  # both stops and the nine grid nodes between them
    doc = json.loads(to_geojson(plan, "grid"))
    assert doc["travel_times"] == "road network"


def test_a_missing_street_makes_a_detour_or_an_error(grid_city, tmp_path):
    # cut the bottom-left corner node 0-0 off entirely: no way out
    cut = {("0-0", "1-0"), ("0-0", "0-1")}
    graph = load_graph(grid_graph(tmp_path / "g.graphml", missing=cut))
    with pytest.raises(ValueError, match="cannot be reached"):
        plan_route(grid_city, ["mu-sw", "mu-ne"], "walk", graph=graph)


def test_unreadable_graph_names_the_file(tmp_path):
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml><graph>", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.graphml: not a readable GraphML file"):
        load_graph(bad)


def test_cli_route_over_a_network_file(grid_city, tmp_path, capsys):
    from culturemap.cli import main

    graph = grid_graph(tmp_path / "g.graphml")
    out = tmp_path / "r.geojson"
    args = ["route", "--city", str(grid_city.path), "--stops", "mu-sw,mu-ne", "--format", "geojson", "--out", str(out)]
    assert main([*args, "--network", str(graph)]) == 0
    assert "8.0 km" in capsys.readouterr().out and json.loads(out.read_text())["travel_times"] == "road network"
    assert main([*args, "--network", str(tmp_path / "none.graphml")]) == 2
    assert "no such road network file" in capsys.readouterr().err


def test_osm_xml_extract_is_read_and_routed(grid_city, tmp_path):
    """An OSM XML street grid: the same route as the GraphML grid, read through osmnx."""
    nodes, ways = [], []
    for i in range(5):
        for j in range(5):
            lon, lat = utm_to_lonlat(501_000 + i * 1_000, 3_991_000 + j * 1_000)
            nodes.append(f'<node id="{i * 5 + j + 1}" lat="{lat}" lon="{lon}" version="1"/>')
    for k in range(5):  # five east-west and five north-south streets
        row = "".join(f'<nd ref="{i * 5 + k + 1}"/>' for i in range(5))
        col = "".join(f'<nd ref="{k * 5 + j + 1}"/>' for j in range(5))
        ways.append(f'<way id="{100 + k}" version="1">{row}<tag k="highway" v="residential"/></way>')
        ways.append(f'<way id="{200 + k}" version="1">{col}<tag k="highway" v="residential"/></way>')
    osm = tmp_path / "grid.osm"
    osm.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><osm version="0.6">' + "".join(nodes + ways) + "</osm>", encoding="utf-8"
    )
    plan = plan_route(grid_city, ["mu-sw", "mu-ne"], "walk", "09:00", date(2026, 11, 24), graph=load_graph(osm))
    assert not plan.estimated
    assert plan.stops["leg_km"].iloc[1] == pytest.approx(8.0, rel=0.002)  # geodesic edge lengths on a UTM grid
    # the drawn path runs along the streets: every vertex is on a grid line (x or y a whole km)
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True).transform(plan.path[:, 0], plan.path[:, 1])
    on_line = (abs((x - 501_000) / 1_000 - ((x - 501_000) / 1_000).round()) * 1_000 < 1) | (
        abs((y - 3_991_000) / 1_000 - ((y - 3_991_000) / 1_000).round()) * 1_000 < 1
    )
    assert on_line.all() and len(plan.path) >= 3
    with pytest.raises(ValueError, match="PBF is not read directly"):
        load_graph(tmp_path / "city.osm.pbf")
