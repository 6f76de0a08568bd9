"""``ask``: question -> understanding -> retrieval or the engine -> composed, cited answer; and conversations.

Abstention: when the retrieval evidence for a question is under the thresholds calibrated on the development
question set (``calibration.yaml``, written by ``bench/qa.py --calibrate``), the answer is "not covered by the
knowledge base" with the nearest topics, and nothing else.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tumorboard.qa.answer import Answer, Audience, Change, Fact, _fmt
from tumorboard.qa.compose import compose_case, compose_topic, facts_of, plan_changes
from tumorboard.qa.index import Index, Mode, Retrieval, get_index
from tumorboard.qa.outside import example_matrix, nearest
from tumorboard.qa.scope import in_domain, load_scope, out_of_scope, unstaged
from tumorboard.qa.understand import Understanding, decide, extract_case, flatten, is_follow_up, merge_cases
from tumorboard.qa.vocabulary import Vocabulary

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.yaml"
NOT_COVERED = "This question is not covered by the knowledge base, so no answer is given."
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "hybrid": {"dense_low": 0.40, "dense": 0.55, "coverage": 0.50},
    "bm25": {"coverage": 0.45},
    "dense": {"dense": 0.45},
}


def _disclaimer() -> str:
    try:
        from tumorboard.engine.assess import DISCLAIMER

        return str(DISCLAIMER)
    except Exception:
        return ("Decision support for qualified clinicians; it does not replace clinical judgement or a "
                "multidisciplinary tumour board. Check every input and source.")


def load_thresholds(path: Path = CALIBRATION_FILE) -> dict[str, dict[str, float]]:
    out = {k: dict(v) for k, v in DEFAULT_THRESHOLDS.items()}
    if path.is_file():
        raw = yaml.safe_load(path.read_text()) or {}
        for mode, vals in (raw.get("thresholds") or {}).items():
            out.setdefault(mode, {}).update({k: float(v) for k, v in vals.items()})
    return out


def covered(r: Retrieval, thresholds: dict[str, dict[str, float]]) -> bool:
    """Whether the retrieval evidence is strong enough to answer. A question that names nothing of the knowledge
    base's domain (``Retrieval.domain`` None) needs term coverage of at least ``coverage_floor`` whatever else. With
    the dense leg: similarity under ``dense_low`` never answers, at or above ``dense`` always does, and in between
    the question's terms must be found in the best documents (``coverage``). BM25 alone: ``coverage`` only."""
    t = thresholds.get(r.mode, {})
    if not r.hits:
        return False
    if r.domain is None and r.coverage < t.get("coverage_floor", 0.0):
        return False  # names nothing of the domain: its words must be found in the best statements too
    if r.dense_top is not None and "dense" in t:
        if r.dense_top < t.get("dense_low", t["dense"]):
            return False
        if r.dense_top >= t["dense"]:
            return True
    return r.coverage >= t.get("coverage", 0.0)


def fired_statements(case: Any) -> frozenset[str]:
    """Statement ids of every item the engine's plan holds for ``case`` (options, warnings, assessment, avoid,
    monitoring, pitfalls); empty when the engine cannot assess it."""
    from tumorboard.engine import assess

    try:
        plan = assess(case, analyse_missing=False).plan
    except Exception:  # a case the engine refuses: plain retrieval
        return frozenset()
    if plan is None:
        return frozenset()
    items = plan.items()
    return frozenset(o.statement for o in items)


RELATED_ITEMS = 3  # statements retrieved for a case question's wording shown beside the plan (at most)


def related_to_question(case: Any, result: Any, retrieval: Retrieval, corpus: Any) -> list[str]:
    """Statements a case question's words retrieve (the topic answer's selection) that the engine's plan does not
    hold and whose conditions the case leaves undecided: the engine's state for them is ``blocked``, never ``none``
    (false for this case)."""
    from tumorboard.engine.applicability import applicability
    from tumorboard.qa.compose import select_units

    plan = getattr(result, "plan", None)
    if plan is None:
        return []
    held = {o.statement for o in plan.items()}
    ids = [k[2:] for k in select_units(retrieval, corpus) if k.startswith("s:") and k[2:] not in held]
    states = applicability(case, ids, scores=getattr(result, "scores", None))
    return [sid for sid in ids if states.get(sid) == "blocked"][:RELATED_ITEMS]


SARCOMA_SITES = frozenset({"soft_tissue", "bone_sarcoma_other"})  # primary sites of the sarcomas the KB covers


