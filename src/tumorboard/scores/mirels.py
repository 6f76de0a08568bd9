"""Mirels score (1989): risk of pathological fracture of a long-bone metastasis, per lesion, 4-12.

Source: Mirels H. Metastatic disease in long bones. A proposed scoring system for diagnosing impending pathologic
fractures. Clin Orthop Relat Res 1989;(249):256-64 (reprinted Clin Orthop Relat Res 2003;(415 Suppl):S4-13).

Checked (docs/score-verification.md): Jawad & Scully, "Classifications in Brief: Mirels' classification", Clin Orthop
Relat Res 2010;468(10):2825-7 (PMC3049613): four variables scored 1-3, site upper extremity / lower extremity /
peritrochanteric. The full table (site, pain mild/moderate/functional, lesion blastic/mixed/lytic, size <1/3, 1/3-2/3,
>2/3) and the recommendations <=7 radiotherapy and observation, 8 clinical judgement, >=9 prophylactic fixation from
Radiopaedia, roentgenrayreader (cites Mirels 1989), epomedicine and the R package cliot; all agree with
shared/clinical/scores.md [V].

Conventions (stated in the result when used):
- Applies to lesions of the femur, humerus and tibia. Site: humerus upper limb (1); tibia lower limb (2); femur lower
  limb (2), or peritrochanteric (3) when ``structures`` lists ``peritrochanteric``; a femoral lesion without recorded
  structures keeps both (2 or 3). ``lesion.limb`` is not needed for these bones.
- Pain reads the lesion's ``limb_pain``, else ``pain.limb_pain``; functional pain = pain aggravated by limb function.
- Size is the fraction of the bone's diameter (``cortical_fraction``), as in the original (some sources say
  "cortical thickness").
- The top-level result is the lesion with the highest score (the worst value still possible when unknown).
"""

from __future__ import annotations

from tumorboard.model.case import Case, Lesion
from tumorboard.model.result import ScoreResult
from tumorboard.scores._common import LONG_BONE_REGIONS
from tumorboard.scores.table import Band, Item, Reading, additive, from_field, known, unknown, updated, worst

KEY = "mirels"
NAME = "Mirels score"
REFERENCES = ("mirels-1989-impending-fracture", "jawad-2010-mirels-classification-in-brief")

SITE = Item("site", "Site", {"upper_limb": 1, "lower_limb": 2, "peritrochanteric": 3},
            {"upper_limb": "Upper limb", "lower_limb": "Lower limb", "peritrochanteric": "Peritrochanteric"})
PAIN = Item("pain", "Pain", {"mild": 1, "moderate": 2, "functional": 3},
            {"mild": "Mild", "moderate": "Moderate", "functional": "Functional (aggravated by limb function)"})
LESION = Item("lesion", "Lesion", {"blastic": 1, "mixed": 2, "lytic": 3})
SIZE = Item("size", "Size (fraction of the bone's diameter)",
            {"lt_one_third": 1, "one_to_two_thirds": 2, "gt_two_thirds": 3},
            {"lt_one_third": "<1/3", "one_to_two_thirds": "1/3-2/3", "gt_two_thirds": ">2/3"})
ITEMS = (SITE, PAIN, LESION, SIZE)

BANDS = (
    Band("radiotherapy_observe", 4, 7, "fracture risk about 4%: radiotherapy and observation"),
    Band("clinical_judgement", 8, 8, "fracture risk about 15%: use clinical judgement"),
    Band("prophylactic_fixation", 9, 12, "fracture risk 33% or more: prophylactic fixation before radiotherapy"),
)

REGION_SITE: dict[str, str] = {"humerus": "upper_limb", "tibia": "lower_limb", "femur": "lower_limb"}


def applies(lesion: Lesion) -> bool:
    return lesion.region in LONG_BONE_REGIONS


def _site(lesion: Lesion, key: str) -> Reading:
    region = lesion.region or ""
    path = f"lesions.{key}.structures"
    if region == "femur":
        if lesion.structures is None:
            return unknown(path, {"lower_limb", "peritrochanteric"}, "femur: peritrochanteric or not is not recorded")
        if "peritrochanteric" in lesion.structures:
            return known("peritrochanteric", path, "peritrochanteric")
    return known(REGION_SITE[region], f"lesions.{key}.region", region)


def score_lesion(case: Case, lesion: Lesion, key: str) -> ScoreResult:
    path = f"lesions.{key}"
    pain = lesion.limb_pain or case.pain.limb_pain
    pain_field = f"{path}.limb_pain" if lesion.limb_pain else "pain.limb_pain"
    r = {
        "site": _site(lesion, key),
        "pain": known(pain, pain_field, pain) if pain else unknown("pain.limb_pain"),
        "lesion": from_field(lesion.bone_lesion, f"{path}.bone_lesion"),
        "size": from_field(lesion.cortical_fraction, f"{path}.cortical_fraction"),
    }
    return additive(key=KEY, name=NAME, items=ITEMS, readings=r, bands=BANDS, references=REFERENCES, lesion=key,
                    notes=[x.note for x in r.values() if x.note], interpret="Mirels {value}: {band_meaning}.")


def score(case: Case) -> ScoreResult | None:
    """Mirels for every long-bone lesion; the top level is the highest-scoring lesion. None without one."""
    results = {
        case.lesion_key(i): score_lesion(case, lesion, case.lesion_key(i))
        for i, lesion in enumerate(case.lesions)
        if applies(lesion)
    }
    if not results:
        return None
    return updated(worst(list(results.values())), {"by_lesion": results})
