"""FNCLCC histological grade of soft-tissue sarcoma: differentiation + mitoses + necrosis, 2-8 -> G1-G3.

Sources: Trojani M, Contesso G, Coindre JM, et al. Soft-tissue sarcomas of adults; study of pathological prognostic
variables and definition of a histopathological grading system. Int J Cancer 1984;33(1):37-42. Coindre JM. Grading of
soft tissue sarcomas: review and update. Arch Pathol Lab Med 2006;130(10):1448-53.

Checked (docs/score-verification.md): NCI PDQ (childhood soft-tissue sarcoma, Table 7 "FNCLCC histologic grading
system"): differentiation 1-3, mitotic count 0-9 / 10-19 / >=20 per 10 HPF -> 1 / 2 / 3, necrosis none / <50% /
>=50% -> 0 / 1 / 2. SEER derived grade: sum 2-3 G1, 4-5 G2, 6-8 G3. The Sarcoma 2010 guideline table (Hindawi) and
a pathology checklist agree. shared/clinical/scores.md had it [S]; now [V] by two independent sources.

Conventions:
- The differentiation score is what the pathologist recorded (``primary.fnclcc.differentiation``); it is not derived
  from the histology here (the subtype table is a pathologist's judgement).
- When the three components are incomplete and ``primary.grade`` is recorded, the recorded grade is reported (value
  null: the components are missing) with the partial computation as a note. With neither, the score gives the range.
- Applies when the primary is a soft-tissue sarcoma, or when a grade or FNCLCC components are recorded.
"""

from __future__ import annotations

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores.table import Band, Item, Reading, additive, known, unknown, updated

KEY = "fnclcc"
NAME = "FNCLCC grade"
REFERENCES = ("trojani-1984-fnclcc-grading", "coindre-2006-sarcoma-grading")

DIFFERENTIATION = Item("differentiation", "Tumour differentiation", {"1": 1, "2": 2, "3": 3},
                       {"1": "Closely resembling normal adult mesenchymal tissue",
                        "2": "Histological typing certain", "3": "Embryonal, undifferentiated or of doubtful type"})
MITOSES = Item("mitoses", "Mitotic count per 10 HPF", {"0_9": 1, "10_19": 2, "ge20": 3},
               {"0_9": "0-9", "10_19": "10-19", "ge20": ">=20"})
NECROSIS = Item("necrosis", "Tumour necrosis", {"none": 0, "lt50": 1, "ge50": 2},
                {"none": "No necrosis", "lt50": "<50%", "ge50": ">=50%"})
ITEMS = (DIFFERENTIATION, MITOSES, NECROSIS)

BANDS = (
    Band("G1", 2, 3, "grade 1 (low grade)"),
    Band("G2", 4, 5, "grade 2 (intermediate grade)"),
    Band("G3", 6, 8, "grade 3 (high grade)"),
)


def mitoses_category(count: int) -> str:
    return "0_9" if count <= 9 else "10_19" if count <= 19 else "ge20"


def readings(case: Case) -> dict[str, Reading]:
    f = case.primary.fnclcc
    base = "primary.fnclcc"
    diff = f.differentiation if f else None
    mit = f.mitoses_per_10hpf if f else None
    nec = f.necrosis if f else None
    return {
        "differentiation": known(str(diff), f"{base}.differentiation", diff) if diff is not None
        else unknown(f"{base}.differentiation"),
        "mitoses": known(mitoses_category(mit), f"{base}.mitoses_per_10hpf", mit) if mit is not None
        else unknown(f"{base}.mitoses_per_10hpf"),
        "necrosis": known(nec, f"{base}.necrosis", nec) if nec is not None else unknown(f"{base}.necrosis"),
    }


def score(case: Case) -> ScoreResult | None:
    """FNCLCC grade from its components, else the recorded grade; None when not a sarcoma case."""
    p = case.primary
    if p.site != "soft_tissue" and p.grade is None and p.fnclcc is None:
        return None
    computed = additive(key=KEY, name=NAME, items=ITEMS, readings=readings(case), bands=BANDS, references=REFERENCES,
                        interpret="FNCLCC score {value}: {band_meaning}.")
    if computed.value is not None or p.grade is None:
        if computed.value is None:
            computed = updated(computed, {"missing": [*computed.missing, "primary.grade"],
                                           "notes": ["Record the three components, or the grade as reported "
                                                     "by the pathologist (primary.grade)."]})
        return computed
    partial = (f"components incomplete (score could be {computed.min}-{computed.max}, "
               f"{' or '.join(computed.possible_bands)})")
    agrees = p.grade in computed.possible_bands
    notes = [f"Grade as recorded (primary.grade); {partial}."]
    if not agrees:
        notes.append(f"The recorded grade {p.grade} is not among the grades the recorded components allow.")
    return updated(computed, {
        "band": p.grade, "determinate": True, "possible_bands": [p.grade], "missing": [],
        "interpretation": f"FNCLCC {p.grade} as recorded.", "notes": notes,
    })