def located_case(und: Understanding) -> bool:
    """A case with a located lesion and its tumour, or a sarcoma with its status (recurrent, progressive): the
    question is in the domain whatever the retrieval scores. Another cancer with its status alone (thyroid cancer
    with progressing lung metastases) is not: the knowledge base covers its bone metastases only."""
    paths = {p for p, _ in und.facts}
    lesion = any(p.startswith("lesions.") and p.split(".")[-1] in ("levels", "region") for p in paths)
    tumour = bool(paths & {"primary.site", "primary.histology"})
    site = getattr(getattr(und.case, "primary", None), "site", None)
    return (lesion and tumour) or (site in SARCOMA_SITES and "primary.status" in paths)


@dataclass(frozen=True)
class Decision:
    """What is decided before the abstention thresholds: refuse (False), answer (True) or let them decide (None);
    with the reason shown in the answer's retrieval record and, for a refusal, the note shown to the user."""

    answer: bool | None
    reason: str = ""
    note: str = ""


SCOPE_NOTE = "it covers metastatic bone disease and recurrent or metastatic soft-tissue sarcoma"


def fixed_decision(question: str, und: Understanding, vocabulary: Vocabulary | None = None,
                   retrieval: Retrieval | None = None, thresholds: dict[str, dict[str, float]] | None = None,
                   exclude_set: str | None = None) -> Decision:
    """In order: refused when the question names a subject outside the knowledge base's scope (``scope.yaml``);
    answered for a case with a located lesion; refused when it uses a technical word the knowledge base never uses
    and nothing in it names what the knowledge base covers (tumorboard.qa.vocabulary); answered when it names
    something only a few knowledge-base documents hold (a trial); refused when it names a cancer but no metastatic,
    recurrent or advanced disease and nothing of the domain (``scope.unstaged``); refused when it is closer to an
    out-of-scope example than to any statement by more than ``outside_margin`` (tumorboard.qa.outside); else the
    thresholds decide.
    ``ask`` and ``screen`` (the benchmark's calibration) share this order."""
    outside = out_of_scope(question)
    if outside is not None:
        return Decision(False, f"outside the knowledge base's scope: {outside.subject}",
                        f"The question is about {outside.subject} (\u201c{outside.matched}\u201d), which the "
                        f"knowledge base does not cover: {SCOPE_NOTE}.")
    if und.kind == "case" and located_case(und):
        return Decision(True)
    strange = vocabulary.unfamiliar(question) if vocabulary is not None else []
    if strange and in_domain(question) is None:
        listed = ", ".join(f"\u201c{w}\u201d" for w in strange)
        return Decision(False, f"outside the knowledge base's scope: words it never uses ({', '.join(strange)})",
                        f"The question uses {listed}, which the knowledge base never mentions, and names nothing it "
                        f"covers, so it is taken to be about another subject: {SCOPE_NOTE}.")
    named = vocabulary.specific(question) if vocabulary is not None else []
    if named and not strange:
        return Decision(True, f"names what only a few knowledge-base documents hold: {', '.join(named)}")
    cancer = unstaged(question)
    if cancer is not None:
        return Decision(False, f"outside the knowledge base's scope: \u201c{cancer}\u201d without metastatic, "
                               "recurrent or advanced disease",
                        f"The question names \u201c{cancer}\u201d but no metastatic, recurrent or advanced disease "
                        f"and nothing the knowledge base covers, so it is taken to be about another stage of the "
                        f"disease (screening, diagnosis, localised or adjuvant treatment): {SCOPE_NOTE}.")
    t = (thresholds or {}).get(retrieval.mode, {}) if retrieval is not None else {}
    margin = t.get("outside_margin")
    if margin is not None and retrieval is not None and retrieval.dense_top is not None:
        near = nearest(retrieval.query_vector, exclude_set)
        # an example only explains a refusal when it is itself similar enough to count (a question below that is
        # refused by the thresholds anyway: its best statement is further still)
        similar = near is not None and near.similarity >= t.get("dense_low", t.get("dense", 0.0))
        if near is not None and similar and near.similarity - retrieval.dense_top > margin:
            return Decision(False, f"outside the knowledge base's scope: closer to an out-of-scope example "
                                   f"({near.similarity:.2f}) than to any statement ({retrieval.dense_top:.2f})",
                            f"The question is closer to a question the knowledge base does not cover "
                            f"(\u201c{near.example}\u201d, similarity {near.similarity:.2f}) than to any of its "
                            f"statements (best {retrieval.dense_top:.2f}): {SCOPE_NOTE}.")
    return Decision(None)


