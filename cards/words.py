"""Short answers to words that are not a command: a greeting gets one line, a typo a suggestion to click."""

from __future__ import annotations

from cards.elements import Card, card, execute, text


def greeting_card(*, thanks: bool) -> Card:
    """One line, not the whole help: a greeting is not a question."""
    line = "You're welcome." if thanks else "Hello! Type **help** to see what I can do."
    return card([text(line)], full_width=False)


def suggestion_card(typed: str, command: str, args: str, *, runnable: bool) -> Card:
    """Did you mean `assign`? With a button that runs the suggested command with the same words; a
    command that changes something at once (`import range`) is not run from a button: it is to be typed."""
    run = f"{command} {args}".strip()
    body = [text(f"I don't know '{typed[:40]}'. Did you mean `{command}`?")]
    actions = [execute("Show help", "command", {"command": "help"})]
    if runnable:
        actions.insert(0, execute(run[:60], "command", {"command": command, "args": args}, style="positive"))
    else:
        body.append(text(f"Type it as: {run[:200]}"))
    return card(body, actions, full_width=False)
