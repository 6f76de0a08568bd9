"""Storage tests run on SQLite always and on PostgreSQL when TUMORBOARD_TEST_POSTGRES_URL is set.

Without that variable the PostgreSQL runs are skipped with the reason printed; under CI=true they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tumorboard.store import Store

PG_ENV = "TUMORBOARD_TEST_POSTGRES_URL"


def need_postgres() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        msg = f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://user:pw@127.0.0.1/tumorboard_test)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + "; under CI=true this is a failure (.ci/run sets it up)")
        pytest.skip(msg)
    return url


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from tumorboard.store.db import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    url = need_postgres()
    reset_postgres(url)
    yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.close()
