"""Revised Tokuhashi score (2005): predicted survival of a patient with spinal metastases, 0-15 (higher is better).

Source: Tokuhashi Y, Matsuzaki H, Oda H, Oshima M, Ryu J. A revised scoring system for preoperative evaluation of
metastatic spine tumor prognosis. Spine 2005;30(19):2186-91 (DOI 10.1097/01.brs.0000180401.06919.a5).

Checked (docs/score-verification.md):
- NICE CG75 (2008) Appendix 3, Table 2, "reproduced from Tokuhashi 2005 ... corrections have been made with permission
  from Yasuaki Tokuhashi" (NCBI PubMed Health copy, seen with the search tool): the general-condition rows (PS 10-40%
  0, 50-70% 1, 80-100% 2), extraspinal foci >=3 -> 0 and 1-2 -> 1, vertebral-body metastases >=3 -> 0, visceral "no
  metastases" 2, the primary-site rows 0 (lung, osteosarcoma, stomach, bladder, oesophagus, pancreas), 1 (liver,
  gallbladder, unidentified), 3 (kidney, uterus), 5 (thyroid, breast, prostate, carcinoid), palsy 0/1/2 (Frankel A-B,
  C-D, E) and the bands 0-8 <6 months, 9-11 >=6 months, 12-15 >=1 year. The extract drops the rows whose points did
  not survive the text conversion (extraspinal 0 -> 2, vertebral 2 -> 1 and 1 -> 2, removable 1, unremovable 0,
  others 2, rectum 4).
- Those dropped rows from two further reproductions that agree with each other and with the NICE rows that survived:
  a neurosurgery notes page and the R package cliot's revised_tokuhashi_score documentation (vertebral body >=3/2/1 ->
  0/1/2; others 2; rectum 4; unremovable/removable/none 0/1/2). The neurosurgery notes page inverts the survival
  labels of the bands (a known error); the bands here follow NICE.
- Known error in some reviews: the vertebral-body row printed as >=3 / 1-2 / 0 (a copy of the extraspinal row). The
  NICE row ">=3 -> 0" and the two reproductions give >=3 / 2 / 1 -> 0 / 1 / 2, used here; tests guard it.

Conventions (stated in the result when used):
- General condition is the recorded KPS only (``patient.kps``); an ECOG grade is never converted.
- Primary sites the table does not list score as "others" (2); colon is "others", not "rectum"; cervix is scored as
  uterus; an unknown primary is "unidentified" (1). The mapping is the data ``PRIMARY`` below.
- "Metastases to the major internal organs" reads ``disease.visceral_metastases`` (Tokuhashi's removable/unremovable
  wording); Tomita's treatable/untreatable field is never used for it.
- Palsy reads the Frankel grade (``neurology.frankel``); an ASIA grade is never converted.
"""

from __future__ import annotations

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores._common import count_band, has_spinal_lesion
from tumorboard.scores.table import Band, Item, Reading, additive, known, unknown

KEY = "tokuhashi"
NAME = "Revised Tokuhashi score"
REFERENCES = ("tokuhashi-2005-revised-score", "nice-2008-cg75-mscc", "tokuhashi-2014-prognostic-scores-review")

GENERAL_CONDITION = Item(
    "general_condition", "General condition (Karnofsky performance status)",
    {"poor": 0, "moderate": 1, "good": 2},
    {"poor": "Poor (KPS 10-40%)", "moderate": "Moderate (KPS 50-70%)", "good": "Good (KPS 80-100%)"},
)
EXTRASPINAL = Item(
    "extraspinal_bone_metastases", "Number of extraspinal bone metastasis foci",
    {"three_or_more": 0, "one_or_two": 1, "none": 2},
    {"three_or_more": ">=3", "one_or_two": "1-2", "none": "0"},
)
VERTEBRAL = Item(
    "vertebral_body_metastases", "Number of metastases in the vertebral body",
    {"three_or_more": 0, "two": 1, "one": 2},
    {"three_or_more": ">=3", "two": "2", "one": "1"},
)
VISCERAL = Item(
    "visceral_metastases", "Metastases to the major internal organs",
    {"unremovable": 0, "removable": 1, "none": 2},
    {"unremovable": "Unremovable", "removable": "Removable", "none": "No metastases"},
)
PRIMARY_SITE = Item(
    "primary_site", "Primary site of the cancer",
    {"lung_group": 0, "liver_group": 1, "others": 2, "kidney_uterus": 3, "rectum": 4, "thyroid_group": 5},
    {
        "lung_group": "Lung, osteosarcoma, stomach, bladder, oesophagus, pancreas",
        "liver_group": "Liver, gallbladder, unidentified",
        "others": "Others",
        "kidney_uterus": "Kidney, uterus",
        "rectum": "Rectum",
        "thyroid_group": "Thyroid, breast, prostate, carcinoid tumour",
    },
)
PALSY = Item(
    "palsy", "Palsy (Frankel grade)",
    {"complete": 0, "incomplete": 1, "none": 2},
    {"complete": "Complete (Frankel A, B)", "incomplete": "Incomplete (Frankel C, D)", "none": "None (Frankel E)"},
)
ITEMS = (GENERAL_CONDITION, EXTRASPINAL, VERTEBRAL, VISCERAL, PRIMARY_SITE, PALSY)

