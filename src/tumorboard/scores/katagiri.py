"""New Katagiri score (2014): survival of patients with skeletal metastases, 0-10 (higher is worse).

Source: Katagiri H, Okada R, Takagi T, et al. New prognostic factors and scoring system for patients with skeletal
metastasis. Cancer Med 2014;3(5):1359-67 (PMID 25044999, DOI 10.1002/cam4.292, PMC4302686).

Checked (docs/score-verification.md):
- PubMed abstract and PMC4302686 abstract: six factors (primary lesion, visceral or cerebral metastases, abnormal
  laboratory data, poor performance status, previous chemotherapy, multiple skeletal metastases), the first three with
  the larger weight; score >=7: survival 27% at 6 months and 6% at 1 year; score <=3: 91% at 1 year and 78% at 2 years.
  Kubota 2019 (Radiat Oncol, DOI 10.1186/s13014-019-1218-z) validates the groups 0-3 / 4-6 / 7-10.
- The item points and the laboratory thresholds are [S] (shared/clinical/scores.md, from one reproduction of the
  open-access table); the table of the paper itself was not returned by the search tool (three queries).
- Histology placements marked [M] in scores.md (endometrial and ovarian; other urological; gallbladder; cervical; the
  "others" row) were not verified. For those sites the primary item is left open between moderate (2) and rapid (3)
  rather than guessed; the result then gives the range and says why (``UNVERIFIED`` below).

Items and conventions:
- Primary lesion depends on treatability, not the organ alone: breast and prostate read ``primary.hormone_dependent``
  (slow when hormone-dependent, moderate otherwise); lung reads ``primary.targeted_therapy_available`` (moderate with a
  molecularly targeted drug, rapid without).
- Visceral metastases read ``disease.visceral_pattern`` (nodular visceral or brain 1; disseminated pleural,
  peritoneal or leptomeningeal 2).
- Laboratory data: critical (2) when platelets <100,000/uL, calcium >=10.3 mg/dL or total bilirubin >=1.4 mg/dL;
  abnormal (1) when CRP >=0.4 mg/dL, LDH >=250 IU/L or albumin <3.7 g/dL; the item is the worse tier, never 3.
  Unrecorded labs leave the tiers they could still reach open.
- Performance status is the recorded ECOG grade (3-4 scores 1); KPS is never converted.
"""

from __future__ import annotations

from collections.abc import Callable

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores._common import has_bone_lesion
from tumorboard.scores.table import Band, Item, Reading, additive, from_field, known, unknown

KEY = "katagiri"
NAME = "New Katagiri score"
REFERENCES = ("katagiri-2014-skeletal-metastasis-score", "kubota-2019-katagiri-validation-rt")

PRIMARY_ITEM = Item(
    "primary_lesion", "Primary lesion", {"slow": 0, "moderate": 2, "rapid": 3},
    {"slow": "Slow growth (hormone-dependent breast or prostate, thyroid, myeloma, lymphoma)",
     "moderate": "Moderate growth (lung with targeted therapy, hormone-independent breast or prostate, renal cell, "
     "sarcoma, ...)",
     "rapid": "Rapid growth (lung without targeted therapy, colorectal, gastric, pancreatic, head and neck, "
     "oesophageal, melanoma, hepatocellular, unknown primary, ...)"},
)
VISCERAL = Item(
    "visceral_metastases", "Visceral metastases", {"none": 0, "nodular": 1, "disseminated": 2},
    {"none": "None", "nodular": "Nodular visceral or brain metastases",
     "disseminated": "Disseminated (pleural, peritoneal or leptomeningeal dissemination)"},
)
LABS = Item(
    "laboratory_data", "Laboratory data", {"normal": 0, "abnormal": 1, "critical": 2},
    {"normal": "Normal", "abnormal": "Abnormal (CRP >=0.4 mg/dL, LDH >=250 IU/L or albumin <3.7 g/dL)",
     "critical": "Critical (platelets <100,000/uL, calcium >=10.3 mg/dL or total bilirubin >=1.4 mg/dL)"},
)
ECOG = Item("ecog_3_4", "ECOG performance status 3 or 4", {"yes": 1, "no": 0})
CHEMO = Item("previous_chemotherapy", "Previous chemotherapy", {"yes": 1, "no": 0})
MULTIPLE = Item("multiple_skeletal_metastases", "Multiple skeletal metastases", {"yes": 1, "no": 0})
ITEMS = (PRIMARY_ITEM, VISCERAL, LABS, ECOG, CHEMO, MULTIPLE)

BANDS = (
    Band("low", 0, 3, "low risk (1-year survival 91%, 2-year 78% in the derivation cohort)"),
    Band("intermediate", 4, 6, "intermediate risk"),
    Band("high", 7, 10, "high risk (6-month survival 27%, 1-year 6% in the derivation cohort)"),
)

