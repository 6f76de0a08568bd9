"""``assess(case) -> Result``: scores, derived facts, the plan from the knowledge base, its references.

Pure and deterministic: the same case and knowledge-base version give byte-identical JSON (every list is built in a
defined order; nothing reads the clock or the environment beyond locating the knowledge base).
"""

from __future__ import annotations

from typing import Any

from tumorboard import __version__
from tumorboard.engine.conditions import Facts
from tumorboard.engine.missing import analyse
from tumorboard.engine.plan import build_plan, evaluate_all
from tumorboard.knowledge.loader import KnowledgeBase
from tumorboard.model.case import Case
from tumorboard.model.result import KnowledgeBaseInfo, Option, Plan, ReferenceOut, Result, ScoreResult
from tumorboard.model.trusted import trusted
from tumorboard.scores import compute_all

DISCLAIMER = (
    "Decision support for qualified clinicians; it does not replace clinical judgement or a multidisciplinary "
    "tumour board. Check every input and source."
)
STATUS_ORDER = {"draft": 0, "under_review": 1, "approved": 2}


def document_order(plan: Plan, scores: dict[str, ScoreResult]) -> list[tuple[str, list[str]]]:
    """Sections in the order the reports print them, each with the reference ids it cites. References are numbered
    in this order of first use (tumorboard.render follows the same order)."""
    def refs(items: list[Option]) -> list[str]:
        return [r for o in items for r in o.references]

    by_section = {s: [o for o in plan.options if o.section == s]
                  for s in ("treatment", "special_considerations", "supportive")}
    return [
        ("warnings", refs(plan.warnings)),
        ("assessment", refs(plan.assessment) + [r for s in scores.values() for r in s.references]),
        ("treatment", refs(by_section["treatment"])),
        ("avoid", refs(plan.avoid)),
        ("special_considerations", refs(by_section["special_considerations"])),
        ("supportive", refs(by_section["supportive"])),
        ("monitoring", refs(plan.monitoring)),
        ("pitfalls", refs(plan.pitfalls)),
    ]


def _derived_out(facts: Facts) -> dict[str, Any]:
    out: dict[str, Any] = {name: d.value for name, d in facts.derived.items()}
    if facts.lesion_derived:
        out["lesions"] = {key: {n: d.value for n, d in vals.items()} for key, vals in facts.lesion_derived.items()}
    return out


def assess(case: Case, *, kb: KnowledgeBase | None = None, analyse_missing: bool = True) -> Result:
    """Every applicable score, the derived facts, and the ranked, explained, cited plan for the case."""
    if kb is None:
        from tumorboard.knowledge import load

        kb = load()
    scores = compute_all(case)
    facts = Facts(case, scores)
    outcomes = evaluate_all(kb, facts, trace=analyse_missing)
    plan = build_plan(kb, facts, outcomes)
    plan.missing = analyse(kb, facts, outcomes) if analyse_missing else []
    used = plan.items()
    statuses = [o.review_status for o in used]
    review_status = min(statuses, key=STATUS_ORDER.__getitem__) if statuses else "draft"
    references: list[ReferenceOut] = []
    seen: set[str] = set()
    for _, ids in document_order(plan, scores):
        for rid in ids:
            if rid in seen or rid not in kb.references:
                continue
            seen.add(rid)
            ref = kb.references[rid]
            references.append(trusted(ReferenceOut, {
                "id": ref.id, "pmid": ref.pmid, "doi": ref.doi, "url": ref.url, "citation": ref.citation,
                "year": ref.year, "type": ref.type, "verified": ref.verified}))
    missing = sorted({m for r in scores.values() for m in r.missing})
    return Result(
        case_id=case.id,
        engine_version=__version__,
        knowledge_base=KnowledgeBaseInfo(version=kb.version, hash=kb.hash, statements=len(kb.statements)),
        scores=scores,
        derived=_derived_out(facts),
        plan=plan,
        missing=missing,
        references=references,
        review_status=review_status,
        disclaimer=DISCLAIMER,
    )
