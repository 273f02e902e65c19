"""Capacity thresholds: when a pool counts as low on free numbers. Pure.

A threshold is a count (`5`: fewer than 5 free is low) or a share (`10%`: fewer than 10% of the pool's
numbers free is low). "Free" is available; reserved, used, quarantined and blocked numbers are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inventory.errors import SwitchboardError

_COUNT = re.compile(r"^\d{1,7}$")
_SHARE = re.compile(r"^(\d{1,2})\s*%$")
THRESHOLD_USAGE = "Write the threshold as a count of free numbers (capacity Sales 5) or a share (capacity Sales 10%)."


@dataclass(frozen=True)
class Threshold:
    pool: str
    min_free: int | None = None
    min_share_pct: int | None = None

    def is_low(self, free: int, total: int) -> bool:
        if self.min_free is not None:
            return free < self.min_free
        assert self.min_share_pct is not None
        # free / total < pct / 100, in integers: no rounding decides an alert
        return free * 100 < self.min_share_pct * total

    def needed(self, total: int) -> int:
        """How many free numbers the pool needs to be above the threshold again."""
        if self.min_free is not None:
            return self.min_free
        assert self.min_share_pct is not None
        return -(-self.min_share_pct * total // 100)  # rounded up

    @property
    def label(self) -> str:
        return f"{self.min_free:,} free" if self.min_free is not None else f"{self.min_share_pct}% free"


def parse_threshold(pool: str, text: str) -> Threshold:
    """`5` or `10%` as a threshold of `pool`; refuses anything else (and 0, which could never be crossed)."""
    text = text.strip()
    if _COUNT.match(text) and int(text) > 0:
        return Threshold(pool, min_free=int(text))
    share = _SHARE.match(text)
    if share and 0 < int(share.group(1)) < 100:
        return Threshold(pool, min_share_pct=int(share.group(1)))
    raise SwitchboardError(f"'{text[:20]}' is not a threshold. {THRESHOLD_USAGE}")


@dataclass(frozen=True)
class PoolCapacity:
    """One pool against its threshold, as a check saw it."""

    threshold: Threshold
    free: int
    total: int
    low: bool  # what the check found
    changed: bool  # low differs from what the previous check reported: an alert (or all-clear) is due
