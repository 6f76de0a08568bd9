"""Derived facts (docs/knowledge-format.md, "Derived facts"), computed from the case and its scores.

Each fact is three-valued (True, False or None = unknown) and records the case paths it read and those of them that
were unknown, so that the engine can say what an unknown derived fact was waiting for. A derived fact never decides on
an absent input (absent means unknown, docs/case-format.md); the exceptions are stated where they occur
(``histology_known`` is about whether something is recorded, and a positive finding wins over a contradictory
negative one, e.g. myelopathy with Frankel E). Sources are cited per fact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tumorboard.model.case import Case, Lesion
from tumorboard.model.result import ScoreResult
from tumorboard.model.vocabulary import LONG_BONE_REGIONS, SARCOMA_SUBTYPES, SPINAL_REGIONS

SARCOMA_SITES = frozenset({"soft_tissue", "osteosarcoma", "bone_sarcoma_other"})
MOBILE_SPINE = frozenset({"cervical", "thoracic", "lumbar"})

# Fallback radiosensitivity table: docs/knowledge-format.md (derived.radiosensitive). Used where
# tumorboard.scores.radiosensitivity leaves a histology unclassified (or is not installed).
RADIOSENSITIVE_SITES = frozenset({"lymphoma", "myeloma", "germ_cell", "breast", "prostate", "ovary", "neuroendocrine"})
RADIORESISTANT_SITES = frozenset({"kidney", "thyroid", "melanoma", "colon", "rectum", "liver", *SARCOMA_SITES})
RADIOSENSITIVE_SUBTYPES = frozenset({"ewing_sarcoma", "rhabdomyosarcoma"})
KB_FORMAT = "docs/knowledge-format.md"


@dataclass(frozen=True, slots=True)
class Derived:
    """A derived fact's value, the case paths it read, the unknown ones among them, and how it was decided."""

    value: bool | None
    reads: tuple[str, ...]
    unknown: tuple[str, ...]
    note: str


def _and(*vals: bool | None) -> bool | None:
    if any(v is False for v in vals):
        return False
    return None if any(v is None for v in vals) else True


def _or(*vals: bool | None) -> bool | None:
    if any(v is True for v in vals):
        return True
    return None if any(v is None for v in vals) else False


class _Reader:
    """Reads case values and remembers which paths were read and which were unknown."""

    def __init__(self) -> None:
        self.reads: list[str] = []
        self.unknown: list[str] = []

    def get(self, path: str, value: Any) -> Any:
        self.reads.append(path)
        if value is None:
            self.unknown.append(path)
        return value

    def done(self, value: bool | None, note: str) -> Derived:
        return Derived(value, tuple(dict.fromkeys(self.reads)), tuple(dict.fromkeys(self.unknown)), note)


def _band(r: _Reader, scores: dict[str, ScoreResult], key: str, worst: Iterable[str]) -> bool | None:
    """Whether a score is in one of the given bands, using the bands still possible when inputs are missing."""
    res = scores.get(key)
    if res is None:
        return None
    r.reads.extend(res.missing)
    bands = [res.band] if res.band else res.possible_bands
    if not bands:
        r.unknown.extend(res.missing)
        return None
    hits = {b in set(worst) for b in bands}
    if len(hits) == 1:
        return hits.pop()
    r.unknown.extend(res.missing)
    return None


# --- case-level --------------------------------------------------------------------------------------------------


