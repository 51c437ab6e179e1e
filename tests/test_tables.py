import hashlib
import os
import subprocess
import sys

import pytest
from pyproj import Geod

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.io.files import atomic_outputs
from culturemap.io.tables import TableError, build_pack_layers, read_point_table, write_layer_geojson

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
    assert "header lacks column 'name_en'" not in info.value.problems  # may be blank: the pages show name_zh


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


@pytest.mark.parametrize(
    ("lon", "lat", "problem"),
    [
        ("nan", "36.0", "field lon is 'nan'; expected a finite number from -180 to 180"),
        ("inf", "36.0", "field lon is 'inf'; expected a finite number from -180 to 180"),
        ("103.8", "-inf", "field lat is '-inf'; expected a finite number from -90 to 90"),
        ("1e400", "36.0", "field lon is '1e400'; expected a finite number from -180 to 180"),
        ("103.8", "91", "field lat is '91'; expected a finite number from -90 to 90"),
    ],
)
def test_coordinates_must_be_finite_and_in_range(tmp_path, lon, lat, problem):
    csv = write(tmp_path / "m.csv", f"mu-a,甲,A,history,西区,,,{lon},{lat},wgs84,approx,ref,\n")
    with pytest.raises(TableError) as info:
        read_point_table(csv, "museums")
    assert info.value.problems == [f"line 2 (id=mu-a): {problem}"]


def test_overlong_cells_are_refused_with_line_and_field(tmp_path):
    csv = write(
        tmp_path / "m.csv",
        f"mu-a,{'甲' * 201},A,history,西区,,,103.8,36.0,wgs84,approx,ref,{'n' * 2001}\n"
        f"mu-b,乙,B,art,东区,{'a' * 2000},,103.8,36.0,wgs84,approx,ref,\n",
    )
    with pytest.raises(TableError) as info:
        read_point_table(csv, "museums")
    assert info.value.problems == [
        "line 2 (id=mu-a): field name_zh is 201 characters long; expected at most 200",
        "line 2 (id=mu-a): field note is 2001 characters long; expected at most 2000",
    ]


def test_a_million_character_cell_is_a_table_error_not_a_crash(tmp_path):
    csv = write(tmp_path / "m.csv", f"mu-a,{'甲' * 1_000_000},A,history,西区,,,103.8,36.0,wgs84,approx,ref,\n")
    with pytest.raises(TableError) as info:
        read_point_table(csv, "museums")
    assert info.value.problems == ["line 2: not valid CSV (field larger than field limit (131072))"]


def test_geojson_writer_refuses_nan_and_infinite_coordinates(tmp_path):
    import geopandas as gpd
    import shapely

    out = tmp_path / "m.geojson"
    for x in (float("nan"), float("inf")):
        frame = gpd.GeoDataFrame(
            {"id": ["mu-a", "mu-b"]}, geometry=[shapely.Point(103.8, 36.0), shapely.Point(x, 36.0)]
        )
        with pytest.raises(ValueError, match=r"refusing to write .*m\.geojson: feature 2 \(id=mu-b\): .*finite"):
            write_layer_geojson(frame.set_crs(4326), out)
        assert not out.exists() and list(tmp_path.iterdir()) == []


def digests(pack) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in pack.iterdir() if p.is_file()}


def write_curated(pack, rows_per_layer: int = 1, note: str = "") -> None:
    """Valid curated tables for scenic_spots, heritage_units and museums (the first three layers)."""
    from tests.conftest import utm_to_lonlat

    lon, lat = utm_to_lonlat(504_000, 3_992_000)
    common = f"{lon},{lat},wgs84,address,ref"
    (pack / "curated").mkdir()
    (pack / "curated" / "scenic_spots.csv").write_text(
        f"id,name_zh,name_en,grade,district,lon,lat,datum,coord_accuracy,source\nsc-new,新景,New,3A,西区,{common}\n",
        encoding="utf-8",
    )
    (pack / "curated" / "heritage_units.csv").write_text(
        "id,name_zh,name_en,level,category,district,lon,lat,datum,coord_accuracy,source\n"
        f"hu-new,新文保,New,county,other,西区,{common}\n",
        encoding="utf-8",
    )
    write(
        pack / "curated" / "museums.csv",
        "".join(f"mu-{i},新馆,New,art,西区,,,{common},{note}\n" for i in range(rows_per_layer)),
    )