@dataclass
class Conversation:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    turns: list[tuple[str, str]] = field(default_factory=list)  # (question, kind)
    case: Any = None  # the current Case
    case_question: str | None = None
    last_case_answer: Answer | None = None
    last_topic: str | None = None


class QA:
    """Question answering over one knowledge base (and the user's documents)."""

    def __init__(self, knowledge: str | Path | None = None, *, dense: bool = True, cache_dir: Path | None = None,
                 user_documents: bool = True, thresholds: dict[str, dict[str, float]] | None = None) -> None:
        self.knowledge = knowledge
        self.dense = dense
        self.cache_dir = cache_dir
        self.user_documents = user_documents
        self.thresholds = thresholds or load_thresholds()
        self._index: Index | None = None
        self._vocabulary: tuple[str, Vocabulary] | None = None
        self.conversations: OrderedDict[str, Conversation] = OrderedDict()

    @property
    def index(self) -> Index:
        if self._index is None:
            self._index = get_index(self.knowledge, dense=self.dense, cache_dir=self.cache_dir,
                                    user_documents=self.user_documents)
        return self._index

    @property
    def vocabulary(self) -> Vocabulary:
        """The words of the knowledge base (and the user's documents) as indexed (tumorboard.qa.vocabulary)."""
        index = self.index
        if self._vocabulary is None or self._vocabulary[0] != index.key:
            self._vocabulary = (index.key, Vocabulary.build((d.text for d in index.docs), load_scope().familiar,
                                                            index.syn))
            if index.has_dense:
                example_matrix()  # embed the out-of-scope examples now, not on the first question
        return self._vocabulary[1]

    def refresh(self) -> None:
        """Pick up content changes (the index is rebuilt when the knowledge-base hash differs)."""
        self._index = None

    def retrieve(self, question: str, mode: Mode | None = None, case: Any = None) -> Retrieval:
        """Retrieval for ``question``; with the ``case`` it describes, the statements the engine's plan fires for
        that case are boosted (tumorboard.qa.index.CASE_BOOST)."""
        m: Mode = mode or ("hybrid" if self.dense else "bm25")
        r = self.index.search(question, m, fired=fired_statements(case) if case is not None else None)
        r.domain = in_domain(question)
        return r

    def retrieve_question(self, question: str, mode: Mode | None = None) -> Retrieval:
        """Retrieval as ``ask`` does it for a new question: understood first, case-aware for a case question."""
        return self.screen(question, mode)[0]

    def screen(self, question: str, mode: Mode | None = None,
               exclude_set: str | None = None) -> tuple[Retrieval, bool | None]:
        """Retrieval for a new question and the decision that does not depend on the abstention thresholds: False
        when the question is outside the knowledge base's scope, True for a case with a located lesion, None when
        the thresholds decide (``covered``). ``ask`` follows the same order."""
        question = " ".join(question.split())
        case, extractor = extract_case(question)
        und = decide(question, case, extractor)
        retrieval = self.retrieve(question, mode, und.case if und.kind == "case" else None)
        return retrieval, fixed_decision(question, und, self.vocabulary, retrieval, self.thresholds,
                                         exclude_set).answer

    # --- conversations --------------------------------------------------------------------------------------------

    def conversation(self, conversation_id: str | None = None) -> Conversation:
        if conversation_id and conversation_id in self.conversations:
            self.conversations.move_to_end(conversation_id)
            return self.conversations[conversation_id]
        conv = Conversation(id=conversation_id or uuid.uuid4().hex)
        self.conversations[conv.id] = conv
        while len(self.conversations) > 256:
            self.conversations.popitem(last=False)
        return conv

    # --- answering --------------------------------------------------------------------------------------------------

    def ask(self, question: str, *, audience: Audience = "clinician", conversation: Conversation | str | None = None,
            mode: Mode | None = None) -> Answer:
        t0 = time.perf_counter()
        conv = self.conversation(conversation) if isinstance(conversation, str) or conversation is None \
            else conversation
        question = " ".join(question.split())
        case, extractor = extract_case(question)
        und = decide(question, case, extractor)
        follow = conv.case is not None and is_follow_up(question) and case is not None
        retrieval_q = question
        if follow:
            assert case is not None and conv.case is not None
            und = Understanding("case", merge_cases(conv.case, case), flatten(case), True, extractor,
                                "follow-up to the conversation's case")
            retrieval_q = f"{conv.case_question} {question}"
        elif und.kind == "topic" and conv.last_topic and is_follow_up(question):
            retrieval_q = f"{conv.last_topic} {question}"
        retrieval = self.retrieve(retrieval_q, mode, und.case if und.kind == "case" else None)
        # a follow-up continues its conversation's case or topic: answered whatever scope and thresholds say
        decision = Decision(True) if follow else fixed_decision(question, und, self.vocabulary, retrieval,
                                                                self.thresholds)
        if decision.reason:
            und.reason = decision.reason if decision.answer is False else f"{und.reason}; {decision.reason}"
        if decision.answer is False:
            ans = self._not_covered(question, retrieval, audience)
            ans.notes.append(decision.note)
        elif decision.answer is None and not covered(retrieval, self.thresholds):
            ans = self._not_covered(question, retrieval, audience)
            und.reason = f"{und.reason}; retrieval under the abstention thresholds" + (
                "" if retrieval.domain else " (the question names nothing of the knowledge base's domain)")
        elif und.kind == "case" and und.case is not None:
            ans = self._case(question, und, retrieval, audience, conv, follow)
        else:
            ans = compose_topic(question, retrieval, self.index.corpus, self.index.chunks, audience, _disclaimer())
            ans.facts = facts_of(und.facts, audience)
            conv.last_topic = retrieval_q
        ans.conversation_id = conv.id
        ans.retrieval = {
            "mode": retrieval.mode, "dense": retrieval.dense_top is not None,
            "dense_top": None if retrieval.dense_top is None else round(retrieval.dense_top, 4),
            "coverage": round(retrieval.coverage, 4), "synonyms": retrieval.matched_synonyms,
            "domain": retrieval.domain,
            "knowledge_base": self.index.corpus.hash[:12], "statements": len(self.index.corpus.statements),
            "decision": und.reason, "extractor": und.extractor,
            "elapsed_ms": round((time.perf_counter() - t0) * 1000, 1),
        }
        if retrieval.mode == "bm25":
            ans.notes.append("Dense retrieval is off or unavailable: retrieved by keyword search (BM25) alone.")
        conv.turns.append((question, ans.kind))
        return ans

    def _not_covered(self, question: str, r: Retrieval, audience: Audience) -> Answer:
        corpus = self.index.corpus
        topics: list[str] = []
        for h in r.hits[:5]:
            s = corpus.statements.get(h.target) if h.kind == "statement" else None
            if s is not None:
                label = f"{s.title} ({s.topic})"
                if label not in topics:
                    topics.append(label)
        return Answer(kind="not_covered", question=question, audience=audience,
                      title="Not covered by the knowledge base", notes=[NOT_COVERED], nearest_topics=topics[:3],
                      disclaimer=_disclaimer())

    def _case(self, question: str, und: Understanding, retrieval: Retrieval, audience: Audience,
              conv: Conversation, follow: bool) -> Answer:
        from tumorboard.engine import assess

        case = und.case
        assert case is not None
        result = assess(case)
        corpus, chunks = self.index.corpus, self.index.chunks
        ans, has_plan = compose_case(question, case, result, corpus, chunks, audience, _disclaimer(),
                                     related_to_question(case, result, retrieval, corpus))
        if not has_plan:
            ans = compose_topic(question, retrieval, corpus, chunks, audience, _disclaimer())
            ans.kind = "case"
            ans.notes.append("The engine returned no plan for this case; the sections are the statements retrieved "
                             "for the question, not checked against the case's conditions.")
        ans.case = case.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
        ans.facts = facts_of(flatten(case), audience)
        if follow and conv.last_case_answer is not None:
            fact_changes = [Change(kind="fact", text=f"{f.label}: now {_fmt(f.value)}")
                            for f in facts_of(und.facts, audience)]
            ans.changes = fact_changes + plan_changes(conv.last_case_answer, ans)
            if len(ans.changes) == len(fact_changes):
                ans.changes.append(Change(kind="fact", text="The plan's options did not change."))
        conv.case = case
        if not follow:
            conv.case_question = question
        conv.last_case_answer = ans
        return ans


_DEFAULT: QA | None = None


def default_qa() -> QA:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = QA()
    return _DEFAULT


def ask(question: str, *, audience: Audience = "clinician", conversation_id: str | None = None) -> Answer:
    """Answer ``question``; pass the ``conversation_id`` of an earlier answer to keep its context."""
    return default_qa().ask(question, audience=audience, conversation=conversation_id or None)


__all__ = ["QA", "Answer", "Conversation", "Fact", "ask", "covered", "default_qa"]
