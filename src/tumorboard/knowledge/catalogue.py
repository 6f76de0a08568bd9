"""The catalogue of fact paths a condition may read, built from the case model, the score registry and the derived
facts (docs/knowledge-format.md, "Paths").

A path is classified once, at load time, into a :class:`PathRef` (what it reads and how), with the type of the fact
(:class:`FactType`) so that `kb check` can reject unknown paths, operators that cannot apply to the fact, and values
outside an enumeration. Nothing here evaluates a condition; that is ``tumorboard.engine.conditions``.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from tumorboard.model.case import Case, Lesion

Kind = Literal["bool", "number", "enum", "str", "list", "dict", "any"]

# Enumerations with a natural order: gt/gte/lt/lte compare positions (an addition to the contract).
ORDERED: dict[str, tuple[str, ...]] = {
    "escc_grade": ("0", "1a", "1b", "1c", "2", "3"),
    "frankel": ("A", "B", "C", "D", "E"),
    "asia": ("A", "B", "C", "D", "E"),
    "harrington_class": ("I", "II", "III", "IV"),
    "grade": ("G1", "G2", "G3"),
    "cortical_fraction": ("lt_one_third", "one_to_two_thirds", "gt_two_thirds"),
    "limb_pain": ("mild", "moderate", "functional"),
    "collapse": ("none", "none_gt50_involved", "lt50", "gt50"),
    "visceral_metastases": ("none", "removable", "unremovable"),
}


@dataclass(frozen=True)
class FactType:
    """What kind of value a fact holds: for enumerations and lists of enumerations, the allowed values."""

    kind: Kind
    values: tuple[str, ...] | None = None  # enum values, or the element values of an enum list
    ordered: bool = False
    integer: bool = False


@dataclass(frozen=True)
class DerivedSpec:
    name: str
    level: Literal["case", "lesion"]
    meaning: str


# The derived facts of docs/knowledge-format.md; engine/derived.py implements each one and cites its source rule.
DERIVED: dict[str, DerivedSpec] = {
    d.name: d
    for d in (
        DerivedSpec("paediatric", "case", "age < 18 years"),
        DerivedSpec("adult", "case", "age >= 18 years"),
        DerivedSpec("sarcoma", "case", "soft-tissue or bone sarcoma primary"),
        DerivedSpec("histology_known", "case", "a specific histology is recorded"),
        DerivedSpec("radiosensitive", "case", "histology sensitive to conventional radiotherapy"),
        DerivedSpec("neurological_deficit", "case", "Frankel/ASIA A-D, myelopathy, cauda equina or sphincter signs"),
        DerivedSpec("complete_paraplegia_over_48h", "case", "Frankel/ASIA A for more than 48 hours"),
        DerivedSpec("mscc", "case", "some spinal lesion has high-grade ESCC (2 or 3)"),
        DerivedSpec("fit_for_surgery", "case", "patient.fit_for_surgery as recorded"),
        DerivedSpec("poor_performance", "case", "ECOG >= 3 or KPS <= 40"),
        DerivedSpec("good_performance", "case", "ECOG <= 1 or KPS >= 70"),
        DerivedSpec("short_survival", "case", "expected survival under 3 months"),
        DerivedSpec("long_survival", "case", "expected survival of 12 months or more"),
        DerivedSpec("oligometastatic", "case", "solitary or few (<= 5) metastases"),
        DerivedSpec("prior_rt_to_lesion", "lesion", "the lesion was irradiated before"),
        DerivedSpec("spinal", "lesion", "region cervical, thoracic, lumbar or sacrum"),
        DerivedSpec("mobile_spine", "lesion", "region cervical, thoracic or lumbar"),
        DerivedSpec("long_bone", "lesion", "region femur, humerus or tibia"),
        DerivedSpec("periacetabular", "lesion", "acetabular region or structure"),
        DerivedSpec("posterior_wall_disrupted", "lesion", "posterior wall (or sacral canal wall) involved"),
        DerivedSpec("epidural_disease", "lesion", "ESCC 1a or higher, or epidural space involved"),
        DerivedSpec("neural_foramina_involved", "lesion", "neuroforamina or nerve root involved"),
        DerivedSpec("sacral_nerve_roots_at_risk", "lesion", "S1-S3 lesion with foraminal, root or canal involvement"),
    )
}

# Score keys and band ids of docs/case-format.md ("Band ids of the scores"). The registry may add keys and bands.
SCORE_BANDS: dict[str, tuple[str, ...] | None] = {
    "sins": ("stable", "indeterminate", "unstable"),
    "escc": ("low_grade", "high_grade"),
    "tokuhashi": ("under_6_months", "over_6_months", "over_12_months"),
    "tomita": ("long_term_local_control", "middle_term_local_control", "short_term_palliation", "terminal_care"),
    "bauer": ("poor", "moderate", "good"),
    "modified_bauer": ("poor", "moderate", "good"),
    "katagiri": ("low", "intermediate", "high"),
    "nesms": ("0", "1", "2", "3"),
    "van_der_linden": ("poor", "intermediate", "good"),
    "mirels": ("radiotherapy_observe", "clinical_judgement", "prophylactic_fixation"),
    "harrington": ("I", "II", "III", "IV"),
    "fnclcc": ("G1", "G2", "G3"),
    "noms": None,
    "performance": None,
}
LESION_SCORES_DOCUMENTED = frozenset({"sins", "escc", "mirels", "harrington"})
# NOMS is an assessment with four components (docs/case-format.md).
SCORE_COMPONENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "noms": {
        "neurologic": ("low_grade", "high_grade"),
        "oncologic": ("radiosensitive", "radioresistant"),
        "mechanical": ("stable", "potentially_unstable", "unstable"),
        "systemic": ("fit", "unfit", "unknown"),
    }
}
SCORE_ATTRS: dict[str, FactType] = {
    "band": FactType("enum"),
    "value": FactType("any"),
    "min": FactType("number"),
    "max": FactType("number"),
    "determinate": FactType("bool"),
}


def score_keys() -> dict[str, tuple[str, ...] | None]:
    """Every score key a condition may read, with its band ids (None: not enumerated)."""
    out = dict(SCORE_BANDS)
    try:
        from tumorboard.scores import REGISTRY
    except ImportError:  # pragma: no cover
        return out
    for key, spec in REGISTRY.items():
        bands = getattr(spec, "bands", None)
        if bands:
            known = out.get(key) or ()
            out[key] = tuple(dict.fromkeys([*known, *(getattr(b, "id", b) for b in bands)]))
        else:
            out.setdefault(key, None)
    return out


def lesion_score_keys() -> frozenset[str]:
    keys = set(LESION_SCORES_DOCUMENTED)
    try:
        from tumorboard.scores import REGISTRY

        keys |= {k for k, s in REGISTRY.items() if s.level == "lesion"}
    except ImportError:  # pragma: no cover
        pass
    return frozenset(keys)


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


def _fact_type(name: str, annotation: Any) -> FactType | type[BaseModel]:
    ann = _unwrap(annotation)
    origin = get_origin(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    if origin is Literal:
        vals = tuple(str(v) for v in get_args(ann))
        order = ORDERED.get(name)
        return FactType("enum", order or vals, ordered=order is not None)
    if origin is list:
        (inner,) = get_args(ann)
        inner = _unwrap(inner)
        if get_origin(inner) is Literal:
            return FactType("list", tuple(str(v) for v in get_args(inner)))
        return FactType("list")
    if origin is dict:
        return FactType("dict")
    if ann is bool:
        return FactType("bool")
    if ann is int:
        return FactType("number", integer=True)
    if ann is float:
        return FactType("number")
    if ann is str:
        return FactType("str")
    return FactType("any")


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FactType]) -> None:
    for name, info in model.model_fields.items():
        if name in ("extra", "format", "lesions"):
            continue
        t = _fact_type(name, info.annotation)
        path = f"{prefix}{name}"
        if isinstance(t, type):
            _walk(t, path + ".", out)
        else:
            out[path] = t


@lru_cache(maxsize=1)
def case_facts() -> dict[str, FactType]:
    """Case-level fact paths (``patient.age_years``...) with their types, from the Case model."""
    out: dict[str, FactType] = {}
    _walk(Case, "", out)
    out.pop("id", None)
    return out


@lru_cache(maxsize=1)
def lesion_facts() -> dict[str, FactType]:
    """Lesion fact names relative to a lesion (``region``, ``prior_radiotherapy.dose_gy``...)."""
    out: dict[str, FactType] = {}
    _walk(Lesion, "", out)
    return out


# How a path is read. ``target`` is the part after the prefix; for scores (key, attribute).
PathKind = Literal["case", "lesion", "lesions", "score", "derived"]
Sub = Literal["field", "score", "derived"]


@dataclass(frozen=True)
class PathRef:
    """A parsed condition path.

    kind: ``case`` (patient.age_years), ``score`` (scores.sins.band), ``derived`` (derived.paediatric), ``lesion``
    (the current lesion of a lesion-scoped statement) or ``lesions`` (some lesion of the case).
    For ``lesion``/``lesions``, ``sub`` says whether the rest is a lesion field, a lesion score or a lesion derived
    fact.
    """

    raw: str
    kind: PathKind
    sub: Sub
    parts: tuple[str, ...]
    type: FactType

    @property
    def generic(self) -> str:
        """The path with the lesion quantifier normalised, for grouping (lesion.x and lesions.*.x -> lesion.x)."""
        if self.kind in ("lesion", "lesions"):
            head = {"field": "", "score": "scores.", "derived": "derived."}[self.sub]
            return "lesion." + head + ".".join(self.parts)
        return self.raw


class PathError(ValueError):
    pass


def _score_ref(raw: str, kind: PathKind, parts: list[str], lesion_level: bool) -> PathRef:
    keys = score_keys()
    if len(parts) != 2:
        raise PathError(f"score paths are <prefix>scores.<key>.<band|value|min|max|determinate>, not {raw!r}")
    key, attr = parts
    if key not in keys:
        raise PathError(f"unknown score {key!r} in {raw!r}; known: {', '.join(sorted(keys))}")
    if lesion_level and key not in lesion_score_keys():
        raise PathError(f"{key!r} is not a lesion-level score ({raw!r}); use scores.{key}.{attr}")
    if attr == "band":
        bands = keys[key]
        t = FactType("enum", bands) if bands else FactType("str")
    elif attr in SCORE_ATTRS:
        t = SCORE_ATTRS[attr]
    elif attr in SCORE_COMPONENTS.get(key, {}):
        t = FactType("enum", SCORE_COMPONENTS[key][attr])
    else:
        raise PathError(f"unknown attribute {attr!r} of score {key!r} in {raw!r}")
    return PathRef(raw, kind, "score", (key, attr), t)


def parse_path(raw: str, *, lesion_scope: bool) -> PathRef:
    """Classify a condition path; PathError says what is wrong and what would be right."""
    parts = raw.split(".")
    head = parts[0]
    if head == "scores":
        return _score_ref(raw, "score", parts[1:], False)
    if head == "derived":
        if len(parts) != 2 or parts[1] not in DERIVED:
            raise PathError(f"unknown derived fact {raw!r}; known: {', '.join(sorted(DERIVED))}")
        spec = DERIVED[parts[1]]
        if spec.level == "lesion":
            if lesion_scope:  # leniency: derived.<lesion fact> inside a lesion-scoped statement is that lesion's
                return PathRef(raw, "lesion", "derived", (parts[1],), FactType("bool"))
            raise PathError(
                f"{raw!r} is a per-lesion fact: use lesion.derived.{parts[1]} in a scope: lesion statement, "
                f"or lesions.*.derived.{parts[1]} for 'some lesion'"
            )
        return PathRef(raw, "derived", "derived", (parts[1],), FactType("bool"))
    if head in ("lesion", "lesions"):
        if head == "lesion":
            if not lesion_scope:
                raise PathError(f"{raw!r} reads the current lesion: only allowed in a statement with scope: lesion")
            rest = parts[1:]
            kind: PathKind = "lesion"
        else:
            if len(parts) < 3 or parts[1] != "*":
                raise PathError(f"lesion paths in conditions are lesions.*.<field> (any lesion), not {raw!r}")
            rest = parts[2:]
            kind = "lesions"
        if not rest:
            raise PathError(f"incomplete path {raw!r}")
        if rest[0] == "scores":
            return _score_ref(raw, kind, rest[1:], True)
        if rest[0] == "derived":
            if len(rest) != 2 or rest[1] not in DERIVED or DERIVED[rest[1]].level != "lesion":
                names = sorted(n for n, d in DERIVED.items() if d.level == "lesion")
                raise PathError(f"unknown lesion derived fact in {raw!r}; known: {', '.join(names)}")
            return PathRef(raw, kind, "derived", (rest[1],), FactType("bool"))
        name = ".".join(rest)
        facts = lesion_facts()
        if name not in facts:
            raise PathError(f"unknown lesion field {name!r} in {raw!r}; known: {', '.join(sorted(facts))}")
        return PathRef(raw, kind, "field", tuple(rest), facts[name])
    facts = case_facts()
    if raw in facts:
        return PathRef(raw, "case", "field", tuple(parts), facts[raw])
    # dictionaries (primary.biomarkers.<name>) accept any key
    for i in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in facts and facts[prefix].kind == "dict":
            return PathRef(raw, "case", "field", tuple(parts), FactType("any"))
    sections = sorted({p.split(".")[0] for p in facts})
    hint = f"; known sections: {', '.join(sections)}, lesions.*, lesion, scores, derived"
    raise PathError(f"unknown fact path {raw!r}{hint}")
