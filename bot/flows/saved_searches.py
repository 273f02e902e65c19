"""`save search NAME [TERMS]`, `searches` and `forget search NAME`: an operator's named `numbers` searches.
`expand` is what `numbers NAME` and a picker's search box use: a saved name becomes its terms."""

from __future__ import annotations

from bot.turn import Reply, Turn
from cards.common import message_card

USAGE = "Write it as: save search NAME (after a numbers search), or save search NAME area:425 pool:Sales"


async def save(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    name, _, terms = args.strip().partition(" ")
    if not name:
        return Reply(message_card("Save a search", USAGE))
    saved = await turn.services.saved_searches.save(turn.operator.actor, tenant, name, terms.strip() or None)
    return Reply(
        message_card(
            "Search saved",
            f"{name.lower()} is: {saved}. Type numbers {name.lower()}, or {name.lower()} in a picker's search box.",
        )
    )


async def listing(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    saved = await turn.services.saved_searches.listing(turn.operator.actor, tenant)
    if not saved:
        return Reply(message_card("Saved searches", f"You have none in {tenant} yet. {USAGE}"))
    lines = "\n\n".join(f"**{name}**: {terms}" for name, terms in saved)
    return Reply(message_card("Saved searches", f"Yours in {tenant}:\n\n{lines}"))


async def forget(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    name = args.strip()
    await turn.services.saved_searches.forget(turn.operator.actor, tenant, name)
    return Reply(message_card("Saved searches", f"Forgot {name.lower()}."))


async def expand(turn: Turn, tenant: str, typed: str) -> str:
    """`typed`, or the terms of the operator's saved search when `typed` is one's name."""
    word = typed.strip()
    if not word or " " in word:
        return typed
    return await turn.services.saved_searches.named(turn.operator.actor, tenant, word) or typed
