"""Performance status and neurological grades as recorded: ECOG, KPS, Lansky, Frankel and ASIA.

Sources: Oken MM et al. Toxicity and response criteria of the Eastern Cooperative Oncology Group. Am J Clin Oncol
1982;5(6):649-55. Karnofsky DA, Burchenal JH. The clinical evaluation of chemotherapeutic agents in cancer (1949).
Lansky SB et al. The measurement of performance in childhood cancer patients. Cancer 1987;60(7):1651-6. Frankel HL
et al. Paraplegia 1969;7(3):179-92. Kirshblum SC et al. (ISNCSCI 2011 revision) J Spinal Cord Med 2011;34(6):535-46.

Checked (docs/score-verification.md): the ECOG grade texts (0-5) against two copies citing Oken 1982; the Frankel
grades A-E against two copies (traumascores.com quoting Frankel 1969; a spine-scales compilation). ASIA grades and the
KPS/Lansky scales are given as recorded values only, with the short descriptions of shared/clinical/scores.md.

Nothing is converted silently. A crosswalk between ECOG and KPS is applied only when asked
(``score(case, crosswalk="ecog_acrin")``) and the result names it; the conversion is many-to-one (KPS -> ECOG) or a
range (ECOG -> KPS). Crosswalks available (``CROSSWALKS``):
- ``ecog_acrin``: the common ECOG-ACRIN mapping ECOG 0 <-> KPS 90-100, 1 <-> 70-80, 2 <-> 50-60, 3 <-> 30-40,
  4 <-> 10-20, 5 <-> 0 (shared/clinical/scores.md [V]).
Frankel and ASIA grades are never converted into each other (Frankel C/D are functional, AIS C/D muscle-grade based).

Categorical: no total, min and max are null, no band. ``missing`` lists performance status (ECOG and KPS) only when
neither is recorded, the neurological grade (Frankel and ASIA) only when neither is recorded, and Lansky for a patient
under 16 without it.
"""

from __future__ import annotations

from typing import Literal

from tumorboard.model.case import Case
from tumorboard.model.result import ItemInput, ScoreResult
from tumorboard.scores.table import item_input, score_result

KEY = "performance"
NAME = "Performance status and neurological grade"
REFERENCES = ("oken-1982-ecog", "karnofsky-1949-kps", "lansky-1987-play-performance",
              "kirshblum-2011-isncsci-reference")

ECOG: dict[int, str] = {
    0: "Fully active, able to carry on all pre-disease performance without restriction",
    1: "Restricted in physically strenuous activity but ambulatory and able to carry out work of a light or "
       "sedentary nature",
    2: "Ambulatory and capable of all self-care but unable to carry out any work activities; up and about more than "
       "50% of waking hours",
    3: "Capable of only limited self-care; confined to bed or chair more than 50% of waking hours",
    4: "Completely disabled; cannot carry on any self-care; totally confined to bed or chair",
    5: "Dead",
}
FRANKEL: dict[str, str] = {
    "A": "Complete: no motor or sensory function below the level",
    "B": "Sensory only: some sensation below the level, motor paralysis complete",
    "C": "Motor useless: some motor power below the level, of no practical use",
    "D": "Motor useful: useful motor power below the level; can walk with or without aids",
    "E": "Normal: no weakness, sensory loss or sphincter disturbance (abnormal reflexes may be present)",
}
ASIA: dict[str, str] = {
    "A": "Complete: no sensory or motor function in the sacral segments S4-S5",
    "B": "Sensory incomplete: sensory but no motor function below the neurological level, including S4-S5",
    "C": "Motor incomplete: fewer than half of key muscles below the neurological level grade 3 or more",
    "D": "Motor incomplete: at least half of key muscles below the neurological level grade 3 or more",
    "E": "Normal sensory and motor function (after a prior deficit)",
}

Crosswalk = Literal["ecog_acrin"]
# crosswalk -> ECOG grade -> (lowest KPS, highest KPS)
CROSSWALKS: dict[str, dict[int, tuple[int, int]]] = {
    "ecog_acrin": {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)},
}
CROSSWALK_NAMES = {"ecog_acrin": "ECOG-ACRIN common ECOG/KPS mapping"}


def ecog_from_kps(kps: int, crosswalk: Crosswalk = "ecog_acrin") -> int:
    """The ECOG grade a KPS value falls in under the named crosswalk."""
    for grade, (low, high) in CROSSWALKS[crosswalk].items():
        if low <= kps <= high:
            return grade
    raise ValueError(f"KPS {kps} is not in the {crosswalk} crosswalk")


def kps_range_from_ecog(ecog: int, crosswalk: Crosswalk = "ecog_acrin") -> tuple[int, int]:
    """The KPS range an ECOG grade corresponds to under the named crosswalk (a range, never one value)."""
    return CROSSWALKS[crosswalk][ecog]


def score(case: Case, crosswalk: Crosswalk | None = None) -> ScoreResult:
    """Every performance and neurological grade as recorded; a crosswalk only when asked for."""
    p, n = case.patient, case.neurology
    inputs: dict[str, ItemInput] = {}
    missing: list[str] = []
    notes: list[str] = []
    if p.ecog is not None:
        inputs["ecog"] = item_input(field="patient.ecog", value=p.ecog, category=str(p.ecog), note=ECOG[p.ecog])
    if p.kps is not None:
        inputs["kps"] = item_input(field="patient.kps", value=p.kps, category=str(p.kps))
    if p.ecog is None and p.kps is None:
        missing += ["patient.ecog", "patient.kps"]
    if p.lansky is not None:
        inputs["lansky"] = item_input(field="patient.lansky", value=p.lansky, category=str(p.lansky))
    elif p.age_years is not None and p.age_years < 16:
        missing.append("patient.lansky")
    if n.frankel is not None:
        inputs["frankel"] = item_input(field="neurology.frankel", value=n.frankel, category=n.frankel,
                                      note=FRANKEL[n.frankel])
    if n.asia is not None:
        inputs["asia"] = item_input(field="neurology.asia", value=n.asia, category=n.asia, note=ASIA[n.asia])
    if n.frankel is None and n.asia is None:
        missing += ["neurology.frankel", "neurology.asia"]
    if crosswalk is not None:
        name = CROSSWALK_NAMES[crosswalk]
        if p.kps is not None and p.ecog is None:
            grade = ecog_from_kps(p.kps, crosswalk)
            inputs["ecog_converted"] = item_input(value=grade, category=str(grade),
                                                 note=f"converted from KPS {p.kps} with the {name}")
            notes.append(f"ECOG {grade} is converted from KPS {p.kps} ({name}), not recorded.")
        elif p.ecog is not None and p.kps is None:
            low, high = kps_range_from_ecog(p.ecog, crosswalk)
            inputs["kps_converted"] = item_input(value=f"{low}-{high}", possible=[float(low), float(high)],
                                                note=f"converted from ECOG {p.ecog} with the {name}")
            notes.append(f"KPS {low}-{high} is converted from ECOG {p.ecog} ({name}), not recorded.")
    value = {k: v.value for k, v in inputs.items()}
    recorded = ", ".join(f"{k.upper() if len(k) <= 4 else k.capitalize()} {v.value}" for k, v in inputs.items()
                         if not k.endswith("_converted"))
    text = f"Recorded: {recorded}." if recorded else "No performance status or neurological grade recorded."
    return score_result(
        key=KEY, name=NAME, value=value or None, determinate=not missing, missing=missing, inputs=inputs,
        interpretation=text, notes=notes, references=list(REFERENCES),
        extra={"crosswalk": CROSSWALK_NAMES[crosswalk]} if crosswalk else None,
    )
