"""Statements x case -> plan: options, avoid, warnings, assessment, monitoring and pitfalls.

A statement *fires* when ``applies_when`` is true and ``not_when`` is not true. Where it goes:

- ``strength: not_recommended``, or ``not_when`` true (with ``applies_when`` true) -> ``avoid``, with the reason;
- ``urgency: emergency`` -> ``warnings`` (and, when it names a modality, also ``options``, ranked first);
- section assessment / monitoring / pitfalls -> ``assessment`` / ``monitoring`` / ``pitfalls``;
- otherwise -> ``options`` (treatment, special considerations, supportive care), ranked by ``ranking.RANKING``.

When the knowledge base both recommends a modality and advises against it (often a particular form of it, e.g. a
high-dose regimen) for the same lesion or the whole case, both entries stay and each names the other in its caveats:
the clinician sees the tension instead of the engine resolving it silently. ``scope: lesion`` statements are
evaluated for each lesion and name it. Placeholders (``{levels}``, ``{histology}``...) are filled with the
case's values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from tumorboard.engine.conditions import Eval, Facts, Reason, compiled, evaluate, explain
from tumorboard.engine.ranking import EXPLANATION, rank
from tumorboard.knowledge.catalogue import PathError, parse_path
from tumorboard.knowledge.loader import PLACEHOLDER, CompiledStatement, KnowledgeBase
from tumorboard.knowledge.models import Leaf
from tumorboard.model.result import Because, Evidence, Option, Plan
from tumorboard.model.trusted import trusted
from tumorboard.model.vocabulary import SPINAL_LEVELS

State = Literal["fire", "avoid", "blocked", "none"]
NOT_RECORDED = "(not recorded)"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One statement evaluated for the case (or for one lesion)."""

    cs: CompiledStatement
    lesion: str | None
    applies: Eval
    not_when: Eval | None

    @property
    def state(self) -> State:
        if self.applies.value is None:
            return "blocked"
        if self.applies.value is False:
            return "none"
        if self.cs.stmt.strength == "not_recommended":
            return "avoid"
        if self.not_when is not None and self.not_when.value is True:
            return "avoid"
        return "fire"

    @property
    def label(self) -> str:
        return self.cs.id + (f"@{self.lesion}" if self.lesion else "")


_FNS: dict[int, tuple[CompiledStatement, Any, Any]] = {}


def _fns(cs: CompiledStatement) -> tuple[CompiledStatement, Any, Any]:
    """The statement's compiled applies_when and not_when closures (cached for the process)."""
    entry = _FNS.get(id(cs))
    if entry is None or entry[0] is not cs:
        entry = (cs, compiled(cs.applies), compiled(cs.not_when) if cs.not_when is not None else None)
        _FNS[id(cs)] = entry
    return entry


FALSE = Eval(False)


BLOCKED = Eval(None)


def evaluate_statement(cs: CompiledStatement, facts: Facts, lesion: str | None, trace: bool = True) -> Outcome:
    """The statement's outcome with the trace (support, blocked inputs) of the conditions that matter. Without
    ``trace``, statements whose conditions are unknown are not traced (the missing-input analysis needs it)."""
    value = _fns(cs)[1](facts, lesion)
    if value is False and not (trace and cs.uses_known_false):
        return Outcome(cs, lesion, FALSE, None)
    if value is None and not trace:
        return Outcome(cs, lesion, BLOCKED, None)
    run = evaluate if trace else explain
    applies = run(cs.applies, facts, lesion)
    not_when = run(cs.not_when, facts, lesion) if cs.not_when is not None and applies.value is not False else None
    return Outcome(cs, lesion, applies, not_when)


def fast_state(cs: CompiledStatement, facts: Facts, lesion: str | None) -> State:
    """The statement's outcome state without a trace (the missing-input analysis)."""
    _, applies_fn, not_when_fn = _fns(cs)
    applies = applies_fn(facts, lesion)
    if applies is None:
        return "blocked"
    if applies is False:
        return "none"
    if cs.stmt.strength == "not_recommended":
        return "avoid"
    if not_when_fn is not None and not_when_fn(facts, lesion) is True:
        return "avoid"
    return "fire"


