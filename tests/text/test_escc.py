import pytest


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("T8 metastasis, ESCC 1c.", "1c"),
        ("T8 metastasis, Bilsky grade 2.", "2"),
        ("T6 epidural tumour with cord compression and no visible CSF.", "3"),
        ("T6 epidural tumour compressing the cord, CSF still visible.", "2"),
        ("C5 metastasis: epidural disease abuts the cord without compression.", "1c"),
        ("L1 metastasis; epidural extension deforms the thecal sac.", "1b"),
        ("T11 metastasis. No epidural extension.", "0"),
    ],
)
def test_escc(ex, text, grade):
    assert ex(text)["lesions.0.escc_grade"] == grade


def test_negated_cord_compression_sets_no_grade(ex):
    out = ex("T10 sclerotic metastasis. No cord compression.")
    assert "lesions.0.escc_grade" not in out


def test_cord_compression_without_detail_sets_no_grade(ex):
    assert "lesions.0.escc_grade" not in ex("T9/10 epidural disease with cord compression.")
