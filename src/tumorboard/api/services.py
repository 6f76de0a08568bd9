"""What the API and the web pages share: the knowledge base, the engine, text extraction and ask, and the store.

Optional parts are found at run time and used through their public names only:

- ``tumorboard.knowledge``: a loader (``load``, ``load_kb`` or ``load_knowledge_base``) returning an object with
  ``statements`` and ``references`` (mappings or lists) and ``version``/``hash``. Without it the knowledge-base
  files are read as documented in docs/knowledge-format.md, for browsing only (the engine then gets no ``kb``).
- ``tumorboard.engine.assess(case, *, kb=None, analyse_missing=True)`` (older signature ``assess(case)`` accepted).
- ``tumorboard.text.extract(text)`` -> an ``Extraction`` (case, facts, conflicts).
- ``tumorboard.qa.ask(question, ...)`` -> an answer object.

Heavy models (the text pipeline, the retrieval index) load in background threads started with the server; a request
that needs one waits for it (bounded) instead of failing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tumorboard import __version__
from tumorboard.model.case import Case
from tumorboard.model.parse import CaseError, FieldError, parse_case_data
from tumorboard.model.result import Result
from tumorboard.store import AssessmentWrite, Document, Store

log = logging.getLogger("tumorboard.api")


class NotAvailable(Exception):
    """An optional part (text extraction, ask, the knowledge base) is not installed or not loaded."""

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(detail)
        self.part = part
        self.detail = detail


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def as_data(obj: Any) -> Any:
    """A plain JSON-able view of a pydantic model, dataclass, mapping or list."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", exclude_none=True)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return as_data(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): as_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [as_data(v) for v in obj]
    return str(obj)


# -- knowledge base ---------------------------------------------------------------------------------------------------
def knowledge_dir() -> Path | None:
    env = os.environ.get("TUMORBOARD_KNOWLEDGE_DIR")
    candidates = [Path(env)] if env else []
    import tumorboard

    candidates.append(Path(tumorboard.__file__).resolve().parents[2] / "knowledge")
    for c in candidates:
        if (c / "references.yaml").is_file():
            return c
    return None


@dataclass
class KnowledgeBase:
    """The knowledge base as the edges see it: statements and references by id, version and content hash."""

    source: str  # "loader" | "files" | "none"
    version: str
    hash: str
    statements: dict[str, dict[str, Any]] = field(default_factory=dict)
    references: dict[str, dict[str, Any]] = field(default_factory=dict)
    engine_kb: Any = None  # the loader's object, passed to the engine
    error: str = ""

    @property
    def loaded(self) -> bool:
        return self.source != "none"

    def topics(self) -> list[str]:
        return sorted({str(s.get("topic")) for s in self.statements.values() if s.get("topic")})


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    data = as_data(items)
    if isinstance(data, dict):
        return {str(k): (v if isinstance(v, dict) else {"value": v}) | {"id": str(k)} for k, v in data.items()}
    if isinstance(data, list):
        return {str(v["id"]): v for v in data if isinstance(v, dict) and "id" in v}
    return {}


def _values(items: Any) -> list[Any]:
    return list(items.values()) if isinstance(items, dict) else list(items or [])


def _statement_data(item: Any) -> Any:
    """A statement as data: a compiled statement's ``stmt`` (with its ``topic``), or the statement itself."""
    inner = getattr(item, "stmt", None)
    if inner is None:
        return as_data(item)
    data = as_data(inner)
    if isinstance(data, dict):
        data.setdefault("topic", getattr(item, "topic", None))
    return data


def load_knowledge() -> KnowledgeBase:
    """The knowledge base through ``tumorboard.knowledge`` when it exists, else from the documented files."""
    if module_available("tumorboard.knowledge"):
        try:
            mod = importlib.import_module("tumorboard.knowledge")
            loader = next((getattr(mod, n) for n in ("load", "load_kb", "load_knowledge_base") if callable(
                getattr(mod, n, None))), None)
            if loader is not None:
                kb = loader()
                statements = _by_id([_statement_data(x) for x in _values(getattr(kb, "statements", []))])
                references = _by_id(getattr(kb, "references", {}))
                version = str(getattr(kb, "version", "") or "")
                digest = str(getattr(kb, "hash", "") or getattr(kb, "content_hash", "") or "")
                return KnowledgeBase("loader", version or f"kb-{digest[:12]}", digest, statements, references, kb)
        except Exception as exc:  # a broken knowledge base must not take the server down; readyz reports it
            log.error("knowledge base loader failed", extra={"event": "kb.error", "error": type(exc).__name__})
            return KnowledgeBase("none", "", "", error=f"{type(exc).__name__}: {exc}")
    return _load_files()


