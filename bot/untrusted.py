"""Reading untrusted input from activities: anything that is not what we expect reads as empty, and text
no database takes never gets through."""

from __future__ import annotations

import re
from typing import Any

# A NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8: a reply could not even be sent) can arrive
# through a JSON escape; neither is ever part of a command or a card's input.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def storable(value: str) -> bool:
    """False for text no database takes; kept in a flow's state it would break every later card of the flow."""
    return UNSTORABLE.search(value) is None
