"""The Teams manifest's command hints, sent to the bot as an operator would send them (the bare title, as
clicking a hint does, and the example the hint shows), in the scope the hint is offered in. A hint the bot
does not understand fails here: the hints are built from the same grammar the router reads."""

from __future__ import annotations

import json

import aiohttp

from bot.app_package import APP_DIR
from bot.app_package.build import DEV_APP_ID
from bot.app_package.manifest import fill_manifest
from cards.reading import card_text
from tests.support.bot_harness import RecordingConnector
from tests.support.bot_world import OLIVIA, RunningBot, client_for

# What the bot says when it did not understand: the help card's complaint, "did you mean", a refusal.
NOT_UNDERSTOOD = (
    "I don't know",
    "Did you mean",
    "Something needs your attention",
    "is not a phone number",
    "is not a range",
    "is not a voice routing policy",
    "Nobody in",
)
# Understood, though refused: Olivia is no user of the simulated tenant, so a bare `request` (for herself)
# is told how to ask for someone else. A requester Teams knows gets their request card.
UNDERSTOOD_REFUSALS = ("Ask for someone else with: request number for PERSON",)


def manifest_hints() -> dict[str, list[str]]:
    """conversation kind -> what the hints of the built manifest send there."""
    template = json.loads((APP_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest = fill_manifest(template, app_id=DEV_APP_ID, bot_id=DEV_APP_ID, version="1.0.0")
    sent: dict[str, list[str]] = {}
    for command_list in manifest["bots"][0]["commandLists"]:
        where = "personal" if "personal" in command_list["scopes"] else "channel"
        for command in command_list["commands"]:
            example = command["description"].partition(": ")[2]
            sent.setdefault(where, []).extend([command["title"], *([example] if example else [])])
    return sent


async def test_every_command_hint_of_the_manifest_is_understood_where_it_is_offered(
    bot: RunningBot, http: aiohttp.ClientSession, connector: RecordingConnector
) -> None:
    hints = manifest_hints()
    assert set(hints) == {"personal", "channel"}
    assert "assign adele +12065550142 US-Unrestricted" in hints["personal"]
    misunderstood: list[tuple[str, str, str]] = []
    for where, texts in hints.items():
        olivia = client_for(OLIVIA, http, bot.url, connector, conversation=where)
        await olivia.say("tenant contoso")  # an admin of every tenant chooses one first
        if where == "personal":  # the inventory knows what Teams knows: Bob Kelly holds +1 206 555 0150
            await olivia.say("sync")
            await olivia.click(connector.last_card(), "Commit")
        for text in texts:
            seen = len(connector.sent)
            await olivia.say(text)
            answer = card_text([s.card for s in await connector.wait_for_new(seen) if s.card][-1])
            understood = any(refusal in answer for refusal in UNDERSTOOD_REFUSALS)
            if any(sign in answer for sign in NOT_UNDERSTOOD) and not understood:
                misunderstood.append((where, text, answer))
    assert misunderstood == []
