"""Small city packs built in code, paths to the real ones, the store folder and a throwaway PostGIS server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyproj import Transformer

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"
# the accounts of the editing tests: name -> (role, password)
TEAM = {
    "zhang": ("admin", "lanzhou-admin-2026"),
    "wang": ("editor", "correct horse battery"),
    "zhao": ("contributor", "tell me where it is"),
}


def add_team() -> None:
    """Create the :data:`TEAM` accounts (the admin first, who adds the others) in the accounts store the
    environment names (``CULTUREMAP_STORE``'s accounts.gpkg, or ``CULTUREMAP_DB_URL``'s table)."""
    from culturemap.store.accounts import add_user, authenticate

    add_user("zhang", "admin", TEAM["zhang"][1], None)
    admin = authenticate("zhang", TEAM["zhang"][1])
    for name, (role, password) in TEAM.items():
        if name != "zhang":
            add_user(name, role, password, admin)


# A synthetic city near Lanzhou: two 10 km x 10 km districts side by side in UTM 48N,
# West (x 500-510 km) and East (x 510-520 km), y 3990-4000 km.
_TO_WGS = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)


def utm_to_lonlat(x: float, y: float) -> list[float]:
    lon, lat = _TO_WGS.transform(x, y)
    return [round(lon, 7), round(lat, 7)]


def square(x0: float, y0: float, size: float) -> list[list[float]]:
    corners = [(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)]
    return [utm_to_lonlat(x, y) for x, y in corners]


CITY_TOML = """\
id = "testville"
name_zh = "测试市"
name_en = "Testville"
default_lang = "zh"
zoom = 11
bbox = [{bbox}]
metric_crs = "EPSG:32648"
district_tolerance_m = 100
search_example = "西塔 / xita / xt / West Pagoda"

[center]
lon = {clon}
lat = {clat}

[river]
name_zh = "测河"
name_en = "Test River"

[[published]]
id = "a_class"
label_zh = "A级旅游景区"
label_en = "A-class scenic spots"
layer = "scenic_spots"
filter = {{ grade = ["1A", "2A", "3A", "4A", "5A"] }}
count = 3
source = "test"

[[published.missing]]
name_zh = "南湖"
name_en = "South Lake"
reason = "no_position"
source = "https://example.org/list"

[[published]]
id = "institutions"
label_zh = "高校"
label_en = "Institutions"
layer = "universities"
filter = {{ type = ["university", "college"] }}
distinct = "name_zh"
count = 1
source = "test"

[[required_assets]]
name_zh = "西塔"
name_en = "West Pagoda"

