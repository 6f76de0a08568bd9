"""The knowledge base's vocabulary, a scope signal that needs no list of other diseases.

A question about a lipoma, radiation cystitis or a parathyroidectomy shares most of its words with the field
(treatment, dose, fracture, radiotherapy), so retrieval scores cannot refuse it; but it also uses a technical word the
knowledge base never does. The words the knowledge base uses are those of its statements (with the questions each
answers), its references, the user's documents, the synonym list, the words the text pipeline's rules recognise and
the ``familiar`` words of ``scope.yaml`` (skeletal anatomy and everyday clinical words). A question word is
*unfamiliar* when none of these has it (after spelling normalisation, light stemming, a shared stem or a near
spelling, so typos pass) and it is rare in general English (Zipf frequency under ``UNFAMILIAR_ZIPF`` in the
``wordfreq`` lists): a term of another field. A word is *specific* when it is rare in English and only a few
knowledge-base documents use it (a trial such as TAXOGEM or CALGB 70604): the question names something the knowledge
base holds. Both are shown in the answer, so the decision can be checked.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from tumorboard.qa.textproc import Synonyms, load_synonyms, stem, words

UNFAMILIAR_ZIPF = 3.0  # under this English frequency (per 10^9 words, log10) a word is technical, not everyday
SPECIFIC_ZIPF = 1.0  # a specific word is almost unknown to English (a trial's name) ...
SPECIFIC_DOCS = 3  # ... and used by at most this many knowledge-base documents
SHARED_STEM = 6  # a word and a knowledge-base word sharing a stem this long are the same word (deform/deformity)
NEAR_SPELLING = 0.84  # difflib ratio for a typo (as tumorboard.qa.textproc.correct)
MIN_LENGTH = 4  # shorter words (and any with digits) are abbreviations or numbers: never unfamiliar
UK_US = ((re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"), (re.compile(r"ae"), "e"), (re.compile(r"oe"), "e"),
         (re.compile(r"our$"), "or"))


@lru_cache(maxsize=1)
def _zipf() -> object:
    from wordfreq import zipf_frequency  # lazy: its word lists load on first use (about 0.25 s)

    return zipf_frequency


def zipf(word: str) -> float:
    """English frequency of ``word`` on the Zipf scale (0 = unseen, 7 = 'the')."""
    return float(_zipf()(word, "en"))  # type: ignore[operator]


@lru_cache(maxsize=1)
def _rule_patterns() -> tuple[re.Pattern[str], ...]:
    """The text pipeline's target rules (not the drug list: a drug the knowledge base never names is unfamiliar)."""
    from tumorboard.text.pipeline import rule_specs

    return tuple(re.compile(s["pattern"], re.IGNORECASE) for s in rule_specs() if s["category"] != "DRUG")


def _forms(word: str, syn: Synonyms) -> set[str]:
    out = {word, syn.spelling.get(word, word)}
    for rx, rep in UK_US:
        out |= {rx.sub(rep, w) for w in list(out)}
    return out | {stem(w) for w in out}


EVERYDAY_PARTS = 3.5  # an inflected or prefixed form of a common word is everyday too (summing, redone)
_SUFFIXES = ("ing", "ed", "es", "s", "er")
_PREFIXES = ("re", "un", "pre", "over", "under")


def everyday(word: str) -> bool:
    """Common in English, directly or as an inflected or prefixed form of a common word."""
    if zipf(word) >= UNFAMILIAR_ZIPF:
        return True
    bases = []
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            b = word[: -len(suf)]
            bases += [b, b + "e"] + ([b[:-1]] if len(b) > 3 and b[-1] == b[-2] else [])
    bases += [word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 4]
    return any(zipf(b) >= EVERYDAY_PARTS for b in bases)


@dataclass(frozen=True)
class Vocabulary:
    words: frozenset[str]
    ordered: tuple[str, ...]  # sorted, for shared-stem lookups
    doc_freq: dict[str, int]
    syn: Synonyms

    @classmethod
    def build(cls, documents: Iterable[str], familiar: Iterable[str] = (), syn: Synonyms | None = None) -> Vocabulary:
        syn = syn or load_synonyms()
        df: Counter[str] = Counter()
        for text in documents:
            seen: set[str] = set()
            for w in words(text):
                for p in (w, *w.split("-")) if "-" in w else (w,):
                    seen |= _forms(p, syn)
            df.update(seen)
        extra: set[str] = set()
        for text in [*familiar, *(f"{k} {v}" for k, v in {**syn.expansions, **syn.spelling}.items())]:
            for w in words(text):
                for p in (w, *w.split("-")):
                    extra |= _forms(p, syn)
        vocab = frozenset(df) | frozenset(extra)
        zipf("the"), _rule_patterns()  # load the word lists and rules now, not on the first question
        return cls(vocab, tuple(sorted(vocab)), dict(df), syn)

    def known(self, word: str) -> bool:
        forms = _forms(word, self.syn)
        if forms & self.words:
            return True
        for f in forms:
            if len(f) >= SHARED_STEM:
                i = bisect.bisect_left(self.ordered, f)
                if i < len(self.ordered) and self.ordered[i].startswith(f):
                    return True  # deforming ~ deformity
                j = bisect.bisect_right(self.ordered, f) - 1
                if j >= 0 and len(self.ordered[j]) >= SHARED_STEM and f.startswith(self.ordered[j]):
                    return True  # embolisations ~ embolisation
        lo = bisect.bisect_left(self.ordered, word[0])
        hi = bisect.bisect_left(self.ordered, chr(ord(word[0]) + 1))
        return bool(difflib.get_close_matches(word, self.ordered[lo:hi], n=1, cutoff=NEAR_SPELLING))

    def _compound(self, word: str) -> bool:
        """Two familiar words written as one (jawbone, painkiller)."""
        def part(w: str) -> bool:
            return zipf(w) >= EVERYDAY_PARTS or (len(w) >= MIN_LENGTH and w in self.words)

        return any(part(word[:i]) and part(word[i:]) for i in range(3, len(word) - 2))

    def unfamiliar(self, question: str) -> list[str]:
        """Words of ``question`` that are rare in English and that the knowledge base never uses."""
        spans = [m.span() for p in _rule_patterns() for m in p.finditer(question)]
        out: list[str] = []
        for m in re.finditer(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", question):
            if any(a <= m.start() and m.end() <= b for a, b in spans):
                continue  # the text pipeline recognises it (a bone site, a histology, a level ...)
            w = m.group(0).lower()
            if w in self.words:
                continue
            for p in w.split("-"):
                if len(p) < MIN_LENGTH or any(c.isdigit() for c in p) or p in out:
                    continue
                if not everyday(p) and not self.known(p) and not self._compound(p):
                    out.append(p)
        return out

    def specific(self, question: str) -> list[str]:
        """Words of ``question`` rare in English that only a few knowledge-base documents use (a named trial)."""
        out: list[str] = []
        for w in words(question):
            for p in (w, *w.split("-")) if "-" in w else (w,):
                n = self.doc_freq.get(p, 0)
                if (len(p) >= MIN_LENGTH and any(c.isalpha() for c in p) and 0 < n <= SPECIFIC_DOCS
                        and zipf(p) < SPECIFIC_ZIPF and p not in out):
                    out.append(p)
        return out
