"""Every reference id a score cites resolves in knowledge/references.yaml, and every reference there is locatable."""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import yaml

import tumorboard.scores as scores_pkg
from tumorboard.scores import REGISTRY

REFERENCES_YAML = Path(__file__).resolve().parents[2] / "knowledge" / "references.yaml"


@cache
def registry_entries() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(REFERENCES_YAML.read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = data["references"]
    return {entry["id"]: entry for entry in entries}


def module_citations() -> list[tuple[str, str, str]]:
    """(module, tuple name, id) for every ``REFERENCES*`` tuple in every module of ``tumorboard.scores``."""
    out: list[tuple[str, str, str]] = []
    for info in pkgutil.iter_modules(scores_pkg.__path__):
        module = import_module(f"tumorboard.scores.{info.name}")
        for name in sorted(vars(module)):
            if not name.startswith("REFERENCES"):
                continue
            value = getattr(module, name)
            assert isinstance(value, tuple), f"{info.name}.{name} should be a tuple of reference ids"
            out.extend((info.name, name, ref) for ref in value)
    return out


def test_registry_ids_are_unique() -> None:
    data = yaml.safe_load(REFERENCES_YAML.read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in data["references"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate reference ids: {duplicates}"


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_registered_score_cites_resolvable_references(key: str) -> None:
    refs = REGISTRY[key].references
    assert refs, f"{key} cites no reference"
    missing = [ref for ref in refs if ref not in registry_entries()]
    assert not missing, f"{key} cites ids missing from knowledge/references.yaml: {missing}"


def test_every_reference_tuple_in_every_score_module_resolves() -> None:
    citations = module_citations()
    assert citations, "no REFERENCES tuples found in tumorboard.scores"
    missing = [f"{module}.{name}: {ref}" for module, name, ref in citations if ref not in registry_entries()]
    assert not missing, "ids missing from knowledge/references.yaml:\n" + "\n".join(missing)


def test_every_reference_tuple_has_no_duplicates() -> None:
    seen: dict[tuple[str, str], list[str]] = {}
    for module, name, ref in module_citations():
        seen.setdefault((module, name), []).append(ref)
    dupes = {f"{m}.{n}": refs for (m, n), refs in seen.items() if len(refs) != len(set(refs))}
    assert not dupes, f"duplicate ids in reference tuples: {dupes}"


def test_every_reference_is_locatable() -> None:
    unlocatable = [ref_id for ref_id, entry in registry_entries().items()
                   if not (entry.get("pmid") or entry.get("doi") or entry.get("url"))]
    assert not unlocatable, f"references with neither pmid, doi nor url: {unlocatable}"
