"""Bulk assignment and channel notifications, driven through the Agents Playground's own UI (GitHub issue 6).

The stack is `switchboard demo`'s (`bot.demo.start_demo`, the code `make run` runs) in a temporary directory
with a small tenant, as in test_switchboard_e2e.py. Olivia Operator (an admin) types `notify here` in the team
channel "Contoso IT - Voice Ops", then bulk-assigns numbers to three people from the personal chat; the
channel then shows the sync and the bulk result as new threads, posted by the bot's notification poster.

The Playground only shows messages that arrive while its page is open (the chat lives in the page), so the
one page stays open from `notify here` to the notes. With SWITCHBOARD_SCREENSHOTS=1 each step is also saved to
docs/screenshots/ (9- to 13-); on failure the page, its HTML, the bot's log and the Playground's logs are saved
under test-artifacts/<test name>/ (the path is printed).
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator

from bot.demo.identities import DEMO_IDENTITIES
from bot.demo.stack import RunningDemo
from bot.demo.tenant import TENANT_NAME
from inventory.model import NumberStatus, PhoneNumber
from inventory.teams.simulation import SimAccount
from tests.support.demo_stack import SLOW, shot
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e

OPERATOR = DEMO_IDENTITIES.current_user
# Whom `Find` offers for "a" and for "l" in the small demo tenant; of them, three without a number are ticked.
FIND_A = ("Adele Vance", "Alex Wilber", "Allan Deyoung")
FIND_L = ("London Reception", "Lynne Robbins")  # a resource account and a user
CHOSEN = ("Adele Vance", "Allan Deyoung", "Lynne Robbins")  # Alex Wilber is offered but not ticked
POLICY_FOR_ALL, OWN_POLICY = "US-National", "US-Unrestricted"  # Lynne Robbins gets her own
RESULT_ROW = re.compile(r"(?P<name>[A-Z][\w ]+?) - (?P<number>\+[\d ]+?) - Assigned")


def offered(account: SimAccount) -> str:
    """How the people chooser offers an account: "<name> (<upn>)" (resource accounts say so after it)."""
    return f"{account.display_name} ({account.upn})"


def words(text: str) -> str:
    """Text with every run of whitespace as one space (a FactSet's title and value sit on separate lines)."""
    return " ".join(text.split())


def plan_row(plan: Locator, name: str) -> Locator:
    """One person's row on the plan card: the innermost container holding the name and a drop-down."""
    return plan.locator(".ac-container").filter(has_text=name).filter(has=plan.page.get_by_role("combobox")).last


async def numbers_of(demo: RunningDemo, account_id: str) -> list[PhoneNumber]:
    async with demo.store.read() as uow:
        numbers = await uow.numbers.all_in_tenant(TENANT_NAME)
    return [n for n in numbers if n.assignee is not None and n.assignee.id == account_id]


async def test_bulk_assign_and_notes_in_the_voice_ops_channel_through_the_playground(
    demo: RunningDemo, olivia: PlaygroundDriver
) -> None:
    accounts = {account.display_name: account for account in demo.teams.accounts()}
    for name in CHOSEN:
        assert not demo.teams.numbers_of(accounts[name].id), f"{name} should start without a number"

    # 1. The admin makes the Voice Ops channel the tenant's notification channel.
    await olivia.open_channel("Voice Ops")
    await olivia.send("notify here")
    confirmation = await olivia.wait_for_card_text("hears about changes in contoso", timeout=SLOW)
    assert "Notifications" in await confirmation.inner_text()
    await shot(olivia, "9-notify-here", olivia.threads().filter(has=confirmation).first)
    async with demo.store.read() as uow:
        channel = await uow.conversations.channel_for(TENANT_NAME)
    assert channel is not None
    assert channel.id == DEMO_IDENTITIES.team.channel_id  # the channel, not the thread of the command

    # 2. Bulk assign from the personal chat: two finds, three people ticked in the multi-select.
    await olivia.open_personal_chat()
    await olivia.send("bulk assign")
    people = await olivia.wait_for_card_text("Step 1 of 5 - who (0 of at most 50 chosen)", timeout=SLOW)
    await olivia.fill_card_input("Find users or resource accounts", "a", people)
    await olivia.click_card_button("Find", people)
    people = await olivia.wait_for_card_text(offered(accounts[FIND_A[-1]]), timeout=SLOW)
    for name in FIND_A:
        assert offered(accounts[name]) in await people.inner_text()
    await olivia.check_choices("Add these", [offered(accounts[n]) for n in CHOSEN if n in FIND_A], people)
    await shot(olivia, "10-bulk-people", people)
    await olivia.click_card_button("Add", people)
    people = await olivia.wait_for_card_text("Chosen: Adele Vance, Allan Deyoung", timeout=SLOW)

    await olivia.fill_card_input("Find users or resource accounts", "l", people)
    await olivia.click_card_button("Find", people)
    people = await olivia.wait_for_card_text(offered(accounts[FIND_L[-1]]), timeout=SLOW)
    assert f"{offered(accounts[FIND_L[0]])} - resource account" in await people.inner_text()
    await olivia.check_choices("Add these", [offered(accounts[n]) for n in CHOSEN if n in FIND_L], people)
    await olivia.click_card_button("Add", people)
    people = await olivia.wait_for_card_text("Step 1 of 5 - who (3 of at most 50 chosen)", timeout=SLOW)
    assert "Chosen: Adele Vance, Allan Deyoung, Lynne Robbins" in await people.inner_text()
    await olivia.click_card_button("Next", people)

    # A fresh demo: Teams knows numbers the inventory lacks, so the sync review comes first.
    review = await olivia.wait_for_card_text(re.compile("To add"), timeout=SLOW)
    await olivia.click_card_button("Commit", review)
    source = await olivia.wait_for_card_text("Step 2 of 5 - where the 3 numbers come from", timeout=SLOW)
    await olivia.choose_choice("Range", "SEA-DR-2 (20 free)", source)
    await olivia.click_card_button("Suggest numbers", source)

    plan = await olivia.wait_for_card_text("Step 3 of 5 - the plan for 3 people", timeout=SLOW)
    await olivia.choose_choice("Voice routing policy for everyone", POLICY_FOR_ALL, plan)
    await olivia.choose_choice("Policy", OWN_POLICY, plan_row(plan, "Lynne Robbins"))
    await shot(olivia, "11-bulk-plan", plan)
    await olivia.click_card_button("Review", plan)

    confirm = await olivia.wait_for_card_text("Step 4 of 5 - confirm 3 assignments in contoso", timeout=SLOW)
    await olivia.click_card_button("Assign all", confirm)
    results = await olivia.wait_for_card_text("Done in contoso: 3 assigned, 0 failed", timeout=SLOW)
    await shot(olivia, "12-bulk-results", results)
    assigned = {m["name"]: m["number"].strip() for m in RESULT_ROW.finditer(await results.inner_text())}
    assert sorted(assigned) == sorted(CHOSEN)

    # 3. The channel got the sync and the bulk result as new threads, the bulk result the newest.
    await olivia.open_channel("Voice Ops")
    bulk_thread = await olivia.wait_for_message_text("Bulk assignment finished", timeout=SLOW)
    sync_thread = await olivia.wait_for_message_text("Sync committed", timeout=SLOW)
    bulk_note = words(await bulk_thread.inner_text())
    assert f"Tenant contoso Succeeded 3 Failed 0 By {OPERATOR.user_principal_name}" in bulk_note
    for other in ("notify here", "Sync committed"):
        assert other not in bulk_note, "the bulk note should start its own thread"
    sync_note = words(await sync_thread.inner_text())
    assert f"Tenant contoso Added 20 Updated 0 Drift applied 0 By {OPERATOR.user_principal_name}" in sync_note
    assert "notify here" not in sync_note
    assert "Bulk assignment finished" in await olivia.threads().first.inner_text()
    await shot(olivia, "13-channel-notes")

    # 4. The inventory: each of them holds exactly the number the card named, recorded as Olivia's work.
    for name in CHOSEN:
        account = accounts[name]
        held = await numbers_of(demo, account.id)
        assert [n.label for n in held] == [assigned[name]]
        number = held[0]
        assert number.status is NumberStatus.USED
        assert number.range_label == "SEA-DR-2"
        assert number.voice_routing_policy == (OWN_POLICY if name == "Lynne Robbins" else POLICY_FOR_ALL)
        assert number.last_modified_by == OPERATOR.user_principal_name
        assert number.hold is None
        async with demo.store.read() as uow:
            history = await uow.audit.history(TENANT_NAME, number=number.number)
        assert any(e.action == "assign" and e.operator_id == OPERATOR.aad_object_id for e in history)
        assert demo.teams.numbers_of(account.id) == [number.number]
