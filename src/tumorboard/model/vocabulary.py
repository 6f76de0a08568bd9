"""Enumerations of the case format v1 (docs/case-format.md). The names are a stable contract."""

from __future__ import annotations

from typing import Literal, get_args

Sex = Literal["female", "male", "other", "unknown"]
Ambulatory = Literal["independent", "assisted", "non_ambulatory"]
DiseaseStatus = Literal["progressive", "recurrent", "stable", "responding", "unknown"]
Grade = Literal["G1", "G2", "G3"]
Necrosis = Literal["none", "lt50", "ge50"]
VisceralMetastases = Literal["none", "removable", "unremovable"]
VisceralPattern = Literal["none", "nodular", "disseminated"]
VisceralSite = Literal["lung", "liver", "brain", "adrenal", "pleura", "peritoneum", "other"]
SkeletalMetastases = Literal["solitary", "multiple"]
Region = Literal[
    "cervical", "thoracic", "lumbar", "sacrum", "pelvis", "acetabulum", "femur", "humerus", "tibia",
    "other_bone", "soft_tissue", "lung", "other",
]
Limb = Literal["upper", "lower"]
Side = Literal["left", "right", "bilateral", "midline"]
BoneLesion = Literal["lytic", "mixed", "blastic"]
Alignment = Literal["normal", "de_novo_deformity", "subluxation_translation"]
Collapse = Literal["gt50", "lt50", "none_gt50_involved", "none"]
Posterolateral = Literal["bilateral", "unilateral", "none"]
EsccGrade = Literal["0", "1a", "1b", "1c", "2", "3"]
CorticalFraction = Literal["lt_one_third", "one_to_two_thirds", "gt_two_thirds"]
HarringtonClass = Literal["I", "II", "III", "IV"]
NeuroGrade = Literal["A", "B", "C", "D", "E"]
PainCharacter = Literal["mechanical", "occasional_non_mechanical", "none"]
LimbPain = Literal["mild", "moderate", "functional"]

PrimarySite = Literal[
    "lung", "breast", "prostate", "kidney", "thyroid", "liver", "gallbladder", "stomach", "esophagus", "pancreas",
    "colon", "rectum", "bladder", "uterus", "cervix", "ovary", "head_neck", "melanoma", "myeloma", "lymphoma",
    "carcinoid", "neuroendocrine", "germ_cell", "osteosarcoma", "soft_tissue", "bone_sarcoma_other",
    "unknown_primary", "other",
]

Structure = Literal[
    "vertebral_body", "posterior_wall", "pedicle", "facet", "lamina", "costovertebral_joint", "epidural_space",
    "neuroforamina", "spinal_canal", "sacral_canal_posterior_wall", "sacroiliac_joint", "ilium", "acetabulum",
    "paraspinal_soft_tissue", "nerve_root", "cord", "cauda_equina", "cortex", "peritrochanteric",
]

SARCOMA_SUBTYPES: tuple[str, ...] = (
    "leiomyosarcoma", "liposarcoma_dedifferentiated", "liposarcoma_myxoid", "liposarcoma_pleomorphic",
    "undifferentiated_pleomorphic", "synovial_sarcoma", "myxofibrosarcoma", "angiosarcoma", "mpnst",
    "rhabdomyosarcoma", "ewing_sarcoma", "desmoplastic_small_round_cell", "epithelioid_sarcoma",
    "alveolar_soft_part", "clear_cell_sarcoma", "pecoma", "solitary_fibrous_tumor", "gist", "desmoid",
    "infantile_fibrosarcoma", "chordoma", "chondrosarcoma", "giant_cell_tumor_of_bone", "other_sarcoma",
)

SPINAL_LEVELS: tuple[str, ...] = (
    "occiput",
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
)
SPINAL_REGIONS: frozenset[str] = frozenset({"cervical", "thoracic", "lumbar", "sacrum"})
LONG_BONE_REGIONS: frozenset[str] = frozenset({"femur", "humerus", "tibia"})


def values(literal: object) -> tuple[str, ...]:
    """The allowed values of a ``Literal`` type, in declaration order."""
    return tuple(str(v) for v in get_args(literal))


def level_index(level: str) -> int:
    """Position of a spinal level from occiput (0) to S5; raises ValueError for unknown labels."""
    return SPINAL_LEVELS.index(level)
