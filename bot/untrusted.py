"""Reading untrusted JSON from activities: anything that is not what we expect reads as empty."""

from __future__ import annotations

from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