[[required_assets]]
name_zh = "不存在的地方"
name_en = "Nowhere"
"""


def feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": utm_to_lonlat(x, y)}


def base_props(fid: str, name_zh: str, district: str, **extra) -> dict:
    return {
        "id": fid,
        "name_zh": name_zh,
        "name_en": fid.upper(),
        "district": district,
        "source": "test fixture",
        "coord_accuracy": "surveyed",
        **extra,
    }


def default_layers() -> dict[str, list[dict]]:
    return {
        "districts": [
            feature(
                {"code": "1", "name_zh": "西区", "name_en": "West", "source": "test"},
                {"type": "Polygon", "coordinates": [square(500_000, 3_990_000, 10_000)]},
            ),
            feature(
                {"code": "2", "name_zh": "东区", "name_en": "East", "source": "test"},
                {"type": "Polygon", "coordinates": [square(510_000, 3_990_000, 10_000)]},
            ),
        ],
        "river": [
            feature(
                {"name_zh": "测河", "name_en": "Test River", "source": "test"},
                {
                    "type": "LineString",
                    "coordinates": [utm_to_lonlat(500_000, 3_995_000), utm_to_lonlat(520_000, 3_995_000)],
                },
            )
        ],
        "scenic_spots": [
            feature(
                base_props("sc-west-pagoda", "西塔", "西区", grade="4A", themes=["heritage"]), point(505_000, 3_996_000)
            ),
            feature(base_props("sc-east-park", "东园", "东区", grade="3A"), point(515_000, 3_994_000)),
        ],
        "heritage_units": [
            feature(
                base_props("hu-old-bridge", "古桥", "东区", level="national", category="modern_historic"),
                point(512_000, 3_995_000),
            ),
        ],
        "museums": [
            feature(base_props("mu-city", "市博物馆", "西区", kind="comprehensive"), point(503_000, 3_993_000)),
        ],
        "universities": [
            feature(
                base_props("un-tu-north", "测试大学", "西区", campus="北校区", type="university"),
                point(502_000, 3_998_000),
            ),
            feature(
                base_props("un-tu-south", "测试大学", "东区", campus="南校区", type="university"),
                point(518_000, 3_992_000),
            ),
        ],
    }


def format_city_toml(template: str = CITY_TOML) -> str:
    """``template`` (a ``city.toml`` with ``{bbox}``, ``{clon}``, ``{clat}``) for the synthetic city."""
    sw, ne = utm_to_lonlat(495_000, 3_985_000), utm_to_lonlat(525_000, 4_005_000)
    centre = utm_to_lonlat(510_000, 3_995_000)
    return template.format(bbox=", ".join(str(v) for v in (*sw, *ne)), clon=centre[0], clat=centre[1])


def run_cli(argv) -> int:
    """``culturemap argv`` in this process: its exit code, also when argparse exits."""
    from culturemap.cli import main

    try:
        return main([str(a) for a in argv])
    except SystemExit as exc:
        return exc.code


def write_pack(root: Path, layers: dict[str, list[dict]] | None = None, city_toml: str | None = None) -> Path:
    """Write a pack folder under ``root``; ``layers`` maps layer id -> list of features."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "city.toml").write_text(city_toml or format_city_toml(), encoding="utf-8")
    for lid, feats in (default_layers() if layers is None else layers).items():
        doc = {"type": "FeatureCollection", "features": feats}
        (root / f"{lid}.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A clean synthetic pack."""
    return write_pack(tmp_path / "testville")


@pytest.fixture
def make_pack(tmp_path: Path):
    """Build a pack from modified default layers: ``make_pack(lambda layers: ...)``."""

    def build(modify=None, name: str = "testville") -> Path:
        layers = default_layers()
        if modify is not None:
            modify(layers)
        return write_pack(tmp_path / name, layers)

    return build


# --------------------------------------------------------------------------- stores


@pytest.fixture(scope="session", autouse=True)
def store_folder(tmp_path_factory) -> Path:
    """Every test (and every app server a test starts) keeps its GeoPackage stores in a temporary
    folder, never in the user's data folder, and uses no database unless it asks for one."""
    folder = tmp_path_factory.mktemp("stores")
    saved = {name: os.environ.get(name) for name in ("CULTUREMAP_STORE", "CULTUREMAP_DB_URL")}
    os.environ["CULTUREMAP_STORE"] = str(folder)
    os.environ.pop("CULTUREMAP_DB_URL", None)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


PG_BIN = Path(os.environ.get("CULTUREMAP_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*command) -> list[str]:
    """``command`` run as the user ``postgres`` when we are root (PostgreSQL refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *map(str, command)] if os.geteuid() == 0 else list(map(str, command))


@contextmanager
def throwaway_postgis() -> Iterator[str]:
    """A throwaway PostgreSQL + PostGIS server: ``initdb -A trust`` into a temporary folder,
    ``pg_ctl start`` on a free port (local connections only), a database with the postgis
    extension; yields its URL, then stops the server and deletes the folder. See DEVELOPERS.md."""
    folder = Path(tempfile.mkdtemp(prefix="culturemap-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    try:
        subprocess.run(
            _as_postgres(PG_BIN / "initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "-D", data), **run
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", folder / "log", "-w", "start"), **run
        )
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE culturemap_test")
        url = f"postgresql://postgres@127.0.0.1:{port}/culturemap_test"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        yield url
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_postgres(PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgis_url() -> Iterator[str]:
    """The session's throwaway PostGIS server (:func:`throwaway_postgis`); skipped where PostgreSQL
    is not installed (``make test`` installs it)."""
    if not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL not installed ({PG_BIN}): run `make system-deps`")
    with throwaway_postgis() as url:
        yield url
