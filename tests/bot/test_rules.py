"""Assignment rules and `assign next` over the Bot Framework protocol: an admin adds, moves and deletes
rules; `assign next PERSON` shows the number the first matching rule chose, with the rule, and assigns it
in Teams with one click; a reservation for the person comes first; no match and an empty pool say so."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor, NumberStatus
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.store.tables import audit_events
from inventory.teams.simulation import SimGroup, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, actions_titled
from tests.support.cards import assert_valid_card

SETUP = Actor("cli:setup", "setup")


@pytest.fixture
async def sales(inventory: Store, teams: SimulatedTenant) -> Store:
    """Sales (+1 425 555 0100-0102) beside the carrier range; Adele is in Sales, in Seattle, and a VIP."""
    numbers = parse_range("+14255550100-+14255550102")
    await import_range(inventory, "contoso", numbers, actor=SETUP, clock=SystemClock(), pool="Sales")
    adele = teams.account("obj-adele")
    assert adele is not None
    adele.department, adele.city, adele.usage_location = "Sales", "Seattle", "US"
    adele.member_of = [SimGroup("grp-vip", "VIP Callers")]
    return inventory


async def past_the_sync(client: TeamsClient, connector: RecordingConnector, command: str) -> dict[str, Any]:
    """Say `command` and get past the assign flow's sync (committing it when there is a diff)."""
    await client.say(command)
    card = connector.last_card()
    if "Step 2 of 5" in card_text(card):
        card = await client.click(card, "Commit")
    return card


async def admin(olivia: TeamsClient) -> TeamsClient:
    await olivia.say("tenant contoso")
    return olivia


async def test_assign_next_shows_the_rules_number_and_assigns_it_in_teams_with_one_click(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store, teams: SimulatedTenant
) -> None:
    await (await admin(olivia)).say("rule add department=Sales city=Seattle pool=sales policy=US-Unrestricted")
    assert "Added rule 1: department=Sales and city=Seattle -> pool Sales, policy US-Unrestricted." in card_text(
        connector.last_card()
    )
    confirm = await past_the_sync(megan, connector, "assign next adele")
    shown = card_text(confirm)
    assert "Assign\n+1 425 555 0100" in shown
    assert "Voice routing policy\nUS-Unrestricted" in shown
    assert "Chosen by\nrule 1: department=Sales and city=Seattle -> pool Sales, policy US-Unrestricted" in shown
    done = await megan.click(confirm, "Assign")
    assert "is assigned to Adele Vance" in card_text(done)
    assert (await db.number(sales, "+14255550100")).status is NumberStatus.USED
    assert "+14255550100" in teams.numbers_of("obj-adele")  # Teams has it, not only the inventory


