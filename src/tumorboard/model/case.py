"""The case format v1 as pydantic models (docs/case-format.md is the single source of truth).

Absent means unknown: every optional field defaults to ``None`` and is reported as missing downstream, never read
as normal. Unknown fields are an error, except under an ``extra:`` mapping at any level.

Start-up time (``tumorboard score`` builds these models in every process): annotations are evaluated at class
creation (no ``from __future__ import annotations``, whose strings pydantic would evaluate again); the parts build
their validators only when used on their own (``defer_build``: a case's validator holds them all); default factories
are plain functions (pydantic reads each factory's signature, which for ``list`` or a model class is slow) and
build empty parts with ``model_construct``, which gives the same instance as validating ``{}``.
"""

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tumorboard.model.vocabulary import (
    SPINAL_LEVELS,
    Alignment,
    Ambulatory,
    BoneLesion,
    Collapse,
    CorticalFraction,
    DiseaseStatus,
    EsccGrade,
    Grade,
    HarringtonClass,
    Limb,
    LimbPain,
    Necrosis,
    NeuroGrade,
    PainCharacter,
    Posterolateral,
    PrimarySite,
    Region,
    Sex,
    Side,
    SkeletalMetastases,
    Structure,
    VisceralMetastases,
    VisceralPattern,
    VisceralSite,
)

CASE_FORMAT: Literal["tumorboard.case/v1"] = "tumorboard.case/v1"


def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[str, Any]:
    return {}


class Part(BaseModel):
    """Base of every part of a case: strict about unknown fields, with an ``extra`` escape hatch."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True, defer_build=True)

    extra: dict[str, Any] | None = Field(default=None, description="Site-specific fields that are not in the format.")


class Patient(Part):
    age_years: float | None = Field(default=None, ge=0, le=120)
    sex: Sex | None = None
    ecog: int | None = Field(default=None, ge=0, le=4)
    kps: int | None = Field(default=None, ge=0, le=100, multiple_of=10)
    ambulatory: Ambulatory | None = None
    fit_for_surgery: bool | None = None
    lansky: int | None = Field(default=None, ge=0, le=100, multiple_of=10)
    weight_kg: float | None = Field(default=None, gt=0, le=400)
    life_expectancy_months: float | None = Field(default=None, ge=0, le=600)


class Fnclcc(Part):
    differentiation: int | None = Field(default=None, ge=1, le=3)
    mitoses_per_10hpf: int | None = Field(default=None, ge=0, le=500)
    necrosis: Necrosis | None = None


class Primary(Part):
    site: PrimarySite | None = None
    histology: str | None = Field(default=None, max_length=200)
    hormone_dependent: bool | None = None
    targeted_therapy_available: bool | None = None
    months_since_diagnosis: float | None = Field(default=None, ge=0, le=1200)
    status: DiseaseStatus | None = None
    local_recurrence: bool | None = None
    biomarkers: dict[str, Any] = Field(default_factory=_new_dict)
    grade: Grade | None = None
    fnclcc: Fnclcc | None = None


class Disease(Part):
    visceral_metastases: VisceralMetastases | None = None
    visceral_treatable: bool | None = None
    visceral_pattern: VisceralPattern | None = None
    visceral_sites: list[VisceralSite] | None = None
    brain_metastases: bool | None = None
    extraspinal_bone_metastases: int | None = Field(default=None, ge=0, le=1000)
    vertebral_body_metastases: int | None = Field(default=None, ge=0, le=33)
    skeletal_metastases: SkeletalMetastases | None = None
    lymph_node_metastases: bool | None = None
    pulmonary_nodules: int | None = Field(default=None, ge=0, le=1000)
    pathological_fracture: bool | None = None


class PriorRadiotherapy(Part):
    dose_gy: float | None = Field(default=None, ge=0, le=200)
    fractions: int | None = Field(default=None, ge=1, le=100)
    months_ago: float | None = Field(default=None, ge=0, le=1200)


class Lesion(Part):
    id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    region: Region | None = None
    location: str | None = Field(default=None, max_length=200)
    limb: Limb | None = None
    local_recurrence: bool | None = None
    levels: list[str] | None = None
    side: Side | None = None
    structures: list[Structure] | None = None
    bone_lesion: BoneLesion | None = None
    alignment: Alignment | None = None
    collapse: Collapse | None = None
    posterolateral: Posterolateral | None = None
    escc_grade: EsccGrade | None = None
    pain_character: PainCharacter | None = None
    limb_pain: LimbPain | None = None
    soft_tissue_extension: bool | None = None
    size_cm: float | None = Field(default=None, gt=0, le=100)
    cortical_fraction: CorticalFraction | None = None
    harrington_class: HarringtonClass | None = None
    prior_radiotherapy: PriorRadiotherapy | None = None
    prior_surgery: bool | None = None

    @field_validator("escc_grade", mode="before")
    @classmethod
    def _grade_as_text(cls, value: object) -> object:
        """YAML reads ``escc_grade: 2`` as a number; the grade is a label, so accept 0, 2 and 3 as numbers."""
        if isinstance(value, int) and not isinstance(value, bool) and value in (0, 2, 3):
            return str(value)
        return value

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [lv for lv in value if lv not in SPINAL_LEVELS]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a spinal level (occiput, C1..C7, T1..T12, L1..L5, S1..S5)")
        return value

    @property
    def label(self) -> str:
        """The lesion's id, or a description when it has none."""
        return self.id or (self.region or "lesion")


