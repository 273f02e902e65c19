"""The image's entrypoint (docs/deploy/entrypoint.sh), run as the image runs it: two replicas start at
once on one new PostgreSQL database; the migrations run once, under the advisory lock, and both go on to serve.

No container engine runs on the machines this suite is written for, so the script runs directly with
the project's interpreter on PATH, as /opt/switchboard/bin is on the image's PATH."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from inventory.store.engine import create_engine
from inventory.store.migrate import head_revision
from tests.support.postgres_databases import fresh_database
from tests.support.serve_process import ServeProcess, start_serve

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docs" / "deploy" / "entrypoint.sh"
pytestmark = pytest.mark.postgres


def _environment(database_url: str) -> dict[str, str]:
    interpreter_bin = str(Path(sys.executable).parent)
    return {
        "PATH": f"{interpreter_bin}:/usr/bin:/bin",
        "DATABASE_URL": database_url,
        "SWITCHBOARD_LOG_LEVEL": "info",  # alembic's "Running upgrade" lines say who migrated
    }


async def _entrypoint(database_url: str, home: Path) -> ServeProcess:
    return await start_serve(
        ["/bin/sh", str(ENTRYPOINT), "--host", "127.0.0.1", "--port", "0", "--insecure-development"],
        env=_environment(database_url),
        cwd=home,
    )


async def _status(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        return answer.status


async def test_two_replicas_starting_together_migrate_once_and_both_serve(tmp_path: Path) -> None:
    async with fresh_database("switchboard_entrypoint") as database_url:
        replicas = await asyncio.gather(_entrypoint(database_url, tmp_path), _entrypoint(database_url, tmp_path))
        try:
            statuses = [await _status(f"{replica.base_url}/readyz") for replica in replicas]
        finally:
            codes = [await replica.stop() for replica in replicas]
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
        finally:
            await engine.dispose()

    first_migration_runs = sum(replica.log().count("Running upgrade  -> 0001") for replica in replicas)
    assert statuses == [200, 200]  # both serve, and both see the schema at head
    assert first_migration_runs == 1  # one replica migrated; the other waited on the lock and found it done
    assert [row[0] for row in versions] == [head_revision()]
    assert codes == [0, 0]  # SIGTERM reached serve itself: the script exec'd it
    leftovers = await asyncio.to_thread(lambda: list(tmp_path.glob("*.db")))
    assert leftovers == []  # nothing fell back to SQLite in the working directory


def _stages(dockerfile: str) -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined), split into its build stages."""
    joined = dockerfile.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    stages: list[list[str]] = []
    for line in lines:
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_runs_the_entrypoint_as_a_non_root_user_without_build_tools() -> None:
    build, final = _stages((ROOT / "Dockerfile").read_text())
    final_text = "\n".join(final)
    assert "build-essential" in "\n".join(build)
    assert "build-essential" not in final_text
    assert "apt-get install" not in final_text
    assert final[0].startswith("FROM python:3.11-slim")
    assert "USER 10001:10001" in final
    assert any(line.startswith("HEALTHCHECK") and "/healthz" in line for line in final)
    assert "COPY docs/deploy/entrypoint.sh /usr/local/bin/switchboard-entrypoint" in final
    assert 'ENTRYPOINT ["/usr/local/bin/switchboard-entrypoint"]' in final
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "node_modules", "tests"} <= set(ignored)
    assert "docs" not in ignored  # the entrypoint is copied from docs/deploy/
