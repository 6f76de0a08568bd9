import pytest


@pytest.mark.parametrize(
    ("text", "site", "histology"),
    [
        ("Metastatic uterine leiomyosarcoma.", "soft_tissue", "leiomyosarcoma"),
        ("Myxoid liposarcoma of the thigh.", "soft_tissue", "liposarcoma_myxoid"),
        ("UPS of the left thigh.", "soft_tissue", "undifferentiated_pleomorphic"),
        ("Known MPNST.", "soft_tissue", "mpnst"),
        ("Metastatic GIST.", "soft_tissue", "gist"),
        ("Recurrent sacral chordoma.", "bone_sarcoma_other", "chordoma"),
        ("Ewing sarcoma of the pelvis.", "bone_sarcoma_other", "ewing_sarcoma"),
        ("NSCLC (adeno, EGFR+).", "lung", "adenocarcinoma"),
        ("Clear cell RCC.", "kidney", "clear cell renal cell carcinoma"),
        ("Colorectal adenoCa.", "colon", "adenocarcinoma"),
        ("Carcinoma of unknown primary.", "unknown_primary", None),
        ("Multiple myeloma.", "myeloma", None),
    ],
)
def test_site_and_histology(ex, text, site, histology):
    out = ex(text)
    assert out["primary.site"] == site
    assert out.get("primary.histology") == histology


def test_family_history_is_not_the_primary(ex):
    out = ex("Ovarian cancer. Her sister had myeloma.")
    assert out["primary.site"] == "ovary"


def test_two_primaries_are_a_conflict():
    from tumorboard.text import extract

    ex = extract("Breast cancer. Prostate cancer.")
    assert ex.case.primary.site is None
    assert any(c.path == "primary.site" for c in ex.conflicts)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Progressive disease.", "progressive"),
        ("Local recurrence in the thigh.", "recurrent"),
        ("Stable disease on pazopanib.", "stable"),
        ("Progressed on imatinib; recurrent tumour.", "progressive"),
    ],
)
def test_status(ex, text, status):
    assert ex(text)["primary.status"] == status


def test_progressive_weakness_is_not_disease_status(ex):
    assert "primary.status" not in ex("Ten days of progressive leg weakness.")
