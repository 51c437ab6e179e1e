"""The Map page's fact cards show an asset's history (issue 28): after an edit, the card of the edited
asset in the map's layer holds who changed what (AppTest on a GeoPackage store, the edit through the store)."""

import json
import re

from streamlit.testing.v1 import AppTest

from culturemap.store import store_for_pack
from culturemap.store.roles import Actor
from tests.ui.test_app import APP, map_sent, widget


def cards(at: AppTest) -> dict[str, str]:
    """The fact card of every marker in the assets' layer the page sent its map, by asset id."""
    collections = re.findall(r"_add\((\{\"features\": .*\})\);$", map_sent(at)["feature_group"], re.MULTILINE)
    features = [f for text in collections for f in json.loads(text)["features"]]
    return {f["properties"]["id"]: f["properties"]["card"] for f in features}


def test_after_an_edit_the_map_page_card_of_that_asset_shows_the_change(pack, tmp_path, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))  # a store of this test's own
    (tmp_path / "store").mkdir()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    before = cards(at)
    assert len(before) == 6 and not any("cm-history" in card for card in before.values())
    store_for_pack(pack).update_asset("scenic_spots", "sc-west-pagoda", {"name_en": "Renamed <i>Pagoda</i>"}, 1,
                                      Actor("wang", "editor"), "the sign on site")  # fmt: skip
    at.run()
    assert not at.exception
    after = cards(at)
    pagoda = after.pop("sc-west-pagoda")
    assert "<summary>History (1 change)</summary>" in pagoda
    assert (
        " · wang · <b>fields changed</b><br>English name: SC-WEST-PAGODA → Renamed &lt;i&gt;Pagoda&lt;/i&gt;" in pagoda
    )
    assert after == {fid: card for fid, card in before.items() if fid != "sc-west-pagoda"}  # the others unchanged
    widget(at, "radio", "lang").set_value("zh").run()
    assert "<summary>修改记录（1 条）</summary>" in cards(at)["sc-west-pagoda"]