Row = tuple[CompiledStatement, Any, bool, bool, Outcome, Outcome]
_TABLES: dict[int, tuple[KnowledgeBase, tuple[CompiledStatement, ...], tuple[Row, ...]]] = {}


def _table(kb: KnowledgeBase) -> tuple[Row, ...]:
    """Per statement of the knowledge base (cached while its statements are the same objects): the statement, its
    compiled applies_when, whether it is lesion-scoped, ``uses_known_false``, and its shared case-level outcomes when
    applies_when is false or unknown (outcomes are immutable)."""
    stmts = tuple(kb.statements)
    entry = _TABLES.get(id(kb))
    if entry is None or entry[0] is not kb or entry[1] != stmts:
        rows = tuple((cs, _fns(cs)[1], cs.stmt.scope == "lesion", cs.uses_known_false,
                      Outcome(cs, None, FALSE, None), Outcome(cs, None, BLOCKED, None)) for cs in stmts)
        if len(_TABLES) > 16:
            _TABLES.clear()
        entry = (kb, stmts, rows)
        _TABLES[id(kb)] = entry
    return entry[2]


def _traced(cs: CompiledStatement, facts: Facts, lesion: str | None, trace: bool) -> Outcome:
    run = evaluate if trace else explain
    applies = run(cs.applies, facts, lesion)
    not_when = run(cs.not_when, facts, lesion) if cs.not_when is not None and applies.value is not False else None
    return Outcome(cs, lesion, applies, not_when)


def evaluate_all(kb: KnowledgeBase, facts: Facts, trace: bool = True) -> list[Outcome]:
    """Every statement for the case, lesion-scoped ones once per lesion, in knowledge-base order (the same outcomes
    as ``evaluate_statement`` for each)."""
    out: list[Outcome] = []
    append = out.append
    lesions = tuple(facts.lesions)
    for cs, fn, scoped, known_false, false_outcome, blocked_outcome in _table(kb):
        skip_false = not (trace and known_false)
        if scoped:
            for key in lesions:
                value = fn(facts, key)
                if value is False and skip_false:
                    append(Outcome(cs, key, FALSE, None))
                elif value is None and not trace:
                    append(Outcome(cs, key, BLOCKED, None))
                else:
                    append(_traced(cs, facts, key, trace))
            continue
        value = fn(facts, None)
        if value is False and skip_false:
            append(false_outcome)
        elif value is None and not trace:
            append(blocked_outcome)
        else:
            append(_traced(cs, facts, None, trace))
    return out


# --- placeholders --------------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_show(v)}" for k, v in value.items() if v is not None)
    return str(value).replace("_", " ")


def format_levels(levels: list[str] | None) -> str | None:
    """T9 ; S1-S3 for contiguous levels ; T9, T11 otherwise."""
    if not levels:
        return None
    idx = sorted(SPINAL_LEVELS.index(lv) for lv in levels)
    if len(idx) > 1 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{SPINAL_LEVELS[idx[0]]}-{SPINAL_LEVELS[idx[-1]]}"
    return ", ".join(SPINAL_LEVELS[i] for i in idx)


def _score_value(facts: Facts, key: str, lesion: str | None, attr: str = "value") -> Any:
    res = facts.scores.get(key)
    if res is None:
        return None
    if lesion is not None and res.by_lesion:
        res = res.by_lesion.get(lesion, res)
    if attr == "band":
        return res.band or (" or ".join(res.possible_bands) if res.possible_bands else None)
    if res.value is None and res.min is not None and res.max is not None and res.min != res.max:
        return f"{res.min:g}-{res.max:g} (inputs missing)"
    return res.value


def _lesion_name(key: str, les: Any) -> str:
    if les is None or les.id is not None:
        return key
    return format_levels(les.levels) or (_show(les.region) if les.region else f"lesion {int(key) + 1}")


