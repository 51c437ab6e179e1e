"""Every fact card shows its asset's history (issue 28): who, when, what changed (before → after), the
distance of a move, newest first, five at most; values escaped; in Chinese and English. A real store."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from pyproj import Transformer

from culturemap.layers import LAYERS
from culturemap.render.card_history import CARD_HISTORY_LIMIT, histories_by_asset
from culturemap.render.fact_card import fact_card_html
from culturemap.render.folium_map import MapOptions, build_map
from culturemap.store import store_for_pack
from culturemap.store.roles import Actor
from tests.render.test_folium_map import markers

WANG = Actor("wang", "editor")
PAGODA = ("scenic_spots", "sc-west-pagoda")
TARGET = (105.06, 36.11)  # where the pagoda is moved (WGS-84 lon, lat)


def card(store, lang: str, history: bool = True) -> str:
    """The fact card of the west pagoda as the store holds it now."""
    city = store.load_city()
    assets = city.assets()
    row = assets[assets["id"] == PAGODA[1]].iloc[0].to_dict()
    entries = histories_by_asset(store.history()).get(PAGODA) if history else None
    return fact_card_html(row, LAYERS[PAGODA[0]], lang, sources=city.sources, history=entries)


def items(html: str) -> list[str]:
    """The history entries of a card, as shown (newest first)."""
    return re.findall(r"<li>(.*?)</li>", html)


@pytest.fixture
def store(pack, tmp_path, monkeypatch):
    """The store of the synthetic pack, in a folder of this test's own (its edits stay out of other tests)."""
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))
    (tmp_path / "store").mkdir()
    return store_for_pack(pack)


def test_a_card_without_history_shows_nothing_more(store):
    assert store.history().empty  # the seeded rows have no history
    assert card(store, "en") == card(store, "en", history=False)
    assert "cm-history" not in card(store, "en")


def test_a_rename_and_a_move_show_who_when_and_what_changed_newest_first(store):
    start = store.read_layer("scenic_spots").set_index("id").loc[PAGODA[1], "geometry"]
    before = datetime.now(UTC)
    store.update_asset(*PAGODA, {"name_en": "<b>Bold</b> Pagoda", "grade": "5A"}, 1, WANG, "renamed")
    store.move_asset(*PAGODA, *TARGET, "map", 2, WANG, "on site")
    english, chinese = card(store, "en"), card(store, "zh")
    assert "<summary>History (2 changes)</summary>" in english and "<summary>修改记录（2 条）</summary>" in chinese
    moved, renamed = items(english)  # newest first
    assert "wang" in moved and "<b>moved</b>" in moved and "wang" in renamed and "<b>fields changed</b>" in renamed
    # the changed name stays text; the grade reads as its label
    assert "English name: SC-WEST-PAGODA → &lt;b&gt;Bold&lt;/b&gt; Pagoda" in renamed and "<b>Bold</b>" not in english
    assert "Grade: 4A → 5A" in renamed
    assert "英文名称：SC-WEST-PAGODA → &lt;b&gt;Bold&lt;/b&gt; Pagoda" in chinese and "等级：4A级 → 5A级" in chinese
    # the distance moved, computed here in the city's UTM zone: the card's (geodesic) metres agree within 1 m
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    (x0, y0), (x1, y1) = utm.transform(start.x, start.y), utm.transform(*TARGET)
    expected_m = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / 0.9996  # a UTM metre is 0.9996 m near the meridian
    shown_m = float(re.search(r"<br>(\d+) m from where it was; coordinates: placed on the map by an editor", moved)[1])
    assert shown_m == pytest.approx(expected_m, abs=1.0) and expected_m > 100
    assert re.search(rf"距原位置 {shown_m:.0f} 米；坐标精度：", chinese)
    # the time: to the minute, in China time (UTC+8)
    shown = datetime.strptime(moved[:16], "%Y-%m-%d %H:%M").replace(tzinfo=UTC) - timedelta(hours=8)
    assert before - timedelta(minutes=1) <= shown <= datetime.now(UTC)
    assert "Times in China time (UTC+8)." in english and "时间为北京时间。" in chinese


