"""`switchboard tenants` and `switchboard sync` against the Graph-compatible server over real HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.main import main
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedTenant
from inventory.teams.stand_in.server import RunningServer, start_graph_server


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    tenant = SimulatedTenant(
        name="contoso",
        accounts=[SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True)],
        numbers=[SimNumber("+12065550002", "callingPlan", capabilities=["userAssignment"])],
    )
    tenant.assign_directly("+12065550001", "obj-adele")
    running = await start_graph_server(tenant)
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def configured(server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "switchboard.toml"
    config.write_text(
        f"""
[[tenants]]
name = "contoso"
display_name = "Contoso"
entra_tenant_id = "contoso-tenant"
client_id = "switchboard"
graph_base_url = "{server.graph_base_url}"
authority_host = "{server.url}"
allowed_policies = ["US-Unrestricted"]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
    monkeypatch.setenv("SWITCHBOARD_CONTOSO_CLIENT_SECRET", "s3cret-value")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    return config


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    # The CLI runs its own event loop; the server keeps serving on this one meanwhile.
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def test_tenants_checks_token_and_numbers(configured: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = await run(capsys, "tenants")
    assert code == 0
    assert "contoso (Contoso)" in out
    assert "s3cret-value" not in out


async def test_sync_reports_then_commits(configured: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = await run(capsys, "sync")
    assert code == 0
    assert "to add 2, to update 0, drift 0, unchanged 0" in out
    code, out, _ = await run(capsys, "sync", "--commit")
    assert code == 0
    assert "applied: add 2, update 0, drift 0" in out
    listing = (await run(capsys, "numbers"))[1]
    assert "Adele Vance" in listing


async def test_sync_without_commit_exits_3_when_it_finds_drift(
    configured: Path, server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    await run(capsys, "sync", "--commit")
    server.tenant.unassign_directly("+12065550001")
    code, out, _ = await run(capsys, "sync")
    assert code == 3
    assert "drift  +1 206 555 0001" in out


async def test_tenants_json_says_per_tenant_whether_token_and_numbers_work(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = await run(capsys, "tenants", "--json")
    assert code == 0
    (tenant,) = json.loads(out)["tenants"]
    assert tenant["tenant"] == "contoso"
    assert tenant["entra_tenant_id"] == "contoso-tenant"
    assert (tenant["token_ok"], tenant["numbers_ok"], tenant["problem"]) == (True, True, None)
    assert "s3cret-value" not in out


async def test_sync_json_gives_the_counts_and_changes_and_keeps_the_drift_exit_code(
    configured: Path, server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = await run(capsys, "sync", "--json", "--commit")
    assert code == 0
    committed = json.loads(out)
    assert committed["committed"] is True
    assert committed["applied"] == {"add": 2, "update": 0, "drift": 0}
    assert sorted(c["number"] for c in committed["changes"]) == ["+12065550001", "+12065550002"]
    server.tenant.unassign_directly("+12065550001")
    code, out, _ = await run(capsys, "sync", "--json")
    assert code == 3
    report = json.loads(out)  # the whole of standard output is the document: no spinner, no text
    assert report["counts"]["drift"] == 1
    assert report["committed"] is False
    (drift,) = [c for c in report["changes"] if c["category"] == "drift"]
    assert drift["number"] == "+12065550001"