class Neurology(Part):
    frankel: NeuroGrade | None = None
    asia: NeuroGrade | None = None
    myelopathy: bool | None = None
    radiculopathy: bool | None = None
    cauda_equina_syndrome: bool | None = None
    bladder_bowel_dysfunction: bool | None = None
    motor_deficit_days: float | None = Field(default=None, ge=0, le=3650)
    complete_deficit_hours: float | None = Field(default=None, ge=0, le=100000)


class Pain(Part):
    character: PainCharacter | None = None
    severity_nrs: int | None = Field(default=None, ge=0, le=10)
    neuropathic: bool | None = None
    limb_pain: LimbPain | None = None


class Labs(Part):
    albumin_g_dl: float | None = Field(default=None, ge=0, le=10)
    crp_mg_dl: float | None = Field(default=None, ge=0, le=100)
    ldh_iu_l: float | None = Field(default=None, ge=0, le=50000)
    platelets_per_ul: float | None = Field(default=None, ge=0, le=5_000_000)
    calcium_mg_dl: float | None = Field(default=None, ge=0, le=30)
    bilirubin_mg_dl: float | None = Field(default=None, ge=0, le=80)
    hemoglobin_g_dl: float | None = Field(default=None, ge=0, le=30)
    creatinine_mg_dl: float | None = Field(default=None, ge=0, le=40)
    creatinine_clearance_ml_min: float | None = Field(default=None, ge=0, le=300)


class History(Part):
    prior_chemotherapy: bool | None = None
    systemic_lines: list[str] | None = None
    prior_radiotherapy_same_site: bool | None = None
    months_diagnosis_to_mscc: float | None = Field(default=None, ge=0, le=1200)


class Preferences(Part):
    goals: str | None = Field(default=None, max_length=2000)


def _new_patient() -> Patient:
    return Patient.model_construct()


def _new_primary() -> Primary:
    return Primary.model_construct()


def _new_disease() -> Disease:
    return Disease.model_construct()


def _new_neurology() -> Neurology:
    return Neurology.model_construct()


def _new_pain() -> Pain:
    return Pain.model_construct()


def _new_labs() -> Labs:
    return Labs.model_construct()


def _new_history() -> History:
    return History.model_construct()


def _new_preferences() -> Preferences:
    return Preferences.model_construct()


class Case(Part):
    """A patient case for the tumour board: everything optional except ``format``."""

    model_config = ConfigDict(defer_build=False)  # the one validator built at import (the parts are inside it)

    format: Literal["tumorboard.case/v1"] = CASE_FORMAT
    id: str | None = Field(default=None, max_length=128)
    patient: Patient = Field(default_factory=_new_patient)
    primary: Primary = Field(default_factory=_new_primary)
    disease: Disease = Field(default_factory=_new_disease)
    lesions: list[Lesion] = Field(default_factory=_new_list)
    neurology: Neurology = Field(default_factory=_new_neurology)
    pain: Pain = Field(default_factory=_new_pain)
    labs: Labs = Field(default_factory=_new_labs)
    history: History = Field(default_factory=_new_history)
    preferences: Preferences = Field(default_factory=_new_preferences)

    @model_validator(mode="after")
    def _unique_lesion_ids(self) -> Self:
        seen: set[str] = set()
        for lesion in self.lesions:
            if lesion.id is None:
                continue
            if lesion.id in seen:
                raise ValueError(f"lesion id {lesion.id!r} is used twice")
            seen.add(lesion.id)
        return self

    def lesion(self, lesion_id: str) -> Lesion:
        """The lesion with this id (or position as a string); KeyError if there is none."""
        for i, lesion in enumerate(self.lesions):
            if lesion.id == lesion_id or (lesion.id is None and str(i) == lesion_id):
                return lesion
        raise KeyError(lesion_id)

    def lesion_key(self, index: int) -> str:
        """How paths address the lesion at ``index``: its id, else its position."""
        lesion = self.lesions[index]
        return lesion.id if lesion.id is not None else str(index)
