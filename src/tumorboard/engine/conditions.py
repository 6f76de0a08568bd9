"""Three-valued evaluation of compiled conditions over a case, its scores and its derived facts. Never ``eval``.

``evaluate(cond, facts, lesion)`` returns an :class:`Eval`: the value (True, False or None for unknown), the facts that
support the value (for ``because``), the case paths that blocked it when it is unknown, every case path read, and
the unknown paths read. Rules (docs/knowledge-format.md):

- a leaf on an unknown fact is unknown, except ``known`` (never unknown);
- ``all`` is false if any part is false, else unknown if any part is unknown, else true;
- ``any`` is true if any part is true, else unknown if any part is unknown, else false;
- ``not`` swaps true and false;
- ``lesions.*.<x>`` is true when some lesion satisfies the leaf, false when every lesion fails it (or there is none),
  else unknown;
- a score leaf with missing inputs is decided by the bands (or the range) still possible: ``band in [stable,
  indeterminate]`` is true when SINS could only be stable or indeterminate;
- a score that does not apply (e.g. SINS for a femoral lesion) is a known absence: ``eq``/``in``/comparisons are
  false, ``ne``/``not_in`` true, ``known`` false.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tumorboard.engine.derived import Derived, derive
from tumorboard.knowledge.catalogue import PathRef
from tumorboard.knowledge.models import All, AnyOf, Cond, Leaf, Not
from tumorboard.knowledge.ops import compare
from tumorboard.model.case import Case, Lesion
from tumorboard.model.result import Because, ScoreResult

NA = object()  # a known absence (score not applicable)
# Lesion fields that override a case-level field (docs/case-format.md: "per-lesion override of pain.character"):
# when the lesion's is not recorded, the case-level value applies.
OVERRIDES: dict[str, tuple[str, str]] = {"pain_character": ("pain", "character"), "limb_pain": ("pain", "limb_pain")}


def lesion_fact(facts: Facts, lesion: str, parts: tuple[str, ...]) -> tuple[Any, str]:
    """A lesion field's value and the path it came from (the case-level field when an override is not recorded)."""
    value = _get(facts.lesions[lesion], parts)
    if value is None and len(parts) == 1 and parts[0] in OVERRIDES:
        section, name = OVERRIDES[parts[0]]
        fallback = getattr(getattr(facts.case, section), name)
        if fallback is not None:
            return fallback, f"{section}.{name}"
    return value, f"lesions.{lesion}.{'.'.join(parts)}"
EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """A fact that supports a condition's value (converted to ``Because`` for the options that fire)."""

    fact: str | None = None
    score: str | None = None
    band: str | None = None
    value: Any = None
    lesion: str | None = None
    test: str | None = None
    note: str | None = None

    def to_because(self) -> Because:
        return Because(fact=self.fact, score=self.score, band=self.band, value=self.value, lesion=self.lesion,
                       test=self.test, note=self.note)


@dataclass(frozen=True, slots=True)
class Eval:
    value: bool | None
    support: tuple[Reason, ...] = ()
    blocked: frozenset[str] = EMPTY
    reads: frozenset[str] = EMPTY
    unknown_reads: frozenset[str] = EMPTY


class Facts:
    """Everything a condition can read for one case."""

    def __init__(
        self,
        case: Case,
        scores: dict[str, ScoreResult],
        derived: dict[str, Derived] | None = None,
        lesion_derived: dict[str, dict[str, Derived]] | None = None,
        registry: frozenset[str] | None = None,
    ) -> None:
        self.case = case
        self.scores = scores
        if derived is None or lesion_derived is None:
            derived, lesion_derived = derive(case, scores)
        self.derived = derived
        self.lesion_derived = lesion_derived
        self.lesions: dict[str, Lesion] = {case.lesion_key(i): les for i, les in enumerate(case.lesions)}
        if registry is None:
            from tumorboard.scores import REGISTRY

            registry = frozenset(REGISTRY)
        self.registry = registry


