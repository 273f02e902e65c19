"""How many transactions one click opens: each state change is one unit of work, with nothing to undo.

Counted from the database engine over a real bot turn; the numbers here are the ones docs/architecture.md
walks through. A click that needed compensation (a hold taken, then given back because the flow moved)
would show up here as extra writes.
"""

from __future__ import annotations

from typing import Any

from cards.reading import card_text, execute_actions
from inventory.store.engine import Store
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.clicks import confirm_card_for, picker_for
from tests.support.transactions import counting


async def test_a_pick_holds_the_number_and_moves_the_flow_in_one_write(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    with counting(inventory) as opened:
        await megan.click(picker, "Pick")
    assert opened.writes == 1
    assert opened.reads == 1  # the flow the card belongs to


async def test_a_stale_pick_writes_nothing(megan: TeamsClient, connector: RecordingConnector, inventory: Store) -> None:
    picker = await picker_for(megan, connector, "adele")
    await megan.click(picker, "Pick")
    with counting(inventory) as opened:
        await megan.click(picker, "Pick")  # the same card again: it is a version behind
    assert opened.writes == 0


async def test_committing_the_review_writes_the_commit_and_the_next_step_only(
    olivia: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await olivia.say("tenant contoso")
    await olivia.say("assign adele")
    review = connector.last_card()
    with counting(inventory) as opened:
        await olivia.click(review, "Commit")
    # The commit, the sync note for the channel (queued only where a channel is set: none here) and the
    # flow's move to the picker; then the flow, the pools against their thresholds (the commit moved
    # numbers; none is set here, so nothing more is written), the numbers the person holds now (which the
    # new one would replace) and the picker's page and count are read.
    assert opened.writes == 3
    assert opened.reads == 4


async def test_confirming_an_assignment_writes_the_intent_then_the_outcome(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})
    with counting(inventory) as opened:
        await megan.click(confirm, "Assign")
    # The flow's move to "assigning", the journal's pending intent, the operation's Location on it once
    # Teams accepted (what a reconcile after a crash asks Teams about), the number and the closed intent
    # together, the flow's move to "done", and the note for the channel.
    assert opened.writes == 6


async def test_a_command_from_an_operator_of_one_tenant_reads_no_tenant_choice(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    # Megan may use contoso only: whatever she chose before, contoso is her tenant without asking the store.
    with counting(inventory) as opened:
        await megan.say("reservations")
    assert "contoso" in card_text(connector.last_card())
    assert opened.reads == 1  # the reservations themselves (the flow it starts is its one write)


def drawn_at(card: dict[str, Any]) -> set[int]:
    """The flow versions a card's buttons carry: 1 for a flow written once, where it started."""
    return {action["data"]["v"] for action in execute_actions(card) if "v" in action.get("data", {})}


async def test_assign_naming_nobody_starts_its_flow_at_the_account_step_without_moving_it(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("assign zzyzx")
    card = connector.last_card()
    assert "Nobody in contoso starts with 'zzyzx'" in card_text(card)
    assert drawn_at(card) == {1}  # the flow's one write: not a start and then a move to the same step


async def test_removing_the_one_number_someone_holds_starts_its_flow_at_the_confirmation(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    confirm = await confirm_card_for(megan, connector)
    assert "is assigned" in card_text(await megan.click(confirm, "Assign"))
    await megan.say("remove adele")
    confirmation = connector.last_card()
    assert drawn_at(confirmation) == {1}  # written once, at the confirmation: not at CHOOSE and then moved
    assert "was removed" in card_text(await megan.click(confirmation, "Remove"))
