"""Two `switchboard serve` processes on one PostgreSQL database behind a round-robin proxy, each request
going to the other replica than the one before (no session affinity), as a load balancer may send them.

What it proves: whole assign, remove and bulk conversations continue across replicas; the periodic jobs
(hold expiry, journal reconcile, drift check) run in one replica only and each change happens once; every
channel note in the outbox is posted once though both replicas run the poster; and 1,000 picks at once
on 10 numbers hold none twice and assign none twice."""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from cards.reading import card_text
from inventory import journal
from inventory.e164 import parse_range
from inventory.model import Actor, Assignee, NumberStatus
from inventory.ports.clock import SystemClock
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.store.engine import Store, create_engine
from inventory.store.tables import audit_events, notifications, phone_numbers
from inventory.teams.simulation import SimAccount, SimulatedTenant
from inventory.teams.stand_in.server import RunningServer, start_graph_server
from tests.support.bot_harness import Member, RecordingConnector, TeamsClient, actions_titled, flow_of, template
from tests.support.postgres_databases import fresh_database
from tests.support.round_robin import RoundRobinProxy
from tests.support.serve_process import ServeProcess, serve_command, start_serve

pytestmark = pytest.mark.postgres
OLIVIA = Member("29:olivia", "aaaaaaaa-0000-4000-8000-000000000001", "Olivia Operator", "olivia@contoso.test")
CHANNEL = "19:voice-ops@thread.tacv2"
PEOPLE = [
    SimAccount(f"obj-user-{i:02d}", f"user{i:02d}@contoso.test", f"User {i:02d}", enterprise_voice=True)
    for i in range(1, 61)
]
RACE_NUMBERS = "+12065550100-+12065550109"  # the ten numbers 1,000 picks fight over
MORE_NUMBERS = "+12065550110-+12065550139"  # for the conversations and the jobs afterwards
FLOWS_IN_THE_RACE = 40
PICKS = 1_000
SETUP = Actor("cli:setup", "setup")
WITHIN = 60.0  # seconds for one thing to happen on a busy 2-core machine; the whole test has its own bound
CONFIG = """
sync_reuse_seconds = 600
drift_check_commits = true

[jobs]
expiry_seconds = 1
reconcile_seconds = 1
drift_check_seconds = 2
purge_seconds = 0

[[tenants]]
name = "contoso"
display_name = "Contoso"
entra_tenant_id = "contoso-tenant"
client_id = "switchboard-demo"
graph_base_url = "{graph}/v1.0"
authority_host = "{graph}"
allowed_policies = ["US-Local", "US-Intl"]
default_policy = "US-Local"

[[operators]]
aad_object_id = "{olivia}"
name = "Olivia Operator"
role = "admin"
"""


@dataclass
class Replicas:
    """The world of the test: Teams (the stand-in), two serve processes, the proxy, the channel, the DB."""

    teams: SimulatedTenant
    graph: RunningServer
    servers: list[ServeProcess]
    proxy: RoundRobinProxy
    connector: RecordingConnector
    store: Store
    olivia: TeamsClient


@pytest.fixture
async def replicas(tmp_path: Path) -> AsyncIterator[Replicas]:
    teams = SimulatedTenant(name="contoso", accounts=list(PEOPLE), policies={"US-Local": "pol-1", "US-Intl": "pol-2"})
    async with AsyncExitStack() as stack:
        database_url = await stack.enter_async_context(fresh_database("switchboard_replicas"))
        http = await stack.enter_async_context(aiohttp.ClientSession())
        graph = await stack.enter_async_context(await start_graph_server(teams))
        config = tmp_path / "switchboard.toml"
        config.write_text(CONFIG.format(graph=graph.url, olivia=OLIVIA.aad_object_id), encoding="utf-8")
        env = {
            "DATABASE_URL": database_url,
            "SWITCHBOARD_CONFIG": str(config),
            "SWITCHBOARD_CONTOSO_CLIENT_SECRET": "demo-secret",
            "SWITCHBOARD_LOG_LEVEL": "info",
        }
        command = serve_command("--host", "127.0.0.1", "--port", "0", "--insecure-development")
        servers = list(await asyncio.gather(*(start_serve(command, env=env, cwd=tmp_path) for _ in range(2))))
        stack.push_async_callback(_stop_all, servers)
        proxy = RoundRobinProxy([s.base_url for s in servers])
        await proxy.start()
        stack.push_async_callback(proxy.stop)
        connector = RecordingConnector(members={OLIVIA.id: OLIVIA})
        await connector.start()
        stack.push_async_callback(connector.stop)
        store = Store(create_engine(database_url))
        stack.push_async_callback(store.close)
        olivia = TeamsClient(http, f"{proxy.url}/api/messages", connector, OLIVIA)
        yield Replicas(teams, graph, servers, proxy, connector, store, olivia)


