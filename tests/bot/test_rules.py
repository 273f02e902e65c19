"""Assignment rules and `assign next` over the Bot Framework protocol: an admin adds, moves and deletes
rules; `assign next PERSON` shows the number the first matching rule chose, with the rule, and assigns it
in Teams with one click; a reservation for the person comes first; no match and an empty pool say so."""

from __future__ import annotations

from typing import Any

import pytest

from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor, NumberStatus
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulation import SimGroup, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, actions_titled

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
