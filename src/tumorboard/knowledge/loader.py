"""Load, validate and compile the knowledge base; cache the compiled form keyed by the content hash.

Where the knowledge base is found (first match wins):

1. the directory named by the ``TUMORBOARD_KNOWLEDGE`` environment variable;
2. the repository's ``knowledge/`` next to ``src/`` (a source checkout or an editable install);
3. a copy bundled in the package at ``tumorboard/knowledge/bundled/`` (a wheel build copies ``knowledge/`` there).

Validation collects every problem with its file, statement id and field, and :func:`load` raises
:class:`KnowledgeError` when any is an error; warnings are kept on the knowledge base. The compiled knowledge base
is pickled under the user cache directory (platformdirs) as ``kb-<key>.pickle``, where the key covers the content,
the code of this package and the score registry; any change recompiles.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from tumorboard.knowledge.catalogue import (
    DERIVED,
    PathError,
    PathRef,
    case_facts,
    lesion_score_keys,
    parse_path,
    score_keys,
)
from tumorboard.knowledge.models import (
    NO_MODALITY_SECTIONS,
    OPERATORS,
    All,
    AnyOf,
    Cond,
    Leaf,
    Not,
    Reference,
    Statement,
    StatementFile,
    evidence_tier,
    leaves,
)

COMPILER_VERSION = "1"
# Errors that `kb check` reports (exit 1) but that do not stop the engine from loading: they leave the compiled
# knowledge base correct (a reference lacking an identifier is still cited by its citation text).
NON_BLOCKING = frozenset({"reference_without_identifier", "duplicate_reference", "unknown_placeholder"})
ENV_VAR = "TUMORBOARD_KNOWLEDGE"
Severity = Literal["error", "warning"]
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.*]*)\}")
# Named placeholders (docs/knowledge-format.md): filled by tumorboard.engine.plan from the case; any condition path
# (patient.age_years, lesion.levels, scores.sins.value, derived.radiosensitive...) is also accepted.
PLACEHOLDERS: dict[str, str] = {
    "lesion": "the lesion's id (lesion-scoped statements), else the lesions of the case",
    "levels": "spinal levels of the lesion (T9, S1-S3)",
    "level": "alias of levels",
    "region": "the lesion's region",
    "location": "the lesion's location (free text), else its region",
    "side": "the lesion's side",
    "structures": "structures the lesion involves",
    "histology": "primary histology, else primary site",
    "site": "primary site",
    "primary_site": "alias of site",
    "primary": "alias of histology",
    "age": "age in years",
    "sex": "sex",
    "ecog": "ECOG performance status",
    "kps": "Karnofsky performance status",
    "life_expectancy": "the team's life-expectancy estimate in months",
    "frankel": "Frankel grade",
    "asia": "ASIA grade",
    "sins": "SINS value (the lesion's in a lesion-scoped statement)",
    "sins_band": "SINS band",
    "escc": "ESCC grade",
    "escc_band": "ESCC band",
    "mirels": "Mirels score",
    "harrington": "Harrington class",
    "tokuhashi": "revised Tokuhashi score",
    "tomita": "Tomita score",
    "katagiri": "Katagiri score",
    "bauer": "Bauer score",
    "nesms": "NESMS",
    "grade": "FNCLCC grade",
    "prior_rt_dose": "prior radiotherapy to the lesion (dose/fractions)",
    "prior_rt": "alias of prior_rt_dose",
}


@dataclass(frozen=True)
class Problem:
    """One problem found by the checker: what kind, where (file, statement id, field) and why."""

    kind: str
    message: str
    file: str = ""
    statement: str | None = None
    field: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file or "knowledge"
        if self.statement:
            where += f" [{self.statement}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.kind}: {self.message}"


class KnowledgeError(ValueError):
    """The knowledge base is invalid; ``problems`` lists every error (and warning)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} knowledge-base problem(s):\n" + "\n".join(str(p) for p in errors))


