"""Tampered cards and malformed activities: an error card or an HTTP 4xx, never a database change, never a
stack trace on a card; an unexpected failure shows a reference that is also in the log. About input shapes
only, so SQLite is enough."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, find_action, flow_of
from tests.support.clicks import chooser_for_alex, picker_for

CANNOT_READ = "That card sent something I cannot read."
UNKNOWN_ACTION = "That card sent an action I do not know."
HUGE = "9" * 100_000

Tamper = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


def assert_no_internals(shown: str) -> None:
    assert "Traceback" not in shown
    assert not re.search(r"[\w/]+\.py\b", shown), shown
    assert "sqlalchemy" not in shown.lower()


def with_data(**changes: Any) -> Tamper:
    return lambda data: {**data, **changes}


def without(key: str) -> Tamper:
    return lambda data: {k: v for k, v in data.items() if k != key}


TAMPERED: dict[str, tuple[Any, Tamper, str]] = {
    "an unknown flow id": ("picker.pick", with_data(flow=str(uuid.uuid4())), "This card has expired."),
    "a malformed flow id": ("picker.pick", with_data(flow="../../etc/passwd"), CANNOT_READ),
    "a flow id that is a number": ("picker.pick", with_data(flow=12), CANNOT_READ),
    "a version as text": ("picker.pick", lambda d: {**d, "v": str(d["v"])}, CANNOT_READ),
    "no version": ("picker.pick", without("v"), CANNOT_READ),
    "a number id as a list": ("picker.pick", lambda d: {**d, "number": [d["number"]]}, CANNOT_READ),
    "a number id as an object": ("picker.pick", with_data(number={"id": 1}), CANNOT_READ),
    "a number id as a float": ("picker.pick", with_data(number=1.5), CANNOT_READ),
    "a number id beyond 64 bits": ("picker.pick", with_data(number=10**30), CANNOT_READ),
    "a number id of digits beyond 64 bits": ("picker.pick", with_data(number="9" * 40), CANNOT_READ),
    "a 100 KB search": ("picker.search", with_data(search=HUGE), "That is too long (100,000 characters)"),
    "a NUL in a search": ("picker.search", with_data(search="0142\x00"), CANNOT_READ),
    "a lone surrogate in a search": ("picker.search", with_data(search="\ud800"), CANNOT_READ),
    "a search as a list": ("picker.search", with_data(search=["0142"]), CANNOT_READ),
    "an unknown verb": ("picker.explode", lambda d: d, "Step 3 of 5"),
    "no verb": (None, lambda d: d, UNKNOWN_ACTION),
    "a verb as a list": (["picker.pick"], lambda d: d, UNKNOWN_ACTION),
    "a 100 KB verb": (HUGE, lambda d: d, UNKNOWN_ACTION),
    "a command button for a command without buttons": (
        "command",
        with_data(command="delete inventory"),
        UNKNOWN_ACTION,
    ),
    "a tenant choice of 100 KB": ("tenant.choose", with_data(tenant=HUGE), "That is too long"),
}


@pytest.mark.parametrize("case", TAMPERED)
async def test_tampered_card_data_is_refused_without_changing_anything(
    case: str, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    verb, tamper, expected = TAMPERED[case]
    picker = await picker_for(megan, connector, "adele")
    before = await db.snapshot(inventory)
    status, body = await megan.execute(verb, tamper(dict(find_action(picker, "Pick")["data"])))
    assert status == 200
    shown = card_text(body["value"])
    assert expected in shown
    assert_no_internals(shown)
    assert await db.snapshot(inventory) == before


async def test_picking_a_number_of_another_tenant_or_one_never_offered_takes_nothing(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await import_range(
        inventory, "fabrikam", parse_range("+14255550100-+14255550101"), actor=Actor("t", "t"), clock=SystemClock()
    )
    picker = await picker_for(megan, connector, "adele")
    fabrikam = await db.number(inventory, "+14255550100", tenant="fabrikam")
    bobs = await db.number(inventory, "+12065550150")  # used: never offered
    data = dict(find_action(picker, "Pick")["data"])
    before = await db.snapshot(inventory)
    for number_id, expected in ((fabrikam.id, "no longer in the inventory"), (bobs.id, "is used by Bob Kelly")):
        data["v"] = (await db.flow(inventory, flow_of(picker))).version
        status, body = await megan.execute("picker.pick", {**data, "number": number_id})
        assert status == 200
        assert expected in card_text(body["value"])
        assert "Pick another number" in card_text(body["value"])
    after = await db.snapshot(inventory)
    assert (after.numbers, after.audit_events, after.teams_operations) == (
        before.numbers,
        before.audit_events,
        before.teams_operations,
    )


async def test_removing_a_number_that_was_not_offered_on_the_card_is_refused(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    choose = await chooser_for_alex(megan, connector, teams)
    bobs = await db.number(inventory, "+12065550150")
    before = await db.snapshot(inventory)
    refused = await megan.click(choose, "Remove", inputs={"number": bobs.id})
    assert "That number is not one of those offered on this card." in card_text(refused)
    assert await db.snapshot(inventory) == before


MALFORMED: dict[str, tuple[bytes, str, int]] = {
    "not JSON": (b"{not json", "application/json", 400),
    "JSON that is a list": (b"[1, 2]", "application/json", 400),
    "JSON without a type": (b'{"conversation": {"id": "a:1"}}', "application/json", 400),
    "JSON without a conversation": (b'{"type": "message", "text": "sync"}', "application/json", 400),
    "a conversation id that is not text": (b'{"type": "message", "conversation": {"id": 5}}', "application/json", 400),
    "text/plain": (b"sync", "text/plain", 415),
    "form data": (b"type=message", "application/x-www-form-urlencoded", 415),
    "a body over 512 KB": (b'{"type": "message", "text": "' + b"x" * 600_000 + b'"}', "application/json", 413),
}


@pytest.mark.parametrize("case", MALFORMED)
async def test_a_malformed_activity_gets_an_http_error_and_changes_nothing(
    case: str, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    body, content_type, expected = MALFORMED[case]
    before = await db.snapshot(inventory)
    async with megan.http.post(megan.bot_url, data=body, headers={"Content-Type": content_type}) as response:
        assert response.status == expected
        assert_no_internals(await response.text())
    assert connector.sent == []
    assert await db.snapshot(inventory) == before


BROKEN_FIELDS: dict[str, dict[str, Any]] = {
    "from is text": {"from": "29:megan"},
    "entities is text": {"entities": "mention"},
    "recipient is null": {"recipient": None},
}


@pytest.mark.parametrize("case", BROKEN_FIELDS)
async def test_an_activity_with_fields_of_the_wrong_shape_gets_a_400(
    case: str, megan: TeamsClient, connector: RecordingConnector
) -> None:
    activity = {**megan._activity("message"), "text": "numbers", **BROKEN_FIELDS[case]}
    status, _ = await megan.post(activity)
    assert status == 400
    assert connector.sent == []


async def test_text_a_database_cannot_store_is_dropped_from_a_typed_command(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    for typed in ("numbers 0142\x00", "numbers \ud8000142", "\ud800"):
        status, _ = await megan.say(typed)
        assert status in (200, 201), typed
        assert_no_internals(card_text(connector.last_card()))
    await megan.say("numbers \ud800 0142\x00")
    assert "+1 206 555 0142" in card_text(connector.last_card())


async def test_an_unexpected_failure_shows_a_reference_that_is_in_the_log(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async with inventory.write() as uow:  # the flows table is gone: every flow fails unexpectedly
        await uow.connection.execute(text("ALTER TABLE flows RENAME TO flows_gone"))
    with caplog.at_level(logging.ERROR):
        await megan.say("numbers")
    shown = card_text(connector.last_card())
    assert "Something went wrong on our side; nothing more was changed." in shown
    assert_no_internals(shown)
    reference = re.search(r"Reference: (\w+)", shown)
    assert reference is not None
    logged = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None


async def test_a_teams_failure_shows_a_reference_that_is_in_the_log(
    megan: TeamsClient,
    connector: RecordingConnector,
    phone: SimulatedPhoneSystem,
    teams: SimulatedTenant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    teams.faults.respond_next(403, path_contains="users", message="Insufficient privileges to complete the operation.")
    with caplog.at_level(logging.INFO):
        await megan.say("assign adele")
    shown = card_text(connector.last_card())
    reference = re.search(r"Reference: (\w+)", shown)
    assert reference is not None, shown
    assert any(reference.group(1) in r.getMessage() for r in caplog.records)
