"""The missing-input sensitivity analysis: which unknown inputs could change the plan, and how.

Candidates are the unknown case paths that blocked a condition (``applies_when`` unknown, or ``not_when`` unknown for
a statement that applies), plus the unknown paths read by the non-monotone tests (``known``, ``histology_known``),
whose result can flip when a fact is filled. Every other statement's result cannot change when an unknown becomes
known (three-valued logic is monotone), so only these are re-evaluated.

For each candidate the analysis sets each alternative value on a copy of the case, recomputes the scores and derived
facts the affected statements read, re-evaluates those statements, and reports what would be added or removed.
Alternatives: both booleans; every value of an enumeration; for numbers, the thresholds the conditions and the
derived facts use (and points either side), else a small grid; for lists, none and each value a condition names; for
free text and biomarkers, the values conditions name plus one other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tumorboard.engine.conditions import OVERRIDES, Facts, compiled, evaluate
from tumorboard.engine.derived import CASE_FACTS, LESION_FACTS
from tumorboard.engine.plan import Outcome, State, fast_state
from tumorboard.knowledge.catalogue import FactType, case_facts, lesion_facts
from tumorboard.knowledge.loader import CompiledStatement, KnowledgeBase
from tumorboard.knowledge.models import All, AnyOf, Cond, Leaf, Not, leaves
from tumorboard.model.case import Case, Fnclcc, PriorRadiotherapy
from tumorboard.model.result import Alternative, MissingInput, ScoreResult
from tumorboard.model.vocabulary import SARCOMA_SUBTYPES

SURVIVAL_SCORES = ("tokuhashi", "tomita", "katagiri")
DERIVED_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "patient.age_years": (18,),
    "patient.life_expectancy_months": (3, 12),
    "neurology.complete_deficit_hours": (48,),
}
GRIDS: dict[str, tuple[float, ...]] = {
    "patient.ecog": (0, 1, 2, 3, 4),
    "patient.kps": (10, 20, 30, 40, 50, 60, 70, 80, 90, 100),
    "patient.lansky": (30, 50, 70, 90),
    "patient.age_years": (10, 40, 70),
    "disease.extraspinal_bone_metastases": (0, 1, 2, 3, 6),
    "disease.vertebral_body_metastases": (1, 2, 3, 6),
    "disease.pulmonary_nodules": (0, 1, 3, 6),
    "labs.albumin_g_dl": (2.5, 4.0),
    "labs.crp_mg_dl": (0.3, 2.0),
    "labs.ldh_iu_l": (150, 500),
    "labs.platelets_per_ul": (80_000, 250_000),
    "labs.calcium_mg_dl": (9.0, 11.0),
    "labs.bilirubin_mg_dl": (0.6, 2.0),
    "labs.hemoglobin_g_dl": (9.0, 13.0),
    "labs.creatinine_mg_dl": (0.8, 2.0),
    "labs.creatinine_clearance_ml_min": (30, 90),
    "primary.months_since_diagnosis": (3, 12, 36),
    "history.months_diagnosis_to_mscc": (6, 24),
    "neurology.motor_deficit_days": (1, 10),
}
DERIVED_STRUCTURES = ("posterior_wall", "sacral_canal_posterior_wall", "epidural_space", "neuroforamina", "acetabulum")

_MENTIONED: dict[str, dict[str, list[Any]]] = {}


def _generic(path: str) -> tuple[str, FactType | None]:
    """lesions.T9.escc_grade -> ('lesion.escc_grade', type)."""
    parts = path.split(".")
    if parts[0] == "lesions" and len(parts) >= 3:
        name = ".".join(parts[2:])
        return "lesion." + name, lesion_facts().get(name)
    facts = case_facts()
    if path in facts:
        return path, facts[path]
    if parts[0] == "primary" and len(parts) == 3 and parts[1] == "biomarkers":
        return path, FactType("any")
    return path, None


def _mentioned(kb: KnowledgeBase) -> dict[str, list[Any]]:
    """Values each (generic) path is compared with anywhere in the knowledge base."""
    cached = _MENTIONED.get(kb.hash)
    if cached is not None:
        return cached
    out: dict[str, list[Any]] = {}
    for cs in kb.statements:
        conds = [cs.applies] + ([cs.not_when] if cs.not_when is not None else [])
        for cond in conds:
            for leaf in leaves(cond):
                if leaf.path.sub != "field" or leaf.op == "known":
                    continue
                generic = leaf.path.generic if leaf.path.kind in ("lesion", "lesions") else leaf.path.raw
                vals = leaf.value if isinstance(leaf.value, list) else [leaf.value]
                bucket = out.setdefault(generic, [])
                for v in vals:
                    if v not in bucket:
                        bucket.append(v)
    _MENTIONED[kb.hash] = out
    return out


def _around(t: float, integer: bool) -> list[float]:
    step = 1 if integer else 0.5
    return [x for x in (t - step, t, t + step) if x >= 0]


def alternatives(path: str, case: Case, kb: KnowledgeBase) -> list[Any]:
    generic, ftype = _generic(path)
    mentioned = _mentioned(kb).get(generic, [])
    if ftype is None:
        return list(mentioned)
    if ftype.kind == "bool":
        return [True, False]
    if ftype.kind == "enum" and ftype.values:
        return list(ftype.values)
    if ftype.kind == "list":
        names = [v for v in mentioned if isinstance(v, str)]
        if generic == "lesion.structures":
            names += [v for v in DERIVED_STRUCTURES if v not in names]
        return [[], *([v] for v in names)]
    if ftype.kind == "number":
        if path in GRIDS and path not in DERIVED_THRESHOLDS and not mentioned:
            return list(GRIDS[path])
        points: set[float] = set(GRIDS.get(path, ()))
        for t in [*DERIVED_THRESHOLDS.get(path, ()), *(m for m in mentioned if isinstance(m, (int, float)))]:
            points.update(_around(float(t), ftype.integer))
        if not points:
            points = {1.0, 10.0}
        return sorted(int(p) if ftype.integer or float(p).is_integer() else p for p in points)
    if path == "primary.histology":
        site = case.primary.site
        other = "other_sarcoma" if site in ("soft_tissue", "osteosarcoma", "bone_sarcoma_other") else "carcinoma"
        extra = [s for s in ("rhabdomyosarcoma", "ewing_sarcoma") if other == "other_sarcoma"]
        vals = [*mentioned, *extra, other]
        if other == "other_sarcoma":
            vals = [v for v in vals if not isinstance(v, str) or v in SARCOMA_SUBTYPES or v == other]
        return list(dict.fromkeys(vals))
    found: list[Any] = list(mentioned)
    if ftype.kind == "any" and any(isinstance(v, bool) for v in found):
        found = list(dict.fromkeys([*found, True, False]))
    return found or ["other"]


def with_value(case: Case, path: str, value: Any) -> Case:
    """A copy of the case with one field set (only the parts on the path are copied)."""
    parts = path.split(".")
    if parts[0] == "lesions":
        key, rest = parts[1], parts[2:]
        lesions = list(case.lesions)
        for i in range(len(lesions)):
            if case.lesion_key(i) == key:
                lesions[i] = _set(lesions[i], rest, value)
        return case.model_copy(update={"lesions": lesions})
    new_case: Case = _set(case, parts, value)
    return new_case


def _set(obj: Any, parts: list[str], value: Any) -> Any:
    head = parts[0]
    if len(parts) == 1:
        return obj.model_copy(update={head: value})
    child = getattr(obj, head)
    if isinstance(child, dict):
        return obj.model_copy(update={head: {**child, parts[1]: value}})
    if child is None:
        factories: dict[str, type[PriorRadiotherapy] | type[Fnclcc]] = {
            "prior_radiotherapy": PriorRadiotherapy, "fnclcc": Fnclcc}
        child = factories[head]()
    return obj.model_copy(update={head: _set(child, parts[1:], value)})


_KEYS: dict[int, tuple[CompiledStatement, set[str]]] = {}


def _score_keys(cs: CompiledStatement) -> set[str]:
    entry = _KEYS.get(id(cs))
    if entry is None or entry[0] is not cs:
        entry = (cs, _score_keys_of(cs))
        _KEYS[id(cs)] = entry
    return entry[1]


def _score_keys_of(cs: CompiledStatement) -> set[str]:
    keys: set[str] = set()
    conds = [cs.applies] + ([cs.not_when] if cs.not_when is not None else [])
    for cond in conds:
        for leaf in leaves(cond):
            if leaf.path.sub == "score":
                keys.add(leaf.path.parts[0])
            if leaf.path.sub == "derived" and leaf.path.parts[0] in ("short_survival", "long_survival"):
                keys.update(SURVIVAL_SCORES)
    return keys


def _rescore(case: Case, base: dict[str, ScoreResult], keys: Iterable[str]) -> dict[str, ScoreResult]:
    from tumorboard.scores import REGISTRY

    scores = dict(base)
    for key in keys:
        spec = REGISTRY.get(key)
        if spec is None:
            continue
        result = spec.load()(case)
        if result is None:
            scores.pop(key, None)
        else:
            scores[key] = result
    return scores


def _tag(o: Outcome, state: State) -> str:
    what = o.cs.stmt.modality or ("warning" if o.cs.stmt.urgency == "emergency" else o.cs.stmt.section)
    prefix = "avoid " if state == "avoid" else ""
    return f"{prefix}{what} ({o.label})"


def _score_reads(res: ScoreResult) -> set[str]:
    """The case paths a score result says it read (inputs and missing, per lesion too)."""
    out = set(res.missing) | {i.field for i in res.inputs.values() if i.field}
    for sub in (res.by_lesion or {}).values():
        out |= _score_reads(sub)
    return out


_LEAVES: dict[int, tuple[CompiledStatement, list[Leaf]]] = {}


def _leaves_of(cs: CompiledStatement) -> list[Leaf]:
    entry = _LEAVES.get(id(cs))
    if entry is None or entry[0] is not cs:
        conds = [cs.applies] + ([cs.not_when] if cs.not_when is not None else [])
        entry = (cs, [leaf for cond in conds for leaf in leaves(cond)])
        _LEAVES[id(cs)] = entry
    return entry[1]


def _direct_leaves(affected: list[Outcome], path: str) -> list[tuple[Leaf, str | None]]:
    """The leaves of the affected statements that read the path itself (with the lesion they read it for)."""
    generic, _ = _generic(path)
    parts = path.split(".")
    lesion_key = parts[1] if parts[0] == "lesions" else None
    overridden = {f"{sec}.{name}": f"lesion.{field}" for field, (sec, name) in OVERRIDES.items()}.get(path)
    out: list[tuple[Leaf, str | None]] = []
    seen: set[tuple[int, str | None]] = set()
    for o in affected:
        for leaf in _leaves_of(o.cs):
            ref = leaf.path
            if ref.sub != "field":
                continue
            g = ref.generic if ref.kind in ("lesion", "lesions") else ref.raw
            if g != generic and g != overridden:
                continue
            where = lesion_key if ref.kind in ("lesion", "lesions") else None
            if g == overridden:  # a case-level field seen through a lesion override
                where = o.lesion if ref.kind == "lesion" else None
            if (id(leaf), where) not in seen:
                seen.add((id(leaf), where))
                out.append((leaf, where))
    return out


def _deciders(cond: Cond, blocked: frozenset[str], facts: Facts, lesion: str | None, *, want: bool) -> set[str]:
    """The unknown paths that could, one at a time, make an unknown condition ``want`` (True).

    Monotonicity: filling one path cannot change a part that this path does not block. So for an ``all`` to become
    true every unknown part must be blocked by the path; for an ``any`` any unknown part may do (all its blockers
    count); ``not`` swaps what is wanted."""
    if isinstance(cond, Not):
        return _deciders(cond.item, blocked, facts, lesion, want=not want)
    needs_all = isinstance(cond, All) == want
    if not isinstance(cond, (All, AnyOf)) or not needs_all:
        return set(blocked)
    unknown = [evaluate(c, facts, lesion) for c in cond.items]
    groups = [e.blocked for e in unknown if e.value is None]
    if not groups:
        return set(blocked)
    common = set(groups[0])
    for g in groups[1:]:
        common &= g
    return common


def analyse(kb: KnowledgeBase, facts: Facts, outcomes: list[Outcome]) -> list[MissingInput]:
    """For every unknown input that some condition is waiting for: what each of its values would change."""
    candidates: dict[str, list[int]] = {}
    for i, o in enumerate(outcomes):
        paths: set[str] = set()
        if o.applies.value is None:
            paths |= _deciders(o.cs.applies, o.applies.blocked, facts, o.lesion, want=True)
        elif o.applies.value is True and o.cs.not_when is not None and o.not_when is not None \
                and o.not_when.value is None:
            paths |= _deciders(o.cs.not_when, o.not_when.blocked, facts, o.lesion, want=True)
        if o.cs.uses_known_false:
            paths |= o.applies.unknown_reads
            if o.not_when is not None:
                paths |= o.not_when.unknown_reads
        for p in paths:
            candidates.setdefault(p, []).append(i)
    results: list[MissingInput] = []
    case = facts.case
    score_reads = {k: _score_reads(r) for k, r in facts.scores.items()}
    for path in sorted(candidates):
        affected = [outcomes[i] for i in candidates[path]]
        states = [o.state for o in affected]
        structural = path.endswith((".region", ".levels"))
        wanted: set[str] = set()
        for o in affected:
            wanted |= _score_keys(o.cs)
        rescore = sorted(k for k in wanted if structural or path in score_reads.get(k, ()))
        survival = any(k in SURVIVAL_SCORES for k in rescore)
        case_names = [n for n, d in facts.derived.items()
                      if path in d.reads or (survival and n in ("short_survival", "long_survival"))]
        lesion_names = {key: [n for n, d in vals.items() if path in d.reads]
                        for key, vals in facts.lesion_derived.items()}
        direct = _direct_leaves(affected, path)
        effects: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Any]] = {}
        by_signature: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...]] | None] = {}
        changed_ids: set[str] = set()
        changed_mods: set[str] = set()
        for value in alternatives(path, case, kb):
            try:
                alt_case = with_value(case, path, value)
            except (KeyError, AttributeError, ValueError):
                continue
            scores = _rescore(alt_case, facts.scores, rescore) if rescore else facts.scores
            derived = dict(facts.derived)
            for n in case_names:
                derived[n] = CASE_FACTS[n](alt_case, scores)
            lesion_derived = dict(facts.lesion_derived)
            for i, lesion in enumerate(alt_case.lesions):
                key = alt_case.lesion_key(i)
                if lesion_names.get(key):
                    vals = dict(lesion_derived[key])
                    for n in lesion_names[key]:
                        vals[n] = LESION_FACTS[n](alt_case, lesion, key)
                    lesion_derived[key] = vals
            alt_facts = Facts(alt_case, scores, derived, lesion_derived, facts.registry)
            signature = (
                tuple(derived[n].value for n in case_names),
                tuple(lesion_derived[k][n].value for k, names in lesion_names.items() for n in names),
                tuple((k, scores[k].band, tuple(scores[k].possible_bands), repr(scores[k].value)) if k in scores
                      else (k, None) for k in rescore),
                tuple(compiled(leaf)(alt_facts, where) for leaf, where in direct),
            )
            if signature in by_signature:
                effect = by_signature[signature]
                if effect is not None:
                    effects[effect].append(value)
                continue
            adds: list[str] = []
            removes: list[str] = []
            for o, old in zip(affected, states, strict=True):
                new = fast_state(o.cs, alt_facts, o.lesion)
                if new == old:
                    continue
                if new in ("fire", "avoid"):
                    adds.append(_tag(o, new))
                if old in ("fire", "avoid"):
                    removes.append(_tag(o, old))
                if new in ("fire", "avoid") or old in ("fire", "avoid"):
                    changed_ids.add(o.cs.id)
                    changed_mods.add(o.cs.stmt.modality or ("warning" if o.cs.stmt.urgency else o.cs.stmt.section))
            key_effect = (tuple(sorted(set(adds))), tuple(sorted(set(removes)))) if adds or removes else None
            by_signature[signature] = key_effect
            if key_effect is not None:
                effects.setdefault(key_effect, []).append(value)
        if not effects:
            continue
        alts = [
            Alternative(value=vals[0] if len(vals) == 1 else vals, adds=list(a), removes=list(r))
            for (a, r), vals in effects.items()
        ]
        results.append(MissingInput(
            field=path,
            could_change=sorted(changed_mods),
            statements=sorted(changed_ids),
            alternatives=alts,
            note=f"{len(alts)} group(s) of values change the plan",
        ))
    return results


def blocked_only(outcomes: list[Outcome]) -> list[MissingInput]:
    """Without the analysis: the unknown inputs that blocked some statement, with the statements they blocked."""
    by_path: dict[str, set[str]] = {}
    for o in outcomes:
        if o.applies.value is None:
            for p in o.applies.blocked:
                by_path.setdefault(p, set()).add(o.cs.id)
    return [MissingInput(field=p, statements=sorted(ids), note="sensitivity analysis not run")
            for p, ids in sorted(by_path.items())]
