"""Tokenising and query expansion for retrieval: spelling normalisation (UK/US, variants), a light stemmer, stop
words, the abbreviation and synonym list of ``synonyms.yaml``, and typo correction against the corpus vocabulary."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms.yaml"
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_STOP = (
    "a about above after again against all am an and any are as at be because been before being below between both "
    "but by can could did do does doing down during each few for from further had has have having he her here hers "
    "herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on "
    "once only or other our ours ourselves out over own same she should so some such than that the their theirs "
    "them themselves then there these they this those through to too under until up very was we were what when "
    "where which while who whom why will with would you your yours yourself yourselves also may might must shall "
    "get got ever let lets its it's i'm im we're please tell know want need like really still already much many us "
    "whether best course way options option role use used using give given "
)
STOPWORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Intent:
    terms: tuple[str, ...]
    section: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Synonyms:
    spelling: dict[str, str]
    expansions: dict[str, str]
    digest: str
    intents: tuple[Intent, ...] = ()


@lru_cache(maxsize=4)
def load_synonyms(path: str | None = None) -> Synonyms:
    raw_bytes = Path(path or SYNONYMS_FILE).read_bytes()
    raw = yaml.safe_load(raw_bytes) or {}
    spelling = {str(k).lower(): str(v).lower() for k, v in (raw.get("spelling") or {}).items()}
    expansions = {str(k).lower(): str(v) for k, v in (raw.get("abbreviations") or {}).items()}
    intents = tuple(
        Intent(tuple(str(t).lower() for t in i.get("terms") or ()), i.get("section"), i.get("topic"))
        for i in raw.get("intents") or ()
    )
    return Synonyms(spelling, expansions, hashlib.sha256(raw_bytes).hexdigest()[:16], intents)


def intents(query: str, syn: Synonyms | None = None) -> list[Intent]:
    """The intents whose terms occur in the question (whole words; ages under 18 count as paediatric)."""
    syn = syn or load_synonyms()
    low = " " + " ".join(words(query)) + " "
    out = [i for i in syn.intents if any(f" {t} " in low for t in i.terms)]
    age = re.search(r"\b(\d{1,2})[- ]?(?:year|yr|y)s?[- ]?(?:old|o)\b", query, re.I)
    if age and int(age.group(1)) < 18:
        out += [i for i in syn.intents if i.topic and "pediatric" in i.topic.replace("paed", "ped") and i not in out]
    return out


def stem(word: str) -> str:
    """A light, deterministic suffix stripper (plural and a few inflections); enough for a small domain corpus."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ous", "us", "is", "ss", "sis")):
        return word
    if word.endswith("s"):
        return word[:-1]
    if word.endswith("ing") and len(word) > 6:
        word = word[:-3]
    elif (word.endswith("ed") and len(word) > 5) or (word.endswith("ly") and len(word) > 6):
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:  # relapse/relapsed, excise/excised meet
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'"))


def tokens(text: str, syn: Synonyms | None = None) -> list[str]:
    """Index/query tokens: lower case, spelling normalised, stop words removed, stemmed; hyphenated words also
    contribute their parts."""
    syn = syn or load_synonyms()
    out: list[str] = []
    for w in words(text):
        parts = [w, *w.split("-")] if "-" in w else [w]
        for p in parts:
            p = syn.spelling.get(p, p)
            if not p or p in STOPWORDS:
                continue
            for q in p.split():
                out.append(stem(q))
    return out


def expand(query: str, syn: Synonyms | None = None) -> tuple[str, list[str]]:
    """The query with the expansions of every abbreviation or phrase it contains appended; and the keys matched."""
    syn = syn or load_synonyms()
    low = " " + " ".join(words(query)) + " "
    matched: list[str] = []
    extra: list[str] = []
    for key, value in syn.expansions.items():
        if f" {key} " in low:
            matched.append(key)
            extra.append(value)
    return (query + " " + " ".join(extra)).strip(), matched


def correct(query_tokens: list[str], vocabulary: frozenset[str]) -> list[str]:
    """Replace tokens unknown to the corpus by their closest vocabulary word (typos such as 'compresion')."""
    out = []
    for t in query_tokens:
        if t in vocabulary or len(t) < 5 or t[0].isdigit():
            out.append(t)
            continue
        close = difflib.get_close_matches(t, [v for v in vocabulary if v[:1] == t[:1]], n=1, cutoff=0.84)
        out.append(close[0] if close else t)
    return out
