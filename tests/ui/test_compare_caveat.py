"""The Compare page's caveat and the figure's text alternative (issue 26), on the two bundled packs in
zh and en: the caveat states what each pack holds against each of its published figures, with the
numbers ``culturemap validate --json`` reports, and that densities compare what the packs hold; the
figure has an alt text and its numbers as tables behind a disclosure."""

import contextlib
import io
import json

import pytest

from culturemap.analysis.lens import city_card
from culturemap.catalog import load_city
from culturemap.catalog.sources import cite_text
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.ui.text import plain
from tests.conftest import REPO, run_cli, write_pack
from tests.ui.test_lens_page import COMPARE, open_page

PACKS = ("lanzhou", "qiqihar")


@pytest.fixture(scope="module")
def validated():
    """What ``culturemap validate --json`` reports for each bundled pack (its coverage against the published figures)."""
    reports = {}
    for name in PACKS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert run_cli(["validate", REPO / "geodata" / name, "--json"]) == 0
        reports[name] = json.loads(out.getvalue())
    return reports


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    for name in PACKS:
        (tmp_path / name).symlink_to(REPO / "geodata" / name, target_is_directory=True)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_caveat_states_each_packs_coverage_against_its_published_figures(bundled, validated, lang):
    at = open_page(COMPARE, {"compare": "lanzhou,qiqihar", "lang": lang})
    assert not at.exception
    (caveat,) = [w.value for w in at.warning]
    intro, blank, *cities = caveat.split("\n")
    assert intro == tr("compare_caveat", lang) and blank == ""
    assert len(cities) == 2
    sep = "、" if lang == "zh" else "; "
    for line, name in zip(cities, PACKS):
        report = validated[name]
        city = load_city(REPO / "geodata" / name)
        assert line.startswith(f"- {plain(city.config.name(lang))}")
        figures = report["coverage"]
        assert figures  # both packs declare published figures
        one_date = len({f["as_of"] for f in figures}) == 1  # then said once, at the end
        for f in figures:  # held/published for every figure as validate counts it, and what qualifies it
            label = f["label_zh"] if lang == "zh" else f["label_en"]
            notes = [tr("compare_caveat_over", lang)] if f["gap"] < 0 else []  # the pack holds more
            if f["as_of"] and not one_date:
                notes.append(tr("compare_caveat_as_of", lang, as_of=f["as_of"]))
            if f["graded_after"]:  # held now, graded after the figure: said, so 9/47 and a table's 12 agree
                since = "compare_caveat_graded_since" if f["as_of"] and not one_date else "compare_caveat_graded_after"
                notes.append(tr(since, lang, n=len(f["graded_after"]), as_of=f["as_of"]))
            item = tr("compare_caveat_item", lang, label=label, held=f["actual"], published=f["published"])
            if notes:
                item += tr("compare_caveat_notes", lang, notes=("；" if lang == "zh" else "; ").join(notes))
            assert plain(item) in line
        for source in {f["source"] for f in figures}:  # cited as a reader cites them, no keys
            assert plain(cite_text(source, city.sources, lang)) in line
        assert line.count(plain(sep)) >= len(figures) - 1
    # the numbers that matter to a reader: Lanzhou holds 9 of the 47 A-class spots its study counts
    lanzhou = {f["id"]: (f["actual"], f["published"]) for f in validated["lanzhou"]["coverage"]}
    assert lanzhou["a_class_scenic_spots"][1] == 47 and lanzhou["a_class_scenic_spots"][0] < 47
    assert plain(f"/{lanzhou['a_class_scenic_spots'][1]}") in cities[0]
    qiqihar = {f["id"]: f for f in validated["qiqihar"]["coverage"]}
    assert qiqihar["national_heritage_units"]["gap"] < 0  # the pack holds more than the figure it cites
    if lang == "en":
        assert cities[0].replace("\\", "").startswith("- Lanzhou (figures as of 2022-08): ")  # one date for all
        shown = [c.replace("\\", "") for c in cities]
        assert "A-class scenic spots 9/47 (3 more graded after 2022-08, not counted)" in shown[0]
        assert "National key cultural relics protection units 11/10 (more than published)" in shown[1]
        assert "3/3 (as of 2011-02-15; 1 more graded since, not counted)" in shown[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_figure_has_alt_text_and_its_numbers_behind_a_disclosure(bundled, lang):
    at = open_page(COMPARE, {"compare": "lanzhou,qiqihar", "lang": lang})
    assert not at.exception
    cards = [city_card(load_city(REPO / "geodata" / name)) for name in PACKS]
    (image,) = at.get("image")
    alt = image.proto.imgs[0].alt
    assert alt.startswith(tr("compare_figure_title", lang, a=cards[0].name(lang), b=cards[1].name(lang)))
    for card in cards:  # each city's densest layer, in words
        densest = card.indicators["per_100km2"].idxmax()
        assert tr("compare_alt_densest", lang, city=card.name(lang), layer=LAYERS[densest].label(lang),
                  value=card.indicators["per_100km2"].max()) in alt  # fmt: skip
    (disclosure,) = [e for e in at.expander if e.label == tr("compare_figure_data", lang)]
    per_area, per_residents, *indices = [d.value for d in disclosure.dataframe]
    assert [m.value for m in disclosure.markdown][:2] == [f"**{tr('compare_per_100km2', lang)}**",
                                                         f"**{tr('compare_per_10k', lang)}**"]  # fmt: skip
    for table, measure in ((per_area, "per_100km2"), (per_residents, "per_10k_residents")):
        assert list(table[tr("col_layer", lang)]) == [LAYERS[lid].label(lang) for lid in cards[0].indicators.index]
        for card in cards:
            assert list(table[card.name(lang)]) == pytest.approx(card.indicators[measure].round(3).tolist())
    assert [len(index) for index in indices] == [len(card.soft_power) for card in cards]
    for index, card in zip(indices, cards):
        assert list(index[tr("col_index", lang)]) == pytest.approx(
            card.soft_power.sort_values("rank")["index"].round(1)
        )


def test_a_pack_without_published_figures_says_so(tmp_path, monkeypatch):
    from tests.conftest import CITY_TOML, format_city_toml

    toml = CITY_TOML.split("[[published]]")[0].replace('id = "testville"', 'id = "bareville"')
    write_pack(tmp_path / "testville")
    write_pack(tmp_path / "bareville", city_toml=format_city_toml(toml))
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    at = open_page(COMPARE, {"compare": "testville,bareville", "lang": "en"})
    assert not at.exception
    (caveat,) = [w.value for w in at.warning]
    last = caveat.split("\n")[-1]
    assert last == "- " + plain(
        tr("compare_caveat_city_none", "en", city=load_city(tmp_path / "bareville").config.name("en"))
    )
