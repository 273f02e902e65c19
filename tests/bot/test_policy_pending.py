"""A policy grant Teams refuses after assigning the number, seen by an operator: the result card says
"assigned, policy pending", the `numbers` card and history show it until the journal's retry (the
reconcile job) lands, and the note the channel gets then says so."""

from __future__ import annotations

import aiohttp

from bot.app import JOBS
from cards.notify import policy_note
from cards.reading import card_text
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector
from tests.support.bot_world import MEGAN, BotStarter, client_for
from tests.support.clicks import confirm_card_for
from tests.support.clock import FakeClock


async def test_a_refused_grant_reads_assigned_policy_pending_until_the_reconcile_job_grants_it(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    clock = FakeClock()
    teams.clock = clock
    bot = await start_bot(clock=clock)
    megan = client_for(MEGAN, http, bot.url, connector)
    teams.faults.fail_policy_grants(count=1)
    confirm = await confirm_card_for(megan, connector)

    done = card_text(await megan.click(confirm, "Assign"))

    assert "is assigned to Adele Vance, policy pending" in done
    assert "US-Local - pending: Switchboard retries the grant" in done
    status, _ = await megan.say("numbers adele")
    assert status in (200, 201)
    listing = await connector.wait_for_card(lambda card: "used, policy pending" in card_text(card))
    assert "used, policy pending" in card_text(listing)
    [assigned] = [n for n in await db.history(inventory, "+12065550100") if n.action == "assign"]
    assert "Voice routing policy US-Local pending" in (assigned.detail or "")

    clock.advance(minutes=1)
    await bot.app[JOBS].reconcile()

    number = await db.number(inventory, "+12065550100")
    assert number.voice_routing_policy == "US-Local"
    history = [event.action for event in await db.history(inventory, "+12065550100")]
    assert history[-1] == "policy"


def test_the_channel_note_says_whether_the_retried_grant_landed_or_was_given_up() -> None:
    landed = policy_note(
        tenant="contoso", number="+1 206 555 0100", holder="Adele", policy="US-Local", landed=True, detail=None
    )
    given_up = policy_note(
        tenant="contoso", number="+1 206 555 0100", holder="Adele", policy="US-Local", landed=False, detail="Run X."
    )

    assert card_text(landed).startswith("Policy granted for +1 206 555 0100")
    assert "Policy not granted for +1 206 555 0100" in card_text(given_up)
    assert "Run X." in card_text(given_up)
    assert "grant the policy by hand" in card_text(given_up)
