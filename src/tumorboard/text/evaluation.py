"""Field-level scoring of extraction against the annotated notes of ``tests/text/`` (see tests/text/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EVALUATED = {
    "patient.age_years",
    "patient.sex",
    "patient.ecog",
    "patient.kps",
    "patient.ambulatory",
    "primary.site",
    "primary.histology",
    "primary.status",
    "primary.local_recurrence",
    "disease.visceral_sites",
    "disease.brain_metastases",
    "disease.pathological_fracture",
    "disease.pulmonary_nodules",
    "disease.skeletal_metastases",
    "disease.lymph_node_metastases",
    "neurology.frankel",
    "neurology.asia",
    "neurology.myelopathy",
    "neurology.radiculopathy",
    "neurology.cauda_equina_syndrome",
    "neurology.bladder_bowel_dysfunction",
    "neurology.motor_deficit_days",
    "pain.character",
    "pain.severity_nrs",
    "pain.neuropathic",
    "history.prior_chemotherapy",
    "history.systemic_lines",
    "labs.albumin_g_dl",
    "labs.hemoglobin_g_dl",
    "labs.calcium_mg_dl",
    "labs.creatinine_mg_dl",
    "labs.crp_mg_dl",
    "labs.ldh_iu_l",
}
LESION_KEYS = {
    "region",
    "levels",
    "side",
    "structures",
    "bone_lesion",
    "escc_grade",
    "collapse",
    "alignment",
    "soft_tissue_extension",
    "prior_surgery",
    "prior_radiotherapy.dose_gy",
    "prior_radiotherapy.fractions",
    "prior_radiotherapy.months_ago",
}
CRITICAL = {
    "neurological deficit": re.compile(r"^neurology\."),
    "escc grade": re.compile(r"\.escc_grade$"),
    "levels": re.compile(r"\.levels$"),
}


def field_name(path: str) -> str:
    """``lesions.0.levels`` -> ``lesions.*.levels``."""
    return re.sub(r"^lesions\.\d+\.", "lesions.*.", path)


def evaluated(path: str) -> bool:
    m = re.match(r"^lesions\.\d+\.(.+)$", path)
    return m.group(1) in LESION_KEYS if m else path in EVALUATED


def flatten(case: dict[str, Any]) -> dict[str, Any]:
    """Case (model_dump, None dropped) -> {path: value} over the evaluated fields."""
    out: dict[str, Any] = {}

    def walk(prefix: str, obj: Any) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(obj, list) and prefix == "lesions":
            for i, v in enumerate(obj):
                walk(f"lesions.{i}", v)
        elif obj is not None and evaluated(prefix):
            out[prefix] = obj

    walk("", case)
    return out


def same(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        la = a if isinstance(a, list) else [a]
        lb = b if isinstance(b, list) else [b]
        return {str(x) for x in la} == {str(x) for x in lb}
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= max(0.02 * abs(b), 1e-9)
    return str(a) == str(b)


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, list):
        return bool(value)
    return str(value) not in ("none", "0", "")


@dataclass
class Score:
    tp: dict[str, int] = field(default_factory=dict)
    fp: dict[str, int] = field(default_factory=dict)
    fn: dict[str, int] = field(default_factory=dict)
    negated_present: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def bump(self, d: dict[str, int], key: str) -> None:
        d[key] = d.get(key, 0) + 1

    def prf(self, keys: set[str] | None = None) -> tuple[float, float, float, int]:
        ks = keys if keys is not None else set(self.tp) | set(self.fp) | set(self.fn)
        tp = sum(self.tp.get(k, 0) for k in ks)
        fp = sum(self.fp.get(k, 0) for k in ks)
        fn = sum(self.fn.get(k, 0) for k in ks)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn

    def fields(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))


def load_notes(directory: Path) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text()) for p in sorted(directory.glob("*.yaml"))]


def score_note(note: dict[str, Any], predicted: dict[str, Any], score: Score) -> None:
    expected = {k: v for k, v in (note.get("expected") or {}).items() if evaluated(k)}
    negated = note.get("negated") or []
    for path, value in expected.items():
        name = field_name(path)
        if path in predicted and same(predicted[path], value):
            score.bump(score.tp, name)
        else:
            score.bump(score.fn, name)
            if path in predicted:
                score.bump(score.fp, name)
                score.errors.append(f"{note['id']} {path}: got {predicted[path]!r}, want {value!r}")
            else:
                score.errors.append(f"{note['id']} {path}: missing, want {value!r}")
    negated_paths = {n.split("=")[0] for n in negated if "=" not in n}
    for path, value in predicted.items():
        if path in expected:
            continue
        if path in negated_paths and not truthy(value):
            continue
        score.bump(score.fp, field_name(path))
        score.errors.append(f"{note['id']} {path}: extra {value!r}")
    for n in negated:
        path, _, val = n.partition("=")
        got = predicted.get(path)
        if got is None:
            continue
        listed = [str(x) for x in got] if isinstance(got, list) else [str(got)]
        hit = val in listed if val else truthy(got)
        if hit:
            score.negated_present.append(f"{note['id']} {n}: extracted {got!r}")


def evaluate(notes: list[dict[str, Any]], extract_fn: Any) -> Score:
    score = Score()
    for note in notes:
        ex = extract_fn(note["text"])
        predicted = flatten(ex.case.model_dump(exclude_none=True))
        score_note(note, predicted, score)
    return score
