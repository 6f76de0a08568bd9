"""Bauer score (1995) and modified Bauer score (Leithner 2008): survival after surgery for skeletal metastases.

Sources:
- Bauer HC, Wedin R. Survival after surgery for spinal and extremity metastases. Prognostication in 241 patients.
  Acta Orthop Scand 1995;66(2):143-6 (PMID 7740944, DOI 10.3109/17453679508995508).
- Leithner A, Radl R, Gruber G, et al. Predictive value of seven preoperative prognostic scoring systems for spinal
  metastases. Eur Spine J 2008;17(11):1488-95 (PMID 18787846, DOI 10.1007/s00586-008-0763-1).

Checked (docs/score-verification.md):
- Bauer 1995 PubMed abstract: negative variables pathologic fracture, visceral or brain metastases, lung cancer;
  positive variables solitary skeletal metastasis, breast and kidney cancer, myeloma, lymphoma; three prognostic
  groups with 1-year survival from 0.5 to 0.0. The five one-point items and the groups 4-5 (1-year survival 0.5), 2-3
  (0.25), 0-1 (dead within 6 months) as summarised by Janssen et al. (Clin Orthop Relat Res 2015, DOI
  10.1007/s11999-015-4446-z), which cites Bauer.
- Leithner 2008 PubMed abstract: a modified Bauer score without the pathological-fracture item. Its groups 0-1, 2,
  3-4 from a scoring-aid page that cites Leithner (dss.dign.eu); the band ids are fixed by docs/case-format.md.

Conventions (stated in the result when used):
- "No visceral metastases" follows Bauer's "visceral or brain metastases": it needs both
  ``disease.visceral_metastases`` (presence only; none vs removable/unremovable) and ``disease.brain_metastases``.
- An unknown primary counts as "not lung cancer" (the primary is not known to be lung) and not as a favourable
  histology. ``PRIMARY`` below maps every primary site to the two histology items.
- Both scores apply to a case with a bone lesion (spine, pelvis or limb); the modified score was developed for spinal
  metastases and says so when the case has no spinal lesion.
"""

from __future__ import annotations

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores._common import has_bone_lesion, has_spinal_lesion
from tumorboard.scores.table import Band, Item, Reading, additive, known, unknown

KEY = "bauer"
KEY_MODIFIED = "modified_bauer"
NAME = "Bauer score"
NAME_MODIFIED = "Modified Bauer score"
REFERENCES = ("bauer-1995-survival-after-surgery",)
REFERENCES_MODIFIED = ("leithner-2008-seven-scores-spinal-mets", "bauer-1995-survival-after-surgery")

NO_VISCERAL = Item("no_visceral_metastases", "No visceral or brain metastases", {"yes": 1, "no": 0})
SOLITARY = Item("solitary_skeletal_metastasis", "Solitary skeletal metastasis", {"yes": 1, "no": 0})
NOT_LUNG = Item("primary_not_lung", "Primary tumour is not lung cancer", {"yes": 1, "no": 0})
FAVOURABLE = Item("favourable_primary", "Primary tumour is breast, kidney, lymphoma or myeloma", {"yes": 1, "no": 0})
NO_FRACTURE = Item("no_pathological_fracture", "No pathological fracture", {"yes": 1, "no": 0})
ITEMS = (NO_VISCERAL, SOLITARY, NOT_LUNG, FAVOURABLE, NO_FRACTURE)
ITEMS_MODIFIED = (NO_VISCERAL, SOLITARY, NOT_LUNG, FAVOURABLE)

BANDS = (
    Band("poor", 0, 1, "poor prognosis (all patients dead within 6 months after surgery in the derivation cohort)"),
    Band("moderate", 2, 3, "moderate prognosis (1-year survival about 25%)"),
    Band("good", 4, 5, "good prognosis (1-year survival about 50%)"),
)
BANDS_MODIFIED = (
    Band("poor", 0, 1, "poor prognosis"),
    Band("moderate", 2, 2, "moderate prognosis"),
    Band("good", 3, 4, "good prognosis"),
)