def paediatric(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Age under 18 years (docs/knowledge-format.md; the paediatric cut-off of the NCI PDQ childhood sarcoma pages)."""
    r = _Reader()
    age = r.get("patient.age_years", case.patient.age_years)
    return r.done(None if age is None else age < 18, f"age {age}")


def adult(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Age 18 years or more (docs/knowledge-format.md)."""
    r = _Reader()
    age = r.get("patient.age_years", case.patient.age_years)
    return r.done(None if age is None else age >= 18, f"age {age}")


def sarcoma(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Primary site soft_tissue, osteosarcoma or bone_sarcoma_other, or a sarcoma subtype as histology
    (docs/case-format.md enumerations). The site decides when it is a non-sarcoma site and no subtype is recorded."""
    r = _Reader()
    site = r.get("primary.site", case.primary.site)
    hist = (r.get("primary.histology", case.primary.histology) or "").strip().lower()
    if site in SARCOMA_SITES or hist in SARCOMA_SUBTYPES:
        return r.done(True, f"site {site}, histology {hist or 'not recorded'}")
    if site is None or site in ("unknown_primary", "other"):
        return r.done(None if not hist or site is None else False, f"site {site}")
    return r.done(False, f"site {site}")


def histology_known(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """A histology is recorded, or the site is a non-sarcoma site other than unknown_primary/other
    (docs/knowledge-format.md). About what is recorded, so never unknown: filling primary.histology can change it."""
    r = _Reader()
    site = r.get("primary.site", case.primary.site)
    hist = (r.get("primary.histology", case.primary.histology) or "").strip()
    if hist and hist.lower() not in ("unknown", "not known", "none"):
        return r.done(True, f"histology {hist}")
    if site is not None and site not in SARCOMA_SITES and site not in ("unknown_primary", "other"):
        return r.done(True, f"site {site}")
    return r.done(False, f"site {site or 'not recorded'}, histology not recorded")


def radiosensitive(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Sensitive to conventional RT: ``tumorboard.scores.radiosensitivity`` (NOMS classes, Laufer 2013) where it
    classifies the histology; otherwise the table of docs/knowledge-format.md (breast, prostate, ovary, germ cell,
    neuroendocrine, small-cell lung, Ewing, rhabdomyosarcoma sensitive; NSCLC resistant)."""
    r = _Reader()
    site = r.get("primary.site", case.primary.site)
    hist_raw = case.primary.histology
    hist = (hist_raw or "").strip().lower()
    r.reads.append("primary.histology")
    try:
        from tumorboard.scores.radiosensitivity import classify

        cls = classify(case.primary)
        if cls.sensitivity is not None:
            return r.done(cls.sensitivity == "radiosensitive", f"{cls.sensitivity} ({cls.note})")
    except ImportError:  # pragma: no cover - before the scores module existed
        pass
    if site is None:
        return r.done(None, "primary site not recorded")
    if hist in RADIOSENSITIVE_SUBTYPES:
        return r.done(True, f"{hist}: radiosensitive ({KB_FORMAT})")
    if site == "lung":
        if "small" in hist and "non" not in hist:
            return r.done(True, f"small-cell lung cancer: radiosensitive ({KB_FORMAT})")
        if hist:
            return r.done(False, f"non-small-cell lung cancer: radioresistant ({KB_FORMAT})")
        r.unknown.append("primary.histology")
        return r.done(None, "lung primary: small-cell or not decides")
    if site in RADIOSENSITIVE_SITES:
        return r.done(True, f"{site}: radiosensitive ({KB_FORMAT})")
    if site in RADIORESISTANT_SITES:
        if site in SARCOMA_SITES and not hist:
            r.unknown.append("primary.histology")
            return r.done(None, "sarcoma subtype not recorded (Ewing and rhabdomyosarcoma are radiosensitive)")
        return r.done(False, f"{site}: radioresistant ({KB_FORMAT})")
    if site == "unknown_primary" or (site == "other" and not hist):
        r.unknown.append("primary.histology")
    return r.done(None, f"{site}: radiosensitivity not classified")


def _motor_grades(r: _Reader, case: Case) -> tuple[list[str], bool]:
    n = case.neurology
    grades = [g for g in (r.get("neurology.frankel", n.frankel), r.get("neurology.asia", n.asia)) if g]
    return grades, bool(grades)


def neurological_deficit(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Frankel or ASIA A-D, myelopathy, cauda equina syndrome or bladder/bowel dysfunction (docs/knowledge-format.md;
    the ASTRO 2024 and NICE NG234 definitions of compression with neurological signs). False needs a recorded motor
    grade E and myelopathy recorded absent; Frankel E (normal motor and sensory function) excludes cauda equina
    syndrome and neurogenic sphincter dysfunction unless they are recorded (a positive sign always wins)."""
    r = _Reader()
    n = case.neurology
    grades, graded = _motor_grades(r, case)
    signs = {
        "myelopathy": r.get("neurology.myelopathy", n.myelopathy),
        "cauda_equina_syndrome": r.get("neurology.cauda_equina_syndrome", n.cauda_equina_syndrome),
        "bladder_bowel_dysfunction": r.get("neurology.bladder_bowel_dysfunction", n.bladder_bowel_dysfunction),
    }
    positive = [g for g in grades if g != "E"] + [k for k, v in signs.items() if v]
    if positive:
        return r.done(True, "present: " + ", ".join(positive))
    if graded and signs["myelopathy"] is False:
        return r.done(False, f"grade {'/'.join(grades)} and no myelopathy")
    if not graded:
        r.unknown[:] = [p for p in r.unknown if p in ("neurology.frankel", "neurology.asia", "neurology.myelopathy")]
    else:
        r.unknown[:] = ["neurology.myelopathy"]
    return r.done(None, "neurological grade or myelopathy not recorded")


def complete_paraplegia_over_48h(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Frankel/ASIA A with ``complete_deficit_hours`` > 48: outside Patchell's selection (Lancet 2005)."""
    r = _Reader()
    grades, graded = _motor_grades(r, case)
    hours = r.get("neurology.complete_deficit_hours", case.neurology.complete_deficit_hours)
    complete = None if not graded else ("A" in grades)
    if complete is False:
        r.unknown[:] = []
        return r.done(False, f"grade {'/'.join(grades)}")
    over = None if hours is None else hours > 48
    return r.done(_and(complete, over), f"grade {'/'.join(grades) or '?'}, {hours} h")


def mscc(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Some spinal lesion has high-grade ESCC (2 or 3) (Bilsky 2010; NOMS, Laufer 2013)."""
    r = _Reader()
    vals: list[bool | None] = []
    for i, lesion in enumerate(case.lesions):
        key = case.lesion_key(i)
        region = r.get(f"lesions.{key}.region", lesion.region)
        if region is not None and region not in SPINAL_REGIONS:
            continue
        grade = r.get(f"lesions.{key}.escc_grade", lesion.escc_grade)
        vals.append(None if grade is None else grade in ("2", "3"))
    value = _or(*vals) if vals else False
    if value is not None:
        r.unknown[:] = []
    return r.done(value, "high-grade ESCC" if value else "no high-grade ESCC recorded")


def fit_for_surgery(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """``patient.fit_for_surgery`` as the team recorded it; never inferred (docs/knowledge-format.md)."""
    r = _Reader()
    fit = r.get("patient.fit_for_surgery", case.patient.fit_for_surgery)
    return r.done(fit, "as recorded")


def poor_performance(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """ECOG >= 3 or KPS <= 40 (Oken 1982; Karnofsky)."""
    r = _Reader()
    ecog = r.get("patient.ecog", case.patient.ecog)
    kps = r.get("patient.kps", case.patient.kps)
    if ecog is None and kps is None:
        return r.done(None, "ECOG and KPS not recorded")
    r.unknown[:] = []  # one recorded scale is the team's assessment
    value = (ecog is not None and ecog >= 3) or (kps is not None and kps <= 40)
    return r.done(value, f"ECOG {ecog}, KPS {kps}")


def good_performance(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """ECOG <= 1 or KPS >= 70 (Oken 1982; Karnofsky)."""
    r = _Reader()
    ecog = r.get("patient.ecog", case.patient.ecog)
    kps = r.get("patient.kps", case.patient.kps)
    if ecog is None and kps is None:
        return r.done(None, "ECOG and KPS not recorded")
    r.unknown[:] = []
    return r.done((ecog is not None and ecog <= 1) or (kps is not None and kps >= 70), f"ECOG {ecog}, KPS {kps}")


def short_survival(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Expected survival under 3 months: the team's estimate < 3 months, or a prognosis score in its worst band
    (revised Tokuhashi 0-8 with Tomita 8-10, or Katagiri high) (docs/knowledge-format.md, read literally as a
    three-valued "or": false only when the estimate is recorded at 3 months or more and no score is in its worst
    band; Tokuhashi 2005, Tomita 2001, Katagiri 2014)."""
    r = _Reader()
    le = r.get("patient.life_expectancy_months", case.patient.life_expectancy_months)
    tok = _band(r, scores, "tokuhashi", ("under_6_months",))
    tom = _band(r, scores, "tomita", ("terminal_care",))
    kat = _band(r, scores, "katagiri", ("high",))
    value = _or(None if le is None else le < 3, _and(tok, tom), kat)
    if value is not None:
        r.unknown[:] = []
    note = f"estimate {'not recorded' if le is None else f'{le:g} months'}; Tokuhashi worst band {tok}, " \
           f"Tomita terminal {tom}, Katagiri high {kat}"
    return r.done(value, note)


def long_survival(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """Expected survival of 12 months or more: the team's estimate >= 12 months, or revised Tokuhashi >= 12, or
    Katagiri low (docs/knowledge-format.md, a three-valued "or")."""
    r = _Reader()
    le = r.get("patient.life_expectancy_months", case.patient.life_expectancy_months)
    tok = _band(r, scores, "tokuhashi", ("over_12_months",))
    kat = _band(r, scores, "katagiri", ("low",))
    value = _or(None if le is None else le >= 12, tok, kat)
    if value is not None:
        r.unknown[:] = []
    note = f"estimate {'not recorded' if le is None else f'{le:g} months'}; Tokuhashi >= 12 {tok}, Katagiri low {kat}"
    return r.done(value, note)


def oligometastatic(case: Case, scores: dict[str, ScoreResult]) -> Derived:
    """A solitary skeletal metastasis without visceral metastases, or at most 5 metastases in all when the counts are
    known (SABR-COMET selection, Palma 2020; docs/knowledge-format.md)."""
    r = _Reader()
    d = case.disease
    skel = r.get("disease.skeletal_metastases", d.skeletal_metastases)
    visc = r.get("disease.visceral_metastases", d.visceral_metastases)
    solitary = _and(None if skel is None else skel == "solitary", None if visc is None else visc == "none")
    extra = r.get("disease.extraspinal_bone_metastases", d.extraspinal_bone_metastases)
    vert = r.get("disease.vertebral_body_metastases", d.vertebral_body_metastases)
    counts: bool | None
    if extra is not None and vert is not None:
        total = extra + vert + (d.pulmonary_nodules or 0)
        counts = total <= 5 if (visc in ("none", "removable") or total > 5) else None
    elif (extra or 0) + (vert or 0) > 5:
        counts = False
    else:
        counts = None
    value = _or(solitary, counts)
    if value is not None:
        r.unknown[:] = []
    return r.done(value, f"skeletal {skel}, visceral {visc}, bone counts {extra}+{vert}")


# --- per lesion --------------------------------------------------------------------------------------------------

LesionFn = Callable[[Case, Lesion, str], Derived]


def prior_rt_to_lesion(case: Case, lesion: Lesion, key: str) -> Derived:
    """The lesion's prior radiotherapy dose when recorded (> 0), else history.prior_radiotherapy_same_site
    (docs/knowledge-format.md)."""
    r = _Reader()
    dose = lesion.prior_radiotherapy.dose_gy if lesion.prior_radiotherapy else None
    r.reads.append(f"lesions.{key}.prior_radiotherapy.dose_gy")
    if dose is not None:
        return r.done(dose > 0, f"{dose:g} Gy recorded")
    same = r.get("history.prior_radiotherapy_same_site", case.history.prior_radiotherapy_same_site)
    if same is None:
        r.unknown.insert(0, f"lesions.{key}.prior_radiotherapy.dose_gy")
    return r.done(same, "history.prior_radiotherapy_same_site")


def _region(r: _Reader, lesion: Lesion, key: str, regions: frozenset[str], label: str) -> Derived:
    region = r.get(f"lesions.{key}.region", lesion.region)
    return r.done(None if region is None else region in regions, f"region {region} ({label})")


def spinal(case: Case, lesion: Lesion, key: str) -> Derived:
    """Region cervical, thoracic, lumbar or sacrum."""
    return _region(_Reader(), lesion, key, SPINAL_REGIONS, "spinal")


def mobile_spine(case: Case, lesion: Lesion, key: str) -> Derived:
    """Region cervical, thoracic or lumbar (SINS/NOMS: the mobile spine)."""
    return _region(_Reader(), lesion, key, MOBILE_SPINE, "mobile spine")


def long_bone(case: Case, lesion: Lesion, key: str) -> Derived:
    """Region femur, humerus or tibia (Mirels 1989)."""
    return _region(_Reader(), lesion, key, LONG_BONE_REGIONS, "long bone")


def _structures(r: _Reader, lesion: Lesion, key: str) -> list[str] | None:
    s = r.get(f"lesions.{key}.structures", lesion.structures)
    return None if s is None else list(s)


def periacetabular(case: Case, lesion: Lesion, key: str) -> Derived:
    """Region acetabulum, or structures include acetabulum (Harrington 1981)."""
    r = _Reader()
    region = r.get(f"lesions.{key}.region", lesion.region)
    if region == "acetabulum":
        return r.done(True, "region acetabulum")
    s = _structures(r, lesion, key)
    if s is not None and "acetabulum" in s:
        return r.done(True, "structures include acetabulum")
    if region is not None and region not in ("pelvis", "other_bone", "other"):
        r.unknown[:] = []
        return r.done(False, f"region {region}")
    return r.done(None if s is None or region is None else False, f"region {region}, structures {s}")


def _structures_include(lesion: Lesion, key: str, names: tuple[str, ...], absent: str) -> Derived:
    """True when the lesion's structures include any of ``names``; unknown when structures are not recorded."""
    r = _Reader()
    s = _structures(r, lesion, key)
    if s is None:
        return r.done(None, "structures not recorded")
    hit = [x for x in s if x in names]
    return r.done(bool(hit), ", ".join(hit) or absent)


def posterior_wall_disrupted(case: Case, lesion: Lesion, key: str) -> Derived:
    """Structures include posterior_wall or sacral_canal_posterior_wall (CIRSE 2017 vertebral augmentation)."""
    return _structures_include(lesion, key, ("posterior_wall", "sacral_canal_posterior_wall"),
                               "posterior wall not involved")


def epidural_disease(case: Case, lesion: Lesion, key: str) -> Derived:
    """ESCC 1a or higher, or structures include epidural_space (Bilsky 2010)."""
    r = _Reader()
    grade = r.get(f"lesions.{key}.escc_grade", lesion.escc_grade)
    s = _structures(r, lesion, key)
    if (grade is not None and grade != "0") or (s is not None and "epidural_space" in s):
        return r.done(True, f"ESCC {grade}" if grade not in (None, "0") else "epidural space involved")
    if grade == "0" or s is not None:
        r.unknown[:] = []
        return r.done(False, f"ESCC {grade}, structures without epidural space")
    return r.done(None, "ESCC grade and structures not recorded")


def neural_foramina_involved(case: Case, lesion: Lesion, key: str) -> Derived:
    """Structures include neuroforamina or nerve_root."""
    return _structures_include(lesion, key, ("neuroforamina", "nerve_root"), "foramina not involved")


def sacral_nerve_roots_at_risk(case: Case, lesion: Lesion, key: str) -> Derived:
    """A sacral lesion at S1-S3 involving neuroforamina, nerve roots or the sacral canal (Zoccali 2016: sacral root
    function after sacrectomy)."""
    r = _Reader()
    region = r.get(f"lesions.{key}.region", lesion.region)
    if region is not None and region != "sacrum":
        r.unknown[:] = []
        return r.done(False, f"region {region}")
    levels = r.get(f"lesions.{key}.levels", lesion.levels)
    s = _structures(r, lesion, key)
    at_level = None if levels is None else any(lv in ("S1", "S2", "S3") for lv in levels)
    roots = None if s is None else any(
        x in ("neuroforamina", "nerve_root", "sacral_canal_posterior_wall", "cauda_equina", "spinal_canal") for x in s
    )
    value = _and(None if region is None else True, at_level, roots)
    if value is not None:
        r.unknown[:] = []
    return r.done(value, f"region {region}, levels {levels}, structures {s}")


CASE_FACTS: dict[str, Callable[[Case, dict[str, ScoreResult]], Derived]] = {
    "paediatric": paediatric,
    "adult": adult,
    "sarcoma": sarcoma,
    "histology_known": histology_known,
    "radiosensitive": radiosensitive,
    "neurological_deficit": neurological_deficit,
    "complete_paraplegia_over_48h": complete_paraplegia_over_48h,
    "mscc": mscc,
    "fit_for_surgery": fit_for_surgery,
    "poor_performance": poor_performance,
    "good_performance": good_performance,
    "short_survival": short_survival,
    "long_survival": long_survival,
    "oligometastatic": oligometastatic,
}
LESION_FACTS: dict[str, LesionFn] = {
    "prior_rt_to_lesion": prior_rt_to_lesion,
    "spinal": spinal,
    "mobile_spine": mobile_spine,
    "long_bone": long_bone,
    "periacetabular": periacetabular,
    "posterior_wall_disrupted": posterior_wall_disrupted,
    "epidural_disease": epidural_disease,
    "neural_foramina_involved": neural_foramina_involved,
    "sacral_nerve_roots_at_risk": sacral_nerve_roots_at_risk,
}


def derive(case: Case, scores: dict[str, ScoreResult]) -> tuple[dict[str, Derived], dict[str, dict[str, Derived]]]:
    """Every derived fact: case-level by name, and per lesion (by lesion key) by name."""
    case_level = {name: fn(case, scores) for name, fn in CASE_FACTS.items()}
    per_lesion = {
        case.lesion_key(i): {name: fn(case, lesion, case.lesion_key(i)) for name, fn in LESION_FACTS.items()}
        for i, lesion in enumerate(case.lesions)
    }
    return case_level, per_lesion
