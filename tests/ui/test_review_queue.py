"""The review queue says what a proposal would change (issue 28): each field by its label, the stored value
→ the proposed one; a move's position and what placed it; an added asset's fields; nothing for a retire
(its reason says why)."""

from __future__ import annotations

import pandas as pd

from culturemap.ui.edit_panel import proposed_change

ROWS = pd.DataFrame([{"id": "sc-west-pagoda", "name_en": "SC-WEST-PAGODA", "opening_hours": None}])


def proposal(action: str, changes: dict) -> dict:
    return {"proposal": 1, "layer": "scenic_spots", "id": "sc-west-pagoda", "action": action, "changes": changes}


def test_an_update_reads_field_labels_with_the_stored_and_the_proposed_value():
    update = proposal("update", {"changes": {"name_en": "Signboard Pagoda", "opening_hours": "09:00-17:00"}})
    assert proposed_change(update, ROWS, "en") == (
        "English name: SC-WEST-PAGODA → Signboard Pagoda; Opening hours: ∅ → 09:00-17:00"
    )
    assert proposed_change(update, ROWS, "zh").startswith("英文名称: SC-WEST-PAGODA → Signboard Pagoda")


def test_a_move_an_add_and_a_retire():
    move = proposal("move", {"lon": 105.07, "lat": 36.12, "accuracy": "surveyed"})
    assert proposed_change(move, ROWS, "en") == (
        "Position → 105.070000, 36.120000 (WGS-84) surveyed (coordinate dataset, checked)"
    )
    add = proposal("add", {"props": {"name_zh": "新塔", "name_en": "", "grade": "3A"}, "geometry": None})
    assert proposed_change(add, ROWS, "en") == "Chinese name: 新塔; Grade: 3A"
    assert proposed_change(proposal("retire", {}), ROWS, "en") == ""
