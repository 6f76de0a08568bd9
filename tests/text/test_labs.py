import pytest


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("Albumin 38 g/L.", "labs.albumin_g_dl", 3.8),
        ("Albumin 3.6 g/dL.", "labs.albumin_g_dl", 3.6),
        ("Hb 112 g/L.", "labs.hemoglobin_g_dl", 11.2),
        ("Hb 9.8.", "labs.hemoglobin_g_dl", 9.8),
        ("Ca 2.9 mmol/L.", "labs.calcium_mg_dl", 11.62),
        ("Calcium 10.8 mg/dL.", "labs.calcium_mg_dl", 10.8),
        ("Creatinine 180 umol/L.", "labs.creatinine_mg_dl", 2.04),
        ("LDH 450 IU/L.", "labs.ldh_iu_l", 450),
        ("CRP 45 mg/L.", "labs.crp_mg_dl", 4.5),
    ],
)
def test_labs(ex, text, path, value):
    assert ex(text)[path] == pytest.approx(value, rel=0.01)


def test_breast_ca_is_not_calcium(ex):
    assert "labs.calcium_mg_dl" not in ex("Breast ca 2 years ago.")
