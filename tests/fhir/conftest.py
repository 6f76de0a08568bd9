"""Shared helpers of the FHIR tests: the bundles and their reference date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

BUNDLES = Path(__file__).with_name("bundles")
REF = date(2026, 11, 1)


def bundle(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BUNDLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def names() -> list[str]:
    return sorted(p.stem for p in BUNDLES.glob("*.json"))
