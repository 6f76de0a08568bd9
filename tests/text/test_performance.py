import pytest


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("A 58-year-old woman with sarcoma.", 58, "female"),
        ("62F, leiomyosarcoma.", 62, "female"),
        ("71 y/o male with prostate cancer.", 71, "male"),
        ("Pt 81M, HCC.", 81, "male"),
        ("Mrs Khan, 55 years, breast cancer.", 55, "female"),
        ("This 45-year-old gentleman has melanoma.", 45, "male"),
    ],
)
def test_age_and_sex(ex, text, age, sex):
    out = ex(text)
    assert out["patient.age_years"] == age
    assert out["patient.sex"] == sex


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("ECOG 1.", "patient.ecog", 1),
        ("Her WHO performance status is 2.", "patient.ecog", 2),
        ("PS 3.", "patient.ecog", 3),
        ("KPS 70.", "patient.kps", 70),
        ("Karnofsky performance status of 80%.", "patient.kps", 80),
        ("She walks with a frame.", "patient.ambulatory", "assisted"),
        ("He walks unaided.", "patient.ambulatory", "independent"),
        ("Now unable to walk.", "patient.ambulatory", "non_ambulatory"),
        ("Wheelchair-bound since May.", "patient.ambulatory", "non_ambulatory"),
    ],
)
def test_performance(ex, text, path, value):
    assert ex(text)[path] == value


def test_kps_not_multiple_of_ten_is_not_converted(ex):
    assert "patient.kps" not in ex("KPS 75.")


def test_ecog_range_is_not_a_value(ex):
    assert "patient.ecog" not in ex("ECOG 0-1.")
