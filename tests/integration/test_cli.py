"""The `switchboard` command line, run in-process as an operator would run it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from inventory import journal, transitions
from inventory.model import Actor, Assignee
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import head_revision


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("SWITCHBOARD_OPERATOR", "olivia@contoso.test")
    config = tmp_path / "switchboard.toml"
    config.write_text('[[tenants]]\nname = "contoso"\n', encoding="utf-8")
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
    monkeypatch.delenv("SWITCHBOARD_TENANT", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_db_upgrade_reports_the_schema_revision(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert f"revision {head_revision()}" in out


def test_importing_a_file_twice_says_nothing_changed_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "numbers.csv"
    file.write_text("number,location\n+15551230000,Seattle\n15551230001,Seattle\n", encoding="utf-8")
    assert run(capsys, "import", str(file), "--tenant", "contoso")[1].strip() == (
        "[contoso] Added 2, updated 0, unchanged 0."
    )
    assert "Nothing changed: all 2 numbers" in run(capsys, "import", str(file), "--tenant", "contoso")[1]


def test_a_bad_file_exits_with_1_and_names_the_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("number\n+15551230000\nnot-a-number\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(file))
    assert code == 1
    assert "nothing was imported" in err
    assert "line 3: 'not-a-number'" in err
    assert "0 number(s)" in run(capsys, "numbers")[1]


def test_a_range_import_then_a_filtered_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import-range", "+15551230000-+15551230019", "--location", "Dublin", "--pool", "Ops")
    assert code == 0
    assert "Added 20" in out
    out = run(capsys, "numbers", "--pool", "ops", "--limit", "3", "*0019")[1]
    assert "+1 555 123 0019" in out
    assert "1 number(s)" in out


def test_a_missing_file_is_reported_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", "/nonexistent/numbers.csv")
    assert code == 1
    assert "Cannot read /nonexistent/numbers.csv" in err


def test_block_and_history_show_who_did_what(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230001")
    assert "is now blocked" in run(capsys, "block", "+15551230001", "--reason", "fraud")[1]
    code, _, err = run(capsys, "reserve", "+15551230001")
    assert code == 1
    assert "blocked; an admin must unblock it" in err
    history = run(capsys, "history", "+15551230001")[1]
    assert "block" in history
    assert "olivia@contoso.test" in history


def test_several_configured_tenants_need_an_explicit_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "switchboard.toml"
    config.write_text('[[tenants]]\nname = "contoso"\n\n[[tenants]]\nname = "fabrikam"\n', encoding="utf-8")
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
    code, _, err = run(capsys, "numbers")
    assert code == 1
    assert "choose one with --tenant" in err
    code, _, err = run(capsys, "numbers", "--tenant", "northwind")
    assert "There is no tenant called 'northwind' (known: contoso, fabrikam)" in err


def test_export_writes_a_file_that_reimports_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230004", "--carrier", "Contoso")
    out_file = tmp_path / "export.csv"
    assert "Exported 5 numbers" in run(capsys, "export", str(out_file))[1]
    assert "Nothing changed: all 5 numbers" in run(capsys, "import", str(out_file))[1]


def test_a_large_import_shows_progress_and_completes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "big.csv"
    file.write_text("number\n" + "".join(f"+1555{i:07d}\n" for i in range(12_000)), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(file))
    assert code == 0
    assert "importing" in out
    assert "Added 12,000" in out


def test_reserving_listing_extending_and_pooling_from_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230004", "--location", "Dublin")
    code, out, _ = run(capsys, "set-pool", "Ops", "--location", "dublin")
    assert (code, out.strip()) == (0, "[contoso] 5 number(s) moved into pool Ops.")
    code, out, _ = run(
        capsys, "reserve", "2", "--pool", "ops", "--for-time", "10d", "--ticket", "CHG-5", "--note", "lab"
    )
    assert code == 0
    assert out.splitlines()[0].startswith("+1 555 123 0000 is reserved by olivia@contoso.test until ")
    assert out.splitlines()[0].endswith("(ticket CHG-5).")
    code, _, err = run(capsys, "reserve", "9", "--pool", "Ops")
    assert code == 1
    assert "Only 3 number(s) are free in pool Ops, not 9; nothing was reserved." in err
    listed = run(capsys, "reservations", "--mine")[1]
    assert "contoso: 2 reservation(s)" in listed
    assert "CHG-5" in listed
    assert "is reserved by olivia@contoso.test until" in run(capsys, "extend-reservation", "+15551230001")[1]
    pools = run(capsys, "pools")[1]
    assert "Ops" in pools
    assert "contoso: 1 pool(s)" in pools


def test_numbers_shows_a_policy_the_journal_is_still_granting_as_pending(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-range", "+15551230000-+15551230001")

    async def assigned_with_policy_pending() -> None:
        store = Store(create_engine(f"sqlite+aiosqlite:///{database}"))
        now = datetime.now(UTC)
        actor, adele = Actor("cli:olivia", "olivia"), Assignee("obj-adele", "adele@contoso.test", "Adele Vance")
        async with store.write() as uow:
            number = await uow.numbers.get("contoso", "+15551230000")
            assert number is not None
            used = transitions.assign(number, adele, policy=None, operator="olivia", now=now)
            await uow.numbers.save(number, used, action="assign", actor=actor, correlation_id="c-1")
            entry = journal.begin(
                journal.Kind.ASSIGN, number, adele, actor, at=now, correlation_id="c-1", policy="US-Local"
            )
            await uow.journal.write(entry)
            await uow.journal.retry_policy_later(
                entry.id, from_status=journal.PENDING, attempts=1, detail="refused", retry_at=now
            )
        await store.close()

    asyncio.run(assigned_with_policy_pending())
    out = run(capsys, "numbers")[1]

    assert "US-Local (pending)" in out
