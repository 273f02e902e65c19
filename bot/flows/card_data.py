"""Reading what a card sent back: inputs the operator typed or chose, and ids of what was clicked.

Card data comes from the client and can be forged or come from an old release: anything that is not
what our own cards send is refused with `CardProblem`, and nothing a database would refuse gets through.
"""

from __future__ import annotations

from typing import Any

from bot.untrusted import storable
from inventory.errors import SwitchboardError

CardData = dict[str, Any]  # the data of a clicked action, as the client sent it

_MAX_INPUT = 200
_MAX_ID = 2**63  # row ids are 64-bit: a bigger one from a card would fail in the driver, not as a refusal
UNREADABLE = "That card sent something I cannot read. Start again with a command (type help)."


class CardProblem(SwitchboardError):
    """The card's data is not something one of our cards sends (tampered, or from an old release)."""


def text_input(data: dict[str, Any], key: str, *, limit: int = _MAX_INPUT) -> str:
    """An input the operator typed or chose; missing means empty (the Playground leaves empty inputs out)."""
    value = data.get(key, "")
    if not isinstance(value, str):
        raise CardProblem(UNREADABLE)
    if len(value) > limit:
        raise SwitchboardError(f"That is too long ({len(value):,} characters); {limit} at most, please.")
    if not storable(value):
        raise CardProblem(UNREADABLE)
    return value.strip()


def id_input(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CardProblem(UNREADABLE)
    try:
        number = int(value)
    except ValueError:
        raise CardProblem(UNREADABLE) from None
    if not 0 <= number < _MAX_ID:
        raise CardProblem(UNREADABLE)
    return number