@dataclass(frozen=True)
class CompiledStatement:
    """A validated statement with its conditions compiled for evaluation."""

    stmt: Statement
    topic: str
    file: str
    applies: Cond
    not_when: Cond | None
    specificity: int  # number of leaves in applies_when
    uses_known_false: bool  # a non-monotone leaf: filling a fact can turn it false

    @property
    def id(self) -> str:
        return self.stmt.id


@dataclass
class KnowledgeBase:
    root: str
    statements: list[CompiledStatement]
    references: dict[str, Reference]
    modalities: dict[str, tuple[str, str]]  # modality -> (group, description)
    hash: str
    date: str
    topics: dict[str, str] = field(default_factory=dict)  # topic -> file
    problems: list[Problem] = field(default_factory=list)  # warnings (errors prevent loading)

    @property
    def version(self) -> str:
        return f"{self.date}+{self.hash[:12]}"

    def statement(self, sid: str) -> CompiledStatement:
        for s in self.statements:
            if s.id == sid:
                return s
        raise KeyError(sid)


# --- locating and reading ------------------------------------------------------------------------------------------


def knowledge_dir(path: str | Path | None = None) -> Path:
    """The knowledge directory: ``path``, else $TUMORBOARD_KNOWLEDGE, else the repository's, else the bundled copy."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3] / "knowledge"
    if (repo / "modalities.yaml").is_file():
        return repo
    bundled = Path(__file__).resolve().parent / "bundled"
    if (bundled / "modalities.yaml").is_file():
        return bundled
    raise KnowledgeError([Problem("not_found", f"no knowledge base: set {ENV_VAR} or run from a source checkout")])


def _files(root: Path) -> list[Path]:
    names = [root / "modalities.yaml", root / "references.yaml"]
    stmts = root / "statements"
    if stmts.is_dir():
        names += sorted(p for p in stmts.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return names


@lru_cache(maxsize=1)
def _code_signature() -> str:
    """The compiler's own code and the score registry it validates against (fixed for the life of a process)."""
    from tumorboard import __version__

    h = hashlib.sha256(f"{COMPILER_VERSION}|{__version__}".encode())
    for p in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(p.read_bytes())
    keys = score_keys()
    h.update(json.dumps({k: list(v) if v else None for k, v in sorted(keys.items())}).encode())
    h.update(json.dumps(sorted(lesion_score_keys())).encode())
    return h.hexdigest()


def _cache_dir() -> Path:
    override = os.environ.get("TUMORBOARD_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tumorboard"))


_MEMO: dict[str, KnowledgeBase] = {}
# Per process: (root, each file's path, size and modification time) -> the knowledge base, so that repeated calls
# (a server, a cohort worker) cost a few stat() calls instead of reading and hashing every file again.
_STAT_MEMO: dict[tuple[object, ...], KnowledgeBase] = {}


def _stat_key(root: Path, files: list[Path]) -> tuple[object, ...] | None:
    try:
        stats = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    except OSError:
        return None
    return (str(root), *stats)


