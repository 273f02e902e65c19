"""What to look for in the inventory, and a page of what was found. Pure values; the store runs them.

Pages are keyset pages ordered by number: a cursor names the last number shown, so page 400 costs what
page 1 costs and a number added meanwhile never shifts a page under the operator.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from inventory.errors import SwitchboardError
from inventory.model import NumberStatus, NumberType, PhoneNumber


@dataclass(frozen=True)
class NumberQuery:
    """What to look for. Every filter is optional; all given filters must match."""

    tenant: str
    text: str | None = None  # digits -> number pattern; anything else -> holder, location, range, carrier, pool, tag
    digits: str | None = None  # `+1555` prefix, `1234` anywhere, `*` and `?` wildcards
    statuses: tuple[NumberStatus, ...] = ()
    number_type: NumberType | None = None
    location: str | None = None
    pool: str | None = None
    range_label: str | None = None
    carrier: str | None = None
    assignee: str | None = None  # name or UPN, substring, case-insensitive
    tag: str | None = None
    exclude_ids: tuple[int, ...] = field(default=())
    reservations_only: bool = False  # operators' reservations, not the short holds of card flows
    hold_owner: str | None = None  # the reserving operator's id
    reserved_for: str | None = None  # the Entra object id of the person a reservation is for
    repeated_digits: int | None = None  # this many equal digits in a row somewhere in the number
    # Only numbers that may be offered to an operator: none Teams has pending, failed or in a state we
    # do not know (pickers and bulk plans set it; `numbers` shows everything).
    offerable_only: bool = False


@dataclass(frozen=True)
class Page:
    items: list[PhoneNumber]
    next_cursor: str | None


def encode_cursor(number: PhoneNumber) -> str:
    return base64.urlsafe_b64encode(f"{number.number}|{number.extension}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        number, extension = base64.urlsafe_b64decode(padded).decode().split("|", 1)
    except (ValueError, UnicodeDecodeError):
        raise SwitchboardError("That page link is no longer valid; start the search again.") from None
    return number, extension
