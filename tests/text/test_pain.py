import pytest


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("Mechanical back pain, 7/10.", "pain.character", "mechanical"),
        ("Pain worse on standing and relieved by lying flat.", "pain.character", "mechanical"),
        ("Pain at night, not mechanical.", "pain.character", "occasional_non_mechanical"),
        ("No pain.", "pain.character", "none"),
        ("Pain 8/10 on weight bearing.", "pain.severity_nrs", 8),
        ("NRS 6.", "pain.severity_nrs", 6),
        ("Burning neuropathic pain down the leg.", "pain.neuropathic", True),
    ],
)
def test_pain(ex, text, path, value):
    assert ex(text)[path] == value


def test_level_is_not_a_pain_score(ex):
    out = ex("T9/10 metastasis with pain.")
    assert "pain.severity_nrs" not in out


def test_power_is_not_a_pain_score(ex):
    assert "pain.severity_nrs" not in ex("Power 4/5 in both legs.")
