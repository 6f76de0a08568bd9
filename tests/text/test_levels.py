import pytest

from tumorboard.text.levels import contiguous, parse_range, region_of


@pytest.mark.parametrize(
    ("text", "levels", "interspace"),
    [
        ("S1-3", ["S1", "S2", "S3"], False),
        ("S1–S3", ["S1", "S2", "S3"], False),
        ("T9/10", ["T9", "T10"], True),
        ("L4 to S1", ["L4", "L5", "S1"], False),
        ("C7-T1", ["C7", "T1"], False),
        ("T11 to L2", ["T11", "T12", "L1", "L2"], False),
        ("L5/S1", ["L5", "S1"], True),
        ("T12", ["T12"], False),
        ("Th10", ["T10"], False),
        ("T13", [], False),
        ("C8", [], False),
    ],
)
def test_parse_range(text, levels, interspace):
    assert parse_range(text) == (levels, interspace)


def test_region_is_most_cranial():
    assert region_of(["T1", "C7"]) == "cervical"
    assert region_of(["S1", "L5"]) == "lumbar"
    assert region_of([]) is None


def test_contiguous():
    assert contiguous({"L1"}, {"L2"})
    assert not contiguous({"T11"}, {"L2"})


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("Lytic metastasis at S1-3.", ["S1", "S2", "S3"]),
        ("Metastasis L4 to S1 with epidural disease.", ["L4", "L5", "S1"]),
        ("C7-T1 metastases, ESCC 2.", ["C7", "T1"]),
        ("T9/10 epidural disease.", ["T9", "T10"]),
        ("Lytic lesion of L2 and L3 vertebral bodies.", ["L2", "L3"]),
    ],
)
def test_levels_in_notes(ex, text, levels):
    assert ex(text)["lesions.0.levels"] == levels


def test_mri_sequences_and_references_are_not_lesions(ex):
    out = ex("Degenerative disc disease L4/5. T2 hyperintense signal. Sensory level T10. Left L5 radiculopathy.")
    assert not any(k.startswith("lesions.") for k in out)


def test_separate_lesions_and_order(ex):
    out = ex("Sclerotic lesions in T10, T11 and L2.")
    assert out["lesions.0.levels"] == ["T10", "T11"]
    assert out["lesions.1.levels"] == ["L2"]
    assert out["disease.skeletal_metastases"] == "multiple"


def test_possible_level_is_not_a_lesion(ex):
    out = ex("Possible early deposit at T9, indeterminate. Lytic metastasis at L4.")
    assert out["lesions.0.levels"] == ["L4"]
    assert "lesions.1.levels" not in out
