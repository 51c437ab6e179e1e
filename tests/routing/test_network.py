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


def grid_nodes_and_ways():
    """The 5 x 5 km street grid as OSM nodes (id, lon, lat) and ways (id, node ids): 5 + 5 streets."""
    nodes = []
    for i in range(5):
        for j in range(5):
            lon, lat = utm_to_lonlat(501_000 + i * 1_000, 3_991_000 + j * 1_000)
            nodes.append((i * 5 + j + 1, lon, lat))
    ways = [(100 + k, [i * 5 + k + 1 for i in range(5)]) for k in range(5)]  # east-west
    ways += [(200 + k, [k * 5 + j + 1 for j in range(5)]) for k in range(5)]  # north-south
    return nodes, ways


def grid_osm_xml(path):
    nodes, ways = grid_nodes_and_ways()
    body = [f'<node id="{n}" lat="{lat}" lon="{lon}" version="1"/>' for n, lon, lat in nodes]
    for wid, refs in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        body.append(f'<way id="{wid}" version="1">{nds}<tag k="highway" v="residential"/></way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><osm version="0.6">' + "".join(body) + "</osm>", "utf-8")
    return path


def grid_osm_pbf(path, highways=True):
    """The grid written as an OSM PBF by pyosmium, plus a building and a cafe that are not roads."""
    import osmium
    from osmium.osm.mutable import Node, Way

    nodes, ways = grid_nodes_and_ways()
    with osmium.SimpleWriter(str(path), overwrite=True) as writer:
        for n, lon, lat in nodes:
            writer.add_node(Node(id=n, location=(lon, lat), version=1, tags={}))
        cafe_lon, cafe_lat = utm_to_lonlat(501_500, 3_991_500)
        writer.add_node(Node(id=900, location=(cafe_lon, cafe_lat), version=1, tags={"amenity": "cafe"}))
        for wid, refs in ways:
            tags = {"highway": "residential"} if highways else {"barrier": "wall"}
            writer.add_way(Way(id=wid, nodes=refs, version=1, tags=tags))
        writer.add_way(Way(id=300, nodes=[1, 2, 7, 6, 1], version=1, tags={"building": "yes"}))
    return path


def on_grid_lines(path_lonlat):
    """True for each path vertex on a grid street (x or y within 1 m of a whole km)."""
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True).transform(
        path_lonlat[:, 0], path_lonlat[:, 1]
    )
    fx, fy = (x - 501_000) / 1_000, (y - 3_991_000) / 1_000
    return (abs(fx - fx.round()) * 1_000 < 1) | (abs(fy - fy.round()) * 1_000 < 1)


@pytest.mark.parametrize("writer,name", [(grid_osm_xml, "grid.osm"), (grid_osm_pbf, "grid.osm.pbf")])
def test_osm_extract_is_read_and_routed(grid_city, tmp_path, writer, name):
    """An OSM street grid, as XML and as PBF: the same route as the GraphML grid, read through osmnx."""
    graph = load_graph(writer(tmp_path / name))
    # simplification merges the 4 corner nodes into their streets: 21 intersections, 36 two-way edges
    assert graph.number_of_nodes() == 21 and graph.number_of_edges() == 72
    plan = plan_route(grid_city, ["mu-sw", "mu-ne"], "walk", "09:00", date(2026, 11, 24), graph=graph)
    assert not plan.estimated
    assert plan.stops["leg_km"].iloc[1] == pytest.approx(8.0, rel=0.002)  # geodesic edge lengths on a UTM grid
    assert on_grid_lines(plan.path).all() and len(plan.path) >= 3  # the drawn path runs along the streets


def test_bad_or_roadless_pbf_names_the_file(tmp_path):
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 10)
    with pytest.raises(ValueError, match="junk.osm.pbf: not a readable OpenStreetMap PBF file"):
        load_graph(junk)
    walls = grid_osm_pbf(tmp_path / "walls.osm.pbf", highways=False)
    with pytest.raises(ValueError, match="walls.osm.pbf: the extract holds no roads"):
        load_graph(walls)
    with pytest.raises(ValueError, match="missing.osm.pbf: no such road network file"):
        load_graph(tmp_path / "missing.osm.pbf")
    with pytest.raises(ValueError, match="roads.shp: unknown road network format"):
        load_graph(tmp_path / "roads.shp")


def test_a_pack_network_is_found_and_used_by_the_cli(grid_city, tmp_path, capsys):
    from culturemap.cli import main
    from culturemap.routing.network import pack_network

    assert pack_network(grid_city.path) is None
    grid_osm_pbf(grid_city.path / "network.osm.pbf")
    assert pack_network(grid_city.path).name == "network.osm.pbf"
    out = tmp_path / "r.gpx"
    args = ["route", "--city", str(grid_city.path), "--stops", "mu-sw,mu-ne", "--format", "gpx", "--out", str(out),
            "--lang", "en"]  # fmt: skip
    assert main(args) == 0
    assert "8.0 km" in capsys.readouterr().out and "road network" in out.read_text(encoding="utf-8")
