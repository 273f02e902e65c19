"""Switchboard as a new user meets it: `switchboard demo`'s stack, driven through the Agents Playground's own UI.

The stack is started by `bot.demo.start_demo` (the code `make run` runs) in a temporary directory with a small
tenant: the Graph stand-in over a simulated tenant, the real bot on SQLite, and the Playground. Headless Debian
Chromium clicks through the cards as an operator would; the database is checked after each change.

With SWITCHBOARD_SCREENSHOTS=1 each step is also saved to docs/screenshots/ (the README shows them), so
ordinary runs never rewrite committed files. On failure the page, its HTML, the bot's log and the Playground's
logs are saved under test-artifacts/<test name>/ (the path is printed).
"""

from __future__ import annotations

import re

import pytest

from bot.demo.identities import DEMO_IDENTITIES
from bot.demo.stack import RunningDemo
from bot.demo.tenant import FIRST_USER, TENANT_NAME
from inventory.e164 import parse_number
from inventory.model import NumberStatus, PhoneNumber
from tests.support.demo_stack import SLOW, shot
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e

ASSIGNED = re.compile(r"(\+[\d ]+) is assigned to " + FIRST_USER.name)


async def number_in_inventory(demo: RunningDemo, label: str) -> PhoneNumber:
    async with demo.store.read() as uow:
        number = await uow.numbers.get(TENANT_NAME, parse_number(label).number)
    assert number is not None, f"{label} is not in the inventory"
    return number


async def test_a_new_user_assigns_a_number_and_removes_it_again_through_the_playground(
    demo: RunningDemo, olivia: PlaygroundDriver
) -> None:
    await olivia.send("assign adele")
    review = await olivia.wait_for_card_text("Step 2 of 5 - review", timeout=SLOW)
    assert "To add" in await review.inner_text()
    await shot(olivia, "1-sync-review", review)

    await olivia.click_card_button("Commit", review)
    picker = await olivia.wait_for_card_text(f"Step 3 of 5 - pick an available number for {FIRST_USER.name}")
    await shot(olivia, "2-picker")
    unsearched = re.search(r"([\d,]+) available - page 1", await picker.inner_text())
    assert unsearched is not None
    await olivia.fill_card_input("Search available numbers", "SEA-DR-2", picker)
    await olivia.click_card_button("Search", picker)
    # Wait for the answer to the search (its count differs): a Pick on the card before it is a stale click.
    searched = re.compile(rf"(^|[^\d,])(?!{unsearched.group(1)} )[\d,]+ available - page 1")
    picker = await olivia.wait_for_card_text(searched)
    await shot(olivia, "3-picker-search", picker)
    await picker.get_by_role("button", name="Pick", exact=True).first.click()

    policy = await olivia.wait_for_card_text("Step 4 of 5 - voice routing policy")
    await olivia.choose_choice("Voice routing policy", "US-Unrestricted", policy)
    await shot(olivia, "4-policy", policy)
    await olivia.click_card_button("Next", policy)

    confirm = await olivia.wait_for_card_text("Step 5 of 5 - confirm")
    await shot(olivia, "5-confirm", confirm)
    await olivia.click_card_button("Assign", confirm)
    done = await olivia.wait_for_card_text(ASSIGNED, timeout=SLOW)
    await shot(olivia, "6-assigned", done)

    match = ASSIGNED.search(await done.inner_text())
    assert match is not None
    label = match.group(1).strip()
    number = await number_in_inventory(demo, label)
    assert number.status is NumberStatus.USED
    assert number.range_label == "SEA-DR-2"
    assert number.assignee is not None
    assert number.assignee.upn == FIRST_USER.user_principal_name
    assert number.voice_routing_policy == "US-Unrestricted"
    assert number.last_modified_by == DEMO_IDENTITIES.current_user.user_principal_name
    in_teams = demo.teams.number(number.number)
    assert in_teams is not None
    assert in_teams.assignment_target_id == FIRST_USER.aad_object_id

    await olivia.send(f"remove {label}")
    confirm_removal = await olivia.wait_for_card_text(re.compile(rf"Confirm.*{re.escape(label)}", re.DOTALL))
    await shot(olivia, "7-remove-confirm", confirm_removal)
    await olivia.click_card_button("Remove", confirm_removal)
    removed = await olivia.wait_for_card_text(f"{label} was removed from", timeout=SLOW)
    await shot(olivia, "8-removed", removed)

    number = await number_in_inventory(demo, label)
    assert number.status is NumberStatus.AVAILABLE
    assert number.assignee is None
    assert number.last_modified_by == DEMO_IDENTITIES.current_user.user_principal_name
    in_teams = demo.teams.number(number.number)
    assert in_teams is not None
    assert in_teams.assignment_target_id is None