async def _stop_all(servers: list[ServeProcess]) -> None:
    codes = await asyncio.gather(*(server.stop() for server in servers))
    for server in servers:  # shown by pytest when the test failed
        sys.stdout.write(f"--- replica {server.base_url} ---\n{server.log()[-6000:]}\n")
    assert codes == [0, 0], "a replica did not stop cleanly on SIGTERM"


async def test_two_replicas_behind_round_robin_serve_whole_flows_run_each_job_once_and_never_double_hold(
    replicas: Replicas,
) -> None:
    async with asyncio.timeout(420):
        await import_range(
            replicas.store, "contoso", parse_range(RACE_NUMBERS), actor=SETUP, clock=SystemClock(), location="Seattle"
        )
        await _notify_in_the_channel(replicas)
        await _a_thousand_picks_hold_and_assign_each_number_once(replicas)
        await import_range(
            replicas.store, "contoso", parse_range(MORE_NUMBERS), actor=SETUP, clock=SystemClock(), location="Seattle"
        )
        # One throttled read of the numbers (the next sync's or drift check's), for the 429 and retry metrics.
        replicas.teams.faults.respond_next(429, retry_after=1, path_contains="numberAssignments", method="GET")
        await _assign_remove_and_bulk_continue_across_replicas(replicas)
        await _each_job_does_its_work_once(replicas)
        await _every_note_is_posted_once(replicas)
        await _metrics_show_what_happened(replicas)


# --- the channel -------------------------------------------------------------------------------------


def _channel_activity(replicas: Replicas, kind: str) -> dict[str, Any]:
    name = "channel_conversation_update" if kind == "conversationUpdate" else "channel_message_mention"
    activity = template(name)
    activity.update(id=f"channel-{kind}-{len(replicas.proxy.served)}", serviceUrl=replicas.connector.url)
    activity["from"] = {"id": OLIVIA.id, "name": OLIVIA.name, "aadObjectId": OLIVIA.aad_object_id}
    activity["conversation"]["id"] = CHANNEL if kind == "conversationUpdate" else f"{CHANNEL};messageid=77"
    activity["channelData"]["channel"] = {"id": CHANNEL, "name": "Voice Ops"}
    return activity


async def _notify_in_the_channel(replicas: Replicas) -> None:
    status, _ = await replicas.olivia.post(_channel_activity(replicas, "conversationUpdate"))
    assert status in (200, 201)
    message = _channel_activity(replicas, "message")
    message["text"] = "<at>Switchboard</at> notify here"
    await replicas.olivia.post(message)
    assert "hears about changes in contoso" in card_text(replicas.connector.last_card())


def _channel_notes(replicas: Replicas) -> list[str]:
    # Notes start threads in the channel itself; the `notify here` answer is a reply in its own thread.
    return [card_text(s.card) for s in replicas.connector.sent if s.card is not None and s.conversation_id == CHANNEL]


# --- 1,000 picks -------------------------------------------------------------------------------------


async def _say(replicas: Replicas, text: str) -> dict[str, Any]:
    """Say `text` in the personal chat; the card the bot answers with there (channel notes come and go, and
    so do updates of earlier cards: an Assign's final card may land after its number shows as used)."""
    seen = len(replicas.connector.sent)
    status, _ = await replicas.olivia.say(text)
    assert status in (200, 201)
    while True:
        for sent in replicas.connector.sent[seen:]:
            if sent.card is not None and sent.method == "POST" and not sent.conversation_id.startswith(CHANNEL):
                return sent.card
        await replicas.connector.wait_for(len(replicas.connector.sent) + 1, within_seconds=WITHIN)


async def _picker_for(replicas: Replicas, person: str) -> dict[str, Any]:
    """`assign PERSON`, through the sync review when there is one, to the picker."""
    card = await _say(replicas, f"assign {person}")
    if "Commit" in [a.get("title") for a in _actions(card)]:
        card = await replicas.olivia.click(card, "Commit")
    assert actions_titled(card, "Pick"), card_text(card)
    return card