BANDS = (
    Band("under_6_months", 0, 8, "predicted survival under 6 months (conservative or palliative treatment)"),
    Band("over_6_months", 9, 11, "predicted survival of 6 months or more (palliative surgery; excisional only for a "
         "single lesion without metastases to the major internal organs)"),
    Band("over_12_months", 12, 15, "predicted survival of 1 year or more (excisional surgery)"),
)

# Every primary site of the case format -> (category, convention note or None when the table names the site).
PRIMARY: dict[str, tuple[str, str | None]] = {
    "lung": ("lung_group", None),
    "osteosarcoma": ("lung_group", None),
    "stomach": ("lung_group", None),
    "bladder": ("lung_group", None),
    "esophagus": ("lung_group", None),
    "pancreas": ("lung_group", None),
    "liver": ("liver_group", None),
    "gallbladder": ("liver_group", None),
    "unknown_primary": ("liver_group", "unknown primary scored as 'unidentified' (1)"),
    "kidney": ("kidney_uterus", None),
    "uterus": ("kidney_uterus", None),
    "cervix": ("kidney_uterus", "convention: cervix scored as uterus (3); the table does not name it"),
    "rectum": ("rectum", None),
    "thyroid": ("thyroid_group", None),
    "breast": ("thyroid_group", None),
    "prostate": ("thyroid_group", None),
    "carcinoid": ("thyroid_group", None),
    **{
        site: ("others", f"convention: {site.replace('_', ' ')} is not listed and scores as 'others' (2)")
        for site in ("colon", "ovary", "head_neck", "melanoma", "myeloma", "lymphoma", "neuroendocrine", "germ_cell",
                     "soft_tissue", "bone_sarcoma_other", "other")
    },
}
PRIMARY["colon"] = ("others", "colon is not 'rectum': it scores as 'others' (2)")

FRANKEL = {"A": "complete", "B": "complete", "C": "incomplete", "D": "incomplete", "E": "none"}
COUNT_BANDS_EXTRASPINAL = ((3, None, "three_or_more"), (1, 2, "one_or_two"), (0, 0, "none"))
COUNT_BANDS_VERTEBRAL = ((3, None, "three_or_more"), (2, 2, "two"), (1, 1, "one"))


def kps_category(kps: int) -> str:
    return "good" if kps >= 80 else "moderate" if kps >= 50 else "poor"


def readings(case: Case) -> dict[str, Reading]:
    p, d = case.patient, case.disease
    out: dict[str, Reading] = {}
    if p.kps is not None:
        out["general_condition"] = known(kps_category(p.kps), "patient.kps", p.kps)
    else:
        note = f"ECOG {p.ecog} recorded; Tokuhashi uses KPS and ECOG is not converted" if p.ecog is not None else None
        out["general_condition"] = unknown("patient.kps", note=note)
    e = d.extraspinal_bone_metastases
    out["extraspinal_bone_metastases"] = (
        known(count_band(e, COUNT_BANDS_EXTRASPINAL), "disease.extraspinal_bone_metastases", e)
        if e is not None else unknown("disease.extraspinal_bone_metastases")
    )
    v = d.vertebral_body_metastases
    if v is None:
        out["vertebral_body_metastases"] = unknown("disease.vertebral_body_metastases")
    elif v == 0:
        out["vertebral_body_metastases"] = unknown(
            "disease.vertebral_body_metastases", note="0 vertebral bodies recorded with a spinal lesion; check it")
    else:
        out["vertebral_body_metastases"] = known(count_band(v, COUNT_BANDS_VERTEBRAL),
                                                 "disease.vertebral_body_metastases", v)
    vm = d.visceral_metastases
    out["visceral_metastases"] = (
        known(vm, "disease.visceral_metastases", vm) if vm is not None else unknown("disease.visceral_metastases")
    )
    site = case.primary.site
    if site is None:
        out["primary_site"] = unknown("primary.site")
    else:
        category, note = PRIMARY[site]
        out["primary_site"] = known(category, "primary.site", site, note)
    f = case.neurology.frankel
    if f is not None:
        out["palsy"] = known(FRANKEL[f], "neurology.frankel", f)
    else:
        asia = case.neurology.asia
        note = f"ASIA {asia} recorded; Tokuhashi uses Frankel and ASIA is not converted" if asia else None
        out["palsy"] = unknown("neurology.frankel", note=note)
    return out


def score(case: Case) -> ScoreResult | None:
    """Revised Tokuhashi score for a case with a spinal lesion; None without one."""
    if not has_spinal_lesion(case):
        return None
    r = readings(case)
    notes = [x.note for x in r.values() if x.note]
    return additive(
        key=KEY, name=NAME, items=ITEMS, readings=r, bands=BANDS, references=REFERENCES, notes=notes,
        interpret="Revised Tokuhashi {value}: {band_meaning}.",
    )