def load(path: str | Path | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """The compiled knowledge base; raises KnowledgeError listing every problem when it is invalid."""
    root = knowledge_dir(path)
    files = _files(root)
    stat_key = _stat_key(root, files) if use_cache else None
    if stat_key is not None and stat_key in _STAT_MEMO:
        return _STAT_MEMO[stat_key]
    kb = _load(root, files, use_cache)
    if stat_key is not None:
        _STAT_MEMO[stat_key] = kb
    return kb


def _load(root: Path, files: list[Path], use_cache: bool) -> KnowledgeBase:
    contents: list[tuple[str, bytes]] = []
    for f in files:
        if not f.is_file():
            raise KnowledgeError([Problem("not_found", "missing file", file=str(f))])
        contents.append((f.relative_to(root).as_posix(), f.read_bytes()))
    h = hashlib.sha256()
    for rel, data in contents:
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    content_hash = h.hexdigest()
    key = hashlib.sha256((content_hash + _code_signature()).encode()).hexdigest()[:32]
    if use_cache and key in _MEMO:
        return _MEMO[key]
    cache_file = _cache_dir() / f"kb-{key}.pickle"
    if use_cache and cache_file.is_file():
        try:
            with cache_file.open("rb") as fh:
                kb = pickle.load(fh)
            if isinstance(kb, KnowledgeBase) and kb.hash == content_hash:
                kb.root = str(root)
                _MEMO[key] = kb
                return kb
        except Exception:  # a stale or corrupt cache is recompiled
            pass
    kb, problems = compile_kb(root, contents, content_hash)
    if kb is None or any(p.severity == "error" and p.kind not in NON_BLOCKING for p in problems):
        raise KnowledgeError(problems)
    if use_cache:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(kb, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache_file)
        except OSError:
            pass
        _MEMO[key] = kb
    return kb


def check(path: str | Path | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate without the cache: the knowledge base (None when it has errors) and every problem found."""
    try:
        root = knowledge_dir(path)
    except KnowledgeError as exc:
        return None, exc.problems
    contents: list[tuple[str, bytes]] = []
    for f in _files(root):
        if not f.is_file():
            return None, [Problem("not_found", "missing file", file=str(f))]
        contents.append((f.relative_to(root).as_posix(), f.read_bytes()))
    h = hashlib.sha256()
    for rel, data in contents:
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    kb, problems = compile_kb(root, contents, h.hexdigest())
    if kb is not None:
        from tumorboard.knowledge.questions import load_questions

        problems += load_questions(root, {cs.id: cs.topic for cs in kb.statements})[1]
    if any(p.severity == "error" for p in problems):
        kb = None
    return kb, problems


# --- compiling -----------------------------------------------------------------------------------------------------


def _yaml(rel: str, data: bytes, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem("schema", f"malformed YAML: {exc}".replace("\n", " "), file=rel))
        return None


def _pydantic_problems(exc: ValidationError, rel: str, sid: str | None, prefix: str = "") -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append(Problem("schema", err["msg"], file=rel, statement=sid, field=(prefix + loc) or None))
    return out


def _modalities(rel: str, raw: Any, problems: list[Problem]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if not isinstance(raw, dict):
        problems.append(Problem("schema", "modalities.yaml must map groups to {modality: description}", file=rel))
        return out
    for group, items in raw.items():
        if not isinstance(items, dict):
            problems.append(Problem("schema", f"group {group!r} must map modalities to descriptions", file=rel))
            continue
        for name, desc in items.items():
            if name in out:
                problems.append(Problem("duplicate_id", f"modality {name!r} listed twice", file=rel))
            out[str(name)] = (str(group), str(desc))
    return out


def _references(rel: str, raw: Any, problems: list[Problem]) -> dict[str, Reference]:
    out: dict[str, Reference] = {}
    items = raw.get("references") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        problems.append(Problem("schema", "references.yaml must hold `references:` and a list", file=rel))
        return out
    for i, item in enumerate(items):
        rid = item.get("id") if isinstance(item, dict) else None
        try:
            ref = Reference.model_validate(item)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, rel, rid or f"#{i}"))
            continue
        if ref.id in out:
            problems.append(Problem("duplicate_reference", f"reference id {ref.id!r} is used twice (the first is "
                                    "kept)", file=rel, statement=ref.id))
            continue
        if not (ref.pmid or ref.doi or ref.url):
            problems.append(Problem("reference_without_identifier",
                                    "a reference needs a pmid, a doi or (for documents with neither) a url",
                                    file=rel, statement=ref.id, field="pmid"))
        if ref.url and not (ref.pmid or ref.doi) and not (ref.issuer and ref.date):
            problems.append(Problem("schema", "a url-only reference should name its issuer and date", file=rel,
                                    statement=ref.id, field="issuer", severity="warning"))
        out[ref.id] = ref
    return out


class _CondError(Exception):
    def __init__(self, field: str, message: str, kind: str = "condition") -> None:
        super().__init__(message)
        self.field = field
        self.kind = kind


def _value_ok(ref: PathRef, op: str, value: Any, where: str) -> Any:
    """Check and normalise a leaf's value against the fact type; returns the normalised value."""
    t = ref.type
    if op == "known":
        if not isinstance(value, bool):
            raise _CondError(where, f"`known` takes true or false, not {value!r}")
        return value
    list_ops = ("in", "not_in", "contains_any")
    if op in list_ops:
        if not isinstance(value, list) or not value:
            raise _CondError(where, f"`{op}` takes a non-empty list, not {value!r}")
        return [_scalar_ok(ref, v, where, op) for v in value]
    if isinstance(value, (list, dict)):
        raise _CondError(where, f"`{op}` takes a single value, not {value!r}")
    if t.kind == "list" and op not in ("contains", "contains_any"):
        raise _CondError(where, f"{ref.raw} is a list: use contains, contains_any or known, not `{op}`",
                         "bad_operator")
    if op in ("contains",) and t.kind not in ("list", "any"):
        raise _CondError(where, f"`contains` needs a list fact; {ref.raw} is {t.kind}", "bad_operator")
    if op in ("gt", "gte", "lt", "lte"):
        if t.kind == "enum" and not t.ordered:
            raise _CondError(where, f"{ref.raw} is an unordered enumeration: `{op}` does not apply", "bad_operator")
        if t.kind in ("bool", "str", "list", "dict"):
            raise _CondError(where, f"`{op}` does not apply to {ref.raw} ({t.kind})", "bad_operator")
    return _scalar_ok(ref, value, where, op)


def _scalar_ok(ref: PathRef, value: Any, where: str, op: str) -> Any:
    t = ref.type
    if t.kind == "bool" and not isinstance(value, bool):
        raise _CondError(where, f"{ref.raw} is true/false, not {value!r}", "bad_value")
    if t.kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise _CondError(where, f"{ref.raw} is a number, not {value!r}", "bad_value")
    if t.kind in ("enum", "list") and t.values is not None:
        if isinstance(value, bool):
            raise _CondError(where, f"{value!r} is not one of {', '.join(t.values)} ({ref.raw})", "bad_value")
        if str(value) not in t.values:
            raise _CondError(where, f"{value!r} is not one of {', '.join(t.values)} ({ref.raw})", "bad_value")
        return str(value)
    return value


def compile_condition(raw: Any, *, lesion_scope: bool, where: str) -> Cond:
    """A condition mapping -> a compiled tree; _CondError names the field of the first problem."""
    if not isinstance(raw, dict) or not raw:
        raise _CondError(where, f"a condition is a mapping with all, any, not or fact; got {raw!r}")
    keys = set(raw)
    if "fact" in keys:
        ops = [k for k in keys if k != "fact"]
        if len(ops) != 1 or ops[0] not in OPERATORS:
            raise _CondError(where, f"a leaf has `fact` and exactly one operator of {', '.join(OPERATORS)}; got "
                             f"{sorted(ops)}", "bad_operator")
        op = ops[0]
        fact = raw["fact"]
        if not isinstance(fact, str):
            raise _CondError(where, f"`fact` must be a path, not {fact!r}", "unknown_fact")
        try:
            ref = parse_path(fact, lesion_scope=lesion_scope)
        except PathError as exc:
            raise _CondError(where, str(exc), "unknown_fact") from None
        return Leaf(ref, op, _value_ok(ref, op, raw[op], where))
    if len(keys) != 1:
        raise _CondError(where, f"a condition has exactly one of all, any, not, fact; got {sorted(keys)}")
    (key,) = keys
    body = raw[key]
    if key in ("all", "any"):
        if not isinstance(body, list):
            raise _CondError(where, f"`{key}` takes a list of conditions")
        items = tuple(compile_condition(c, lesion_scope=lesion_scope, where=f"{where}.{key}[{i}]")
                      for i, c in enumerate(body))
        return All(items) if key == "all" else AnyOf(items)
    if key == "not":
        return Not(compile_condition(body, lesion_scope=lesion_scope, where=f"{where}.not"))
    raise _CondError(where, f"unknown condition key {key!r} (all, any, not, fact)")


def _placeholders(text: str, lesion_scope: bool) -> list[str]:
    bad = []
    for name in PLACEHOLDER.findall(text):
        if name in PLACEHOLDERS:
            continue
        try:
            parse_path(name, lesion_scope=lesion_scope)
        except PathError:
            bad.append(name)
    return bad


def _latest_date(statements: Iterable[Statement]) -> str:
    dates = sorted(s.review.date for s in statements if s.review.date)
    return dates[-1][:10] if dates else "undated"


def compile_kb(
    root: Path, contents: list[tuple[str, bytes]], content_hash: str
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate every file and compile the statements; returns the knowledge base and every problem found."""
    from tumorboard.knowledge.analysis import conflicts, unsatisfiable

    problems: list[Problem] = []
    by_name = dict(contents)
    modalities = _modalities("modalities.yaml", _yaml("modalities.yaml", by_name["modalities.yaml"], problems),
                             problems)
    references = _references("references.yaml", _yaml("references.yaml", by_name["references.yaml"], problems),
                             problems)
    compiled: list[CompiledStatement] = []
    topics: dict[str, str] = {}
    seen: dict[str, str] = {}
    for rel, data in contents:
        if not rel.startswith("statements/"):
            continue
        raw = _yaml(rel, data, problems)
        if raw is None:
            if data.strip():
                continue
            problems.append(Problem("schema", "empty statements file", file=rel, severity="warning"))
            continue
        try:
            sfile = StatementFile.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, rel, None))
            continue
        stem = Path(rel).stem
        if sfile.topic != stem:
            problems.append(Problem("schema", f"topic {sfile.topic!r} differs from the file name {stem!r}",
                                    file=rel, field="topic", severity="warning"))
        topics[sfile.topic] = rel
        for i, item in enumerate(sfile.statements):
            sid = item.get("id") if isinstance(item, dict) else None
            label = str(sid) if sid else f"#{i}"
            try:
                st = Statement.model_validate(item)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, rel, label))
                continue
            cs = _compile_statement(st, sfile.topic, rel, modalities, references, problems)
            if st.id in seen:
                problems.append(Problem("duplicate_id", f"statement id {st.id!r} is also in {seen[st.id]}",
                                        file=rel, statement=st.id, field="id"))
                continue
            seen[st.id] = rel
            if cs is not None:
                compiled.append(cs)
    for cs in compiled:
        for field_name, cond in (("applies_when", cs.applies), ("not_when", cs.not_when)):
            if cond is not None and (msg := unsatisfiable(cond)):
                kind = "unsatisfiable" if field_name == "applies_when" else "unsatisfiable_not_when"
                sev: Severity = "error" if field_name == "applies_when" else "warning"
                problems.append(Problem(kind, f"no case can satisfy it: {msg}", file=cs.file, statement=cs.id,
                                        field=field_name, severity=sev))
    problems.extend(conflicts(compiled))
    problems.extend(_score_reference_problems(references))
    kb = KnowledgeBase(
        root=str(root),
        statements=compiled,
        references=references,
        modalities=modalities,
        hash=content_hash,
        date=_latest_date(c.stmt for c in compiled),
        topics=topics,
        problems=[p for p in problems if p.severity == "warning" or p.kind in NON_BLOCKING],
    )
    return kb, problems


def _compile_statement(
    st: Statement,
    topic: str,
    rel: str,
    modalities: dict[str, tuple[str, str]],
    references: dict[str, Reference],
    problems: list[Problem],
) -> CompiledStatement | None:
    ok = True

    def bad(kind: str, message: str, fld: str, severity: Severity = "error") -> None:
        nonlocal ok
        problems.append(Problem(kind, message, file=rel, statement=st.id, field=fld, severity=severity))
        if severity == "error":
            ok = False

    if st.section in NO_MODALITY_SECTIONS and st.modality is not None:
        bad("schema", f"{st.section} statements carry no modality (modality: null)", "modality")
    if st.section == "treatment" and st.modality is None:
        bad("schema", "treatment statements name a modality", "modality")
    for fld, mod in [("modality", st.modality)] + [(f"followed_by[{i}]", m) for i, m in enumerate(st.followed_by)]:
        if mod is not None and mod not in modalities:
            bad("unknown_modality", f"{mod!r} is not in modalities.yaml", fld)
    if not st.references:
        bad("no_references", "a statement cites at least one reference", "references")
    for i, rid in enumerate(st.references):
        if rid not in references:
            bad("unresolved_reference", f"{rid!r} is not in references.yaml", f"references[{i}]")
    if st.review.status == "approved" and not (st.review.reviewed_by and st.review.reviewed_by.strip()):
        bad("approved_without_reviewer", "approved statements name the clinician who reviewed them",
            "review.reviewed_by")
    if evidence_tier(st.evidence.scheme, st.evidence.level) is None:
        bad("unknown_evidence", f"evidence {st.evidence.scheme} {st.evidence.level!r} is not a known scheme/level "
            "(GRADE, Oxford, ESMO, NCCN, expert_opinion); it ranks last", "evidence", "warning")
    if st.avoid_reason and st.not_when is None and st.strength != "not_recommended":
        bad("schema", "avoid_reason is used with not_when or strength not_recommended", "avoid_reason", "warning")
    lesion_scope = st.scope == "lesion"
    for fld in ("statement", "plain_language", "avoid_reason"):
        text = getattr(st, fld) or ""
        for name in _placeholders(text, lesion_scope):
            bad("unknown_placeholder", f"{{{name}}} is neither a named placeholder nor a fact path", fld)
    applies: Cond | None = None
    not_when: Cond | None = None
    try:
        applies = compile_condition(st.applies_when, lesion_scope=lesion_scope, where="applies_when")
    except _CondError as exc:
        bad(exc.kind, str(exc), exc.field)
    if st.not_when is not None:
        try:
            not_when = compile_condition(st.not_when, lesion_scope=lesion_scope, where="not_when")
        except _CondError as exc:
            bad(exc.kind, str(exc), exc.field)
    if not ok or applies is None:
        return None
    all_leaves = leaves(applies) + (leaves(not_when) if not_when is not None else [])
    uses_known_false = any(
        (lf.op == "known") or (lf.path.sub == "derived" and lf.path.parts[0] == "histology_known")
        for lf in all_leaves
    )
    return CompiledStatement(
        stmt=st, topic=topic, file=rel, applies=applies, not_when=not_when,
        specificity=len(leaves(applies)), uses_known_false=uses_known_false,
    )


def _score_reference_problems(references: dict[str, Reference]) -> list[Problem]:
    """Score modules cite reference ids; report those missing from the registry (warnings: not content)."""
    out: list[Problem] = []
    try:
        from tumorboard.scores import REGISTRY
    except ImportError:  # pragma: no cover
        return out
    for key, spec in REGISTRY.items():
        try:
            refs = spec.references
        except Exception:  # a score module that fails to import is the score engineer's to report
            continue
        for rid in refs:
            if rid not in references:
                out.append(Problem("unresolved_reference", f"score {key!r} cites {rid!r}, not in references.yaml",
                                   file=f"tumorboard/scores/{spec.module}.py", severity="warning"))
    return out


def known_facts() -> dict[str, Any]:
    """The catalogue, for `kb stats` and documentation: case fields, derived facts and scores."""
    return {
        "case": sorted(case_facts()),
        "derived": sorted(DERIVED),
        "scores": {k: list(v) if v else None for k, v in sorted(score_keys().items())},
    }


__all__ = [
    "PLACEHOLDERS",
    "All",
    "AnyOf",
    "CompiledStatement",
    "KnowledgeBase",
    "KnowledgeError",
    "Leaf",
    "Not",
    "Problem",
    "check",
    "compile_condition",
    "knowledge_dir",
    "load",
]
