"""Cards every flow shares: help, plain messages, errors, the tenant chooser."""

from __future__ import annotations

from collections.abc import Sequence

from cards.elements import ATTENTION, Card, card, choice_set, execute, facts, heading, text


def help_card(
    *,
    tenant: str | None,
    commands: Sequence[tuple[str, str, str]] = (),
    suggestion: str | None = None,
    unknown: str | None = None,
) -> Card:
    """The commands as (usage, what it does, example), from the bot's grammar: the one table of them."""
    body = heading("Switchboard", f"Working on tenant: {tenant}" if tenant else "No tenant chosen yet: type tenant")
    if unknown is not None:
        hint = f" Did you mean **{suggestion}**?" if suggestion else ""
        body.append(text(f"I don't know the command '{unknown}'.{hint}", color=ATTENTION))
    body.append(facts([(command, f"{what} - e.g. `{example}`") for command, what, example in commands]))
    actions = [
        execute("Assign a number", "command", {"command": "assign"}, style="positive"),
        execute("Sync from Teams", "command", {"command": "sync"}),
        execute("Browse numbers", "command", {"command": "numbers"}),
    ]
    return card(body, actions)


def message_card(title: str, message: str, *, color: str | None = None) -> Card:
    return card([*heading(title), text(message, color=color)])


def error_card(message: str, *, correlation_id: str | None = None) -> Card:
    body = [text("Something needs your attention", size="Medium", weight="Bolder", color=ATTENTION), text(message)]
    if correlation_id:
        body.append(text(f"Reference: {correlation_id}", subtle=True, size="Small"))
    return card(body)


def tenant_card(current: str | None, choices: list[tuple[str, str]], *, message: str | None = None) -> Card:
    body = heading("Customer tenant", f"Now: {current}" if current else "None chosen yet")
    if message:
        body.append(text(message))
    body.append(choice_set("tenant", label="Work on", choices=choices, value=current or None, required=True))
    return card(body, [execute("Choose", "tenant.choose", {}, style="positive")])
