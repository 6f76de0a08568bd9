"""An application on a fresh SQLite store per test, served in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tumorboard.api import create_app
from tumorboard.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'api.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store, background=False), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def demo_case() -> dict[str, object]:
    data = yaml.safe_load((ROOT / "examples" / "sacrum-sts.yaml").read_text())
    assert isinstance(data, dict)
    return data
