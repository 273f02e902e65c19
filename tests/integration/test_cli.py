"""The `switchboard` command line, run in-process as an operator would run it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from inventory import journal, transitions
from inventory.model import Actor, Assignee
from inventory.services.settlement import refusal_note
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
    assert "Only 3 numbers are free in pool Ops, not 9; nothing was reserved." in err
    listed = run(capsys, "reservations", "--mine")[1]
    assert "contoso: 2 reservation(s)" in listed
    assert "CHG-5" in listed
    assert "is reserved by olivia@contoso.test until" in run(capsys, "extend-reservation", "+15551230001")[1]
    pools = run(capsys, "pools")[1]
    assert "Ops" in pools
    assert "contoso: 1 pool(s)" in pools


def test_numbers_json_gives_every_field_of_each_number_and_the_cursor(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230002", "--location", "Dublin", "--pool", "Ops")
    code, out, _ = run(capsys, "numbers", "--json", "--limit", "2")
    assert code == 0
    document = json.loads(out)
    assert document["tenant"] == "contoso"
    assert document["total"] == 3
    assert [n["number"] for n in document["numbers"]] == ["+15551230000", "+15551230001"]
    first = document["numbers"][0]
    assert first["status"] == "available"
    assert first["pool"] == "Ops"
    assert first["assignee_upn"] is None
    assert first["updated_at"].endswith("+00:00")
    rest = json.loads(run(capsys, "numbers", "--json", "--after", document["next_cursor"])[1])
    assert [n["number"] for n in rest["numbers"]] == ["+15551230002"]
    assert rest["next_cursor"] is None


def test_history_json_lists_the_events_newest_first_with_before_and_after(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230000")
    run(capsys, "block", "+15551230000", "--reason", "fraud")
    document = json.loads(run(capsys, "history", "+15551230000", "--json")[1])
    assert [e["action"] for e in document["events"]] == ["block", "import-range"]
    newest = document["events"][0]
    assert (newest["before"]["status"], newest["after"]["status"]) == ("available", "blocked")
    assert newest["operator_name"] == "olivia@contoso.test"


def test_export_json_writes_every_number_as_numbers_json_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-range", "+15551230000-+15551231199", "--pool", "Ops")  # more than one page of 1,000
    out = tmp_path / "inventory.json"
    assert run(capsys, "export", str(out), "--json")[0] == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["tenant"] == "contoso"
    assert len(exported["numbers"]) == 1200
    assert len({n["number"] for n in exported["numbers"]}) == 1200
    listed = json.loads(run(capsys, "numbers", "--json", "--limit", "1")[1])["numbers"][0]
    assert exported["numbers"][0] == listed
    code, stdout, _ = run(capsys, "export", "-", "--json")
    assert code == 0
    assert json.loads(stdout) == exported


def test_the_tables_fit_80_columns_without_breaking_a_number_or_a_heading(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run(
        capsys,
        "import-range",
        "+15551230000-+15551230002",
        "--location",
        "Redmond Building 40, floor 2",
        "--carrier",
        "Lumen Technologies",
        "--pool",
        "Sales and Marketing",
    )
    run(capsys, "block", "+15551230001", "--reason", "reported as used for fraud by the carrier last week")
    run(capsys, "reserve", "+15551230002", "--note", "the new London desk", "--ticket", "INC-123456")
    for argv in (("numbers",), ("history", "+15551230001"), ("history", "olivia@contoso.test"), ("reservations",)):
        out = run(capsys, *argv)[1]
        assert max(len(line) for line in out.splitlines()) <= 80, out
        if argv == ("numbers",):
            assert "+1 555 123 0001   blocked" in out
            assert all(heading in out for heading in ("Number", "Status", "Holder", "Location", "Pool"))
        elif argv == ("reservations",):
            assert "INC-123456" in out  # a ticket is read as one word
            assert all(heading in out for heading in ("Number", "Until (UTC)", "Owner", "Purpose", "Pool"))
        else:
            assert all(heading in out for heading in ("When (UTC)", "Action", "Who", "Change"))


def test_a_number_teams_refused_shows_teams_reason_in_the_listing_until_it_is_unblocked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "import-range", "+15551230000-+15551230001")
    # What a bulk run leaves on a number Teams refused (`settlement.refusal_note`).
    run(capsys, "block", "+15551230001", "--reason", refusal_note("The number is not provisioned."))
    listed = run(capsys, "numbers", "--status", "blocked")[1]
    assert "Teams refused it: The number is not provisioned." in listed
    assert "is now available" in run(capsys, "unblock", "+15551230001")[1]
    assert "unblock" in run(capsys, "history", "+15551230001")[1]


def test_capacity_thresholds_are_set_shown_and_refused_from_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230004", "--pool", "Ops")
    code, out, _ = run(capsys, "capacity", "ops", "40%")
    assert code == 0
    assert "Pool Ops alerts when it has fewer than 40% free." in out
    assert "ok" in out
    run(capsys, "reserve", "4", "--pool", "Ops")
    assert "LOW" in run(capsys, "capacity")[1]
    code, _, err = run(capsys, "capacity", "Ops", "lots")
    assert code == 1
    assert "'lots' is not a threshold" in err
    code, out, _ = run(capsys, "capacity", "Ops", "off")
    assert "Pool Ops has no threshold now." in out
    assert "0 pool(s) with a threshold" in out


def test_rules_are_added_moved_and_deleted_from_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import-range", "+15551230000-+15551230004", "--pool", "Ops")
    code, out, _ = run(capsys, "rule-add", "department=IT", "pool=ops")
    assert (code, out.splitlines()[0]) == (0, "Added rule 1: department=IT -> pool Ops.")
    run(capsys, "rule-add", "office=Building 4", "pool=Ops")
    code, out, _ = run(capsys, "rule-move", "2", "1")
    assert code == 0
    assert out.index("office=Building 4") < out.index("department=IT")
    assert 'Deleted rule 1: office="Building 4" -> pool Ops.' in run(capsys, "rule-delete", "1")[1]
    code, _, err = run(capsys, "rule-add", "department=IT", "pool=Nowhere")
    assert code == 1
    assert "no pool called 'Nowhere'" in err
    assert "contoso: 1 rule(s)" in run(capsys, "rules")[1]


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
    out = run(capsys, "numbers", "--wide")[1]

    assert "US-Local (pending)" in out


def test_a_change_from_the_shell_checks_its_pools_capacity_at_once(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def low() -> list[tuple[str, int]]:
        with sqlite3.connect(database) as connection:
            return list(connection.execute("SELECT pool, low FROM pool_thresholds"))

    run(capsys, "import-range", "+15551230000-+15551230004", "--pool", "Ops")
    run(capsys, "capacity", "Ops", "50%")  # more than 2 of 5 free
    run(capsys, "reserve", "+15551230000")
    run(capsys, "block", "+15551230001", "--reason", "the carrier lost it")
    assert low() == [("Ops", 0)]  # 3 of 5 free
    run(capsys, "reserve", "+15551230002")
    assert low() == [("Ops", 1)]  # the bot's channel hears it from the outbox, not at its next minute
    run(capsys, "cancel-reservation", "+15551230002")
    assert low() == [("Ops", 0)]


def test_an_import_from_the_shell_checks_capacity_at_once(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def low() -> list[tuple[str, int]]:
        with sqlite3.connect(database) as connection:
            return list(connection.execute("SELECT pool, low FROM pool_thresholds"))

    run(capsys, "import-range", "+15551230000-+15551230001", "--pool", "Ops")
    run(capsys, "capacity", "Ops", "4")
    assert low() == [("Ops", 1)]  # 2 free, below 4
    csv_file = tmp_path / "more.csv"
    csv_file.write_text("number,pool\n+15551230002,Ops\n+15551230003,Ops\n")
    run(capsys, "import", str(csv_file), "--dry-run")
    assert low() == [("Ops", 1)]  # a dry run changes nothing, the flag included
    run(capsys, "import", str(csv_file))
    assert low() == [("Ops", 0)]  # 4 free: recovered, without waiting for the bot's minute job
    run(capsys, "capacity", "Ops", "6")
    assert low() == [("Ops", 1)]  # 4 free, below 6
    run(capsys, "import-range", "+15551230004-+15551230005", "--pool", "Ops")
    assert low() == [("Ops", 0)]  # 6 free: a range, too, is checked straight away
