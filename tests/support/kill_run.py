"""One bulk run killed with SIGKILL and restarted: a real `switchboard serve` process, the Graph stand-in
with slow operations, and this process playing Teams (its Bot Connector and one operator's clicks).

`kill_and_restart` drives a bulk assignment of `people` people through the bot, kills the bot at a random
moment of the run, starts it again on the same database and waits (bounded) until the run is final by
itself; then it compares the inventory with Teams. `tests/integration/test_kill_restart.py` runs it once,
`bench/kill_restart.py` five times.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor, NumberStatus
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.store.tables import flows, teams_operations
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedTenant
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.stand_in.server import RunningServer, start_graph_server
from tests.support.bot_harness import Member, RecordingConnector, TeamsClient
from tests.support.serve_process import ServeProcess, serve_command, start_serve

TENANT = "contoso"
OPERATOR = Member("29:kim", "aaaaaaaa-0000-4000-8000-0000000000k1", "Kim Operator", "kim@contoso.test")
FIRST = 12065557000
PROGRESS_NOTE = "This card updates by itself."  # on the progress card only
SETTLE_SECONDS = 120.0  # restart, lease, resume, Teams: bounded whatever the machine's load


@dataclass
class KillRun:
    """What one run ended with; `mismatches` lists each number where the inventory and Teams differ."""

    killed_after: float
    done_at_kill: int = 0  # journal entries Teams had finished when the bot died
    in_flight_at_kill: int = 0  # entries still pending then (the old runner's operations in Teams' hands)
    mismatches: list[str] = field(default_factory=list)
    pending: int = 0
    running: int = 0
    results_card: str = ""
    log: str = ""


def _people(count: int) -> list[SimAccount]:
    return [
        SimAccount(f"obj-kill-{i:03d}", f"k{i:03d}@contoso.test", f"Kay {i:03d}", enterprise_voice=True)
        for i in range(count)
    ]


def _tenant(people: int, operation_seconds: float) -> SimulatedTenant:
    numbers = [SimNumber(f"+{FIRST + i}", "directRouting") for i in range(people + 10)]
    knobs = FaultKnobs(operation_delay_seconds=operation_seconds)
    return SimulatedTenant(name=TENANT, accounts=_people(people), numbers=numbers, knobs=knobs)


def _config(folder: Path, graph: RunningServer) -> Path:
    path = folder / "switchboard.toml"
    path.write_text(
        f"""database_url = "sqlite+aiosqlite:///{folder / "bot.db"}"
bulk_concurrency = 6  # 4 in flight: the bulk gate keeps 2 for operators

[jobs]
resume_seconds = 1
run_lease_seconds = 3
reconcile_seconds = 5

[[tenants]]
name = "{TENANT}"
display_name = "Contoso"
entra_tenant_id = "{TENANT}-tenant"
client_id = "switchboard-demo"
graph_base_url = "{graph.url}/v1.0"
authority_host = "{graph.url}"
""",
        encoding="utf-8",
    )
    return path


async def _prepare_inventory(folder: Path, people: int) -> None:
    store = Store(create_engine(f"sqlite+aiosqlite:///{folder / 'bot.db'}"))
    try:
        await upgrade(store.engine)
        last = f"+{FIRST + people + 9}"
        await import_range(
            store, TENANT, parse_range(f"+{FIRST}-{last}"), actor=Actor("cli:setup", "setup"), clock=SystemClock()
        )
    finally:
        await store.close()


async def _serve(config: Path, folder: Path) -> ServeProcess:
    env = {
        "SWITCHBOARD_CONFIG": str(config),
        "SWITCHBOARD_INSECURE_DEVELOPMENT": "1",
        "SWITCHBOARD_DEFAULT_ROLE": "admin",
        "SWITCHBOARD_CONTOSO_CLIENT_SECRET": "demo-secret",
    }
    return await start_serve(serve_command("--port", "0", "--max-seconds", "300"), env=env, cwd=Path.cwd())


async def _confirm_card(client: TeamsClient, connector: RecordingConnector, people: int) -> dict[str, object]:
    await client.say("bulk assign")
    found = await client.click(connector.last_card(), "Find", inputs={"people_search": "kay"})
    ids = ",".join(p.id for p in _people(people))
    chosen = await client.click(found, "Add", inputs={"people": ids})
    source = await client.click(chosen, "Next")
    plan = await client.click(source, "Suggest numbers")
    return await client.click(plan, "Review")


async def _state(folder: Path) -> tuple[int, int]:
    """(pending journal entries, bulk flows still running), read from the bot's database."""
    store = Store(create_engine(f"sqlite+aiosqlite:///{folder / 'bot.db'}"))
    try:
        async with store.engine.connect() as connection:
            pending = (
                await connection.execute(
                    select(func.count()).select_from(teams_operations).where(teams_operations.c.status == "pending")
                )
            ).scalar_one()
            running = (
                await connection.execute(
                    select(func.count()).select_from(flows).where(flows.c.kind == "bulk", flows.c.step != "results")
                )
            ).scalar_one()
        return int(pending), int(running)
    finally:
        await store.close()