FAVOURABLE_SITES = frozenset({"breast", "kidney", "lymphoma", "myeloma"})
_SITES = ("lung", "breast", "prostate", "kidney", "thyroid", "liver", "gallbladder", "stomach", "esophagus", "pancreas",
          "colon", "rectum", "bladder", "uterus", "cervix", "ovary", "head_neck", "melanoma", "myeloma", "lymphoma",
          "carcinoid", "neuroendocrine", "germ_cell", "osteosarcoma", "soft_tissue", "bone_sarcoma_other",
          "unknown_primary", "other")
# Every primary site -> (not lung cancer, favourable histology).
PRIMARY: dict[str, tuple[bool, bool]] = {site: (site != "lung", site in FAVOURABLE_SITES) for site in _SITES}
UNKNOWN_PRIMARY_NOTE = "convention: an unknown primary counts as 'not lung cancer' and as not favourable"


def _visceral(case: Case) -> Reading:
    d = case.disease
    vm, brain = d.visceral_metastases, d.brain_metastases
    if vm in ("removable", "unremovable"):
        return known("no", "disease.visceral_metastases", vm)
    if brain:
        return known("no", "disease.brain_metastases", True)
    if vm == "none" and brain is False:
        return known("yes", "disease.visceral_metastases", vm)
    if vm == "none":
        return unknown("disease.brain_metastases", note="Bauer counts brain metastases with visceral metastases")
    if brain is False:
        return unknown("disease.visceral_metastases")
    return unknown("disease.visceral_metastases", also_missing=["disease.brain_metastases"])


def readings(case: Case) -> dict[str, Reading]:
    d = case.disease
    out: dict[str, Reading] = {"no_visceral_metastases": _visceral(case)}
    sk = d.skeletal_metastases
    out["solitary_skeletal_metastasis"] = (
        known("yes" if sk == "solitary" else "no", "disease.skeletal_metastases", sk)
        if sk is not None else unknown("disease.skeletal_metastases")
    )
    site = case.primary.site
    if site is None:
        out["primary_not_lung"] = unknown("primary.site")
        out["favourable_primary"] = unknown("primary.site")
    else:
        not_lung, favourable = PRIMARY[site]
        note = UNKNOWN_PRIMARY_NOTE if site == "unknown_primary" else None
        out["primary_not_lung"] = known("yes" if not_lung else "no", "primary.site", site, note)
        out["favourable_primary"] = known("yes" if favourable else "no", "primary.site", site)
    fracture = d.pathological_fracture
    out["no_pathological_fracture"] = (
        known("no" if fracture else "yes", "disease.pathological_fracture", fracture)
        if fracture is not None else unknown("disease.pathological_fracture")
    )
    return out


def _notes(r: dict[str, Reading], items: tuple[Item, ...]) -> list[str]:
    return list(dict.fromkeys(note for i in items if (note := r[i.key].note)))


def score(case: Case) -> ScoreResult | None:
    """Bauer 1995 (0-5) for a case with a bone lesion; None without one."""
    if not has_bone_lesion(case):
        return None
    r = readings(case)
    return additive(key=KEY, name=NAME, items=ITEMS, readings=r, bands=BANDS, references=REFERENCES,
                    notes=_notes(r, ITEMS), interpret="Bauer {value}: {band_meaning}.")


def score_modified(case: Case) -> ScoreResult | None:
    """Modified Bauer (Leithner 2008, 0-4: no pathological-fracture item) for a case with a bone lesion."""
    if not has_bone_lesion(case):
        return None
    r = readings(case)
    notes = _notes(r, ITEMS_MODIFIED)
    if not has_spinal_lesion(case):
        notes.append("The modified Bauer score was developed for spinal metastases; this case has no spinal lesion.")
    return additive(key=KEY_MODIFIED, name=NAME_MODIFIED, items=ITEMS_MODIFIED, readings=r, bands=BANDS_MODIFIED,
                    references=REFERENCES_MODIFIED, notes=notes, interpret="Modified Bauer {value}: {band_meaning}.")
