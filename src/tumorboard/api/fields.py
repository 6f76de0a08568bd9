"""Form fields from the case model: sections, widgets, allowed values and limits; and the inputs of each score.

Both the web forms and ``GET /v1/scores`` use this, so that a field added to the case format (or a new score) shows up
without editing templates. Lesion fields are addressed as ``lesion.<field>``; in a case they live under
``lesions.<i>.<field>``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from tumorboard.model.case import Case, Lesion
from tumorboard.model.vocabulary import SPINAL_LEVELS

SECTIONS = ("patient", "primary", "disease", "neurology", "pain", "labs", "history", "preferences")
SKIP = {"extra", "biomarkers", "id", "format"}
Kind = Literal["enum", "multi", "bool", "int", "float", "text", "list"]


@dataclass(frozen=True)
class FieldSpec:
    path: str  # "patient.ecog", "primary.fnclcc.necrosis", "lesion.escc_grade"
    label: str
    kind: Kind
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "label": self.label, "kind": self.kind, "options": list(self.options),
                "minimum": self.minimum, "maximum": self.maximum, "step": self.step}


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> X."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _label(name: str) -> str:
    text = name.replace("_", " ")
    for unit, shown in ((" g dl", " (g/dL)"), (" mg dl", " (mg/dL)"), (" iu l", " (IU/L)"), (" per ul", " (/µL)"),
                        (" ml min", " (mL/min)"), (" kg", " (kg)"), (" gy", " (Gy)"), (" cm", " (cm)")):
        if text.endswith(unit):
            text = text[: -len(unit)] + shown
    acronyms = {"ecog": "ECOG", "kps": "KPS", "nrs": "NRS", "asia": "ASIA", "ldh": "LDH", "crp": "CRP",
                "mscc": "MSCC", "escc": "ESCC", "hpf": "HPF", "fnclcc": "FNCLCC"}
    text = " ".join(acronyms.get(w, w) for w in text.split(" "))
    return text[0].upper() + text[1:]


def _spec(path: str, name: str, info: Any) -> FieldSpec | None:
    ann = _unwrap(info.annotation)
    minimum = maximum = step = None
    for meta in info.metadata:
        minimum = getattr(meta, "ge", getattr(meta, "gt", minimum))
        maximum = getattr(meta, "le", getattr(meta, "lt", maximum))
        step = getattr(meta, "multiple_of", step)
    label = _label(name)
    desc = info.description or ""
    if typing.get_origin(ann) is Literal:
        return FieldSpec(path, label, "enum", tuple(str(v) for v in typing.get_args(ann)), description=desc)
    if typing.get_origin(ann) is list:
        (inner,) = typing.get_args(ann) or (str,)
        inner = _unwrap(inner)
        if typing.get_origin(inner) is Literal:
            return FieldSpec(path, label, "multi", tuple(str(v) for v in typing.get_args(inner)), description=desc)
        if name == "levels":
            return FieldSpec(path, label, "multi", SPINAL_LEVELS, description=desc)
        return FieldSpec(path, label, "list", description=desc)
    if ann is bool:
        return FieldSpec(path, label, "bool", ("true", "false"), description=desc)
    if ann is int:
        return FieldSpec(path, label, "int", (), minimum, maximum, step or 1, desc)
    if ann is float:
        return FieldSpec(path, label, "float", (), minimum, maximum, step or "any", desc)  # type: ignore[arg-type]
    if ann is str:
        return FieldSpec(path, label, "text", description=desc)
    return None


def _fields(model: type[BaseModel], prefix: str) -> list[FieldSpec]:
    out: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        if name in SKIP:
            continue
        ann = _unwrap(info.annotation)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.extend(_fields(ann, f"{prefix}{name}."))
            continue
        spec = _spec(prefix + name, name, info)
        if spec is not None:
            out.append(spec)
    return out


@cache
def case_sections() -> tuple[tuple[str, tuple[FieldSpec, ...]], ...]:
    """The case format's sections with their fields, in the order of docs/case-format.md."""
    out = []
    for section in SECTIONS:
        model = _unwrap(Case.model_fields[section].annotation)
        out.append((section, tuple(_fields(model, section + "."))))
    return tuple(out)


@cache
def lesion_fields() -> tuple[FieldSpec, ...]:
    return tuple(_fields(Lesion, "lesion."))


@cache
def field_index() -> dict[str, FieldSpec]:
    out = {f.path: f for _, fs in case_sections() for f in fs}
    out.update({f.path: f for f in lesion_fields()})
    return out


# -- scores -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreForm:
    key: str
    regions: tuple[str, ...]  # lesion regions where the score applies; () when it needs no lesion
    fields: tuple[FieldSpec, ...]
    bands: tuple[tuple[str, float, float, str], ...] = field(default_factory=tuple)  # id, low, high, meaning