async def test_rules_are_tried_in_order_and_can_be_moved_and_deleted(
    olivia: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    admin_client = await admin(olivia)
    await admin_client.say("rule add usage=US pool=Sales")
    await admin_client.say('rule add group="VIP Callers" pool=Sales policy=US-Local')
    await admin_client.say("rule move 2 to 1")
    shown = card_text(connector.last_card())
    assert "Moved rule 2 to 1." in shown
    assert shown.index('group="VIP Callers"') < shown.index("usage=US")
    await admin_client.say("rule delete 1")
    shown = card_text(connector.last_card())
    assert "Tenant contoso: 1 rule(s), tried in order" in shown
    assert "VIP" not in shown.replace('Deleted rule 1: group="VIP Callers" -> pool Sales, policy US-Local.', "")


async def test_a_reservation_for_the_person_comes_before_any_rule(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await (await admin(olivia)).say("rule add department=Sales pool=Sales")
    await megan.say("reserve +12065550120 for adele")
    card = await past_the_sync(megan, connector, "assign next adele")
    shown = card_text(card)
    assert "+1 206 555 0120" in shown
    assert "Chosen by\nthe reservation for Adele Vance" in shown


async def test_no_matching_rule_or_an_empty_pool_is_said_and_nothing_is_held(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await megan.say("assign next alex")
    assert "No rule matches Alex Wilber" in card_text(connector.last_card())
    await (await admin(olivia)).say("rule add department=Sales pool=Sales")
    await megan.say("reserve 3 in Sales")
    await megan.say("assign next adele")
    shown = card_text(connector.last_card())
    assert "chose pool Sales, which has no free number" in shown
    assert (await db.number(sales, "+12065550100")).status is NumberStatus.AVAILABLE


async def test_operators_may_not_change_rules_and_bad_rules_are_refused(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await megan.say("rule add department=Sales pool=Sales")
    assert "admin" in card_text(connector.last_card()).lower()
    await (await admin(olivia)).say("rule add department=Sales pool=Nowhere")
    assert "contoso has no pool called 'Nowhere'" in card_text(connector.last_card())
    await olivia.say("rules")
    assert "No rules yet" in card_text(connector.last_card())


async def test_bulk_suggest_numbers_takes_each_persons_number_and_policy_from_their_rule(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await (await admin(olivia)).say("rule add department=Sales pool=Sales policy=US-Unrestricted")
    await megan.say("bulk assign")
    found = await megan.click(connector.last_card(), "Find", inputs={"people_search": "a"})
    chosen = await megan.click(found, "Add", inputs={"people": "obj-adele,obj-alex"})
    source = await megan.click(chosen, "Next")
    if actions_titled(source, "Commit"):
        source = await megan.click(source, "Commit")
    plan_card = await megan.click(source, "Suggest numbers")
    plan = card_text(plan_card)
    assert "Numbers suggested: 1 by rule, 1 with no rule matching, from any pool." in plan
    assert (await db.number(sales, "+14255550100")).status is NumberStatus.RESERVED  # Adele's, by her rule
    assert (await db.number(sales, "+12065550100")).status is NumberStatus.RESERVED  # Alex's: any free number
    assert (input_value(plan_card, "policy_0"), input_value(plan_card, "policy_1")) == ("US-Unrestricted", None)


def input_value(node: Any, input_id: str) -> Any:
    """The preset value of the card's input `input_id` (None when it has none)."""
    if isinstance(node, dict):
        if node.get("id") == input_id:
            return node.get("value")
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            if (found := input_value(item, input_id)) is not None:
                return found
    return None


async def three_rules(olivia: TeamsClient, connector: RecordingConnector) -> dict[str, Any]:
    """Olivia's rules card with three rules, as `rules` draws it for an admin."""
    client = await admin(olivia)
    await client.say("rule add department=Sales pool=Sales")
    await client.say("rule add usage=US pool=Sales")
    await client.say("rule add city=Seattle pool=Sales policy=US-Local")
    await client.say("rules")
    return connector.last_card()


async def rule_changes(store: Store) -> list[tuple[str, str]]:
    """(action, who) of each audited rule change, oldest first."""
    query = select(audit_events.c.action, audit_events.c.operator_name).where(audit_events.c.action.like("%-rule"))
    async with store.read() as uow:
        return [
            (row.action, row.operator_name) for row in await uow.connection.execute(query.order_by(audit_events.c.id))
        ]


async def click_nth(client: TeamsClient, card: dict[str, Any], title: str, nth: int) -> dict[str, Any]:
    """Click the `nth` (from 0) button titled `title`: one rule's among several."""
    action = actions_titled(card, title)[nth]
    status, body = await client.execute(action["verb"], action["data"], reply_to=client.message_of(card))
    assert status == 200, body
    result: dict[str, Any] = body["value"]
    assert_valid_card(result)
    return result


def order(card: dict[str, Any]) -> list[str]:
    """The rules' conditions as the card lists them."""
    shown = card_text(card)
    return sorted(("department=Sales", "usage=US", "city=Seattle"), key=shown.index)


async def test_an_admin_moves_rules_up_and_down_with_the_buttons_and_each_move_is_audited(
    olivia: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    listed = await three_rules(olivia, connector)
    assert [len(actions_titled(listed, t)) for t in ("Move up", "Move down", "Delete")] == [2, 2, 3]
    moved = await click_nth(olivia, listed, "Move up", 0)  # the second rule's (the first has none): usage=US
    assert "Moved rule 2 up: it is rule 1 now." in card_text(moved)
    assert order(moved) == ["usage=US", "department=Sales", "city=Seattle"]
    moved = await click_nth(olivia, moved, "Move down", 1)  # department=Sales, now second, to third
    assert "Moved rule 2 down: it is rule 3 now." in card_text(moved)
    assert order(moved) == ["usage=US", "city=Seattle", "department=Sales"]
    assert (await rule_changes(sales))[-2:] == [("move-rule", "olivia@contoso.test")] * 2


async def test_a_stale_or_repeated_click_on_the_rules_card_changes_nothing_and_says_why(
    olivia: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    listed = await three_rules(olivia, connector)
    await click_nth(olivia, listed, "Move up", 0)  # usage=US to 1
    again = await click_nth(olivia, listed, "Move up", 0)  # the same click on the old card
    shown = card_text(again)
    assert "The rules changed since that card was drawn (it is rule 1 now); nothing was changed." in shown
    assert order(again) == ["usage=US", "department=Sales", "city=Seattle"]
    assert [action for action, _ in await rule_changes(sales)].count("move-rule") == 1


async def test_delete_asks_first_keep_it_changes_nothing_and_a_second_confirm_is_refused(
    olivia: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    listed = await three_rules(olivia, connector)
    asked = await click_nth(olivia, listed, "Delete", 1)
    assert "Delete rule 2?" in card_text(asked)
    assert "usage=US" in card_text(asked)
    kept = await olivia.click(asked, "Keep it")
    assert order(kept) == ["department=Sales", "usage=US", "city=Seattle"]
    deleted = await olivia.click(asked, "Delete rule 2")
    assert "Deleted rule 2: usage=US -> pool Sales." in card_text(deleted)
    assert "Tenant contoso: 2 rule(s), tried in order" in card_text(deleted)
    twice = await olivia.click(asked, "Delete rule 2")
    assert "(it was deleted); nothing was changed." in card_text(twice)
    assert "Tenant contoso: 2 rule(s), tried in order" in card_text(twice)
    assert [action for action, _ in await rule_changes(sales)].count("delete-rule") == 1


async def test_operators_see_the_rules_without_buttons_and_a_forged_click_is_refused(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    listed = await three_rules(olivia, connector)
    await megan.say("rules")
    theirs = connector.last_card()
    assert "department=Sales" in card_text(theirs)
    assert not actions_titled(theirs, "Move up")
    assert not actions_titled(theirs, "Delete")
    refused = await click_nth(megan, listed, "Move up", 0)  # Olivia's card, clicked by an operator
    assert "changing assignment rules needs the admin role" in card_text(refused)
    await olivia.say("rules")
    assert order(connector.last_card()) == ["department=Sales", "usage=US", "city=Seattle"]
