"""Spinal Instability Neoplastic Score (SINS), per spinal lesion and level.

Source: Fisher CG, DiPaola CP, Ryken TC, et al. A novel classification system for spinal instability in neoplastic
disease: an evidence-based approach and expert consensus from the Spine Oncology Study Group. Spine
2010;35(22):E1221-9 (DOI 10.1097/BRS.0b013e3181e16ae2). Table 1 of the paper, reproduced below as data.
Checked: the table against the paper's title-page copy and two independent implementations (shared/clinical/scores.md,
marked [V]); bands 0-6 stable, 7-12 indeterminate (possible impending instability), 13-18 unstable.

Conventions (the paper has no rule for them; stated in every result that uses them):
- A lesion spanning several levels is scored at each level and the worst level is reported.
- Without recorded levels, the location item keeps the values still possible for the region
  (e.g. sacrum: S1 junctional 3 or S2-S5 rigid 0).
- SINS was built for the mobile spine; sacral lesions are scored with a note that this is not validated.
"""

from __future__ import annotations

from tumorboard.model.case import Case, Lesion
from tumorboard.model.result import ScoreResult
from tumorboard.scores.table import Band, Item, Reading, additive, known, unknown, updated, worst

KEY = "sins"
NAME = "SINS"
REFERENCES = ("fisher-2010-sins", "fourney-2011-sins-reliability")

LOCATION = Item(
    "location",
    "Location",
    {"junctional": 3, "mobile": 2, "semirigid": 1, "rigid": 0},
    {
        "junctional": "Junctional (occiput-C2, C7-T2, T11-L1, L5-S1)",
        "mobile": "Mobile spine (C3-C6, L2-L4)",
        "semirigid": "Semirigid (T3-T10)",
        "rigid": "Rigid (S2-S5)",
    },
)
PAIN = Item(
    "pain",
    "Pain",
    {"mechanical": 3, "occasional_non_mechanical": 1, "none": 0},
    {
        "mechanical": "Yes: mechanical pain (relief when recumbent, pain with movement or loading)",
        "occasional_non_mechanical": "Occasional pain, not mechanical",
        "none": "Pain-free lesion",
    },
)
BONE_LESION = Item("bone_lesion", "Bone lesion", {"lytic": 2, "mixed": 1, "blastic": 0},
                   {"lytic": "Lytic", "mixed": "Mixed (lytic/blastic)", "blastic": "Blastic"})
ALIGNMENT = Item(
    "alignment",
    "Radiographic spinal alignment",
    {"subluxation_translation": 4, "de_novo_deformity": 2, "normal": 0},
    {
        "subluxation_translation": "Subluxation/translation present",
        "de_novo_deformity": "De novo deformity (kyphosis/scoliosis)",
        "normal": "Normal alignment",
    },
)
COLLAPSE = Item(
    "collapse",
    "Vertebral body collapse",
    {"gt50": 3, "lt50": 2, "none_gt50_involved": 1, "none": 0},
    {
        "gt50": ">50% collapse",
        "lt50": "<50% collapse",
        "none_gt50_involved": "No collapse with >50% of the body involved",
        "none": "None of the above",
    },
)
POSTEROLATERAL = Item(
    "posterolateral",
    "Posterolateral involvement of spinal elements (facet, pedicle or costovertebral joint)",
    {"bilateral": 3, "unilateral": 1, "none": 0},
    {"bilateral": "Bilateral", "unilateral": "Unilateral", "none": "None of the above"},
)
ITEMS = (LOCATION, PAIN, BONE_LESION, ALIGNMENT, COLLAPSE, POSTEROLATERAL)

BANDS = (
    Band("stable", 0, 6, "stable; surgical consultation is not needed for instability"),
    Band("indeterminate", 7, 12, "indeterminate (possible impending) instability; surgical consultation is warranted"),
    Band("unstable", 13, 18, "unstable; surgical consultation is warranted"),
)

