"""New England Spinal Metastasis Score (NESMS): 1-year survival with spinal metastases, 0-3 (higher is better).

Sources: Ghori AK, Leonard DA, Schoenfeld AJ, et al. Modeling 1-year survival after surgery on the metastatic spine.
Spine J 2015;15(11):2345-50 (derivation). Goodwin CR et al. Spine J 2016;16(9):1102-8 (DOI 10.1016/j.spinee.2016.04.008,
external validation). Schoenfeld AJ et al. Spine J 2021;21(1):28-36 (DOI 10.1016/j.spinee.2020.02.009, prospective
validation) and Spine J 2022;22(1):39-48 (PMID 33741509, comparison with Tokuhashi, Tomita and SINS).

Checked (docs/score-verification.md):
- Ghori 2015 (abstract as reported by Becker's Spine Review): independent predictors of 1-year survival were the
  preoperative modified Bauer score, ambulatory status and serum albumin; "the most parsimonious model weighted the
  modified Bauer score with two points and intact ambulatory status and normal serum albumin level with one point
  each, with a ceiling score of three". Goodwin 2016 and Schoenfeld 2021/2022 abstracts: the same three factors,
  total 0-3; prospective validation vs NESMS 3: OR of 1-year mortality 7.04 for a score of 2 and 31.30 for 1.
- Not seen in any abstract: the modified-Bauer cut for the 2 points and the albumin cut. Used here: modified Bauer
  >=3 (Leithner's "good" group, 3-4) and albumin >=3.5 g/dL (the usual lower limit of normal); both from
  shared/clinical/scores.md [M], stated in every result.

Conventions (stated in the result):
- "Intact ambulatory status" is ``patient.ambulatory == independent``; assisted walking counts as not intact.
- The modified Bauer item is decided from the modified Bauer range whenever the range lies wholly on one side of 3;
  otherwise it stays open and the modified Bauer's own missing fields are listed.
"""

from __future__ import annotations

from collections.abc import Mapping

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores import bauer
from tumorboard.scores._common import has_spinal_lesion
from tumorboard.scores.table import Band, Item, Reading, additive, known, unknown, updated

KEY = "nesms"
NAME = "New England Spinal Metastasis Score"
REFERENCES = ("goodwin-2016-nesms-validation", "schoenfeld-2021-nesms-prospective")

MBAUER = Item("modified_bauer", "Modified Bauer score", {"ge3": 2, "le2": 0},
              {"ge3": "Modified Bauer >=3", "le2": "Modified Bauer <=2"})
AMBULATORY = Item("ambulatory", "Intact (independent) ambulatory status", {"yes": 1, "no": 0})
ALBUMIN = Item("albumin", "Normal serum albumin (>=3.5 g/dL)", {"yes": 1, "no": 0})
ITEMS = (MBAUER, AMBULATORY, ALBUMIN)
ALBUMIN_CUT_G_DL = 3.5

MEANING = {0: "lowest 1-year survival group", 1: "1-year mortality odds about 31 times those of NESMS 3",
           2: "1-year mortality odds about 7 times those of NESMS 3", 3: "best 1-year survival group"}
CEILING = 3
# The band "3" also holds the raw sum 4 (2 + 1 + 1): the score has a ceiling of three (Ghori 2015).
BANDS = tuple(Band(str(v), v, v if v < CEILING else 4, MEANING[v]) for v in range(4))
CUT_NOTE = ("Cut-offs not seen in the published abstracts: modified Bauer >=3 for 2 points, albumin >=3.5 g/dL "
            "(shared/clinical/scores.md [M]).")


def readings(case: Case, results: Mapping[str, ScoreResult] | None = None) -> dict[str, Reading]:
    out: dict[str, Reading] = {}
    mb = results["modified_bauer"] if results and "modified_bauer" in results else bauer.score_modified(case)
    shown = None if mb is None else mb.value if mb.value is not None else f"{mb.min}-{mb.max}"
    if mb is not None and mb.min is not None and mb.min >= 3:
        out["modified_bauer"] = known("ge3", None, shown, "from the modified Bauer score")
    elif mb is not None and mb.max is not None and mb.max <= 2:
        out["modified_bauer"] = known("le2", None, shown, "from the modified Bauer score")
    else:
        fields = mb.missing if mb is not None else ["primary.site"]
        out["modified_bauer"] = unknown(fields[0] if fields else None, note="modified Bauer could be on either side "
                                        "of 3", also_missing=fields[1:])
    amb = case.patient.ambulatory
    out["ambulatory"] = (
        known("yes" if amb == "independent" else "no", "patient.ambulatory", amb)
        if amb is not None else unknown("patient.ambulatory")
    )
    alb = case.labs.albumin_g_dl
    out["albumin"] = (
        known("yes" if alb >= ALBUMIN_CUT_G_DL else "no", "labs.albumin_g_dl", alb)
        if alb is not None else unknown("labs.albumin_g_dl")
    )
    return out


def score(case: Case, results: Mapping[str, ScoreResult] | None = None) -> ScoreResult | None:
    """NESMS for a case with a spinal lesion; None without one. The band is the value as a string.

    ``results`` may hold the modified Bauer result already computed for this case (``compute_all`` passes it)."""
    if not has_spinal_lesion(case):
        return None
    raw = additive(key=KEY, name="NESMS", items=ITEMS, readings=readings(case, results), bands=BANDS,
                   references=REFERENCES, notes=[CUT_NOTE], interpret="NESMS {value}: {band_meaning}.")
    return cap(raw)


def cap(raw: ScoreResult) -> ScoreResult:
    """Apply the ceiling of three: the raw sum of the items can be 4, the score cannot."""
    def c(x: float | None) -> float | None:
        return None if x is None else min(x, CEILING)

    update: dict[str, object] = {"value": c(raw.value), "min": c(raw.min), "max": c(raw.max)}
    if raw.value is not None and raw.value > CEILING:
        update["interpretation"] = f"NESMS {CEILING} (items sum to {raw.value}; ceiling of three): {MEANING[CEILING]}."
        update["notes"] = [*raw.notes, "Items sum to 4; the NESMS has a ceiling of three (Ghori 2015)."]
    elif raw.value is None and raw.max is not None and raw.max > CEILING:
        update["interpretation"] = raw.interpretation.replace(f"-{raw.max}", f"-{CEILING}")
    return updated(raw, update)
