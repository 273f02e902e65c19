"""Shared fixtures: a migrated database on SQLite and on the local PostgreSQL, and a fake clock.

Each test run gets its own PostgreSQL database (created here, dropped at the end); each test gets
empty tables. Without a reachable PostgreSQL the PostgreSQL variants are skipped with the reason,
except under CI (`SWITCHBOARD_REQUIRE_POSTGRES=1`), where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.store.tables import metadata
from tests.support.clock import FakeClock

# The browser tests' shared fixtures (the demo stack and the Playground user driving it).
pytest_plugins = ["tests.support.demo_stack"]
T = TypeVar("T")
POSTGRES_ADMIN_URL = os.environ.get("SWITCHBOARD_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run set-up work on its own loop in a thread: session fixtures may be first asked for inside a test's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _require_postgres() -> bool:
    return os.environ.get("SWITCHBOARD_REQUIRE_POSTGRES") == "1"


async def _create_database(name: str) -> str | None:
    """Create `name` on the server; returns why not when the server is unreachable."""
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (TimeoutError, OSError, ConnectionError) as error:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({error.__class__.__name__}: {error})"
    except Exception as error:
        if "connect" in str(error).lower() or "refused" in str(error).lower():
            return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({error})"
        raise
    finally:
        await admin.dispose()
    return None


async def _drop_database(name: str) -> None:
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run, dropped afterwards."""
    name = f"switchboard_test_{uuid.uuid4().hex[:10]}"
    problem = _run(_create_database(name))
    if problem:
        if _require_postgres():
            pytest.fail(f"{problem}; CI requires it (start it: see the README).")
        pytest.skip(problem)
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        _run(_migrate(url))
        yield url
    finally:
        _run(_drop_database(name))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    _run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


async def _empty_postgres_store(url: str) -> Store:
    store = Store(create_engine(url))
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    async with store.write() as uow:
        await uow.connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """An empty, migrated database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "switchboard.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        result = Store(create_engine(f"sqlite+aiosqlite:///{path}"))
    else:
        result = await _empty_postgres_store(request.getfixturevalue("postgres_url"))
    try:
        yield result
    finally:
        await result.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Store]:
    """SQLite only, for tests about behaviour that does not depend on the database."""
    path = tmp_path / "switchboard.db"
    shutil.copy(sqlite_template, path)
    result = Store(create_engine(f"sqlite+aiosqlite:///{path}"))
    try:
        yield result
    finally:
        await result.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
