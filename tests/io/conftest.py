"""Files of every importable format, built in code from a few rows."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from culturemap.catalog import load_city
from tests.conftest import LANZHOU, utm_to_lonlat, write_pack
from tests.store.conftest import backend, store  # noqa: F401  (a store on each backend, for test_store_backends)

# Zhongshan Bridge (中山桥), Lanzhou, WGS-84: the landmark the datum round trips must bring back within 5 m
LANDMARK = ("中山桥", 103.82072, 36.06611)


@pytest.fixture(scope="session")
def testville(tmp_path_factory):
    """The synthetic city of tests/conftest.py, loaded (two districts 西区 / 东区)."""
    return load_city(write_pack(tmp_path_factory.mktemp("io") / "testville"))


@pytest.fixture(scope="session")
def lanzhou():
    return load_city(LANZHOU)


def spot(name: str, x_m: float, y_m: float, **extra) -> dict:
    """A scenic-spot row of the synthetic city at UTM (x_m, y_m), columns named in Chinese."""
    lon, lat = utm_to_lonlat(x_m, y_m)
    return {"名称": name, "等级": "4A级", "区县": "西区", "经度": lon, "纬度": lat, **extra}


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(str(r.get(h, "")) for h in header) for r in rows]
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict], sheet: str = "名录") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["这张表不是数据"])
    ws = book.create_sheet(sheet)
    ws.append(["兰州市A级旅游景区名录"])  # a title line above the header, as official lists have
    ws.append([])
    ws.append(list(rows[0]))
    for r in rows:
        ws.append([r.get(h) for h in rows[0]])
    book.save(path)
    return path


def frame_of(rows: list[dict], crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    props = [{k: v for k, v in r.items() if k not in ("经度", "纬度")} for r in rows]
    geoms = [shapely.Point(r["经度"], r["纬度"]) for r in rows]
    return gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4326").to_crs(crs)


def write_geojson(path: Path, rows: list[dict]) -> Path:
    features = [
        {"type": "Feature", "properties": {k: v for k, v in r.items() if k not in ("经度", "纬度")},
         "geometry": {"type": "Point", "coordinates": [r["经度"], r["纬度"]]}}
        for r in rows
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return path


def write_shapefile_zip(path: Path, rows: list[dict], crs: str = "EPSG:4326", encoding: str = "UTF-8",
                        cpg: bool = True) -> Path:  # fmt: skip
    folder = path.parent / (path.stem + "_shp")
    folder.mkdir()
    frame_of(rows, crs).to_file(folder / "景区.shp", engine="pyogrio", encoding=encoding)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            if cpg or part.suffix != ".cpg":
                archive.write(part, f"data/{part.name}")
    return path


def write_gpkg(path: Path, rows: list[dict], crs: str = "EPSG:4326") -> Path:
    frame_of(rows, crs).to_file(path, layer="景区", driver="GPKG", engine="pyogrio")
    return path


def kml_text(rows: list[dict]) -> str:
    marks = "".join(
        f"<Placemark><name>{r['名称']}</name><ExtendedData>"
        + "".join(
            f'<Data name="{k}"><value>{v}</value></Data>' for k, v in r.items() if k not in ("名称", "经度", "纬度")
        )
        + f"</ExtendedData><Point><coordinates>{r['经度']},{r['纬度']},0</coordinates></Point></Placemark>"
        for r in rows
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'


def write_kml(path: Path, rows: list[dict]) -> Path:
    path.write_text(kml_text(rows), encoding="utf-8")
    return path


def write_kmz(path: Path, rows: list[dict]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", kml_text(rows))
    return path


WRITERS = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "geojson": write_geojson,
    "zip": write_shapefile_zip,
    "gpkg": write_gpkg,
    "kml": write_kml,
    "kmz": write_kmz,
}