def _named(name: str, facts: Facts, lesion: str | None) -> Any:
    case = facts.case
    les = facts.lesions.get(lesion) if lesion else None
    if name == "lesion":  # the lesion's id, else where it is (a position means nothing to a reader)
        keys = [lesion] if lesion else list(facts.lesions)
        return ", ".join(_lesion_name(k, facts.lesions.get(k)) for k in keys) or None
    if name in ("levels", "level"):
        if les is not None:
            return format_levels(les.levels) or _show(les.region)
        spinal = [format_levels(x.levels) for x in facts.lesions.values() if x.levels]
        return ", ".join(s for s in spinal if s) or None
    if name in ("region", "side", "structures", "location"):
        targets = [les] if les is not None else list(facts.lesions.values())
        vals = []
        for t in targets:
            v = getattr(t, name)
            if name == "location" and v is None:
                v = t.region
            if v is not None:
                vals.append(_show(v))
        return "; ".join(vals) or None
    if name in ("histology", "primary"):
        p = case.primary
        return p.histology or (_show(p.site) if p.site else None)
    if name in ("site", "primary_site"):
        return case.primary.site
    simple = {
        "age": case.patient.age_years, "sex": case.patient.sex, "ecog": case.patient.ecog, "kps": case.patient.kps,
        "life_expectancy": case.patient.life_expectancy_months, "frankel": case.neurology.frankel,
        "asia": case.neurology.asia,
    }
    if name in simple:
        v = simple[name]
        return f"{v:g}" if isinstance(v, float) else v
    if name in ("sins", "escc", "mirels", "harrington"):
        return _score_value(facts, name, lesion)
    if name in ("sins_band", "escc_band"):
        return _score_value(facts, name.split("_")[0], lesion, "band")
    if name in ("tokuhashi", "tomita", "katagiri", "bauer", "nesms"):
        return _score_value(facts, name, None)
    if name == "grade":
        return case.primary.grade or _score_value(facts, "fnclcc", None, "band")
    if name in ("prior_rt_dose", "prior_rt"):
        targets = [les] if les is not None else list(facts.lesions.values())
        parts = []
        for t in targets:
            rt = t.prior_radiotherapy
            if rt is not None and rt.dose_gy:
                s = f"{rt.dose_gy:g} Gy" + (f" in {rt.fractions} fractions" if rt.fractions else "")
                parts.append(s + (f", {rt.months_ago:g} months ago" if rt.months_ago is not None else ""))
        return "; ".join(parts) or None
    raise KeyError(name)


def _path_value(name: str, facts: Facts, lesion: str | None) -> Any:
    ref = parse_path(name, lesion_scope=lesion is not None)
    probe = Leaf(ref, "known", True)
    if ref.kind == "lesions":
        return None
    ev = evaluate(probe, facts, lesion)
    return ev.support[0].value if ev.support else None


def fill(text: str, facts: Facts, lesion: str | None) -> str:
    """Replace {placeholders} with the case's values; unknown values read '(not recorded)'."""
    if "{" not in text:
        return text.strip()
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        try:
            value = _named(name, facts, lesion)
        except KeyError:
            try:
                value = _path_value(name, facts, lesion)
            except (PathError, KeyError):
                return m.group(0)
        return value if isinstance(value, str) else _show(value)

    return PLACEHOLDER.sub(sub, text).strip()


# --- the plan ------------------------------------------------------------------------------------------------------