def _get(obj: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def _leaf_value(op: str, fact: Any, value: Any, order: tuple[str, ...] | None) -> bool | None:
    if op == "known":
        return bool((fact is not None and fact is not NA) == value)
    if fact is None:
        return None
    if fact is NA:
        return op in ("ne", "not_in")
    return compare(op, fact, value, order)


def _over(op: str, candidates: list[Any], value: Any, order: tuple[str, ...] | None) -> bool | None:
    """A leaf over several still-possible values: true if all satisfy it, false if none, else unknown."""
    results = {_leaf_value(op, c, value, order) for c in candidates}
    return results.pop() if len(results) == 1 else None


def _score_leaf(leaf: Leaf, res: ScoreResult, lesion: str | None) -> tuple[bool | None, Any]:
    attr = leaf.path.parts[1]
    order = leaf.path.type.values if leaf.path.type.ordered else None
    if leaf.op == "known":
        if attr in ("band", "value", "min", "max", "determinate"):
            attr_value: Any = getattr(res, attr)
        else:
            attr_value = res.value.get(attr) if isinstance(res.value, dict) else None
        return (attr_value is not None) == leaf.value, attr_value
    if attr == "band":
        if res.band is not None:
            return _leaf_value(leaf.op, res.band, leaf.value, order), res.band
        if res.possible_bands:
            return _over(leaf.op, list(res.possible_bands), leaf.value, order), None
        return None, None
    if attr == "value":
        if res.value is not None:
            return _leaf_value(leaf.op, res.value, leaf.value, order), res.value
        if leaf.op in ("gt", "gte", "lt", "lte") and res.min is not None and res.max is not None:
            return _over(leaf.op, [res.min, res.max], leaf.value, None), None
        return None, None
    if attr in ("min", "max", "determinate"):
        v = getattr(res, attr)
        return _leaf_value(leaf.op, v, leaf.value, order), v
    v = res.value.get(attr) if isinstance(res.value, dict) else None
    return _leaf_value(leaf.op, v, leaf.value, order), v


def _because_score(res: ScoreResult, leaf: Leaf, lesion: str | None, shown: Any) -> Reason:
    key, attr = leaf.path.parts
    band = res.band if attr == "band" or res.band else None
    value = res.value if attr in ("band", "value") else shown
    return Reason(score=key, band=band, value=value, lesion=lesion or res.lesion,
                   fact=None if attr in ("band", "value") else f"scores.{key}.{attr}",
                   test=leaf.text)


def _eval_leaf_at(leaf: Leaf, facts: Facts, lesion: str | None) -> Eval:
    ref: PathRef = leaf.path
    order = ref.type.values if ref.type.ordered else None
    if ref.kind == "case":
        fact = _get(facts.case, ref.parts)
        value = _leaf_value(leaf.op, fact, leaf.value, order)
        unknown = frozenset({ref.raw}) if fact is None else EMPTY
        return Eval(value, (Reason(fact=ref.raw, value=fact, test=leaf.text),),
                    unknown if value is None else EMPTY, frozenset({ref.raw}), unknown)
    if ref.kind == "derived":
        d = facts.derived[ref.parts[0]]
        return _derived_eval(leaf, d, f"derived.{ref.parts[0]}")
    if ref.kind == "score":
        return _score_eval(leaf, facts, None)
    # lesion-relative (kind lesion, or one lesion of a lesions.* quantifier)
    if lesion is None:
        raise ValueError(f"{ref.raw} needs a lesion")
    if ref.sub == "derived":
        d = facts.lesion_derived[lesion][ref.parts[0]]
        return _derived_eval(leaf, d, f"lesions.{lesion}.derived.{ref.parts[0]}")
    if ref.sub == "score":
        return _score_eval(leaf, facts, lesion)
    fact, path = lesion_fact(facts, lesion, ref.parts)
    value = _leaf_value(leaf.op, fact, leaf.value, order)
    unknown = frozenset({path}) if fact is None else EMPTY
    return Eval(value, (Reason(fact=path, value=fact, lesion=lesion, test=leaf.text),),
                unknown if value is None else EMPTY, frozenset({path}), unknown)


def _derived_eval(leaf: Leaf, d: Derived, name: str) -> Eval:
    value = _leaf_value(leaf.op, d.value, leaf.value, None)
    unknown = frozenset(d.unknown)
    return Eval(value, (Reason(fact=name, value=d.value, note=d.note, test=leaf.text),),
                unknown if value is None else EMPTY, frozenset(d.reads), unknown)


def _score_eval(leaf: Leaf, facts: Facts, lesion: str | None) -> Eval:
    key = leaf.path.parts[0]
    top = facts.scores.get(key)
    res: ScoreResult | None
    if lesion is not None:
        res = top.by_lesion.get(lesion) if top is not None and top.by_lesion else None
        region_path = f"lesions.{lesion}.region"
        if res is None:
            region = facts.lesions[lesion].region
            if region is None:
                blocked = frozenset({region_path})
                return Eval(None, (), blocked, blocked, blocked)
            value = _leaf_value(leaf.op, NA, leaf.value, None)
            return Eval(value, (Reason(score=key, lesion=lesion, note="does not apply", test=leaf.text),),
                        EMPTY, frozenset({region_path}), EMPTY)
    else:
        res = top
        if res is None:
            regions = frozenset(f"lesions.{k}.region" for k in facts.lesions)
            if key not in facts.registry:
                return Eval(None, (), EMPTY, regions, EMPTY)
            value = _leaf_value(leaf.op, NA, leaf.value, None)
            return Eval(value, (Reason(score=key, note="does not apply", test=leaf.text),), EMPTY, regions,
                        EMPTY)
    value, shown = _score_leaf(leaf, res, lesion)
    reads = frozenset([*res.missing, *(i.field for i in res.inputs.values() if i.field)])
    unknown = frozenset(res.missing)
    return Eval(value, (_because_score(res, leaf, lesion, shown),), unknown if value is None else EMPTY, reads,
                unknown)


def _eval_leaf(leaf: Leaf, facts: Facts, lesion: str | None) -> Eval:
    if leaf.path.kind != "lesions":
        return _eval_leaf_at(leaf, facts, lesion)
    results = [_eval_leaf_at(leaf, facts, key) for key in facts.lesions]
    reads = frozenset().union(*(r.reads for r in results)) if results else EMPTY
    unknown_reads = frozenset().union(*(r.unknown_reads for r in results)) if results else EMPTY
    true = [r for r in results if r.value is True]
    if true:
        return Eval(True, tuple(b for r in true for b in r.support), EMPTY, reads, unknown_reads)
    unknown = [r for r in results if r.value is None]
    if unknown:
        return Eval(None, (), frozenset().union(*(r.blocked for r in unknown)), reads, unknown_reads)
    return Eval(False, tuple(b for r in results for b in r.support), EMPTY, reads, unknown_reads)


def evaluate(cond: Cond, facts: Facts, lesion: str | None = None) -> Eval:
    """Evaluate a compiled condition for the case (and the current lesion of a lesion-scoped statement)."""
    if isinstance(cond, Leaf):
        return _eval_leaf(cond, facts, lesion)
    if isinstance(cond, Not):
        inner = evaluate(cond.item, facts, lesion)
        value = None if inner.value is None else not inner.value
        return Eval(value, inner.support, inner.blocked, inner.reads, inner.unknown_reads)
    parts = [evaluate(c, facts, lesion) for c in cond.items]
    reads = frozenset().union(*(p.reads for p in parts)) if parts else EMPTY
    unknown_reads = frozenset().union(*(p.unknown_reads for p in parts)) if parts else EMPTY
    decisive = not isinstance(cond, All)
    hits = [p for p in parts if p.value is decisive]
    if hits:
        return Eval(decisive, tuple(b for p in hits for b in p.support), EMPTY, reads, unknown_reads)
    unknown = [p for p in parts if p.value is None]
    if unknown:
        return Eval(None, (), frozenset().union(*(p.blocked for p in unknown)), reads, unknown_reads)
    assert isinstance(cond, (All, AnyOf))
    return Eval(not decisive, tuple(b for p in parts for b in p.support), EMPTY, reads, unknown_reads)


# --- value-only evaluation (short-circuit, no trace): the hot path --------------------------------------------------


def _fast_leaf_at(leaf: Leaf, facts: Facts, lesion: str | None) -> bool | None:
    ref = leaf.path
    kind = ref.kind
    if kind == "case":
        return _leaf_value(leaf.op, _get(facts.case, ref.parts), leaf.value,
                           ref.type.values if ref.type.ordered else None)
    if kind == "derived":
        return _leaf_value(leaf.op, facts.derived[ref.parts[0]].value, leaf.value, None)
    if kind == "score":  # a case-level score
        res = facts.scores.get(ref.parts[0])
        if res is None:
            return _leaf_value(leaf.op, NA, leaf.value, None) if ref.parts[0] in facts.registry else None
        return _score_leaf(leaf, res, None)[0]
    if lesion is None:
        raise ValueError(f"{ref.raw} needs a lesion")
    sub = ref.sub
    if sub == "derived":
        return _leaf_value(leaf.op, facts.lesion_derived[lesion][ref.parts[0]].value, leaf.value, None)
    if sub == "score":
        top = facts.scores.get(ref.parts[0])
        res = top.by_lesion.get(lesion) if top is not None and top.by_lesion else None
        if res is None:
            return None if facts.lesions[lesion].region is None else _leaf_value(leaf.op, NA, leaf.value, None)
        return _score_leaf(leaf, res, lesion)[0]
    return _leaf_value(leaf.op, lesion_fact(facts, lesion, ref.parts)[0], leaf.value,
                       ref.type.values if ref.type.ordered else None)


def leaf_value(leaf: Leaf, facts: Facts, lesion: str | None) -> bool | None:
    """One leaf's value (for ``lesions.*`` leaves, on the given lesion only)."""
    return _fast_leaf_at(leaf, facts, lesion)


def fast(cond: Cond, facts: Facts, lesion: str | None = None) -> bool | None:
    """The value of a condition only (three-valued, short-circuit); ``evaluate`` gives the trace."""
    if isinstance(cond, Leaf):
        if cond.path.kind != "lesions":
            return _fast_leaf_at(cond, facts, lesion)
        unknown = False
        for key in facts.lesions:
            v = _fast_leaf_at(cond, facts, key)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False
    if isinstance(cond, Not):
        v = fast(cond.item, facts, lesion)
        return None if v is None else not v
    decisive = not isinstance(cond, All)
    unknown = False
    for c in cond.items:
        v = fast(c, facts, lesion)
        if v is decisive:
            return decisive
        if v is None:
            unknown = True
    return None if unknown else not decisive


# --- compiled closures for the value-only path ---------------------------------------------------------------------
# Each condition is turned once per process into nested closures (kept by id, with the condition kept alive), so the
# hot loops (every statement, every alternative of the missing-input analysis) avoid re-dispatching on kinds and
# operators. Semantics are those of ``fast``; tests check that both agree.

Fn = Callable[[Facts, "str | None"], "bool | None"]
_COMPILED: dict[int, tuple[Cond, Fn]] = {}


def _tester(leaf: Leaf) -> Callable[[Any], bool] | None:
    """A fast test for a known, present fact; None when the generic ``compare`` is needed."""
    op, value = leaf.op, leaf.value
    if leaf.path.type.ordered or leaf.path.type.kind in ("list", "any"):
        return None
    if op in ("eq", "ne") and isinstance(value, bool):
        return (lambda f: f is value) if op == "eq" else (lambda f: f is not value)
    if op in ("eq", "ne") and isinstance(value, str):
        return (lambda f: f == value) if op == "eq" else (lambda f: f != value)
    if op in ("in", "not_in") and all(isinstance(v, str) for v in value):
        vset = frozenset(value)
        return (lambda f: f in vset) if op == "in" else (lambda f: f not in vset)
    return None


def _getter(leaf: Leaf) -> Callable[[Facts, str], Any] | None:
    ref = leaf.path
    if ref.kind == "case":
        parts = ref.parts
        if len(parts) == 2 and ref.type.kind != "any":
            a, b = parts
            return lambda facts, lesion: getattr(getattr(facts.case, a), b)
        return lambda facts, lesion: _get(facts.case, parts)
    if ref.kind == "derived":
        name = ref.parts[0]
        return lambda facts, lesion: facts.derived[name].value
    if ref.sub == "derived":
        name = ref.parts[0]
        return lambda facts, lesion: facts.lesion_derived[lesion][name].value
    if ref.sub == "field":
        parts = ref.parts
        if len(parts) == 1 and parts[0] not in OVERRIDES:
            (a,) = parts
            return lambda facts, lesion: getattr(facts.lesions[lesion], a)
        return lambda facts, lesion: lesion_fact(facts, lesion, parts)[0]
    return None  # scores: the generic path


def _fused(leaf: Leaf) -> Fn | None:
    """The commonest leaves (a derived fact equal to a boolean; a two-part case field or a lesion field equal to, or
    in, string values) as one closure each, the getter and the test inlined; same values as the generic path."""
    if _tester(leaf) is None:
        return None
    ref = leaf.path
    op, value = leaf.op, leaf.value
    if op == "eq" and isinstance(value, bool) and (ref.kind == "derived" or ref.sub == "derived"):
        name = ref.parts[0]
        if ref.kind == "derived":
            def derived_is(facts: Facts, lesion: str | None) -> bool | None:
                f = facts.derived[name].value
                return None if f is None else f is value
            return derived_is

        def lesion_derived_is(facts: Facts, lesion: str | None) -> bool | None:
            f = facts.lesion_derived[lesion][name].value  # type: ignore[index]
            return None if f is None else f is value
        return lesion_derived_is
    if ref.kind == "case" and len(ref.parts) == 2 and ref.type.kind != "any":
        a, b = ref.parts
        if op == "eq" and isinstance(value, bool):
            def case_is(facts: Facts, lesion: str | None) -> bool | None:
                f = getattr(getattr(facts.case, a), b)
                return None if f is None else f is value
            return case_is
        if op == "eq" and isinstance(value, str):
            def case_eq(facts: Facts, lesion: str | None) -> bool | None:
                f = getattr(getattr(facts.case, a), b)
                return None if f is None else f == value
            return case_eq
        if op == "in":
            vset = frozenset(value)

            def case_in(facts: Facts, lesion: str | None) -> bool | None:
                f = getattr(getattr(facts.case, a), b)
                return None if f is None else f in vset
            return case_in
        return None
    if ref.sub == "field" and len(ref.parts) == 1 and ref.parts[0] not in OVERRIDES:
        (a,) = ref.parts
        if op == "eq" and isinstance(value, str):
            def lesion_eq(facts: Facts, lesion: str | None) -> bool | None:
                f = getattr(facts.lesions[lesion], a)  # type: ignore[index]
                return None if f is None else f == value
            return lesion_eq
        if op == "in":
            lset = frozenset(value)

            def lesion_in(facts: Facts, lesion: str | None) -> bool | None:
                f = getattr(facts.lesions[lesion], a)  # type: ignore[index]
                return None if f is None else f in lset
            return lesion_in
    return None


_ONE: dict[int, tuple[Leaf, Fn]] = {}


def _leaf_one(leaf: Leaf) -> Fn:
    """The leaf's closure on one lesion (for ``lesions.*`` leaves) or on the case, as ``_fast_leaf_at`` (cached)."""
    entry = _ONE.get(id(leaf))
    if entry is None or entry[0] is not leaf:
        entry = (leaf, _compile_one(leaf))
        _ONE[id(leaf)] = entry
    return entry[1]


def _compile_leaf(leaf: Leaf) -> Fn:
    one = _leaf_one(leaf)
    if leaf.path.kind != "lesions":
        return one

    def any_lesion(facts: Facts, lesion: str | None) -> bool | None:
        unknown = False
        for key in facts.lesions:
            v = one(facts, key)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False

    return any_lesion


def _compile_one(leaf: Leaf) -> Fn:
    get = _getter(leaf)
    test = _tester(leaf)
    order = leaf.path.type.values if leaf.path.type.ordered else None
    op, value = leaf.op, leaf.value
    one: Callable[[Facts, str | None], bool | None]
    fused = _fused(leaf)
    if fused is not None:
        one = fused
    elif get is None:
        def one(facts: Facts, lesion: str | None) -> bool | None:
            return _fast_leaf_at(leaf, facts, lesion)
    elif op == "known":
        def one(facts: Facts, lesion: str | None) -> bool | None:
            return (get(facts, lesion) is not None) is value  # type: ignore[arg-type]
    elif test is not None:
        def one(facts: Facts, lesion: str | None) -> bool | None:
            f = get(facts, lesion)  # type: ignore[arg-type]
            return None if f is None else test(f)
    else:
        def one(facts: Facts, lesion: str | None) -> bool | None:
            f = get(facts, lesion)  # type: ignore[arg-type]
            return None if f is None else compare(op, f, value, order)
    return one


def _compile(cond: Cond) -> Fn:
    if isinstance(cond, Leaf):
        return _compile_leaf(cond)
    if isinstance(cond, Not):
        inner = compiled(cond.item)

        def negate(facts: Facts, lesion: str | None) -> bool | None:
            v = inner(facts, lesion)
            return None if v is None else not v

        return negate
    fns = tuple(compiled(c) for c in cond.items)
    decisive = not isinstance(cond, All)
    if len(fns) == 2:  # the commonest shape, unrolled
        first, second = fns

        def combine2(facts: Facts, lesion: str | None) -> bool | None:
            v = first(facts, lesion)
            if v is decisive:
                return decisive
            w = second(facts, lesion)
            if w is decisive:
                return decisive
            return None if v is None or w is None else not decisive

        return combine2

    def combine(facts: Facts, lesion: str | None) -> bool | None:
        unknown = False
        for fn in fns:
            v = fn(facts, lesion)
            if v is decisive:
                return decisive
            if v is None:
                unknown = True
        return None if unknown else not decisive

    return combine


def compiled(cond: Cond) -> Fn:
    """The condition as a closure ``(facts, lesion) -> True | False | None`` (cached for the process)."""
    entry = _COMPILED.get(id(cond))
    if entry is None or entry[0] is not cond:
        entry = (cond, _compile(cond))
        _COMPILED[id(cond)] = entry
    return entry[1]


def explain(cond: Cond, facts: Facts, lesion: str | None = None) -> Eval:
    """Value and support only (no read sets): the ``because`` of a statement that fired, cheaply."""
    if isinstance(cond, Leaf):
        if cond.path.kind != "lesions":
            return _explain_leaf(cond, facts, lesion)
        results = [_explain_leaf(cond, facts, key) for key in facts.lesions]
        true = [r for r in results if r.value is True]
        if true:
            return Eval(True, tuple(b for r in true for b in r.support))
        if any(r.value is None for r in results):
            return Eval(None)
        return Eval(False, tuple(b for r in results for b in r.support))
    if isinstance(cond, Not):
        inner = explain(cond.item, facts, lesion)
        return Eval(None if inner.value is None else not inner.value, inner.support)
    parts = [explain(c, facts, lesion) for c in cond.items]
    decisive = not isinstance(cond, All)
    hits = [p for p in parts if p.value is decisive]
    if hits:
        return Eval(decisive, tuple(b for p in hits for b in p.support))
    if any(p.value is None for p in parts):
        return Eval(None)
    return Eval(not decisive, tuple(b for p in parts for b in p.support))


def _explain_leaf(leaf: Leaf, facts: Facts, lesion: str | None) -> Eval:
    ref = leaf.path
    if ref.sub == "score":
        return _eval_leaf_at(leaf, facts, lesion)
    value = _leaf_one(leaf)(facts, lesion)  # for lesions.* leaves: this lesion only
    if ref.kind == "case":
        return Eval(value, (Reason(fact=ref.raw, value=_get(facts.case, ref.parts), test=leaf.text),))
    if ref.kind == "derived":
        d = facts.derived[ref.parts[0]]
        return Eval(value, (Reason(fact=f"derived.{ref.parts[0]}", value=d.value, note=d.note, test=leaf.text),))
    assert lesion is not None
    if ref.sub == "derived":
        d = facts.lesion_derived[lesion][ref.parts[0]]
        name = f"lesions.{lesion}.derived.{ref.parts[0]}"
        return Eval(value, (Reason(fact=name, value=d.value, note=d.note, test=leaf.text),))
    fact, path = lesion_fact(facts, lesion, ref.parts)
    return Eval(value, (Reason(fact=path, value=fact, lesion=lesion, test=leaf.text),))
