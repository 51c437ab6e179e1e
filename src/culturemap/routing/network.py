"""Travel times on a road network: an OpenStreetMap XML extract (read by ``osmnx.graph_from_xml``)
or a GraphML graph as osmnx writes it (``osmnx.save_graphml``).

Nodes carry ``x`` (lon) and ``y`` (lat) in WGS-84; edges carry ``length`` in metres. Each stop is
snapped to its nearest node (the snap is walked in a straight line and added to the leg);
distances are shortest paths (Dijkstra, networkx) and the drawn route follows the edges.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree

from culturemap.routing.travel import MODES, TravelMatrix


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read a road graph from ``.osm``/``.xml`` (OSM XML) or ``.graphml``; raise ValueError naming
    the file when it cannot be read or lacks coordinates or lengths."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".osm", ".xml"):
        import osmnx

        try:
            graph = osmnx.graph_from_xml(path, simplify=True, retain_all=True)
        except Exception as exc:  # osmnx/ElementTree raise several types for bad files
            raise ValueError(f"{path}: not a readable OpenStreetMap XML file ({exc})") from None
        return graph
    if suffix == ".pbf":
        raise ValueError(f"{path}: PBF is not read directly; convert it to OSM XML (osmium cat) or GraphML first")
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises several types for malformed XML
        raise ValueError(f"{path}: not a readable GraphML file ({exc})") from None
    for node, data in graph.nodes(data=True):
        if "x" not in data or "y" not in data:
            raise ValueError(f"{path}: node {node} has no x/y (lon/lat) attributes")
        data["x"], data["y"] = float(data["x"]), float(data["y"])
    for u, v, data in graph.edges(data=True):
        if "length" not in data:
            raise ValueError(f"{path}: edge {u}-{v} has no length (m)")
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
    if mode not in MODES:
        raise ValueError(f"unknown travel mode {mode!r}: expected one of {', '.join(MODES)}")
    m = MODES[mode]
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
                raise ValueError(f"stop {j + 1} cannot be reached from stop {i + 1} on the road network")
            distance[i, j] = lengths[target] + snap_m[i] + snap_m[j]
            line = [(float(lon[i]), float(lat[i]))] + _trace(graph, routes[target]) + [(float(lon[j]), float(lat[j]))]
            paths[(i, j)] = line
    time = distance / 1000.0 / m.speed_kph * 60.0 + np.where(distance > 0, m.overhead_min, 0.0)
    np.fill_diagonal(time, 0.0)
    return TravelMatrix(distance, time, False, mode), paths