def test_build_refuses_a_nan_coordinate_and_writes_nothing(pack, capsys):
    write_curated(pack)
    museums = write(pack / "curated" / "museums.csv", "mu-0,新馆,New,art,西区,,,nan,36.0,wgs84,address,ref,\n")
    before = digests(pack)
    assert main(["build", str(pack)]) == 2
    err = capsys.readouterr().err
    assert f"{museums}: 1 problem(s):" in err
    assert "line 2 (id=mu-0): field lon is 'nan'; expected a finite number from -180 to 180" in err
    assert digests(pack) == before


def test_build_is_all_or_nothing_when_the_third_layer_cannot_be_written(pack, capsys):
    write_curated(pack)
    (pack / "museums.geojson").unlink()
    (pack / "museums.geojson").mkdir()  # the third target is a folder
    before = digests(pack)
    assert main(["build", str(pack)]) == 1  # an output that cannot be written: exit 1 (issue 22)
    assert capsys.readouterr().err == (
        f"error: {pack / 'museums.geojson'} is a folder; expected a regular file or a new file name\n"
    )
    assert digests(pack) == before  # scenic_spots and heritage_units untouched
    assert sorted(p.name for p in pack.iterdir() if p.name.startswith(".")) == []


def test_build_replaces_every_layer_when_all_succeed(pack):
    write_curated(pack)
    before = digests(pack)
    assert build_pack_layers(pack) == {"scenic_spots": 1, "heritage_units": 1, "museums": 1}
    after = digests(pack)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"scenic_spots.geojson", "heritage_units.geojson", "museums.geojson"}
    assert load_city(pack).layers["heritage_units"]["id"].tolist() == ["hu-new"]


def test_atomic_outputs_puts_every_target_back_when_a_rename_fails(tmp_path):
    """A target that turns into a folder after the check (another process): the renames already
    done are rolled back, so all targets are byte-identical and no temporary file is left."""
    targets = [tmp_path / name for name in ("a.geojson", "b.geojson", "c.geojson")]
    for target in targets[:2]:
        target.write_text(f"old {target.name}", encoding="utf-8")
    with pytest.raises(OSError), atomic_outputs(targets) as temps:
        for tmp in temps:
            tmp.write_text("new", encoding="utf-8")
        targets[2].mkdir()
    assert [t.read_text(encoding="utf-8") for t in targets[:2]] == ["old a.geojson", "old b.geojson"]
    assert targets[2].is_dir() and sorted(p.name for p in tmp_path.iterdir()) == ["a.geojson", "b.geojson", "c.geojson"]


def test_build_leaves_every_layer_untouched_when_writing_the_third_fails(pack):
    """A real write failure: the process may write files of at most 100 kB (RLIMIT_FSIZE), and the
    third layer (museums, ~250 kB) is over it while the first two are small."""
    write_curated(pack, rows_per_layer=200, note="n" * 1000)
    before = digests(pack)
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # a write over the limit fails with EFBIG
        "resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))\n"
        "from culturemap.cli import main\n"
        f"sys.exit(main(['build', {str(pack)!r}]))\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1  # the system refused the write: exit 1 (issue 22)
    assert result.stderr == f"error: [Errno 27] cannot write {pack / 'museums.geojson'} (File too large)\n"
    assert digests(pack) == before
    assert [p.name for p in pack.iterdir() if p.name.startswith(".")] == []