def _generic(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "lesions" and len(parts) >= 3:
        return "lesion." + ".".join(parts[2:])
    return path


@cache
def score_form(key: str) -> ScoreForm:
    """Discover a score's inputs by running it on empty cases (every input unknown) and reading what it asks for."""
    from importlib import import_module

    from tumorboard.model.vocabulary import Region, values
    from tumorboard.scores import REGISTRY

    spec = REGISTRY[key]
    fn = spec.load()
    paths: list[str] = []
    regions: list[str] = []
    needs_lesion = True
    bases: list[dict[str, Any]] = [{}, {"primary": {"site": "soft_tissue"}}]
    for base in bases:
        try:
            result = fn(Case.model_validate(base))
        except Exception:
            result = None
        if result is not None:
            needs_lesion = False
            _collect(result, paths)
    for region in values(Region):
        for base in bases:
            try:
                result = fn(Case.model_validate({**base, "lesions": [{"id": "L1", "region": region}]}))
            except Exception:
                result = None
            if result is not None:
                regions.append(region)
                _collect(result, paths)
                break
    index = field_index()
    fields = [index[p] for p in dict.fromkeys(paths) if p in index and p != "lesion.region"]
    if needs_lesion and regions:
        fields.insert(0, FieldSpec("lesion.region", "Lesion region", "enum", tuple(regions)))
    bands: list[tuple[str, float, float, str]] = []
    for band in getattr(import_module(f"tumorboard.scores.{spec.module}"), "BANDS", ()) or ():
        low, high = getattr(band, "low", None), getattr(band, "high", None)
        if isinstance(low, (int, float)) and isinstance(high, (int, float)):
            bands.append((str(band.id), float(low), float(high), str(getattr(band, "meaning", ""))))
    return ScoreForm(key, tuple(regions) if needs_lesion else (), tuple(fields), tuple(bands))


def _collect(result: Any, paths: list[str]) -> None:
    for r in [result, *(result.by_lesion or {}).values()]:
        for item in r.inputs.values():
            if item.field:
                paths.append(_generic(item.field))
        paths.extend(_generic(m) for m in r.missing)


# -- form data -> case ------------------------------------------------------------------------------------------------
UNKNOWN = ("", "unknown", "__unknown__")


def _convert(spec: FieldSpec, raw: list[str]) -> Any:
    values = [v.strip() for v in raw if v is not None and v.strip() not in UNKNOWN]
    if not values:
        return None
    if spec.kind == "multi":
        return values
    value = values[-1]
    if spec.kind == "list":
        return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
    if spec.kind == "bool":
        return {"true": True, "yes": True, "false": False, "no": False}.get(value.lower(), value)
    if spec.kind == "int":
        try:
            return int(value)
        except ValueError:
            return value  # the case model reports it with the allowed range
    if spec.kind == "float":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def case_from_form(form: dict[str, list[str]], *, lesion_count: int | None = None) -> dict[str, Any]:
    """A case document (raw, to be validated by the case model) from flat form fields named by case paths.

    Fields left empty or "unknown" are left out: absent means unknown. Lesions are ``lesions.<i>.<field>``.
    """
    index = field_index()
    data: dict[str, Any] = {"format": "tumorboard.case/v1"}
    case_id = (form.get("id") or [""])[-1].strip()
    if case_id:
        data["id"] = case_id
    lesions: dict[int, dict[str, Any]] = {}
    for name, raw in form.items():
        parts = name.split(".")
        if parts[0] == "lesions" and len(parts) >= 3 and parts[1].isdigit():
            i = int(parts[1])
            if i > 50:
                continue
            spec = index.get("lesion." + ".".join(parts[2:]))
            if spec is None:
                if parts[2] == "id" and raw and raw[-1].strip():
                    lesions.setdefault(i, {})["id"] = raw[-1].strip()
                continue
            value = _convert(spec, raw)
            if value is not None:
                _put(lesions.setdefault(i, {}), parts[2:], value)
            else:
                lesions.setdefault(i, {})
            continue
        spec = index.get(name)
        if spec is None:
            continue
        value = _convert(spec, raw)
        if value is not None:
            _put(data, parts, value)
    out = []
    for i in sorted(lesions):
        lesion = lesions[i]
        if lesion_count is not None and i >= lesion_count:
            continue
        if len(lesion) > (1 if "id" in lesion else 0):  # a lesion block with only an id (or nothing) is not a lesion
            out.append(lesion)
    if out:
        data["lesions"] = out
    return data


def _put(target: dict[str, Any], parts: list[str], value: Any) -> None:
    node = target
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def form_from_case(case: dict[str, Any]) -> dict[str, Any]:
    """Flat ``path -> value`` of a case document, for pre-filling a form (lesions as ``lesions.<i>.<field>``)."""
    out: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}{k}.")
        else:
            out[prefix[:-1]] = node

    for key, value in case.items():
        if key == "lesions" and isinstance(value, list):
            for i, lesion in enumerate(value):
                if isinstance(lesion, dict):
                    walk(lesion, f"lesions.{i}.")
        elif isinstance(value, dict) and key != "extra":
            walk(value, f"{key}.")
        elif key == "id":
            out["id"] = value
    return out