def _because(items: tuple[Reason, ...]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for b in items:
        key = (b.fact, b.score, b.lesion, b.band)
        if key in seen:
            continue
        seen.add(key)
        out.append({"fact": b.fact, "score": b.score, "band": b.band, "value": b.value, "lesion": b.lesion,
                    "test": b.test, "note": b.note})
    return out


def make_option(o: Outcome, facts: Facts, *, avoid: bool = False) -> dict[str, Any]:
    """The option for a statement that fired (or is advised against), as a dict in the Option shape."""
    st = o.cs.stmt
    because = o.applies.support
    caveats: list[str] = []
    reason = None
    if avoid:
        if o.not_when is not None and o.not_when.value is True and st.strength != "not_recommended":
            because = o.not_when.support
        reason = fill(st.avoid_reason, facts, o.lesion) if st.avoid_reason else (
            "Advised against for this case." if st.strength == "not_recommended"
            else "Its contraindications apply to this case.")
    elif o.not_when is not None and o.not_when.value is None:
        missing = ", ".join(sorted(o.not_when.blocked)) or "inputs not recorded"
        caveats.append(f"Could be contraindicated: record {missing} to rule out its exclusions.")
    if st.extrapolated:
        caveats.append(f"Extrapolated evidence: {st.extrapolated}")
    return {
        "statement": st.id,
        "title": st.title,
        "modality": st.modality,
        "followed_by": list(st.followed_by),
        "lesion": o.lesion,
        "rank": None,
        "section": st.section,
        "recommendation": fill(st.statement, facts, o.lesion),
        "plain_language": fill(st.plain_language, facts, o.lesion),
        "strength": st.strength,
        "evidence": {"scheme": st.evidence.scheme, "level": st.evidence.level},
        "because": _because(because),
        "references": list(st.references),
        "reason": reason,
        "caveats": caveats,
        "review_status": st.review.status,
        "extrapolated": st.extrapolated,
        "urgency": st.urgency,
        "topic": o.cs.topic,
    }


Pair = tuple[dict[str, Any], int]


def build_plan(kb: KnowledgeBase, facts: Facts, outcomes: list[Outcome]) -> Plan:
    options: list[Pair] = []
    avoid: list[Pair] = []
    warnings: list[Pair] = []
    sections: dict[str, list[Pair]] = {"assessment": [], "monitoring": [], "pitfalls": []}
    for o in outcomes:
        state = o.state
        if state == "avoid":
            avoid.append((make_option(o, facts, avoid=True), o.cs.specificity))
            continue
        if state != "fire":
            continue
        opt = make_option(o, facts)
        emergency = o.cs.stmt.urgency == "emergency"
        if emergency:
            warnings.append((opt, o.cs.specificity))
        if o.cs.stmt.section in sections:
            if not emergency:
                sections[o.cs.stmt.section].append((opt, o.cs.specificity))
        elif opt["modality"] is not None or not emergency:
            options.append((dict(opt, caveats=list(opt["caveats"])) if emergency else opt, o.cs.specificity))
    options, avoid = _cross_reference(options, avoid)
    return Plan.model_construct(
        options=_options(rank(options)),
        avoid=_options(rank(avoid)),
        warnings=_options(rank(warnings)),
        assessment=_options(rank(sections["assessment"])),
        monitoring=_options(rank(sections["monitoring"])),
        pitfalls=_options(rank(sections["pitfalls"])),
        missing=[],
        ranking=EXPLANATION,
    )


def _options(items: list[dict[str, Any]]) -> list[Option]:
    """Options from the values the engine built (typed already by the knowledge-base models and the case), without
    validating them a second time: plan construction is on every request's path."""
    return [
        trusted(Option, {**{k: d[k] for k in _OPTION_FIELDS}, "evidence": trusted(Evidence, d["evidence"]),
                         "because": [trusted(Because, b) for b in d["because"]]})
        for d in items
    ]


_OPTION_FIELDS = tuple(Option.model_fields)


def _cross_reference(options: list[Pair], avoid: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    """Name, on each side, the avoid entries and options of the same modality (same lesion, or the whole case)."""
    def overlaps(a: dict[str, Any], o: dict[str, Any]) -> bool:
        return (a["modality"] is not None and a["modality"] == o["modality"]
                and (a["lesion"] is None or o["lesion"] is None or a["lesion"] == o["lesion"]))

    for opt, _ in options:
        against = [a for a, _ in avoid if overlaps(a, opt)]
        if against:
            titles = "; ".join(f"{a['title']} ({a['statement']})" for a in against)
            opt["caveats"].append(f"The knowledge base also advises against a form of this here: {titles}.")
    for a, _ in avoid:
        recs = [o["statement"] + (f"@{o['lesion']}" if o["lesion"] else "") for o, _ in options if overlaps(a, o)]
        if recs:
            a["caveats"].append("The same modality is recommended here by " + ", ".join(sorted(recs))
                                + "; this advice is about when or how.")
    return options, avoid
