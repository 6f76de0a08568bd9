"""The engine's state of named statements for a case (tumorboard.engine.applicability)."""

from __future__ import annotations

from tumorboard.engine.applicability import applicability
from tumorboard.model.case import Case

DEX = "mscc-dexamethasone-neurological-deficit"  # applies when a neurological deficit meets MSCC/epidural disease


def _case(**neurology: object) -> Case:
    return Case.model_validate({
        "primary": {"site": "breast"},
        "lesions": [{"region": "thoracic", "levels": ["T7"], "escc_grade": "3"}],
        "neurology": neurology,
    })


def test_states_follow_the_conditions() -> None:
    assert applicability(_case(frankel="C"), [DEX]) == {DEX: "fire"}  # deficit and high-grade compression
    assert applicability(_case(frankel="E", myelopathy=False), [DEX]) == {DEX: "none"}  # no deficit: false
    assert applicability(_case(), [DEX]) == {DEX: "blocked"}  # the deficit is not recorded


def test_unknown_ids_are_left_out() -> None:
    assert applicability(_case(), ["no-such-statement"]) == {}
