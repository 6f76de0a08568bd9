"""van der Linden spine score (2005): survival of patients irradiated for spinal metastases, 0-6 (higher is better).

Source: van der Linden YM, Dijkstra SP, Vonk EJ, Marijnen CA, Leer JW; Dutch Bone Metastasis Study Group. Prediction
of survival in patients with metastases in the spinal column: results based on a randomized trial of radiotherapy.
Cancer 2005;103(2):320-8 (DOI 10.1002/cncr.20756).

Checked (docs/score-verification.md): the paper and its abstract were not returned by the search tool (two queries;
only its reference list was). The table is from one secondary source, MedicalAlgorithms (which cites the paper's
Figure 2, p. 326), identical to shared/clinical/scores.md [S]: KPS 80-100 2, 50-70 1, 20-40 0; primary breast 3,
prostate 2, lung 1, other 0; visceral metastases absent 1, present 0; groups <=3 (median survival 3 months), 4-5
(9 months), 6 (19 months). Band ids are fixed by docs/case-format.md. Status [S]: treat as probably right.

Conventions (stated in the result when used):
- KPS is the recorded value (``patient.kps``); ECOG is never converted. KPS 0-10 lies below the table (20-40) and is
  scored 0 with a note.
- Visceral metastases: presence from ``disease.visceral_metastases`` (none vs removable/unremovable).
- Every primary site other than breast, prostate and lung scores 0 ("other"), as in the table (``PRIMARY``).
"""

from __future__ import annotations

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores._common import has_spinal_lesion
from tumorboard.scores.table import Band, Item, Reading, additive, known, unknown

KEY = "van_der_linden"
NAME = "van der Linden spine score"
REFERENCES = ("van-der-linden-2005-spine-survival-score",)

KPS = Item("kps", "Karnofsky performance status", {"good": 2, "fair": 1, "poor": 0},
           {"good": "KPS 80-100", "fair": "KPS 50-70", "poor": "KPS 20-40"})
PRIMARY_ITEM = Item("primary_tumour", "Primary tumour", {"breast": 3, "prostate": 2, "lung": 1, "other": 0})
VISCERAL = Item("visceral_metastases", "Visceral metastases", {"absent": 1, "present": 0})
ITEMS = (KPS, PRIMARY_ITEM, VISCERAL)

BANDS = (
    Band("poor", 0, 3, "median survival about 3 months"),
    Band("intermediate", 4, 5, "median survival about 9 months"),
    Band("good", 6, 6, "median survival about 19 months"),
)

_SITES = ("lung", "breast", "prostate", "kidney", "thyroid", "liver", "gallbladder", "stomach", "esophagus", "pancreas",
          "colon", "rectum", "bladder", "uterus", "cervix", "ovary", "head_neck", "melanoma", "myeloma", "lymphoma",
          "carcinoid", "neuroendocrine", "germ_cell", "osteosarcoma", "soft_tissue", "bone_sarcoma_other",
          "unknown_primary", "other")
PRIMARY: dict[str, str] = {site: site if site in ("breast", "prostate", "lung") else "other" for site in _SITES}


def readings(case: Case) -> dict[str, Reading]:
    p, d = case.patient, case.disease
    out: dict[str, Reading] = {}
    if p.kps is None:
        note = f"ECOG {p.ecog} recorded; this score uses KPS and ECOG is not converted" if p.ecog is not None else None
        out["kps"] = unknown("patient.kps", note=note)
    else:
        cat = "good" if p.kps >= 80 else "fair" if p.kps >= 50 else "poor"
        note = f"KPS {p.kps} is below the table's 20-40 row; scored as poor" if p.kps < 20 else None
        out["kps"] = known(cat, "patient.kps", p.kps, note)
    site = case.primary.site
    out["primary_tumour"] = known(PRIMARY[site], "primary.site", site) if site else unknown("primary.site")
    vm = d.visceral_metastases
    out["visceral_metastases"] = (
        known("absent" if vm == "none" else "present", "disease.visceral_metastases", vm)
        if vm is not None else unknown("disease.visceral_metastases")
    )
    return out


def score(case: Case) -> ScoreResult | None:
    """van der Linden score for a case with a spinal lesion; None without one."""
    if not has_spinal_lesion(case):
        return None
    r = readings(case)
    return additive(key=KEY, name=NAME, items=ITEMS, readings=r, bands=BANDS, references=REFERENCES,
                    notes=[x.note for x in r.values() if x.note], interpret="van der Linden {value}: {band_meaning}.")
