"""The medspaCy pipeline: tokenizer, spaCy sentencizer (+ line breaks), target rules, ConText. Loaded once, lazily."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).parent / "rules"
CONTEXT_RULES = Path(__file__).parent / "context_rules.json"
RULE_FILES = (
    "levels",
    "performance",
    "histology",
    "disease",
    "lesion",
    "structures",
    "neurology",
    "pain",
    "prior_treatment",
    "labs",
)
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "ca", "no", "y.o", "yrs", "pt", "st", "fig"}
_lock = threading.Lock()
_nlp: Any = None


@lru_cache(maxsize=1)
def rule_specs() -> list[dict[str, Any]]:
    """Every target rule of ``rules/*.yaml`` and the drug vocabulary, as plain dicts (literal, category, pattern,
    metadata)."""
    from tumorboard.text.prior_treatment import drug_patterns

    specs: list[dict[str, Any]] = []
    for name in RULE_FILES:
        for r in yaml.safe_load((RULES_DIR / f"{name}.yaml").read_text()):
            meta = dict(r.get("metadata") or {})
            meta["family"] = name
            specs.append(
                {"literal": r["literal"], "category": r["category"], "pattern": r["pattern"], "metadata": meta}
            )
    pats = sorted(drug_patterns(), key=lambda p: -len(p[0]))
    names = "|".join(rx.removeprefix(r"\b").removesuffix(r"\b") for _, rx in pats)
    specs.append(
        {
            "literal": "drug name",
            "category": "DRUG",
            "pattern": rf"\b(?:{names})\b",
            "metadata": {"parser": "prior_treatment.drug", "family": "prior_treatment", "treatment": True},
        }
    )
    for s in specs:
        re.compile(s["pattern"], re.IGNORECASE)  # fail early on a bad rule
    return specs


def _sentence_fixer(doc: Any) -> Any:
    """After spaCy's sentencizer: no split after an abbreviation or before a lower-case word; split at line breaks."""
    for i, tok in enumerate(doc):
        if i == 0:
            continue
        prev = doc[i - 1]
        if tok.is_sent_start and prev.text == "." and i >= 2:
            before = doc[i - 2].text.lower().rstrip(".")
            if before in _ABBREVIATIONS or (tok.text[:1].islower() and not tok.is_space):
                tok.is_sent_start = False
        if tok.is_sent_start and prev.text.lower().rstrip(".") in _ABBREVIATIONS and prev.text.endswith("."):
            tok.is_sent_start = False
        line_break = "\n" in prev.text_with_ws or (prev.is_space and "\n" in prev.text)
        if line_break and not tok.is_space:
            tok.is_sent_start = True
    return doc


class _TargetComponent:
    """medspaCy's TargetMatcher with the domain rules, setting ``doc.ents`` once per doc (adding entities one at a
    time, as the stock component does, is quadratic) and reading the text once for all regular-expression rules."""

    def __init__(self, nlp: Any) -> None:
        from medspacy.common.regex_matcher import RegexMatcher
        from medspacy.target_matcher import TargetMatcher, TargetRule

        class FastRegexMatcher(RegexMatcher):  # type: ignore[misc]
            def __call__(self, doc: Any) -> list[tuple[int, int, int]]:
                text = doc.text_with_ws
                matches = []
                for match_id, patterns in self._patterns.items():
                    for pattern in patterns:
                        for m in pattern.finditer(text):
                            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                            if span is not None and len(span):
                                matches.append((match_id, span.start, span.end))
                return matches

        self.matcher = TargetMatcher(nlp, name="tb_target_matcher", result_type=None)
        self.matcher.add(
            [
                TargetRule(s["literal"], s["category"], pattern=s["pattern"], metadata=s["metadata"])
                for s in rule_specs()
            ]
        )
        inner = self.matcher._TargetMatcher__matcher
        inner._MedspacyMatcher__regex_matcher.__class__ = FastRegexMatcher

    def __call__(self, doc: Any) -> Any:
        from spacy.util import filter_spans

        doc.ents = filter_spans(list(doc.ents) + list(self.matcher(doc)))
        return doc


def build_pipeline() -> Any:
    """A fresh medspaCy pipeline with the domain rules (about 1 s after medspaCy is imported)."""
    logging.getLogger("PyRuSH").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=r"\[W036\]")  # medspaCy's empty phrase matcher
    try:  # PyRuSH logs through loguru at DEBUG; it is not used, but importing medspaCy may import it
        from loguru import logger

        logger.remove()
    except Exception:  # pragma: no cover - loguru missing is fine
        pass
    import medspacy
    from medspacy.context import ConTextRule
    from spacy.language import Language

    if not Language.has_factory("tb_sentence_fixer"):
        Language.component("tb_sentence_fixer")(_sentence_fixer)
    if not Language.has_factory("tb_target_matcher"):
        Language.factory("tb_target_matcher")(lambda nlp, name: _TargetComponent(nlp))
    nlp = medspacy.load(medspacy_enable=["medspacy_context"])
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("tb_sentence_fixer", after="sentencizer")
    nlp.add_pipe("tb_target_matcher", before="medspacy_context")
    context = nlp.get_pipe("medspacy_context")
    context.add(ConTextRule.from_json(str(CONTEXT_RULES)))
    return nlp


def get_pipeline() -> Any:
    """The shared pipeline, built on first use (thread-safe)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = build_pipeline()
    return _nlp