# Fixed placements of the primary sites (those that do not depend on hormone dependence or targeted therapy).
FIXED: dict[str, str] = {
    "thyroid": "slow", "myeloma": "slow", "lymphoma": "slow",
    "kidney": "moderate", "soft_tissue": "moderate", "osteosarcoma": "moderate", "bone_sarcoma_other": "moderate",
    "colon": "rapid", "rectum": "rapid", "stomach": "rapid", "pancreas": "rapid", "head_neck": "rapid",
    "esophagus": "rapid", "melanoma": "rapid", "liver": "rapid", "unknown_primary": "rapid",
}
DEPENDS = {"breast": "hormone", "prostate": "hormone", "lung": "targeted"}
# Placements seen only from memory in scores.md ([M]): left open between moderate and rapid.
UNVERIFIED: dict[str, str] = {
    "uterus": "endometrial (moderate in scores.md [M])",
    "ovary": "ovarian (moderate in scores.md [M])",
    "bladder": "other urological (rapid in scores.md [M])",
    "gallbladder": "gallbladder (rapid in scores.md [M])",
    "cervix": "cervical (rapid in scores.md [M])",
    "carcinoid": "not in the verified lists ('others' moderate in scores.md [M])",
    "neuroendocrine": "not in the verified lists ('others' moderate in scores.md [M])",
    "germ_cell": "not in the verified lists ('others' moderate in scores.md [M])",
    "other": "not in the verified lists ('others' moderate in scores.md [M])",
}

LabRule = tuple[str, Callable[[float], bool]]
ABNORMAL_LABS: tuple[LabRule, ...] = (
    ("crp_mg_dl", lambda v: v >= 0.4), ("ldh_iu_l", lambda v: v >= 250), ("albumin_g_dl", lambda v: v < 3.7))
CRITICAL_LABS: tuple[LabRule, ...] = (
    ("platelets_per_ul", lambda v: v < 100_000), ("calcium_mg_dl", lambda v: v >= 10.3),
    ("bilirubin_mg_dl", lambda v: v >= 1.4))


def _primary(case: Case) -> Reading:
    p = case.primary
    site = p.site
    if site is None:
        return unknown("primary.site")
    if site in FIXED:
        return known(FIXED[site], "primary.site", site)
    if site in UNVERIFIED:
        return unknown(None, {"moderate", "rapid"},
                       f"{site}: Katagiri placement {UNVERIFIED[site]} not verified against the paper; left open")
    if DEPENDS[site] == "hormone":
        if p.hormone_dependent is None:
            return unknown("primary.hormone_dependent", {"slow", "moderate"},
                           f"{site}: slow growth if hormone-dependent, moderate otherwise")
        return known("slow" if p.hormone_dependent else "moderate", "primary.hormone_dependent", p.hormone_dependent,
                     f"{site}, {'hormone-dependent' if p.hormone_dependent else 'hormone-independent'}")
    if p.targeted_therapy_available is None:
        return unknown("primary.targeted_therapy_available", {"moderate", "rapid"},
                       "lung: moderate growth with a molecularly targeted drug, rapid without")
    return known("moderate" if p.targeted_therapy_available else "rapid", "primary.targeted_therapy_available",
                 p.targeted_therapy_available,
                 f"lung, {'with' if p.targeted_therapy_available else 'without'} molecularly targeted therapy")


def _labs(case: Case) -> Reading:
    labs = case.labs

    def tier(rows: tuple[LabRule, ...]) -> tuple[list[str], list[str]]:
        hit: list[str] = []
        unknown_fields: list[str] = []
        for name, test in rows:
            value = getattr(labs, name)
            if value is None:
                unknown_fields.append(f"labs.{name}")
            elif test(value):
                hit.append(f"labs.{name}")
        return hit, unknown_fields

    crit_hit, crit_unknown = tier(CRITICAL_LABS)
    abn_hit, abn_unknown = tier(ABNORMAL_LABS)
    if crit_hit:
        return known("critical", crit_hit[0], getattr(labs, crit_hit[0].split(".")[1]))
    if not crit_unknown and abn_hit:
        return known("abnormal", abn_hit[0], getattr(labs, abn_hit[0].split(".")[1]))
    if not crit_unknown and not abn_unknown:
        return known("normal", "labs", "all six within limits")
    possible = {"critical"} if crit_unknown else set()
    if abn_hit:
        possible.add("abnormal")
    else:
        possible.add("normal")
        if abn_unknown:
            possible.add("abnormal")
    fields = crit_unknown + ([] if abn_hit else abn_unknown)
    return unknown(fields[0], possible, also_missing=fields[1:])


def readings(case: Case) -> dict[str, Reading]:
    p, d, h = case.patient, case.disease, case.history
    out: dict[str, Reading] = {"primary_lesion": _primary(case)}
    out["visceral_metastases"] = from_field(d.visceral_pattern, "disease.visceral_pattern")
    out["laboratory_data"] = _labs(case)
    if p.ecog is not None:
        out["ecog_3_4"] = known("yes" if p.ecog >= 3 else "no", "patient.ecog", p.ecog)
    else:
        note = f"KPS {p.kps} recorded; Katagiri uses ECOG and KPS is not converted" if p.kps is not None else None
        out["ecog_3_4"] = unknown("patient.ecog", note=note)
    chemo = h.prior_chemotherapy
    out["previous_chemotherapy"] = (
        known("yes" if chemo else "no", "history.prior_chemotherapy", chemo)
        if chemo is not None else unknown("history.prior_chemotherapy")
    )
    sk = d.skeletal_metastases
    out["multiple_skeletal_metastases"] = (
        known("yes" if sk == "multiple" else "no", "disease.skeletal_metastases", sk)
        if sk is not None else unknown("disease.skeletal_metastases")
    )
    return out


def score(case: Case) -> ScoreResult | None:
    """New Katagiri score for a case with a bone lesion; None without one."""
    if not has_bone_lesion(case):
        return None
    r = readings(case)
    notes = [x.note for x in r.values() if x.note and x.category is None]
    return additive(key=KEY, name=NAME, items=ITEMS, readings=r, bands=BANDS, references=REFERENCES,
                    notes=list(dict.fromkeys(notes)), interpret="New Katagiri {value}: {band_meaning}.")
