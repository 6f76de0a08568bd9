"""Performance grades as recorded (crosswalk only when asked), the radiosensitivity table, NOMS axes, the registry."""

from __future__ import annotations

import pytest

from tests.scores.brute import case_from, run
from tumorboard.model.case import Case, Primary
from tumorboard.scores import REGISTRY, compute_all, noms, performance
from tumorboard.scores.radiosensitivity import SITE_TABLE, classify, radiosensitivity


# --- performance ------------------------------------------------------------------------------------------------------
def test_recorded_values_only() -> None:
    c = case_from({}, {"patient.ecog": 2, "patient.kps": 60, "neurology.frankel": "D", "neurology.asia": "C"})
    r = performance.score(c)
    assert r.value == {"ecog": 2, "kps": 60, "frankel": "D", "asia": "C"} and r.missing == []
    assert r.min is None and r.max is None and r.band is None
    assert not any(k.endswith("_converted") for k in r.inputs)


def test_no_silent_conversion_and_missing() -> None:
    r = performance.score(case_from({}, {"patient.kps": 70}))
    assert "ecog" not in r.inputs and r.missing == ["neurology.frankel", "neurology.asia"]
    r = performance.score(Case())
    assert r.missing == ["patient.ecog", "patient.kps", "neurology.frankel", "neurology.asia"]


def test_lansky_missing_for_children() -> None:
    assert "patient.lansky" in performance.score(case_from({}, {"patient.age_years": 9, "patient.ecog": 1})).missing
    assert "patient.lansky" not in performance.score(case_from({}, {"patient.age_years": 40})).missing


@pytest.mark.parametrize(("kps", "ecog"), [(100, 0), (90, 0), (80, 1), (70, 1), (60, 2), (50, 2), (40, 3), (30, 3),
                                           (20, 4), (10, 4), (0, 5)])
def test_crosswalk_when_asked_names_it(kps: int, ecog: int) -> None:
    r = performance.score(case_from({}, {"patient.kps": kps}), crosswalk="ecog_acrin")
    assert r.inputs["ecog_converted"].value == ecog
    assert r.extra == {"crosswalk": "ECOG-ACRIN common ECOG/KPS mapping"}
    assert any("converted" in n and "ECOG-ACRIN" in n for n in r.notes)


def test_crosswalk_ecog_to_kps_is_a_range() -> None:
    r = performance.score(case_from({}, {"patient.ecog": 1}), crosswalk="ecog_acrin")
    assert r.inputs["kps_converted"].possible == [70, 80]


def test_frankel_and_asia_not_converted() -> None:
    r = performance.score(case_from({}, {"neurology.asia": "D"}), crosswalk="ecog_acrin")
    assert "frankel" not in r.inputs


# --- radiosensitivity -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("site", "histology", "expected"), [
    ("lymphoma", None, "radiosensitive"), ("myeloma", None, "radiosensitive"),
    ("germ_cell", "seminoma", "radiosensitive"), ("germ_cell", "non-seminomatous germ cell tumour", None),
    ("kidney", None, "radioresistant"), ("melanoma", None, "radioresistant"), ("thyroid", None, "radioresistant"),
    ("colon", None, "radioresistant"), ("rectum", None, "radioresistant"),
    ("soft_tissue", "leiomyosarcoma", "radioresistant"), ("soft_tissue", None, "radioresistant"),
    ("bone_sarcoma_other", "chondrosarcoma", "radioresistant"),
    ("soft_tissue", "ewing_sarcoma", None), ("soft_tissue", "liposarcoma_myxoid", None),
    ("breast", None, None), ("prostate", None, None), ("lung", None, None), (None, None, None),
])
def test_radiosensitivity_table(site: str | None, histology: str | None, expected: str | None) -> None:
    assert radiosensitivity(Primary(site=site, histology=histology)) == expected  # type: ignore[arg-type]


def test_every_site_has_a_row_with_a_source_or_reason() -> None:
    from tumorboard.model.vocabulary import PrimarySite, values

    assert set(SITE_TABLE) == set(values(PrimarySite))
    assert all(note for _, note in SITE_TABLE.values())
    assert classify(Primary(site="breast")).note


# --- NOMS -------------------------------------------------------------------------------------------------------------
def test_noms_rcc_example(rcc_case: Case) -> None:
    r = run(noms.score(rcc_case))
    assert r.value == {"neurologic": "high_grade", "myelopathy": False, "oncologic": "radioresistant",
                       "mechanical": "stable", "systemic": "fit"}
    assert r.determinate and r.min is None and r.max is None and r.missing == []
    assert r.extra is not None and set(r.extra["prognosis"]) >= {"tokuhashi", "tomita", "nesms"}
    assert "not a decision" in r.interpretation or "knowledge base" in r.interpretation


@pytest.mark.parametrize(("sins_band", "axis"), [("stable", "stable"), ("indeterminate", "potentially_unstable"),
                                                 ("unstable", "unstable")])
def test_noms_mechanical_mapping(sins_band: str, axis: str) -> None:
    assert noms.MECHANICAL[sins_band] == axis


def test_noms_unknowns_are_missing(sacrum_case: Case) -> None:
    r = run(noms.score(sacrum_case))
    assert not r.determinate and r.value is not None and r.value["systemic"] == "unknown"
    assert {"patient.fit_for_surgery", "neurology.myelopathy", "lesions.sacrum.escc_grade"} <= set(r.missing)


def test_noms_unfit_and_unclassified_histology() -> None:
    c = case_from({"lesions.0.id": "L1", "lesions.0.levels": ["L1"]},
                  {"patient.fit_for_surgery": False, "primary.site": "breast", "lesions.0.escc_grade": "1b"})
    r = run(noms.score(c))
    assert r.value is not None and (r.value["systemic"], r.value["oncologic"], r.value["neurologic"]) == (
        "unfit", None, "low_grade")
    assert "primary.site" in r.missing and any("not classified" in n for n in r.notes)


def test_noms_needs_a_spinal_lesion(femur_case: Case) -> None:
    assert noms.score(femur_case) is None


# --- registry ---------------------------------------------------------------------------------------------------------
EXPECTED_KEYS = ["sins", "escc", "tokuhashi", "tomita", "bauer", "modified_bauer", "katagiri", "nesms",
                 "van_der_linden", "mirels", "harrington", "performance", "noms", "fnclcc"]


def test_registry_keys_and_references() -> None:
    assert list(REGISTRY) == EXPECTED_KEYS
    assert "rades" not in REGISTRY
    for spec in REGISTRY.values():
        assert spec.references and callable(spec.load())


def test_rades_is_documented_not_registered() -> None:
    from tumorboard.scores import rades

    assert rades.IMPLEMENTED is False and "not verified" in rades.REASON


def test_compute_all_examples(rcc_case: Case, femur_case: Case, sacrum_case: Case) -> None:
    assert set(compute_all(rcc_case)) == set(EXPECTED_KEYS) - {"mirels", "harrington", "fnclcc"}
    assert set(compute_all(femur_case)) == {"bauer", "modified_bauer", "katagiri", "mirels", "performance"}
    assert "fnclcc" in compute_all(sacrum_case)
    for r in compute_all(rcc_case).values():
        if r.min is not None and r.max is not None and r.value is not None:
            assert r.min <= r.value <= r.max