# Location category of each spinal level (Fisher 2010, Table 1).
LEVEL_LOCATION: dict[str, str] = {
    "occiput": "junctional", "C1": "junctional", "C2": "junctional",
    **{f"C{i}": "mobile" for i in range(3, 7)},
    "C7": "junctional", "T1": "junctional", "T2": "junctional",
    **{f"T{i}": "semirigid" for i in range(3, 11)},
    "T11": "junctional", "T12": "junctional", "L1": "junctional",
    **{f"L{i}": "mobile" for i in range(2, 5)},
    "L5": "junctional", "S1": "junctional",
    **{f"S{i}": "rigid" for i in range(2, 6)},
}
REGION_LOCATIONS: dict[str, frozenset[str]] = {
    "cervical": frozenset({"junctional", "mobile"}),
    "thoracic": frozenset({"junctional", "semirigid"}),
    "lumbar": frozenset({"junctional", "mobile"}),
    "sacrum": frozenset({"junctional", "rigid"}),
}
SPINAL_REGIONS = frozenset(REGION_LOCATIONS)


def applies(lesion: Lesion) -> bool:
    """SINS applies to spinal lesions (by region or by recorded levels)."""
    return lesion.region in SPINAL_REGIONS or bool(lesion.levels)


def _readings(case: Case, lesion: Lesion, key: str, level: str | None) -> dict[str, Reading]:
    path = f"lesions.{key}"
    if level is not None:
        location = known(LEVEL_LOCATION[level], f"{path}.levels", level)
    else:
        possible = REGION_LOCATIONS.get(lesion.region or "")
        location = unknown(f"{path}.levels", possible, "levels not recorded" if possible else None)
    pain_value = lesion.pain_character or case.pain.character
    pain_field = f"{path}.pain_character" if lesion.pain_character else "pain.character"
    return {
        "location": location,
        "pain": known(pain_value, pain_field, pain_value) if pain_value else unknown("pain.character"),
        "bone_lesion": _field(lesion.bone_lesion, f"{path}.bone_lesion"),
        "alignment": _field(lesion.alignment, f"{path}.alignment"),
        "collapse": _field(lesion.collapse, f"{path}.collapse"),
        "posterolateral": _field(lesion.posterolateral, f"{path}.posterolateral"),
    }


def _field(value: str | None, path: str) -> Reading:
    return known(value, path, value) if value is not None else unknown(path)


def score_lesion(case: Case, lesion: Lesion, key: str) -> ScoreResult:
    """SINS of one lesion: every level scored, the worst level reported."""
    levels: list[str | None] = [lv for lv in (lesion.levels or []) if lv in LEVEL_LOCATION] or [None]
    notes: list[str] = []
    if len(levels) > 1:
        notes.append(f"Multi-level lesion ({', '.join(str(lv) for lv in levels)}): each level scored, worst reported.")
    if lesion.region == "sacrum" or any(lv and lv.startswith("S") for lv in levels):
        notes.append("SINS was developed for the mobile spine; its use at the sacrum is not validated.")
    # The levels differ only in the location item, so the worst level is the first with the most location points:
    # only that one is computed (the same result as scoring every level and taking ``worst``).
    level = max(levels, key=_location_points)
    return additive(
        key=KEY, name=NAME, items=ITEMS, readings=_readings(case, lesion, key, level), bands=BANDS,
        references=REFERENCES, lesion=key, level=level, notes=notes, interpret="SINS {value}: {band_meaning}.",
    )


def _location_points(level: str | None) -> float:
    return LOCATION.points[LEVEL_LOCATION[level]] if level is not None else 0


def score(case: Case) -> ScoreResult | None:
    """SINS for every spinal lesion; the top level is the most severe lesion. None when no lesion is spinal."""
    results = {
        case.lesion_key(i): score_lesion(case, lesion, case.lesion_key(i))
        for i, lesion in enumerate(case.lesions)
        if applies(lesion)
    }
    if not results:
        return None
    top = worst(list(results.values()))
    return updated(top, {"by_lesion": results})
