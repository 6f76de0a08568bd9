"""Harrington classification of periacetabular metastases (1981), per acetabular lesion: class I-IV.

Source: Harrington KD. The management of acetabular insufficiency secondary to metastatic malignant disease. J Bone
Joint Surg Am 1981;63(4):653-64.

Checked (docs/score-verification.md): MedicalAlgorithms' table of the classification (cites Harrington): class by
resectability for cure, medial-wall status and the status of the lateral cortices and superior wall; management per
class. Agrees with shared/clinical/scores.md [V] and shared/clinical/guideline-facts.md [V].

Class IV is about resectability (a solitary lesion whose resection may cure), not about more destruction; some
reproductions describe it as "the most destructive" or as extension to the iliac wing (a known error, guarded by a
test). This is the 1981 acetabular classification, not Harrington's 1986 classification of spinal metastases.

Conventions:
- Categorical: value is the recorded class (``lesions.<id>.harrington_class``), never derived from imaging fields
  here; min and max are null. Applies to lesions of the acetabulum (region ``acetabulum``, or ``pelvis`` with
  ``acetabulum`` in structures).
- The top-level result is the lesion whose class implies the largest operation (IV en-bloc resection > III > II > I);
  a lesion with no recorded class ranks below any known class.
"""

from __future__ import annotations

from tumorboard.model.case import Case, Lesion
from tumorboard.model.result import ScoreResult
from tumorboard.scores.table import item_input, score_result, updated

KEY = "harrington"
NAME = "Harrington acetabular class"
REFERENCES = ("medicalalgorithms-harrington-periacetabular-classification",)

# class -> (definition, reconstruction implied in the original)
CLASSES: dict[str, tuple[str, str]] = {
    "I": ("Lateral cortices, superior (roof) and medial walls structurally intact",
          "conventional cemented total hip arthroplasty"),
    "II": ("Medial wall deficient; lateral cortices and superior wall intact",
           "protrusio shell (anti-protrusio/flanged cup) transferring load to the intact acetabular rim, with total "
           "hip arthroplasty"),
    "III": ("Lateral cortices and superior wall deficient (medial wall too)",
            "total hip arthroplasty supported by large threaded Steinmann pins across the acetabular bed into intact "
            "bone, with a protrusio cup (Harrington reconstruction)"),
    "IV": ("Solitary lesion in which resection for cure is possible (resectability, not extent of destruction)",
           "en-bloc resection (partial hemipelvectomy) with reconstruction"),
}
RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}


def applies(lesion: Lesion) -> bool:
    return lesion.region == "acetabulum" or (lesion.region == "pelvis" and "acetabulum" in (lesion.structures or []))


def reconstruction(cls: str) -> str:
    """The reconstruction a Harrington class implies (original 1981 description)."""
    return CLASSES[cls][1]


def score_lesion(lesion: Lesion, key: str) -> ScoreResult:
    path = f"lesions.{key}.harrington_class"
    cls = lesion.harrington_class
    if cls is None:
        return score_result(
            key=KEY, name=NAME, lesion=key, missing=[path], possible_bands=list(CLASSES),
            inputs={"class": item_input(field=path)},
            interpretation=f"Harrington class not recorded for {key}: it decides the acetabular reconstruction.",
            references=list(REFERENCES),
        )
    definition, recon = CLASSES[cls]
    return score_result(
        key=KEY, name=NAME, value=cls, band=cls, determinate=True, possible_bands=[cls], lesion=key,
        inputs={"class": item_input(field=path, value=cls, category=cls, note=definition)},
        interpretation=f"Harrington class {cls} ({definition[0].lower()}{definition[1:]}): {recon}.",
        references=list(REFERENCES), extra={"definition": definition, "reconstruction": recon},
    )


def score(case: Case) -> ScoreResult | None:
    """Harrington class for every acetabular lesion; None without one."""
    results = {
        case.lesion_key(i): score_lesion(lesion, case.lesion_key(i))
        for i, lesion in enumerate(case.lesions)
        if applies(lesion)
    }
    if not results:
        return None
    top = max(results.values(), key=lambda r: RANK.get(str(r.value), 0))
    if top.value is None:
        top = updated(top, {"missing": [m for r in results.values() for m in r.missing]})
    return updated(top, {"by_lesion": results})
