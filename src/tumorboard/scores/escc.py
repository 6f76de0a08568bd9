"""Epidural spinal cord compression (ESCC) grade, the Bilsky scale, per spinal lesion.

Source: Bilsky MH, Laufer I, Fourney DR, et al. Reliability analysis of the epidural spinal cord compression scale.
J Neurosurg Spine 2010;13(3):324-8 (PMID 20809724, DOI 10.3171/2010.3.SPINE09459). Grades on axial T2 MRI at the
level of most severe compression. Low grade (0, 1a, 1b) and high grade (2, 3) as used by the NOMS framework
(Laufer I et al. Oncologist 2013;18:744-51). Grade 1c (cord abutment without compression) is contested; it is
``low_grade`` by default and configurable (``one_c_band``).
The scale grades anatomy, not neurology; it is defined for the cord and thecal sac, not the sacral canal.
"""

from __future__ import annotations

from typing import Literal

from tumorboard.model.case import Case, Lesion
from tumorboard.model.result import ScoreResult
from tumorboard.scores.sins import applies
from tumorboard.scores.table import item_input, score_result, updated

KEY = "escc"
NAME = "ESCC (Bilsky)"
REFERENCES = ("bilsky-2010-escc-scale", "laufer-2013-noms-framework")

GRADES: dict[str, str] = {
    "0": "Bone-only disease",
    "1a": "Epidural impingement without deformation of the thecal sac",
    "1b": "Deformation of the thecal sac without spinal cord abutment",
    "1c": "Deformation of the thecal sac with spinal cord abutment, without cord compression",
    "2": "Spinal cord compression with CSF visible around the cord",
    "3": "Spinal cord compression without CSF visible around the cord",
}
RANK = {grade: i for i, grade in enumerate(GRADES)}
BAND: dict[str, str] = {"0": "low_grade", "1a": "low_grade", "1b": "low_grade", "2": "high_grade", "3": "high_grade"}
MEANING = {
    "low_grade": "low-grade epidural disease: radiotherapy can be the first treatment when the spine is stable",
    "high_grade": "high-grade compression: consider decompression before radiotherapy unless the tumour is "
    "highly radiosensitive",
}


def band_for(grade: str, one_c_band: Literal["low_grade", "high_grade"] = "low_grade") -> str:
    return one_c_band if grade == "1c" else BAND[grade]


def score_lesion(lesion: Lesion, key: str, one_c_band: Literal["low_grade", "high_grade"] = "low_grade") -> ScoreResult:
    path = f"lesions.{key}.escc_grade"
    notes = []
    if lesion.region == "sacrum":
        notes.append("The Bilsky scale is defined for the cord and thecal sac; at the sacrum it grades the thecal "
                     "sac/cauda equina by analogy only.")
    grade = lesion.escc_grade
    if grade is None:
        return score_result(
            key=KEY, name=NAME, lesion=key, missing=[path], determinate=False,
            possible_bands=["low_grade", "high_grade"],
            inputs={"grade": item_input(field=path, possible=None)},
            interpretation=f"ESCC grade not recorded for {key}: MRI grading decides between low- and high-grade "
            "disease.",
            notes=notes, references=list(REFERENCES),
        )
    band = band_for(grade, one_c_band)
    if grade == "1c":
        notes.append(f"Grade 1c is contested between low and high grade; counted as {band} here.")
    return score_result(
        key=KEY, name=NAME, value=grade, band=band, determinate=True, possible_bands=[band], lesion=key,
        inputs={"grade": item_input(field=path, value=grade, category=grade, note=GRADES[grade])},
        interpretation=f"ESCC {grade} ({GRADES[grade].lower()}): {MEANING[band]}.",
        notes=notes, references=list(REFERENCES),
    )


def score(case: Case, one_c_band: Literal["low_grade", "high_grade"] = "low_grade") -> ScoreResult | None:
    """ESCC for every spinal lesion; the top level is the highest grade (an unknown grade ranks below any known)."""
    results = {
        case.lesion_key(i): score_lesion(lesion, case.lesion_key(i), one_c_band)
        for i, lesion in enumerate(case.lesions)
        if applies(lesion)
    }
    if not results:
        return None

    def severity(r: ScoreResult) -> int:
        return RANK[r.value] if isinstance(r.value, str) else -1

    top = max(results.values(), key=severity)
    if top.value is None:
        top = updated(top, {"missing": [m for r in results.values() for m in r.missing]})
    return updated(top, {"by_lesion": results})
