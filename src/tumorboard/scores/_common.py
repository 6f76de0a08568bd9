"""Small helpers shared by the case-level prognostic scores: which lesions a score applies to, and count bands."""

from __future__ import annotations

from tumorboard.model.case import Case, Lesion

SPINAL_REGIONS = frozenset({"cervical", "thoracic", "lumbar", "sacrum"})
BONE_REGIONS = frozenset({*SPINAL_REGIONS, "pelvis", "acetabulum", "femur", "humerus", "tibia", "other_bone"})
LONG_BONE_REGIONS = frozenset({"femur", "humerus", "tibia"})


def is_spinal(lesion: Lesion) -> bool:
    return lesion.region in SPINAL_REGIONS or bool(lesion.levels)


def is_bone(lesion: Lesion) -> bool:
    return lesion.region in BONE_REGIONS or bool(lesion.levels)


def has_spinal_lesion(case: Case) -> bool:
    """Spinal metastasis scores (Tokuhashi, Tomita, van der Linden, NESMS, NOMS) need a spinal lesion."""
    return any(lesion.region in SPINAL_REGIONS or lesion.levels for lesion in case.lesions)  # is_spinal, inlined


def has_bone_lesion(case: Case) -> bool:
    """Skeletal metastasis scores (Bauer, Katagiri) need a bone lesion (spine, pelvis or limb)."""
    return any(lesion.region in BONE_REGIONS or lesion.levels for lesion in case.lesions)  # is_bone, inlined


def count_band(count: int, bands: tuple[tuple[int, int | None, str], ...]) -> str:
    """The category of a count from (low, high or None for open-ended, category) rows."""
    for low, high, category in bands:
        if count >= low and (high is None or count <= high):
            return category
    raise ValueError(f"count {count} is in no band")