def _load_files() -> KnowledgeBase:
    import yaml

    root = knowledge_dir()
    if root is None:
        return KnowledgeBase("none", "", "", error="no knowledge base found (set TUMORBOARD_KNOWLEDGE_DIR)")
    digest = hashlib.sha256()
    statements: dict[str, dict[str, Any]] = {}
    references: dict[str, dict[str, Any]] = {}
    files = [root / "references.yaml", *sorted((root / "statements").glob("*.yaml"))]
    for path in files:
        raw = path.read_bytes()
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + raw)
        data = yaml.safe_load(raw) or {}
        if path.name == "references.yaml":
            references.update(_by_id(data.get("references") or []))
        else:
            topic = data.get("topic") or path.stem
            for s in data.get("statements") or []:
                if isinstance(s, dict) and "id" in s:
                    statements[str(s["id"])] = {**s, "topic": topic}
    h = digest.hexdigest()
    return KnowledgeBase("files", f"files-{h[:12]}", h, statements, references)


# -- background models ------------------------------------------------------------------------------------------------
class Background:
    """A part that loads in a background thread; ``get`` waits for it (bounded)."""

    def __init__(self, name: str, load: Callable[[], Any]) -> None:
        self.name = name
        self._load = load
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        self._started = False
        self._lock = threading.Lock()
        self.seconds: float | None = None

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name=f"load-{self.name}", daemon=True).start()

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self._value = self._load()
        except BaseException as exc:
            self._error = exc
            log.error("background load failed", extra={"event": "load.error", "part": self.name,
                                                        "error": type(exc).__name__})
        finally:
            self.seconds = round(time.perf_counter() - t0, 3)
            self._done.set()

    @property
    def state(self) -> str:
        if not self._started:
            return "not_started"
        if not self._done.is_set():
            return "loading"
        return "failed" if self._error else "ready"

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until loaded or failed (without raising); False on timeout."""
        return self._done.wait(timeout)

    def get(self, timeout: float = 60.0) -> Any:
        self.start()
        if not self._done.wait(timeout):
            raise NotAvailable(self.name, f"{self.name} is still loading; try again shortly")
        if isinstance(self._error, NotAvailable):
            raise self._error
        if self._error is not None:
            raise NotAvailable(self.name, f"{self.name} failed to load: {type(self._error).__name__}")
        return self._value


def _load_text() -> Any:
    mod = importlib.import_module("tumorboard.text")
    extract = getattr(mod, "extract", None)
    if not callable(extract):
        raise NotAvailable("text", TEXT_MISSING)
    _warm(mod, ("load", "load_pipeline", "get_pipeline", "warm_up"))
    return extract


def _load_qa() -> Any:
    mod = importlib.import_module("tumorboard.qa")
    ask = getattr(mod, "ask", None) or getattr(mod, "answer", None)
    if not callable(ask):
        raise NotAvailable("ask", QA_MISSING)
    _warm(mod, ("load", "load_index", "warm_up"))
    return ask


def _warm(mod: Any, names: tuple[str, ...]) -> None:
    """Call the module's first no-argument loader among ``names`` so that the first request does not pay for it."""
    for name in names:
        fn = getattr(mod, name, None)
        if callable(fn):
            with contextlib.suppress(TypeError):
                fn()
            return


def freeze_heap() -> None:
    """Once the heavy parts are loaded: collect, then move every object alive into the collector's permanent
    generation. The loaded models are millions of long-lived objects; without this, each full collection walks them
    all and stalls the server (measured: 450 ms pauses under load, the p99 tail)."""
    import gc

    t0 = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.info("heap frozen", extra={"event": "gc.freeze", "objects": gc.get_freeze_count(),
                                   "ms": round((time.perf_counter() - t0) * 1000, 1)})


TEXT_MISSING = "Text extraction is not installed yet (tumorboard.text); send a case in the case format instead."
QA_MISSING = "Ask is not installed yet (tumorboard.qa); assess a structured case or browse the knowledge base."


# -- the services ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shared:
    """A computed result shared by identical requests: the result, its stored form and its response form."""

    result: Result
    data: dict[str, Any]
    stored: Document  # canonical JSON text and hash, as the store keeps it
    rendered: bytes  # the JSON bytes that responses embed (as Starlette's JSONResponse renders them)

    @classmethod
    def of(cls, result: Result) -> Shared:
        data = result.model_dump(mode="json", exclude_none=True)
        return cls(result, data, Document.of(data), render_json(data))


