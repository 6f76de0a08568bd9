"""An assessment as FHIR R4: scores as Observations, the plan as a RequestGroup, and a Provenance.

- Each score is an ``Observation`` coded in the local CodeSystem ``{LOCAL}/score`` (no LOINC codes exist for SINS,
  ESCC and the rest), with its band as ``interpretation``, each item as a ``component`` and ``derivedFrom`` the
  FHIR resources its inputs were read from (Observation-type inputs; other input resources, e.g. Conditions, are
  listed with the extension ``{LOCAL}/StructureDefinition/input-resource`` and as Provenance entities).
- The plan is one ``RequestGroup`` (status draft, intent proposal) with action groups for warnings, ranked options,
  options advised against and the rest; each action carries its references as ``RelatedArtifact`` citations and
  its strength and evidence with the ``cqf-strengthOfRecommendation`` / ``cqf-qualityOfEvidence`` extensions.
- A ``Provenance`` targets every generated resource and names the engine and knowledge-base versions (a ``Device``
  and ``policy`` URIs), with the input resources as ``source`` entities.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tumorboard.model.case import Case
from tumorboard.model.provenance import Extraction
from tumorboard.model.result import Option, Plan, ReferenceOut, Result, ScoreResult

LOCAL = "https://tumorboard.org/fhir"
SCORE_CS = f"{LOCAL}/CodeSystem/score"
BAND_CS = f"{LOCAL}/CodeSystem/score-band"
ITEM_CS = f"{LOCAL}/CodeSystem/score-item"
MODALITY_CS = f"{LOCAL}/CodeSystem/modality"
STATEMENT_CS = f"{LOCAL}/CodeSystem/statement"
INPUT_EXT = f"{LOCAL}/StructureDefinition/input-resource"
STRENGTH_EXT = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
QUALITY_EXT = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
STRENGTH_CS = "http://terminology.hl7.org/CodeSystem/recommendation-strength"
CERTAINTY_CS = "http://terminology.hl7.org/CodeSystem/certainty-rating"
DERIVED_FROM_TYPES = {"Observation", "DocumentReference", "ImagingStudy", "Media", "QuestionnaireResponse",
                      "MolecularSequence"}
STRENGTH = {"strong": "strong", "conditional": "weak", "consider": "weak", "not_recommended": "strong"}
CERTAINTY = {"high": "high", "moderate": "moderate", "low": "low", "very_low": "very-low", "very-low": "very-low"}


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _lesion_aliases(case: Case) -> dict[str, str]:
    """Fact paths address lesions by position; score inputs by id. Map ``lesions.<id>.`` to ``lesions.<i>.``."""
    return {f"lesions.{case.lesion_key(i)}.": f"lesions.{i}." for i in range(len(case.lesions))}


def _inputs_of(score: ScoreResult, case: Case, extraction: Extraction | None) -> list[str]:
    if extraction is None:
        return []
    aliases = _lesion_aliases(case)
    by_path: dict[str, set[str]] = {}
    for f in extraction.facts:
        if f.resource:
            by_path.setdefault(f.path, set()).add(f.resource)
    refs: set[str] = set()
    results = [score, *(score.by_lesion or {}).values()]
    for r in results:
        for item in r.inputs.values():
            if not item.field:
                continue
            path = item.field
            for alias, pos in aliases.items():
                if path.startswith(alias):
                    path = pos + path[len(alias):]
            for fact_path, resources in by_path.items():
                if fact_path == path or path.startswith(fact_path + ".") or fact_path.startswith(path + "."):
                    refs |= resources
    return sorted(refs)


def _value(score: ScoreResult) -> dict[str, Any]:
    v = score.value
    if score.determinate and isinstance(v, bool):
        return {"valueBoolean": v}
    if score.determinate and isinstance(v, int):
        return {"valueInteger": v}
    if score.determinate and isinstance(v, float):
        return {"valueQuantity": {"value": v}}
    if score.determinate and v is not None:
        return {"valueString": str(v)}
    if score.min is not None and score.max is not None:
        return {"valueRange": {"low": {"value": score.min}, "high": {"value": score.max}}}
    if v is not None:
        return {"valueString": str(v)}
    return {"dataAbsentReason": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                             "code": "unknown", "display": "Unknown"}]}}


def score_observation(score: ScoreResult, case: Case, subject: dict[str, str] | None,
                      extraction: Extraction | None, issued: str) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final" if score.determinate else "preliminary",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": SCORE_CS, "code": score.key, "display": score.name}], "text": score.name},
        "issued": issued,
        **_value(score),
    }
    if subject:
        obs["subject"] = subject
    if score.band:
        obs["interpretation"] = [{"coding": [{"system": BAND_CS, "code": f"{score.key}.{score.band}",
                                              "display": score.band.replace("_", " ")}], "text": score.band}]
    if score.lesion:
        obs["bodySite"] = {"text": f"lesion {score.lesion}" + (f" ({score.level})" if score.level else "")}
    notes = [n for n in [score.interpretation, *score.notes] if n]
    if not score.determinate and score.missing:
        notes.append("missing: " + ", ".join(score.missing))
    if notes:
        obs["note"] = [{"text": n} for n in notes]
    components = []
    for name, item in score.inputs.items():
        text = f"{item.value!r}" if item.category is None else str(item.category)
        if item.points is not None:
            text += f" ({item.points:g} points)"
        elif item.possible:
            text += f" (unknown: {'/'.join(f'{p:g}' for p in item.possible)} points)"
        components.append({"code": {"coding": [{"system": ITEM_CS, "code": f"{score.key}.{name}",
                                                "display": name}], "text": item.field or name},
                           "valueString": text})
    if components:
        obs["component"] = components
    inputs = _inputs_of(score, case, extraction)
    derived = [{"reference": r} for r in inputs if r.split("/")[0] in DERIVED_FROM_TYPES]
    others = [r for r in inputs if r.split("/")[0] not in DERIVED_FROM_TYPES]
    if derived:
        obs["derivedFrom"] = derived
    if others:
        obs["extension"] = [{"url": INPUT_EXT, "valueReference": {"reference": r}} for r in others]
    return obs


def _artifact(ref: ReferenceOut | None, rid: str) -> dict[str, Any]:
    if ref is None:
        return {"type": "citation", "label": rid, "display": rid}
    art: dict[str, Any] = {"type": "citation", "label": rid, "display": ref.citation[:250], "citation": ref.citation}
    if ref.doi:
        art["url"] = f"https://doi.org/{ref.doi}"
    elif ref.pmid:
        art["url"] = f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"
    elif ref.url:
        art["url"] = ref.url
    return art


def _action(option: Option, refs: dict[str, ReferenceOut], priority: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "title": option.title or option.modality or option.statement,
        "description": option.recommendation,
        "code": [{"coding": [{"system": STATEMENT_CS, "code": option.statement}]}],
    }
    if option.modality:
        action["code"].append({"coding": [{"system": MODALITY_CS, "code": option.modality}]})
    if option.rank is not None:
        action["prefix"] = str(option.rank)
    why = [f"{b.fact or b.score}={b.band if b.band is not None else b.value}" for b in option.because]
    if option.reason or why:
        action["textEquivalent"] = "; ".join(filter(None, [option.reason, *why]))[:2000]
    if priority:
        action["priority"] = priority
    if option.references:
        action["documentation"] = [_artifact(refs.get(r), r) for r in option.references]
    ext = [{"url": STRENGTH_EXT, "valueCodeableConcept": {
        "coding": [{"system": STRENGTH_CS, "code": STRENGTH.get(option.strength, "weak")}], "text": option.strength}}]
    level = CERTAINTY.get(option.evidence.level.lower().replace(" ", "_"))
    quality: dict[str, Any] = {"text": f"{option.evidence.scheme} {option.evidence.level}"}
    if level and option.evidence.scheme.upper() == "GRADE":
        quality["coding"] = [{"system": CERTAINTY_CS, "code": level}]
    ext.append({"url": QUALITY_EXT, "valueCodeableConcept": quality})
    action["extension"] = ext
    if option.lesion:
        action["condition"] = [{"kind": "applicability", "expression": {
            "language": "text/plain", "expression": f"lesion {option.lesion}"}}]
    return action


def request_group(plan: Plan, result: Result, subject: dict[str, str] | None, authored: str,
                  critical: set[str]) -> dict[str, Any]:
    refs = {r.id: r for r in result.references}
    groups = []
    sections: list[tuple[str, list[Option], str | None]] = [
        ("Warnings", plan.warnings, "urgent"), ("Options (ranked)", plan.options, None),
        ("Advised against", plan.avoid, None), ("Assessment", plan.assessment, None),
        ("Monitoring", plan.monitoring, None), ("Pitfalls", plan.pitfalls, None),
    ]
    for title, options, priority in sections:
        if not options:
            continue
        actions = [_action(o, refs, "stat" if o.statement in critical else priority) for o in options]
        group: dict[str, Any] = {"title": title, "groupingBehavior": "logical-group", "action": actions}
        if title == "Options (ranked)":
            group["selectionBehavior"] = "any"
        if title == "Advised against":
            group["description"] = "Options considered and advised against for this patient (do not perform)."
        groups.append(group)
    rg: dict[str, Any] = {
        "resourceType": "RequestGroup", "status": "draft", "intent": "proposal", "authoredOn": authored,
        "code": {"text": "tumorboard plan"},
        "note": [{"text": f"review status: {result.review_status}. {result.disclaimer}".strip()}],
    }
    if plan.missing:
        rg["note"].append({"text": "missing inputs that could change the plan: "
                                   + ", ".join(m.field for m in plan.missing)})
    if subject:
        rg["subject"] = subject
    if groups:
        rg["action"] = groups
    return rg


def result_to_fhir(result: Result, case: Case, *, extraction: Extraction | None = None,
                   patient_ref: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The assessment as a FHIR R4 ``collection`` Bundle (JSON dict): Device, score Observations, RequestGroup,
    Provenance. ``patient_ref`` (e.g. ``Patient/p03``) is the subject; with an ``extraction`` the inputs' FHIR
    resources become ``derivedFrom`` and Provenance entities."""
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    subject = {"reference": patient_ref} if patient_ref else None
    kb = result.knowledge_base
    device_id = _urn()
    device = {"resourceType": "Device", "deviceName": [{"name": "tumorboard", "type": "user-friendly-name"}],
              "version": [{"type": {"text": "engine"}, "value": result.engine_version or "unknown"},
                          {"type": {"text": "knowledge base"}, "value": kb.version if kb else "none"}]}
    entries: list[tuple[str, dict[str, Any]]] = [(device_id, device)]
    for score in result.scores.values():
        entries.append((_urn(), score_observation(score, case, subject, extraction, when)))
    if result.plan is not None:
        from tumorboard.fhir.cds_hooks.cards import is_critical

        critical = {w.statement for w in result.plan.warnings if is_critical(w, case)}
        entries.append((_urn(), request_group(result.plan, result, subject, when, critical)))
    sources = sorted({f.resource for f in extraction.facts if f.resource}) if extraction else []
    policy = [f"{LOCAL}/knowledge-base/{kb.version}" + (f"#{kb.hash}" if kb.hash else "")] if kb else []
    provenance: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [{"reference": url} for url, _ in entries[1:]] or [{"reference": device_id}],
        "recorded": when,
        "activity": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                                 "code": "CREATE", "display": "create"}]},
        "agent": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                        "code": "assembler", "display": "Assembler"}]},
                   "who": {"reference": device_id,
                           "display": f"tumorboard {result.engine_version or ''}, knowledge base "
                                      f"{kb.version if kb else 'none'}".replace("  ", " ")}}],
        "reason": [{"text": "clinical decision support (tumour board)"}],
    }
    if policy:
        provenance["policy"] = policy
    if sources:
        provenance["entity"] = [{"role": "source", "what": {"reference": r}} for r in sources]
    entries.append((_urn(), provenance))
    return {"resourceType": "Bundle", "type": "collection", "timestamp": when,
            "entry": [{"fullUrl": url, "resource": res} for url, res in entries]}
