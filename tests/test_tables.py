import hashlib

import pytest
from pyproj import Geod

from culturemap.catalog import load_city
from culturemap.io.tables import TableError, build_pack_layers, read_point_table

HEADER = "id,name_zh,name_en,kind,district,address,themes,lon,lat,datum,coord_accuracy,source,note\n"
GEOD = Geod(ellps="WGS84")


def write(path, rows: str):
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_bd09_rows_are_converted_and_the_datum_recorded(tmp_path):
    csv = write(
        tmp_path / "m.csv",
        "mu-a,甲,A,history,西区,,museum;heritage,103.866501,36.051763,bd09,surveyed,ref,\n"
        "mu-b,乙,B,art,东区,,,103.8,36.0,wgs84,approx,ref,\n",
    )
    frame = read_point_table(csv, "museums")
    assert frame["datum_in"].tolist() == ["bd09", "wgs84"]
    assert frame["themes"].tolist() == [["museum", "heritage"], []]
    a, b = frame.geometry
    assert GEOD.inv(a.x, a.y, 103.857523, 36.046441)[2] < 1.0  # the reference's own WGS-84 estimate
    assert (b.x, b.y) == (103.8, 36.0)
    assert frame["note"].tolist() == [None, None]


def test_every_bad_cell_is_listed_with_its_line(tmp_path):
    csv = write(
        tmp_path / "m.csv",
        "mu-a,甲,A,history,西区,,,abc,36.0,wgs84,approx,ref,\nmu-b,乙,B,art,东区,,,103.8,36.0,wgs-84x,approx,ref,\n",
    )
    with pytest.raises(TableError) as info:
        read_point_table(csv, "museums")
    assert info.value.problems == [
        "line 2 (id=mu-a): field lon is 'abc', not a number",
        "line 3 (id=mu-b): field datum is 'wgs-84x'; expected one of wgs84, gcj02, bd09",
    ]
    assert str(csv) in str(info.value)


def test_missing_columns_are_named(tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_text("id,name_zh,lon,lat\nmu-a,甲,103.8,36.0\n", encoding="utf-8")
    with pytest.raises(TableError) as info:
        read_point_table(csv, "museums")
    assert "header lacks column 'datum'" in info.value.problems
    assert "header lacks column 'name_en'" in info.value.problems


def test_non_utf8_table(tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_bytes(HEADER.encode() + "mu-a,甲,A,history,西区,,,103.8,36.0,wgs84,approx,ref,\n".encode("gbk"))
    with pytest.raises(TableError, match="not UTF-8"):
        read_point_table(csv, "museums")


def test_build_writes_geojson_that_loads_clean(pack):
    from tests.conftest import utm_to_lonlat

    lon, lat = utm_to_lonlat(504_000, 3_992_000)
    (pack / "curated").mkdir()
    write(
        pack / "curated" / "museums.csv",
        f"mu-new,新馆,New,art,西区,某路1号,museum,{lon},{lat},wgs84,address,ref,checked\n",
    )
    assert build_pack_layers(pack) == {"museums": 1}
    city = load_city(pack)
    assert city.errors == []
    row = city.layers["museums"].iloc[0]
    assert (row["id"], row["address"], row["themes"]) == ("mu-new", "某路1号", ["museum"])
    assert (round(row.geometry.x, 6), round(row.geometry.y, 6)) == (round(lon, 6), round(lat, 6))


def test_a_bad_table_writes_nothing(pack):
    (pack / "curated").mkdir()
    write(pack / "curated" / "museums.csv", "mu-new,新馆,New,art,西区,,,x,y,wgs84,address,ref,\n")
    before = hashlib.sha256((pack / "museums.geojson").read_bytes()).hexdigest()
    with pytest.raises(TableError, match="field lon is 'x'"):
        build_pack_layers(pack)
    assert hashlib.sha256((pack / "museums.geojson").read_bytes()).hexdigest() == before
    assert not list(pack.glob(".*.tmp"))