def _actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    from cards.reading import execute_actions

    return list(execute_actions(card))


async def _a_thousand_picks_hold_and_assign_each_number_once(replicas: Replicas) -> None:
    pickers = [await _picker_for(replicas, f"user{i:02d}@contoso.test") for i in range(1, FLOWS_IN_THE_RACE + 1)]
    clicks = []
    for i in range(PICKS):
        picks = actions_titled(pickers[i % len(pickers)], "Pick")
        chosen = picks[(i // len(pickers) + i) % len(picks)]
        clicks.append(replicas.olivia.invoke(chosen["verb"], chosen["data"]))
    served_before = len(replicas.proxy.served)
    answers = await asyncio.gather(*(replicas.olivia.post(click) for click in clicks))
    assert Counter(status for status, _ in answers) == {200: PICKS}
    assert _backends_since(replicas, served_before) == 2  # the picks raced across both replicas

    held = [(n, owner) for n, owner in await _numbers(replicas.store, NumberStatus.RESERVED) if owner]
    owners = Counter(owner for _, owner in held)
    hold_events = await _hold_events(replicas.store)
    assert held, "no pick held a number"
    assert all(count == 1 for count in owners.values()), f"a flow holds two numbers: {owners}"
    assert len({number for number, _ in held}) == len(held)
    assert hold_events == Counter({number: 1 for number, _ in held}), "a number was held twice"

    # Each flow that holds a number moves on to Assign; each Assign is clicked twice at once (a Teams retry
    # reaching the other replica): every number is assigned in Teams once, to one person.
    policies = {flow_of(body["value"]): body["value"] for _, body in answers if "Step 4 of 5" in _text(body)}
    winners = {owner.removeprefix("flow:") for owner in owners}
    assert winners <= set(policies)
    confirms = [
        await replicas.olivia.click(policies[flow], "Next", inputs={"policy": "US-Local"}) for flow in sorted(winners)
    ]
    doubled = [replicas.olivia.action(confirm, "Assign") for confirm in confirms for _ in range(2)]
    await asyncio.gather(*(replicas.olivia.post(click) for click in doubled))
    await _until(lambda: _count(replicas.store, NumberStatus.USED), len(held))
    assigned = Counter(
        r.path.rsplit("/", 1)[-1]
        for r in replicas.graph.requests
        if r.method == "POST" and r.path.endswith("assignNumber")
    )
    assert sum(assigned.values()) == len(held), "an Assign reached Teams twice"
    holders = [n.assignment_target_id for n in replicas.teams.all_numbers() if n.assignment_target_id]
    assert len(holders) == len(set(holders)) == len(held), "someone got two numbers, or a number two people"


def _text(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("value"), dict):
        return card_text(body["value"])
    return ""


# --- whole conversations -----------------------------------------------------------------------------


async def _assign_remove_and_bulk_continue_across_replicas(replicas: Replicas) -> None:
    olivia, served_before = replicas.olivia, len(replicas.proxy.served)
    picker = await _picker_for(replicas, "user50@contoso.test")
    policy = await olivia.click(picker, "Pick")
    confirm = await olivia.click(policy, "Next", inputs={"policy": "US-Intl"})
    done = await olivia.click(confirm, "Assign")
    assert "is assigned to User 50" in card_text(done)
    assert _backends_since(replicas, served_before) == 2

    served_before = len(replicas.proxy.served)
    remove = await _say(replicas, "remove user50@contoso.test")
    removed = await olivia.click(remove, "Remove")
    assert "was removed" in card_text(removed)
    assert _backends_since(replicas, served_before) == 2

    served_before = len(replicas.proxy.served)
    people = await _say(replicas, "bulk assign")
    found = await olivia.click(people, "Find", inputs={"people_search": "user 5"})
    chosen = await olivia.click(found, "Add", inputs={"people": ",".join(f"obj-user-{i}" for i in (51, 52, 53, 54))})
    assert "4 of at most 50 chosen" in card_text(chosen)
    source = await olivia.click(chosen, "Next")
    if "Commit" in [a.get("title") for a in _actions(source)]:
        source = await olivia.click(source, "Commit")
    plan = await olivia.click(source, "Suggest numbers", inputs={"location": "Seattle"})
    review = await olivia.click(plan, "Review")
    results = await olivia.click(review, "Assign all")
    if "4 assigned" not in card_text(results):  # a slow machine: the results follow as an update
        results = await replicas.connector.wait_for_card(lambda c: "4 assigned" in card_text(c), within_seconds=WITHIN)
    assert "4 assigned" in card_text(results)
    assert _backends_since(replicas, served_before) == 2


def _backends_since(replicas: Replicas, index: int) -> int:
    return len({backend for backend, path in replicas.proxy.served[index:] if path == "/api/messages"})


# --- the jobs ----------------------------------------------------------------------------------------


async def _each_job_does_its_work_once(replicas: Replicas) -> None:
    store, teams = replicas.store, replicas.teams
    free = [number for number, _ in await _numbers(store, NumberStatus.AVAILABLE)]
    expiring, settling = free[0], free[1]

    # A hold that ended an hour ago: the expiry job gives it back.
    an_hour_ago = _ClockAt(datetime.now(UTC) - timedelta(hours=1))
    await reserve_number(
        store, "contoso", expiring, owner="flow:gone", note="", minutes=1, actor=SETUP, clock=an_hour_ago
    )
    # A journal entry a crash left behind, for an assignment Teams did make: the reconciler finishes it.
    teams.assign_directly(settling, "obj-user-60")
    entry_id = await _pending_assignment(store, settling, "obj-user-60", at=an_hour_ago.now())
    # Drift: Teams took a number back that the inventory has as used; the drift check commits it.
    drifting = sorted(n.telephone_number for n in teams.all_numbers() if n.assignment_target_id == "obj-user-01")
    if not drifting:
        drifting = sorted(n.telephone_number for n in teams.all_numbers() if n.assignment_target_id)[:1]
    (drifted,) = drifting[:1]
    teams.unassign_directly(drifted)

    await _until(lambda: _status(store, expiring), NumberStatus.AVAILABLE)
    await _until(lambda: _status(store, settling), NumberStatus.USED)
    await _until(lambda: _status(store, drifted), NumberStatus.AVAILABLE)
    async with store.read() as uow:
        settled = await uow.journal.get(entry_id)
    assert settled is not None
    assert settled.status == journal.SUCCEEDED

    # Two more drift checks after the commit, so a second replica running them would have shown itself.
    leader = await _leader(replicas)
    runs = await _job_runs(leader, "check_drift")
    await _until(lambda: _job_runs(leader, "check_drift"), runs + 2, at_least=True)
    await _until(lambda: _pending_notes(store), 0)
    assert await _events_by(store, expiring, "system:expiry") == 1
    assert await _events_by(store, settling, "system:reconcile") == 1
    assert await _events_by(store, drifted, "system:drift-check") == 1
    drift_notes = [note for note in _channel_notes(replicas) if "drift" in note.lower()]
    assert len(drift_notes) == 1, _channel_notes(replicas)
    follower = next(s for s in replicas.servers if s is not leader)
    for job in ("check_drift", "free_expired", "reconcile"):
        assert await _job_runs(follower, job) == 0, f"the follower ran {job}"
        assert await _job_runs(leader, job) > 0


async def _every_note_is_posted_once(replicas: Replicas) -> None:
    await _until(lambda: _pending_notes(replicas.store), 0)
    async with replicas.store.read() as uow:
        sent = (await uow.connection.execute(select(func.count()).where(notifications.c.status == "sent"))).scalar()
    notes = _channel_notes(replicas)
    assert len(notes) == sent
    assert len(set(notes)) == len(notes), "a note was posted twice"


async def _metrics_show_what_happened(replicas: Replicas) -> None:
    """Each metric the operator's dashboards need is there with the values of what this test did."""
    scraped = [_samples(await _metrics(server.base_url)) for server in replicas.servers]

    def total(metric: str, **labels: str) -> float:
        return sum(
            value
            for samples in scraped
            for sample_name, sample_labels, value in samples
            if sample_name == metric and labels.items() <= sample_labels.items()
        )

    assert total("switchboard_turn_seconds_count", kind="command", name="assign") >= FLOWS_IN_THE_RACE + 1
    assert total("switchboard_turn_seconds_count", kind="action") >= PICKS
    assert total("switchboard_graph_requests_total", tenant="contoso", status="200") > 0
    assert total("switchboard_graph_requests_total", tenant="contoso", status="429") == 1
    assert total("switchboard_graph_retries_total", tenant="contoso") >= 1
    assert total("switchboard_teams_operation_wait_seconds_count") >= 6  # the race's, User 50's, the bulk's 4
    assert total("switchboard_sync_seconds_count", tenant="contoso") > 0
    assert total("switchboard_sync_numbers", tenant="contoso") > 0
    free = await _count(replicas.store, NumberStatus.AVAILABLE)
    for samples in scraped:  # the database's gauges: every replica reports the same
        gauges = {(n, tuple(sorted(labels.items()))): v for n, labels, v in samples}
        assert gauges[("switchboard_free_numbers", (("pool", ""), ("tenant", "contoso")))] == free
        assert gauges[("switchboard_outbox_backlog", ())] == 0
        assert gauges[("switchboard_journal_pending", (("tenant", "contoso"),))] == 0
    assert total("switchboard_notifications_posted_total", outcome="sent") == len(_channel_notes(replicas))


def _samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


# --- reading the database and the replicas -----------------------------------------------------------


@dataclass(frozen=True)
class _ClockAt:
    at: datetime

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _pending_assignment(store: Store, number: str, account: str, *, at: datetime) -> str:
    async with store.write() as uow:
        found = await uow.numbers.get("contoso", number)
        assert found is not None
        entry = journal.begin(
            journal.Kind.ASSIGN,
            found,
            Assignee(account, f"{account.removeprefix('obj-')}@contoso.test", "User 60"),
            Actor("cli:crashed", "a process that crashed"),
            at=at,
            correlation_id="crashed-before-settling",
        )
        await uow.journal.write(entry)
    return entry.id


async def _numbers(store: Store, status: NumberStatus) -> list[tuple[str, str | None]]:
    async with store.read() as uow:
        rows = await uow.connection.execute(
            select(phone_numbers.c.number, phone_numbers.c.hold_owner)
            .where(phone_numbers.c.status == status.value)
            .order_by(phone_numbers.c.number)
        )
        return [(row[0], row[1]) for row in rows]


async def _count(store: Store, status: NumberStatus) -> int:
    return len(await _numbers(store, status))


async def _status(store: Store, number: str) -> NumberStatus:
    async with store.read() as uow:
        found = await uow.numbers.get("contoso", number)
    assert found is not None
    return found.status


async def _hold_events(store: Store) -> Counter[str]:
    async with store.read() as uow:
        rows = await uow.connection.execute(select(audit_events.c.number, audit_events.c.after))
        return Counter(row[0] for row in rows if (row[1] or {}).get("status") == NumberStatus.RESERVED.value)


async def _events_by(store: Store, number: str, operator_id: str) -> int:
    async with store.read() as uow:
        query = select(func.count()).where(audit_events.c.number == number, audit_events.c.operator_id == operator_id)
        return int((await uow.connection.execute(query)).scalar() or 0)


async def _pending_notes(store: Store) -> int:
    async with store.read() as uow:
        query = select(func.count()).where(notifications.c.status.in_(("pending", "sending")))
        return int((await uow.connection.execute(query)).scalar() or 0)


async def _metrics(base_url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/metrics") as answer:
        assert answer.status == 200
        return await answer.text()


async def _leader(replicas: Replicas) -> ServeProcess:
    leading = []
    for server in replicas.servers:
        found = re.search(r"^switchboard_job_leader (\S+)$", await _metrics(server.base_url), re.MULTILINE)
        if found and float(found.group(1)) == 1.0:
            leading.append(server)
    assert len(leading) == 1, "not exactly one replica leads the jobs"
    return leading[0]


async def _job_runs(server: ServeProcess, job: str) -> int:
    pattern = rf'^switchboard_job_runs_total\{{job="{job}",outcome="ok"\}} (\S+)$'
    found = re.search(pattern, await _metrics(server.base_url), re.MULTILINE)
    return int(float(found.group(1))) if found else 0


async def _until(read: Callable[[], Awaitable[Any]], expected: Any, *, at_least: bool = False) -> None:
    """Wait (bounded) until `read()` gives `expected` (or at least it): the jobs run on their own timers."""
    async with asyncio.timeout(WITHIN):
        while True:
            value = await read()
            if value == expected or (at_least and value >= expected):
                return
            await asyncio.sleep(0.2)
