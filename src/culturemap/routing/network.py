"""Travel times on a road network: an OpenStreetMap extract as PBF or XML (read by
``osmnx.graph_from_xml``; a PBF is first cut down to its ``highway`` ways and their nodes with
pyosmium) or a GraphML graph as osmnx writes it (``osmnx.save_graphml``).

Nodes carry ``x`` (lon) and ``y`` (lat) in WGS-84; edges carry ``length`` in metres. Each stop is
snapped to its nearest node (the snap is walked in a straight line and added to the leg);
distances are shortest paths (Dijkstra, networkx) and the drawn route follows the edges.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree

from culturemap.routing.errors import RouteError
from culturemap.routing.travel import TravelMatrix, travel_mode

NETWORK_SUFFIXES = (".pbf", ".osm", ".xml", ".graphml")


def _osm_xml_graph(xml: Path, shown: str, what: str) -> nx.MultiDiGraph:
    import osmnx

    try:
        return osmnx.graph_from_xml(xml, simplify=True, retain_all=True)
    except Exception as exc:  # osmnx/ElementTree raise several types for bad files
        raise RouteError("network_err_unreadable", file=shown, what=what, reason=exc) from None


def _highways_to_xml(pbf: Path, xml: Path, shown: str) -> int:
    """Write the ``highway`` ways of ``pbf`` and the nodes they use to OSM XML; return the way count."""
    import osmium

    ways = 0
    try:
        with osmium.BackReferenceWriter(str(xml), ref_src=str(pbf), overwrite=True) as writer:
            for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY).with_filter(osmium.filter.KeyFilter("highway")):
                writer.add(way)
                ways += 1
    except RuntimeError as exc:  # libosmium reports bad input as RuntimeError
        raise RouteError("network_err_unreadable", file=shown, what="OpenStreetMap PBF", reason=exc) from None
    return ways


PACK_NETWORKS = ("network.osm.pbf", "network.osm", "network.graphml")


def pack_network(pack: Path) -> Path | None:
    """The road network a city pack ships (the first of :data:`PACK_NETWORKS` present), or None."""
    return next((Path(pack) / name for name in PACK_NETWORKS if (Path(pack) / name).is_file()), None)


def load_graph(path: str | Path, shown: str | None = None) -> nx.MultiDiGraph:
    """Read a road graph from ``.osm.pbf``/``.pbf``, ``.osm``/``.xml`` (OpenStreetMap) or ``.graphml``.

    Raise :class:`RouteError` (a ValueError) naming the file (``shown``, default the path) when it
    is missing, cannot be read, has no roads, or lacks coordinates or lengths.
    """
    path = Path(path)
    shown = shown or str(path)
    suffix = path.suffix.lower()
    if suffix not in NETWORK_SUFFIXES:
        raise RouteError("network_err_format", file=shown, formats=", ".join(NETWORK_SUFFIXES))
    if not path.is_file():
        raise RouteError("network_err_missing", file=shown)
    if suffix == ".pbf":
        with tempfile.TemporaryDirectory(prefix="culturemap-pbf-") as tmp:
            xml = Path(tmp) / "highways.osm"
            if not _highways_to_xml(path, xml, shown):
                raise RouteError("network_err_no_roads", file=shown)
            return _osm_xml_graph(xml, shown, "OpenStreetMap PBF")
    if suffix in (".osm", ".xml"):
        return _osm_xml_graph(path, shown, "OpenStreetMap XML")
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises several types for malformed XML
        raise RouteError("network_err_unreadable", file=shown, what="GraphML", reason=exc) from None
    for node, data in graph.nodes(data=True):
        if "x" not in data or "y" not in data:
            raise RouteError("network_err_node_xy", file=shown, node=node)
        data["x"], data["y"] = float(data["x"]), float(data["y"])
    for u, v, data in graph.edges(data=True):
        if "length" not in data:
            raise RouteError("network_err_edge_length", file=shown, edge=f"{u}-{v}")
        data["length"] = float(data["length"])
    if not graph.is_directed():
        graph = graph.to_directed()
    return graph


def _trace(graph: nx.MultiDiGraph, nodes: list) -> list[tuple[float, float]]:
    """The (lon, lat) shape of a node path, using each edge's ``geometry`` where osmnx kept one."""
    points = [(graph.nodes[nodes[0]]["x"], graph.nodes[nodes[0]]["y"])]
    for u, v in zip(nodes[:-1], nodes[1:]):
        data = min(graph.get_edge_data(u, v).values(), key=lambda d: d["length"])
        shape = data.get("geometry")
        if shape is not None and hasattr(shape, "coords"):
            coords = list(shape.coords)
            if coords and coords[0] != points[-1]:
                coords = coords[::-1]
            points.extend(coords[1:])
        else:
            points.append((graph.nodes[v]["x"], graph.nodes[v]["y"]))
    return points


def network_matrix(
    graph: nx.MultiDiGraph, lon: np.ndarray, lat: np.ndarray, mode: str, metric_crs: str
) -> tuple[TravelMatrix, dict[tuple[int, int], list[tuple[float, float]]]]:
    """Leg distances/times between stops over ``graph`` and the (lon, lat) path of every leg."""
    m = travel_mode(mode)
    nodes = list(graph.nodes)
    to_metric = Transformer.from_crs("EPSG:4326", metric_crs, always_xy=True)
    node_xy = np.column_stack(
        to_metric.transform([graph.nodes[n]["x"] for n in nodes], [graph.nodes[n]["y"] for n in nodes])
    )
    stop_xy = np.column_stack(to_metric.transform(np.asarray(lon, float), np.asarray(lat, float)))
    snap_m, nearest = cKDTree(node_xy).query(stop_xy)
    anchors = [nodes[i] for i in nearest]
    n = len(anchors)
    distance = np.zeros((n, n))
    paths: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for i, source in enumerate(anchors):
        lengths, routes = nx.single_source_dijkstra(graph, source, weight="length")
        for j, target in enumerate(anchors):
            if i == j:
                continue
            if target not in lengths:
                raise RouteError("route_err_unreachable", a=i + 1, b=j + 1)
            distance[i, j] = lengths[target] + snap_m[i] + snap_m[j]
            line = [(float(lon[i]), float(lat[i]))] + _trace(graph, routes[target]) + [(float(lon[j]), float(lat[j]))]
            paths[(i, j)] = line
    time = distance / 1000.0 / m.speed_kph * 60.0 + np.where(distance > 0, m.overhead_min, 0.0)
    np.fill_diagonal(time, 0.0)
    return TravelMatrix(distance, time, False, mode), paths
