"""The Data page, run headless with Streamlit's AppTest: upload -> per-row report -> confirm -> the map shows it."""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.i18n import tr
from culturemap.store import StoreError, store_for_pack
from culturemap.store.roles import Actor
from tests.conftest import TEAM, add_team, utm_to_lonlat, write_pack
from tests.ui.test_app import APP, MAP_DRAWN, results

DATA = "src/culturemap/ui/pages/data.py"
MAP = "src/culturemap/ui/pages/map.py"
EVIL = '<img src=x onerror="window.__xss=1">新塔'


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    write_pack(tmp_path / "testville")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))  # a store of this test's own
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    (tmp_path / "store").mkdir()
    add_team()  # the editor wang stores imports; the contributor zhao may not
    return tmp_path


def csv_bytes(rows: list[tuple]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["名称", "等级", "区县", "经度", "纬度"])
    for name, grade, district, x_m, y_m in rows:
        writer.writerow([name, grade, district, *utm_to_lonlat(x_m, y_m)])
    return text.getvalue().encode("gbk")


def table_with(at: AppTest, column: str):
    """The first table of the page with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def data_page(lang: str = "zh", user: str | None = "wang") -> AppTest:
    """The Data page in ``lang``, ``user`` signed in from the sidebar (the editor by default: storing an
    import is an editor's; None: nobody)."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at = at.switch_page(DATA).run()
    if user is None:
        return at
    at.sidebar.text_input(key="account_name").set_value(user)
    at.sidebar.text_input(key="account_password").set_value(TEAM[user][1])
    next(b for b in at.sidebar.button if b.label == tr("account_sign_in", lang)).click()
    at = at.run()
    assert not at.exception and any(user in c.value for c in at.sidebar.caption)
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv"))
    return at.run()


def test_upload_report_confirm_and_the_map_shows_the_row(data_root):
    at = data_page("en")
    assert not at.exception
    assert at.title[0].value == "Testville: import data"
    assert "Files up to 100 MB" in at.caption[1].value  # .streamlit/config.toml: server.maxUploadSize = 100
    assert not [b for b in at.button if b.key == "data_commit"]  # nothing to confirm before an upload
    at = upload(at, "名录.csv", csv_bytes([(EVIL, "4A级", "西区", 506_000, 3_996_500),
                                          ("坏等级", "6B", "西区", 506_500, 3_996_500),
                                          ("西塔", "4A", "西区", 505_050, 3_996_000)]))  # fmt: skip
    assert not at.exception
    assert "3 rows: 1 accepted, 1 probable duplicate, 1 rejected" in at.markdown[0].value
    rows = table_with(at, "lat")
    assert list(rows["status"]) == ["accepted", "rejected", "probable duplicate"]
    assert rows["name_zh"].iloc[0] == EVIL  # text, shown as text by st.dataframe
    problems = table_with(at, "message")
    assert list(problems["row"]) == [3] and "field grade is '6B'" in problems["message"].iloc[0]
    (commit,) = [b for b in at.button if b.key == "data_commit"]
    assert commit.label == "Store 1 row in A-class scenic spots"
    before = store_for_pack(data_root / "testville").read_layer("scenic_spots")
    assert len(before) == 2  # the report stored nothing
    at = commit.click().run()
    assert not at.exception
    assert at.success[0].value == "Stored in A-class scenic spots: 1 added, 0 updated"
    stored = store_for_pack(data_root / "testville").read_layer("scenic_spots")
    assert EVIL in set(stored["name_zh"]) and len(stored) == 3
    at.session_state[MAP_DRAWN] = True  # as after the map's first report from a browser (AppTest has none)
    at = at.switch_page(MAP).run()
    assert not at.exception
    new_id = stored.loc[stored["name_zh"] == EVIL, "id"].iloc[0]
    assert new_id in results(at)


def test_duplicate_choice_update(data_root):
    at = upload(data_page("zh"), "dup.csv", csv_bytes([("西塔", "5A", "西区", 505_050, 3_996_000)]))
    assert not at.exception
    dups = table_with(at, "duplicate_of")
    assert list(dups["duplicate_of"]) == ["sc-west-pagoda"] and list(dups["choice"]) == ["跳过"]
    (commit,) = [b for b in at.button if b.key == "data_commit"]
    assert commit.disabled  # the duplicate is skipped unless chosen otherwise
    assert store_for_pack(data_root / "testville").read_layer("scenic_spots").set_index("id").loc[
        "sc-west-pagoda", "grade"] == "4A"  # fmt: skip


def test_unreadable_upload_shows_the_reason_as_typed(data_root):
    at = upload(data_page("zh"), "坏.csv", b"\x00\x01\x02binary")
    assert not at.exception
    assert at.error[0].value == "坏\\.csv 不是文本表格（含二进制内容）"  # Markdown escaped: shown as typed
    assert not [b for b in at.button if b.key == "data_commit"]
    at = upload(at, "**x**[a](javascript:alert(1)).csv", b"")
    assert at.error[0].value == "\\*\\*x\\*\\*\\[a\\]\\(javascript\\:alert\\(1\\)\\)\\.csv 是空文件"


def test_an_imported_point_dataset_is_a_density_input(data_root):
    import geopandas as gpd
    import shapely

    xy = [utm_to_lonlat(502_000 + (i % 20) * 100, 3_994_000 + (i // 20) * 100) for i in range(300)]
    points = gpd.GeoDataFrame(geometry=[shapely.Point(p) for p in xy], crs="EPSG:4326")
    assert store_for_pack(data_root / "testville").write_points("checkins", points) == 300
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at = at.switch_page("src/culturemap/ui/pages/analysis.py").run()
    assert not at.exception
    (source,) = [s for s in at.selectbox if (s.key or "").startswith("analysis_density_of~")]
    assert source.options == ["the assets of the chosen layers", "checkins"]
    note = next(c.value for c in at.caption if c.value.startswith("Gaussian kernel"))
    assert "integral = 4.0 assets" in note  # the 4 assets of the default layers
    at = source.select("checkins").run()
    assert not at.exception
    note = next(c.value for c in at.caption if c.value.startswith("Gaussian kernel"))
    assert "integral = 300.0" in note
    assert any("The density of a point dataset has no export yet" in c.value for c in at.caption)


def test_a_point_dataset_is_uploaded_and_stored(data_root):
    at = data_page("en")
    at = at.radio(key="data_target").set_value("points").run()
    rows = "lng,lat,kind\n" + "".join(
        f"{lon},{lat},photo\n" for lon, lat in (utm_to_lonlat(503_000 + i, 3_994_000) for i in range(40))
    )
    at = upload(at, "photos.csv", (rows + "oops,,photo\n").encode())
    assert not at.exception
    assert at.markdown[0].value == "**40 points read, 1 row dropped (no valid coordinates)**"
    (commit,) = [b for b in at.button if b.key == "data_points_commit"]
    at = commit.click().run()
    assert at.success[0].value == "Point dataset checkins: 40 points stored, 1 row dropped (no valid coordinates)"
    stored = store_for_pack(data_root / "testville").read_points("checkins")
    assert len(stored) == 40 and set(stored["kind"]) == {"photo"}


@pytest.mark.parametrize("user", [None, "zhao"])
def test_a_viewer_or_contributor_checks_a_file_but_only_an_editor_stores_it(data_root, user):
    """An import skips the review: nobody signed in and a contributor see the per-row report but no button to
    store it, and the store refuses their import and point dataset when called directly."""
    store = store_for_pack(data_root / "testville")
    at = upload(data_page("en", user), "名录.csv", csv_bytes([("新塔", "4A级", "西区", 506_000, 3_996_500)]))
    assert not at.exception
    assert "1 row: 1 accepted" in at.markdown[0].value  # the check itself is for everyone
    assert not [b for b in at.button if b.key == "data_commit"]
    assert tr("data_import_needs_editor", "en") in [i.value for i in at.info]
    at = at.radio(key="data_target").set_value("points").run()
    at = upload(at, "photos.csv", f"lng,lat\n{105.05},{36.1}\n".encode())
    assert not [b for b in at.button if b.key == "data_points_commit"]
    actor = Actor(user or "", "contributor" if user else "viewer")
    rows = store.read_layer("scenic_spots").head(1).assign(grade="5A")
    with pytest.raises(StoreError, match="may not import rows: it takes the role editor"):
        store.write("scenic_spots", rows, actor=actor)
    with pytest.raises(StoreError, match="may not import rows: it takes the role editor"):
        store.write_points("checkins", rows[["geometry"]], actor=actor)
    assert store.read_layer("scenic_spots")["grade"].tolist() == ["4A", "3A"] and store.point_datasets() == []
    assert store.history().empty
