import pytest


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("Myelopathic on examination.", "neurology.myelopathy", True),
        ("No myelopathy.", "neurology.myelopathy", False),
        ("Left L5 radiculopathy.", "neurology.radiculopathy", True),
        ("No radicular symptoms.", "neurology.radiculopathy", False),
        ("Cauda equina syndrome.", "neurology.cauda_equina_syndrome", True),
        ("There are no features of cauda equina syndrome.", "neurology.cauda_equina_syndrome", False),
        ("Urinary retention, catheterised.", "neurology.bladder_bowel_dysfunction", True),
        ("No bladder or bowel dysfunction.", "neurology.bladder_bowel_dysfunction", False),
        ("Bladder and bowel function are normal.", "neurology.bladder_bowel_dysfunction", False),
        ("Frankel C.", "neurology.frankel", "C"),
        ("ASIA D.", "neurology.asia", "D"),
        ("Leg weakness developing over 5 days.", "neurology.motor_deficit_days", 5),
        ("Two weeks of progressive leg weakness.", "neurology.motor_deficit_days", 14),
    ],
)
def test_neurology(ex, text, path, value):
    assert ex(text)[path] == value


@pytest.mark.parametrize(
    "text",
    [
        "Risk of cord compression and myelopathy discussed.",
        "If myelopathy develops, re-image urgently.",
        "Possible myelopathy.",
        "His father had a myelopathy.",
    ],
)
def test_not_asserted_deficits_are_not_present(ex, text):
    assert ex(text).get("neurology.myelopathy") is not True
