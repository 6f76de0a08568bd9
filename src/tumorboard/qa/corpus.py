"""The knowledge base as a retrieval corpus: statements and references, with a content hash.

The shared loader (``tumorboard.knowledge.load``) is used whenever it loads. While content is being written it can
refuse the whole knowledge base for one bad entry; ``tumorboard ask`` then reads the same files tolerantly (each
statement and reference validated on its own with the shared models, invalid ones skipped and counted) so that the
rest of the knowledge base still answers. The corpus hash covers every file, so the index follows any change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

SECTIONS = ("assessment", "treatment", "special_considerations", "supportive", "monitoring", "pitfalls")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.*]*)\}")

# Neutral wording for the placeholders of a statement when no case fills them (topic answers).
GENERIC: dict[str, str] = {
    "lesion": "the lesion",
    "levels": "the affected level(s)",
    "level": "the affected level",
    "region": "the affected bone",
    "location": "the lesion",
    "side": "the affected side",
    "structures": "the involved structures",
    "histology": "the tumour",
    "site": "the primary tumour",
    "primary": "the tumour",
    "age": "the patient's age",
    "sex": "the patient",
    "ecog": "the performance status",
    "kps": "the performance status",
    "life_expectancy": "the expected survival",
    "escc": "the epidural compression grade",
    "escc_band": "the epidural compression grade",
    "sins": "the SINS score",
    "sins_band": "the SINS band",
    "mirels": "the Mirels score",
    "frankel": "the neurological grade",
    "asia": "the neurological grade",
}


@dataclass(frozen=True)
class StatementDoc:
    id: str
    topic: str
    title: str
    statement: str
    plain_language: str
    modality: str | None
    section: str
    strength: str
    evidence: str
    references: tuple[str, ...]
    review_status: str = "draft"
    urgency: str | None = None
    avoid_reason: str | None = None
    questions: tuple[str, ...] = ()  # the questions it answers, as users ask them (knowledge/questions/)


@dataclass(frozen=True)
class ReferenceDoc:
    id: str
    citation: str
    year: int | None
    type: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    verified: bool = False


@dataclass
class Corpus:
    statements: dict[str, StatementDoc]
    references: dict[str, ReferenceDoc]
    hash: str
    root: str
    loader: str  # "shared" or "tolerant"
    skipped: list[str] = field(default_factory=list)
    modalities: dict[str, str] = field(default_factory=dict)

    def cited_by(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s in self.statements.values():
            for r in s.references:
                out.setdefault(r, []).append(s.id)
        return out


# after these words a tumour placeholder reads as "disease" ("advanced disease", not "advanced the tumour")
_QUALIFIED = re.compile(r"\b(advanced|recurrent|metastatic|progressive|oligometastatic|radioresistant|relapsed|"
                        r"refractory|visible|residual)\s+\{(?:histology|primary)\}", re.I)


def fill_generic(text: str) -> str:
    """Replace placeholders with neutral wording; a placeholder alone in parentheses is dropped."""
    text = re.sub(r"\s*\(\{[A-Za-z_][A-Za-z0-9_.*]*\}\)", "", text)
    text = _QUALIFIED.sub(lambda m: f"{m.group(1)} disease", text)
    return PLACEHOLDER.sub(lambda m: GENERIC.get(m.group(1).split(".")[-1], "the relevant finding"), text)


def _root(path: str | Path | None) -> Path:
    try:
        from tumorboard.knowledge import knowledge_dir

        return Path(knowledge_dir(path))
    except Exception:
        if path is not None:
            return Path(path)
        return Path(__file__).resolve().parents[3] / "knowledge"


def _files(root: Path) -> list[Path]:
    names = [root / "modalities.yaml", root / "references.yaml"]
    stmts = root / "statements"
    if stmts.is_dir():
        names += sorted(p for p in stmts.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    questions = root / "questions"
    if questions.is_dir():
        names += sorted(p for p in questions.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [p for p in names if p.is_file()]


def content_hash(root: Path) -> str:
    h = hashlib.sha256()
    for f in _files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _evidence(ev: Any) -> str:
    if isinstance(ev, dict):
        return f"{ev.get('scheme', '')} {ev.get('level', '')}".strip()
    if ev is not None and hasattr(ev, "scheme"):
        return f"{ev.scheme} {ev.level}"
    return ""


def _field(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _stmt_from(st: Any, topic: str) -> StatementDoc:
    def get(key: str) -> Any:
        return _field(st, key)

    review = get("review") or {}
    status = review.get("status") if isinstance(review, dict) else getattr(review, "status", "draft")
    return StatementDoc(
        id=str(get("id")),
        topic=topic,
        title=str(get("title") or ""),
        statement=" ".join(str(get("statement") or "").split()),
        plain_language=" ".join(str(get("plain_language") or "").split()),
        modality=get("modality"),
        section=str(get("section") or "treatment"),
        strength=str(get("strength") or "consider"),
        evidence=_evidence(get("evidence")),
        references=tuple(get("references") or ()),
        review_status=str(status or "draft"),
        urgency=get("urgency"),
        avoid_reason=" ".join(str(get("avoid_reason")).split()) if get("avoid_reason") else None,
    )


def _ref_from(r: Any) -> ReferenceDoc:
    def get(key: str) -> Any:
        return _field(r, key)

    year = get("year")
    return ReferenceDoc(
        id=str(get("id")),
        citation=" ".join(str(get("citation") or "").split()),
        year=int(year) if isinstance(year, int) else None,
        type=str(get("type") or "other"),
        pmid=str(get("pmid")) if get("pmid") else None,
        doi=str(get("doi")) if get("doi") else None,
        url=get("url"),
        verified=bool(get("verified")),
    )


def _modalities(root: Path) -> dict[str, str]:
    try:
        raw = yaml.safe_load((root / "modalities.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str, str] = {}
    for group in raw.values() if isinstance(raw, dict) else ():
        if isinstance(group, dict):
            out.update({str(k): str(v) for k, v in group.items()})
    return out


def load_corpus(path: str | Path | None = None) -> Corpus:
    """Statements and references of the knowledge base at ``path`` (default: the project's), each statement with
    the questions it answers (``knowledge/questions/``; entries for unknown ids are ignored here, `kb check`
    reports them)."""
    root = _root(path)
    chash = content_hash(root)
    try:
        from tumorboard.knowledge import load

        kb = load(root)
        stmts = {cs.id: _stmt_from(cs.stmt, cs.topic) for cs in kb.statements}
        refs = {rid: _ref_from(r) for rid, r in kb.references.items()}
        corpus = Corpus(stmts, refs, chash, str(root), "shared", modalities=_modalities(root))
    except Exception:  # the shared loader refuses an invalid knowledge base as a whole; read what is valid
        corpus = _tolerant(root, chash)
    return _with_questions(corpus, root)


def _with_questions(corpus: Corpus, root: Path) -> Corpus:
    try:
        from tumorboard.knowledge.questions import load_questions

        questions, _ = load_questions(root)
    except Exception:  # the questions are an aid: without them retrieval still works
        return corpus
    corpus.statements = {sid: replace(s, questions=questions[sid]) if sid in questions else s
                         for sid, s in corpus.statements.items()}
    return corpus


def _tolerant(root: Path, chash: str) -> Corpus:
    try:
        from tumorboard.knowledge.models import Reference, Statement

        models: tuple[Any, Any] | None = (Reference, Statement)
    except Exception:
        models = None
    skipped: list[str] = []
    refs: dict[str, ReferenceDoc] = {}
    try:
        raw_refs = (yaml.safe_load((root / "references.yaml").read_text()) or {}).get("references") or []
    except (OSError, yaml.YAMLError, AttributeError):
        raw_refs = []
    for r in raw_refs:
        if not isinstance(r, dict) or not r.get("id") or not r.get("citation"):
            skipped.append(f"reference {r.get('id') if isinstance(r, dict) else r!r}")
            continue
        refs[str(r["id"])] = _ref_from(r)
    stmts: dict[str, StatementDoc] = {}
    stmt_dir = root / "statements"
    for f in sorted(stmt_dir.glob("*.yaml")) if stmt_dir.is_dir() else []:
        try:
            raw = yaml.safe_load(f.read_text()) or {}
        except (OSError, yaml.YAMLError):
            skipped.append(f"file {f.name}")
            continue
        topic = str(raw.get("topic") or f.stem) if isinstance(raw, dict) else f.stem
        items = raw.get("statements") if isinstance(raw, dict) else None
        for item in items or []:
            if not isinstance(item, dict) or not item.get("id"):
                skipped.append(f"statement in {f.name}")
                continue
            if models is not None:
                try:
                    models[1].model_validate(item)
                except Exception:
                    skipped.append(f"statement {item.get('id')}")
                    continue
            elif not (item.get("statement") and item.get("title")):
                skipped.append(f"statement {item.get('id')}")
                continue
            if item["id"] in stmts:
                skipped.append(f"statement {item['id']} (duplicate)")
                continue
            stmts[str(item["id"])] = _stmt_from(item, topic)
    return Corpus(stmts, refs, chash, str(root), "tolerant", skipped, _modalities(root))