def render_json(data: Any) -> bytes:
    """JSON exactly as Starlette's JSONResponse renders it."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Prepared:
    """A validated case and its result, ready to store: everything but the id."""

    case: Case
    case_doc: Document
    shared: Shared
    extraction: dict[str, Any] | None = None

    def write(self, services: Services, *, source: str, actor: str, request_id: str) -> AssessmentWrite:
        kb = services.kb
        return AssessmentWrite(case=self.case_doc, result=self.shared.stored, kb_version=kb.version, kb_hash=kb.hash,
                               engine_version=services.engine_version(), source=source, actor=actor,
                               request_id=request_id)


@dataclass
class AssessOutcome:
    id: str
    result: Result
    case: Case
    extraction: dict[str, Any] | None = None
    result_data: dict[str, Any] = field(default_factory=dict)


@dataclass
class RerunOutcome:
    id: str
    identical: bool
    same_kb: bool
    stored_kb: str
    current_kb: str
    differences: list[str]

    def describe(self) -> str:
        if self.identical:
            return f"assessment {self.id}: re-run gives the identical result (knowledge base {self.current_kb})"
        why = "" if self.same_kb else f" (stored with knowledge base {self.stored_kb}, now {self.current_kb})"
        return f"assessment {self.id}: re-run differs{why}: " + "; ".join(self.differences[:10])


class Services:
    """Everything a request needs; one instance per application."""

    CACHE_SIZE = 256

    def __init__(self, store: Store, *, kb: KnowledgeBase | None = None,
                 engine: Callable[..., Result] | None = None) -> None:
        self.store = store
        self._kb = kb
        self._kb_lock = threading.Lock()
        self._cache: OrderedDict[str, Shared] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.text = Background("text", _load_text) if module_available("tumorboard.text") else None
        self.qa = Background("ask", _load_qa) if module_available("tumorboard.qa") else None
        if engine is None:
            from tumorboard.engine import assess as default_engine

            engine = default_engine
        assess: Callable[..., Result] = engine
        self._assess = assess
        params = inspect.signature(assess).parameters
        self._assess_takes_kb = "kb" in params
        self._assess_takes_missing = "analyse_missing" in params

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            with self._kb_lock:
                if self._kb is None:
                    self._kb = load_knowledge()
        return self._kb

    def kb_if_loaded(self) -> KnowledgeBase | None:
        """The knowledge base if it has been loaded (or failed to load), without waiting for it."""
        return self._kb

    def start_background(self) -> None:
        """Load the knowledge base and the heavy parts in background threads (the server answers meanwhile)."""
        def run() -> None:
            _ = self.kb  # first: /readyz waits for it
            time.sleep(0.5)  # then the heavy parts, once the server answers (imports hold the GIL)
            parts = [part for part in (self.text, self.qa) if part is not None]
            for part in parts:
                part.start()
            for part in parts:
                part.wait()
            freeze_heap()

        threading.Thread(target=run, name="load-background", daemon=True).start()

    def engine_version(self) -> str:
        return __version__

    # -- assess ----------------------------------------------------------------------------------------------------
    def run_engine(self, case: Case, conversions: list[str] | None = None) -> Result:
        kwargs: dict[str, Any] = {}
        kb = self.kb
        if self._assess_takes_kb and not kb.loaded:
            raise NotAvailable("knowledge base", "the knowledge base is not loaded: " + (kb.error or "unknown error"))
        if self._assess_takes_kb and kb.source == "loader":
            kwargs["kb"] = kb.engine_kb
        if self._assess_takes_missing:
            kwargs["analyse_missing"] = True
        result: Result = self._assess(case, **kwargs)
        if conversions:
            result.conversions = list(conversions)
        return result

    def assess_data(self, data: Any, *, source: str = "case", actor: str = "", request_id: str = "",
                    extraction: dict[str, Any] | None = None, store: bool = True) -> AssessOutcome:
        """Validate, assess and (by default) store with its audit event; CaseError for an invalid case."""
        prepared = self.prepare(data, extraction=extraction)
        assessment_id = ""
        if store:
            write = prepared.write(self, source=source, actor=actor, request_id=request_id)
            assessment_id = self.store.submit_assessment(write).result()  # returns once committed
        return AssessOutcome(assessment_id, prepared.shared.result, prepared.case, extraction, prepared.shared.data)

    def prepare(self, data: Any, *, extraction: dict[str, Any] | None = None) -> Prepared:
        """Validate the case (every request) and compute its result, or share the result computed for an identical
        case (same document, knowledge base and engine: the engine is deterministic)."""
        prepared = self._prepare(data, extraction=extraction, cached_only=False)
        assert prepared is not None
        return prepared

    def prepare_cached(self, data: Any) -> Prepared | None:
        """``prepare`` when the result is already computed and the knowledge base loaded, else None (without running
        the engine or loading anything): cheap enough for the event loop."""
        return self._prepare(data, extraction=None, cached_only=True)

    def _prepare(self, data: Any, *, extraction: dict[str, Any] | None, cached_only: bool) -> Prepared | None:
        if cached_only and self.kb_if_loaded() is None:
            return None
        kb = self.kb
        try:
            case_doc = Document.of(data)
        except (TypeError, ValueError):
            case_doc = None
        key = case_doc.sha256 + kb.hash + self.engine_version() if case_doc is not None and extraction is None else ""
        shared = self._cache_get(key) if key else None
        if shared is None and cached_only:
            return None
        parsed = parse_case_data(data)  # validation is never skipped, shared result or not
        if shared is None:
            result = self.run_engine(parsed.case, [c.describe() for c in parsed.conversions])
            if extraction and not result.inputs_from_text:
                result.inputs_from_text = list(extraction.get("facts") or [])
            shared = Shared.of(result)
            if key:
                self._cache_put(key, shared)
        if case_doc is None:
            case_doc = Document.of(data)  # raises as the store would have
        return Prepared(parsed.case, case_doc, shared, extraction)

    def _cache_get(self, key: str) -> Shared | None:
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _cache_put(self, key: str, value: Shared) -> None:
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)

    def extract(self, text: str, timeout: float = 60.0) -> dict[str, Any]:
        """Text -> {"case", "facts", "conflicts", ...} through tumorboard.text; NotAvailable without it."""
        if self.text is None:
            raise NotAvailable("text", TEXT_MISSING)
        extract = self.text.get(timeout)
        data = as_data(extract(text))
        if not isinstance(data, dict) or "case" not in data:
            raise NotAvailable("text", "tumorboard.text returned no case")
        return data

    # -- ask -------------------------------------------------------------------------------------------------------
    def ask(self, question: str, *, audience: str, conversation_id: str | None, actor: str = "",
            request_id: str = "", timeout: float = 60.0) -> tuple[str, str, dict[str, Any]]:
        if self.qa is None:
            raise NotAvailable("ask", QA_MISSING)
        ask = self.qa.get(timeout)
        history = [t.question for t in self.store.conversation(conversation_id)] if conversation_id else []
        params = inspect.signature(ask).parameters
        kwargs: dict[str, Any] = {}
        if "audience" in params:
            kwargs["audience"] = audience
        for name in ("history", "previous", "context"):
            if name in params:
                kwargs[name] = history
                break
        if "kb" in params and self.kb.source == "loader":
            kwargs["kb"] = self.kb.engine_kb
        answer = as_data(ask(question, **kwargs))
        if not isinstance(answer, dict):
            answer = {"text": str(answer)}
        kb = self.kb
        conv, qid = self.store.save_answer(
            question=question, audience=audience, answer=answer, conversation_id=conversation_id,
            kb_version=kb.version, kb_hash=kb.hash, engine_version=self.engine_version(), actor=actor,
            request_id=request_id,
        )
        return conv, qid, answer


def rerun_assessment(services: Services, assessment_id: str) -> RerunOutcome | None:
    """Re-run a stored assessment from its stored input and compare with the stored result."""
    from tumorboard.store.audit import canonical

    stored = services.store.get_assessment(assessment_id)
    if stored is None:
        return None
    parsed = parse_case_data(stored.case)
    result = services.run_engine(parsed.case, [c.describe() for c in parsed.conversions])
    fresh = result.model_dump(mode="json", exclude_none=True)
    if stored.result.get("inputs_from_text") and not fresh.get("inputs_from_text"):
        fresh["inputs_from_text"] = stored.result["inputs_from_text"]
    differences = [
        k for k in sorted(set(fresh) | set(stored.result))
        if canonical(fresh.get(k)) != canonical(stored.result.get(k))
    ]
    kb = services.kb
    return RerunOutcome(assessment_id, not differences, kb.hash == stored.kb_hash, stored.kb_version, kb.version,
                        differences)


def case_error_from(exc: Exception) -> CaseError:
    return exc if isinstance(exc, CaseError) else CaseError([FieldError("", str(exc))])
