"""How long turns take, by what they were: the command typed or the card verb clicked.

The label is the parsed command's name or a verb from our own tables (`other` for anything else), so
whatever a person types, the number of series stays small.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.dispatch import KNOWN_VERBS
from bot.router import parse_command
from inventory.metrics import TURN_SECONDS
from inventory.tracing import span


def command_name(text: str) -> str:
    return parse_command(text).name


def action_name(verb: Any) -> str:
    return verb if isinstance(verb, str) and verb in KNOWN_VERBS else "other"


@contextmanager
def timed(kind: str, name: str) -> Iterator[None]:
    """Observe the block's duration (monotonic clock) as one turn of `kind` (command, action, search),
    and trace it as a span when OpenTelemetry is installed."""
    started = time.perf_counter()
    try:
        with span(f"switchboard.turn {kind} {name}", **{"switchboard.turn.kind": kind, "switchboard.turn.name": name}):
            yield
    finally:
        TURN_SECONDS.labels(kind, name).observe(time.perf_counter() - started)