def test_retire_restore_and_undo_say_what_they_did(store):
    store.retire_asset(*PAGODA, 1, WANG, "closed <for> repairs")
    store.restore_asset(*PAGODA, 2, WANG)
    store.undo_last(WANG)  # takes the restore back: retired again
    store.restore_asset(*PAGODA, 4, WANG)
    restored, undone, restored_first, retired = items(card(store, "en"))
    assert retired.endswith("<b>retired</b><br>why: closed &lt;for&gt; repairs")
    assert restored_first.endswith("<b>restored</b>") and restored.endswith("<b>restored</b>")
    assert undone.endswith("<b>undone</b><br>retired, why: closed &lt;for&gt; repairs")
    assert items(card(store, "zh"))[1].endswith("<b>撤销</b><br>已停用，原因：closed &lt;for&gt; repairs")


def test_a_card_shows_the_newest_five_and_counts_the_rest(store):
    hours = [f"0{h}:00-17:00" for h in range(1, 8)]
    for version, opening in enumerate(hours, start=1):
        store.update_asset(*PAGODA, {"opening_hours": opening}, version, WANG)
    english, chinese = card(store, "en"), card(store, "zh")
    shown = items(english)
    assert len(shown) == CARD_HISTORY_LIMIT
    assert [re.search(r"→ (\S+)$", item)[1] for item in shown] == hours[::-1][:CARD_HISTORY_LIMIT]
    assert "Opening hours: 06:00-17:00 → 07:00-17:00" in shown[0] and "Opening hours: — → 01:00-17:00" not in english
    assert "<summary>History (7 changes)</summary>" in english
    assert "…and 2 changes before these: see the change log on the Data page." in english
    assert "……此前还有 2 条修改，见“数据”页的修改记录。" in chinese
    assert len(items(chinese)) == CARD_HISTORY_LIMIT


def test_the_map_carries_the_history_only_on_the_changed_asset(store):
    store.update_asset(*PAGODA, {"name_en": "Renamed Pagoda"}, 1, WANG)
    city = store.load_city()
    histories = histories_by_asset(store.history())
    fmap = build_map(city, city.assets(), MapOptions(lang="en", cluster=False), histories).map
    cards = {f["properties"]["id"]: f["properties"]["card"] for _, f in markers(fmap)}
    assert "History (1 change)" in cards["sc-west-pagoda"] and "Renamed Pagoda" in cards["sc-west-pagoda"]
    assert all("cm-history" not in text for fid, text in cards.items() if fid != "sc-west-pagoda")
    assert len(cards) == 6


def test_an_import_is_one_line_that_counts_the_fields_it_changed(store):
    rows = store.read_layer("scenic_spots")
    changed = rows[rows["id"] == PAGODA[1]].assign(opening_hours="08:00-18:00", address="No. 12 Binhe Road")
    store.write("scenic_spots", changed, actor=WANG)
    (entry,) = items(card(store, "en"))
    assert entry.endswith(" · wang · <b>imported</b><br>2 fields changed")
    assert items(card(store, "zh"))[0].endswith(" · wang · <b>导入</b><br>2 个字段有变动")


def test_times_are_shown_in_utc_plus_8_on_every_page_the_day_turning_at_16_utc():
    """The fact card, the Edit panel's history, the review list and the change log show store times (UTC) in
    China time: 16:30 UTC on 7 December is 00:30 on the 8th; a naive time is read as UTC; none is blank."""
    from culturemap.render.card_history import shown_time

    assert shown_time("2026-12-07T16:30:05+00:00") == "2026-12-08 00:30"
    assert shown_time("2026-12-07T16:30:05Z", seconds=True) == "2026-12-08 00:30:05"
    assert shown_time(datetime(2026, 12, 7, 3, 0)) == "2026-12-07 11:00"
    assert shown_time(None) == "" and shown_time(float("nan")) == ""
    assert shown_time("yesterday") == "yesterday"
