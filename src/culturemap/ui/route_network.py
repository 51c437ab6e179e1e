"""The Routes page's road network: the pack's (``network.osm.pbf``, ``.osm``, ``.graphml``) or an uploaded file, parsed once per version and never kept on disk."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

import streamlit as st

from culturemap.i18n import tr
from culturemap.routing.errors import RouteError
from culturemap.routing.network import load_graph, pack_network
from culturemap.ui.text import plain
from culturemap.ui.widgets import uploader

# an uploaded road network is parsed from a temporary copy, one at a time, and only the graph is kept
# (at most 4 graphs, see _parsed_upload); `server.maxUploadSize` in .streamlit/config.toml may match this
NETWORK_UPLOAD_LIMIT_MB = 100


_PARSE_LOCK = threading.Lock()


@st.cache_resource(max_entries=4, show_spinner=False)
def road_graph(path: str, stamp: str):
    """A road graph read once per file version (``stamp``: the file's modification time, ns)."""
    return load_graph(path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _parsed_upload(digest: str, name: str, _data: bytes):
    """The road graph in an uploaded file, cached by content (``digest``: SHA-256 of ``_data``).

    The bytes are written to a temporary folder only while they are parsed (one upload at a time)
    and deleted right after: nothing of an upload stays on disk.
    """
    suffix = ".osm.pbf" if name.lower().endswith(".pbf") else Path(name).suffix.lower()
    with _PARSE_LOCK, tempfile.TemporaryDirectory(prefix="culturemap-network-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(_data)
        return load_graph(path, shown=name)


def _uploaded_graph(upload, lang: str):
    """The graph of an upload and its content digest, or (None, None) and an error in ``lang`` when
    it is over the size limit."""
    size_mb = upload.size / 2**20
    if size_mb > NETWORK_UPLOAD_LIMIT_MB:
        st.error(tr("too_large", lang, file=plain(upload.name), size_mb=size_mb, limit_mb=NETWORK_UPLOAD_LIMIT_MB))
        return None, None
    ss = st.session_state
    if ss.get("_route_upload", (None,))[0] != upload.file_id:  # hash each upload once, not on every rerun
        ss["_route_upload"] = (upload.file_id, hashlib.sha256(upload.getvalue()).hexdigest())
    digest = ss["_route_upload"][1]
    return _parsed_upload(digest, upload.name, upload.getvalue()), digest


def road_network(city, lang: str):
    """The road graph for routing and a name for its version (the cache key of what is measured on
    it): an uploaded file, else the pack's, else (None, None) for estimated times."""
    with st.sidebar.expander(tr("routes_network", lang)):
        upload = uploader(tr("routes_network_upload", lang), lang, type=["pbf", "osm", "xml", "graphml"],
                          key="route_network_upload", max_upload_size=NETWORK_UPLOAD_LIMIT_MB)  # fmt: skip
        st.caption(tr("routes_network_limit", lang, limit_mb=NETWORK_UPLOAD_LIMIT_MB))
        shipped = pack_network(city.path)
        source = upload.name if upload is not None else shipped.name if shipped else None
        if source is None:
            st.caption(tr("routes_network_none", lang))
            return None, None
        try:
            with st.spinner(tr("routes_network_loading", lang, file=source)):
                if upload is not None:
                    graph, version = _uploaded_graph(upload, lang)
                else:
                    stamp = str(shipped.stat().st_mtime_ns)
                    version = f"{shipped}@{stamp}"
                    graph = road_graph(str(shipped), stamp)
        except RouteError as exc:
            st.error(plain(exc.message(lang)))
            return None, None
        if graph is None:
            return None, None
        if upload is None:
            st.caption(tr("routes_network_pack", lang, file=plain(shipped.name)))
        st.caption(tr("routes_network_loaded", lang, file=plain(source), nodes=graph.number_of_nodes(),
                      edges=graph.number_of_edges()))  # fmt: skip
        return graph, version
