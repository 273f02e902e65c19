"""`reserve` and `reservations` over the Bot Framework protocol: what is reserved, for whom, until when; the
list's Release and Extend; bad input answered with its reason and nothing changed; and a number reserved
for a person offered first when that person is assigned."""

from __future__ import annotations

import pytest

from cards.reading import card_text
from inventory.csv_format import EXPORT_COLUMNS, export_row
from inventory.e164 import parse_range
from inventory.model import Actor, NumberStatus
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, actions_titled


@pytest.fixture
async def sales(inventory: Store) -> Store:
    """A Sales pool of three numbers beside the carrier range."""
    numbers = parse_range("+14255550100-+14255550102")
    await import_range(
        inventory, "contoso", numbers, actor=Actor("cli:setup", "setup"), clock=SystemClock(), pool="Sales"
    )
    return inventory


async def test_reserve_takes_the_next_free_numbers_of_a_pool_for_a_person_with_purpose_and_ticket(
    megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await megan.say("reserve 2 in sales for adele for 2 weeks ticket CHG-42 note two new starters")
    shown = card_text(connector.last_card())
    assert "Reserved 2 numbers" in shown
    assert "For\nAdele Vance\nOwner\nmegan@contoso.test" in shown
    assert "Purpose\ntwo new starters\nTicket\nCHG-42" in shown
    assert "**+1 425 555 0100**\n**+1 425 555 0101**" in shown
    stored = await db.number(sales, "+14255550101")
    assert stored.status is NumberStatus.RESERVED
    assert stored.hold is not None
    assert (stored.hold.for_id, stored.hold.owner_name, stored.hold.ticket) == (
        "obj-adele",
        "megan@contoso.test",
        "CHG-42",
    )
    assert (await db.number(sales, "+14255550102")).status is NumberStatus.AVAILABLE


async def test_the_list_releases_and_extends_a_reservation_in_place(
    megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await megan.say("reserve +1 425 555 0100 for 10 days")
    assert "Reserved +1 425 555 0100" in card_text(connector.last_card())
    await megan.say("reserve +14255550101 for 3 days note demo phone")
    await megan.say("reservations mine")
    listed = connector.last_card()
    assert "Yours: 2 reserved" in card_text(listed)
    assert len(actions_titled(listed, "Release")) == 2
    released = await megan.click(listed, "Release")
    assert "Released +1 425 555 0100: it is available again." in card_text(released)
    assert "Yours: 1 reserved" in card_text(released)
    assert (await db.number(sales, "+14255550100")).status is NumberStatus.AVAILABLE
    extended = await megan.click(released, "Extend")
    assert "+1 425 555 0101 is now reserved until" in card_text(extended)
    actions = [e.action for e in await db.history(sales, "+14255550101")]
    assert actions[-2:] == ["reserve", "extend-reservation"]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("reserve 4 in sales", "Only 3 numbers are free in pool Sales, not 4; nothing was reserved."),
        ("reserve 1 in Marketing", "There is no pool 'Marketing' in contoso. Pools: Sales."),
        ("reserve 1 in sales until 2020-01-01", "2020-01-01 23:59 UTC is in the past; choose a later end."),
        ("reserve 1 until 31/12/2026", "'31/12/2026' is not a date"),
        ("reserve 1 for nobody-here", "Nobody in contoso starts with 'nobody-here'."),
        ("reserve", "Say what to reserve."),
        ("reserve +1 425 555 9999", "+1 425 555 9999 is not in the contoso inventory"),
    ],
    ids=["count-over-free", "unknown-pool", "past-date", "not-a-date", "unknown-person", "nothing", "unknown-number"],
)
async def test_bad_reservations_get_their_reason_and_change_nothing(
    megan: TeamsClient, connector: RecordingConnector, sales: Store, typed: str, answer: str
) -> None:
    before = await db.snapshot(sales)
    await megan.say(typed)
    assert answer in card_text(connector.last_card())
    after = await db.snapshot(sales)
    assert (after.numbers, after.audit_events) == (before.numbers, before.audit_events)


async def test_a_viewer_may_list_reservations_but_not_reserve(
    victor: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await victor.say("reserve 1 in sales")
    assert "reserving numbers needs the operator role" in card_text(connector.last_card())
    await victor.say("reservations sales")
    assert "In pool Sales: 0 reserved" in card_text(connector.last_card())


async def test_a_number_reserved_for_a_person_is_offered_first_when_they_are_assigned(
    megan: TeamsClient, connector: RecordingConnector, sales: Store, teams: SimulatedTenant
) -> None:
    await megan.say("reserve +14255550102 for adele note her desk phone")
    await megan.say("assign adele")
    policy = await megan.click(connector.last_card(), "Commit")
    assert "Step 4 of 5" in card_text(policy)
    assert "+1 425 555 0102" in card_text(policy)
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})
    done = await megan.click(confirm, "Assign")
    assert "+1 425 555 0102 is assigned to Adele Vance" in card_text(done)
    assigned = await db.number(sales, "+14255550102")
    assert (assigned.status, assigned.hold) == (NumberStatus.USED, None)
    sim = teams.number("+14255550102")
    assert sim is not None
    assert sim.assignment_target_id == "obj-adele"


async def test_cancelling_the_assignment_keeps_the_persons_reservation(
    megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await megan.say("reserve +14255550102 for adele")
    await megan.say("assign adele")
    policy = await megan.click(connector.last_card(), "Commit")
    cancelled = await megan.click(policy, "Cancel")
    assert "Cancel" in card_text(cancelled)
    kept = await db.number(sales, "+14255550102")
    assert kept.status is NumberStatus.RESERVED
    assert kept.hold is not None
    assert kept.hold.for_name == "Adele Vance"


async def test_a_reservation_shows_in_numbers_history_and_the_export(
    megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await megan.say("reserve +14255550100 for adele ticket CHG-3 note desk phone")
    await megan.say("numbers +14255550100")
    assert "reserved for Adele Vance by megan@contoso.test" in card_text(connector.last_card())
    await megan.say("history +14255550100")
    shown = card_text(connector.last_card())
    assert "reserved for: - -> Adele Vance" in shown
    assert "ticket: - -> CHG-3" in shown
    exported = export_row(await db.number(sales, "+14255550100"))
    assert dict(zip(EXPORT_COLUMNS, exported, strict=True))["hold_ticket"] == "CHG-3"
    assert dict(zip(EXPORT_COLUMNS, exported, strict=True))["hold_note"] == "desk phone"