async def _journal_counts(folder: Path) -> tuple[int, int]:
    """(pending, closed) journal entries."""
    store = Store(create_engine(f"sqlite+aiosqlite:///{folder / 'bot.db'}"))
    try:
        async with store.engine.connect() as connection:
            rows = await connection.execute(
                select(teams_operations.c.status, func.count()).group_by(teams_operations.c.status)
            )
            counts = {status: int(count) for status, count in rows}
    finally:
        await store.close()
    return counts.get("pending", 0), sum(counts.values()) - counts.get("pending", 0)


async def _mismatches(folder: Path, teams: SimulatedTenant) -> list[str]:
    """Every number where the inventory's holder differs from Teams' (or is used on one side only)."""
    store = Store(create_engine(f"sqlite+aiosqlite:///{folder / 'bot.db'}"))
    try:
        async with store.read() as uow:
            page = await uow.numbers.search(NumberQuery(TENANT), limit=10_000)
    finally:
        await store.close()
    ours = {n.number: (n.assignee.id if n.assignee and n.status is NumberStatus.USED else None) for n in page.items}
    theirs = {n.telephone_number: n.assignment_target_id for n in teams.all_numbers()}
    return [
        f"{number}: inventory {ours.get(number)}, Teams {theirs.get(number)}"
        for number in sorted(set(ours) | set(theirs))
        if ours.get(number) != theirs.get(number)
    ]


def _last_redrawn(connector: RecordingConnector, seen: int) -> str:
    """The text of the newest card the restarted bot redrew in the conversation ("" before its first)."""
    redrawn = [s.card for s in connector.sent[seen:] if s.method == "PUT" and s.card]
    return card_text(redrawn[-1]) if redrawn else ""


async def kill_and_restart(folder: Path, *, seed: int, people: int = 24, operation_seconds: float = 1.5) -> KillRun:
    """Run a bulk assignment, SIGKILL the bot at a random moment of it, restart it, wait for the run to be
    final, and compare. Bounded: every wait has a limit, every process is stopped by its id."""
    rng = random.Random(seed)
    teams = _tenant(people, operation_seconds)
    await _prepare_inventory(folder, people)
    connector = RecordingConnector()
    connector.members[OPERATOR.id] = OPERATOR
    await connector.start()
    graph = await start_graph_server(teams)
    first: ServeProcess | None = None
    second: ServeProcess | None = None
    try:
        config = _config(folder, graph)
        first = await _serve(config, folder)
        async with aiohttp.ClientSession() as http:
            client = TeamsClient(http, first.base_url + "/api/messages", connector, OPERATOR)
            confirm = await _confirm_card(client, connector, people)
            # The whole run takes about people / concurrency * operation_seconds: kill somewhere inside it.
            expected = people / 4 * operation_seconds
            killed_after = rng.uniform(0.2, expected)
            started = time.monotonic()
            clicking = asyncio.create_task(client.click(confirm, "Assign all"))
            await asyncio.sleep(killed_after)
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            with contextlib.suppress(Exception):
                await clicking  # the invoke dies with the process (or answered before the kill)
            killed_after = time.monotonic() - started
        run = KillRun(killed_after)
        run.in_flight_at_kill, run.done_at_kill = await _journal_counts(folder)
        seen = len(connector.sent)
        second = await _serve(config, folder)
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            run.pending, run.running = await _state(folder)
            run.results_card = _last_redrawn(connector, seen)
            # The flow reaches its results a moment before the bot redraws the card with them: final means both.
            if run.pending == 0 and run.running == 0 and PROGRESS_NOTE not in run.results_card:
                break
            await asyncio.sleep(0.5)
        run.mismatches = await _mismatches(folder, teams)
        run.log = second.log()
        return run
    finally:
        for process in (first, second):
            if process is not None:
                await process.stop(grace_seconds=10.0)
        await graph.stop()
        await connector.stop()
