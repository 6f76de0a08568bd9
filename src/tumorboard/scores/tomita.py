"""Tomita score (2001): prognosis of spinal metastases mapped to a surgical goal, 2-10 (lower is better).

Source: Tomita K, Kawahara N, Kobayashi T, Yoshida A, Murakami H, Akamaru T. Surgical strategy for spinal metastases.
Spine 2001;26(3):298-306 (DOI 10.1097/00007632-200102010-00016).

Checked (docs/score-verification.md): the paper itself was not reachable with the search tool (two queries). The
points are from shared/clinical/scores.md [S] (one code reproduction, a review table, Kim 2014 WJSO), consistent with
the published range 2-10, which requires 4 points for rapid growth and for untreatable visceral metastases (the Cassidy
2018 Global Spine J table prints rapid growth as 3: a known error, guarded by a test). Bands and surgical goals: 2-3
long-term local control (wide or marginal excision), 4-5 middle-term local control (marginal or intralesional), 6-7
short-term palliation (palliative surgery), 8-10 terminal care (supportive care) [S; shared/clinical/guideline-facts
gives the same cut-offs].

Conventions (stated in the result when used):
- Growth class of the primary: the paper gives examples, not a list. Named there (per scores.md): slow breast, thyroid,
  prostate; moderate kidney, uterus; rapid lung, liver, stomach, colon, unknown primary. Every other site follows the
  paper's "others" in the rapid group, except cervix (scored as uterus, moderate). ``GROWTH`` below is that mapping.
- Visceral metastases read Tomita's wording, ``disease.visceral_treatable``; whether any are present reads
  ``disease.visceral_metastases`` only for "none" (absence is not a judgement). Tokuhashi's removable/unremovable is
  never translated into treatable/untreatable.
- Bone metastases read ``disease.skeletal_metastases`` (solitary or isolated vs multiple).
"""

from __future__ import annotations

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores._common import has_spinal_lesion
from tumorboard.scores.table import Band, Item, Reading, additive, from_field, known, unknown

KEY = "tomita"
NAME = "Tomita score"
REFERENCES = ("tomita-2001-surgical-strategy-score", "tokuhashi-2014-prognostic-scores-review")

GROWTH_ITEM = Item(
    "primary_growth", "Primary tumour (growth)", {"slow": 1, "moderate": 2, "rapid": 4},
    {"slow": "Slow growth (e.g. breast, thyroid, prostate)", "moderate": "Moderate growth (e.g. kidney, uterus)",
     "rapid": "Rapid growth (e.g. lung, liver, stomach, colon, others, unknown primary)"},
)
VISCERAL = Item(
    "visceral_metastases", "Visceral metastases", {"none": 0, "treatable": 2, "untreatable": 4},
    {"none": "No visceral metastases", "treatable": "Treatable", "untreatable": "Untreatable"},
)
BONE = Item(
    "bone_metastases", "Bone metastases (including spine)", {"solitary": 1, "multiple": 2},
    {"solitary": "Solitary or isolated", "multiple": "Multiple"},
)
ITEMS = (GROWTH_ITEM, VISCERAL, BONE)

BANDS = (
    Band("long_term_local_control", 2, 3, "goal long-term local control: wide or marginal excision "
         "(e.g. total en bloc spondylectomy)"),
    Band("middle_term_local_control", 4, 5, "goal middle-term local control: marginal or intralesional excision"),
    Band("short_term_palliation", 6, 7, "goal short-term palliation: palliative surgery (decompression, "
         "stabilisation)"),
    Band("terminal_care", 8, 10, "terminal care: non-operative supportive care"),
)

_NAMED = {"breast": "slow", "thyroid": "slow", "prostate": "slow", "kidney": "moderate", "uterus": "moderate",
          "lung": "rapid", "liver": "rapid", "stomach": "rapid", "colon": "rapid", "unknown_primary": "rapid"}
_SITES = ("lung", "breast", "prostate", "kidney", "thyroid", "liver", "gallbladder", "stomach", "esophagus", "pancreas",
          "colon", "rectum", "bladder", "uterus", "cervix", "ovary", "head_neck", "melanoma", "myeloma", "lymphoma",
          "carcinoid", "neuroendocrine", "germ_cell", "osteosarcoma", "soft_tissue", "bone_sarcoma_other",
          "unknown_primary", "other")
# Every primary site of the case format -> (growth class, convention note or None when the paper names the site).
GROWTH: dict[str, tuple[str, str | None]] = {
    site: (_NAMED[site], None) if site in _NAMED
    else ("moderate", "convention: cervix scored as uterus (moderate growth, 2)") if site == "cervix"
    else ("rapid", f"convention: {site.replace('_', ' ')} is not named by Tomita and follows 'others' "
          "(rapid growth, 4)")
    for site in _SITES
}


def readings(case: Case) -> dict[str, Reading]:
    d = case.disease
    out: dict[str, Reading] = {}
    site = case.primary.site
    if site is None:
        out["primary_growth"] = unknown("primary.site")
    else:
        growth, note = GROWTH[site]
        out["primary_growth"] = known(growth, "primary.site", site, note)
    treatable = d.visceral_treatable
    if d.visceral_metastases == "none":
        note = ("disease.visceral_treatable is set although disease.visceral_metastases is none; scored as none"
                if treatable is not None else None)
        out["visceral_metastases"] = known("none", "disease.visceral_metastases", "none", note)
    elif treatable is not None:
        cat = "treatable" if treatable else "untreatable"
        out["visceral_metastases"] = known(cat, "disease.visceral_treatable", treatable)
    elif d.visceral_metastases is not None:  # present, treatability not recorded
        out["visceral_metastases"] = unknown("disease.visceral_treatable", {"treatable", "untreatable"},
                                             "visceral metastases present; Tomita needs treatable/untreatable")
    else:
        out["visceral_metastases"] = unknown("disease.visceral_metastases", also_missing=["disease.visceral_treatable"])
    out["bone_metastases"] = from_field(d.skeletal_metastases, "disease.skeletal_metastases")
    return out


def score(case: Case) -> ScoreResult | None:
    """Tomita score for a case with a spinal lesion; None without one."""
    if not has_spinal_lesion(case):
        return None
    r = readings(case)
    notes = [x.note for x in r.values() if x.note]
    return additive(
        key=KEY, name=NAME, items=ITEMS, readings=r, bands=BANDS, references=REFERENCES, notes=notes,
        interpret="Tomita {value}: {band_meaning}.",
    )
