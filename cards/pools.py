"""The `pools` card: each pool's free, reserved, used and quarantined numbers as a stacked bar chart.

Teams draws its `Chart.*` elements; clients that do not (the Agents Playground, older Teams) draw the
element's `fallback` instead, so the same counts are also there as text. The numbers are the same either
way: the chart and its fallback come from one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import Card, Element, card, container, heading, text

_SHOWN = 20  # pools on one card
STATES = ("free", "reserved", "used", "quarantined", "blocked")


@dataclass(frozen=True)
class PoolView:
    name: str  # "(no pool)" for numbers in none
    free: int
    reserved: int
    used: int
    quarantined: int
    blocked: int = 0

    def count(self, state: str) -> int:
        return int(getattr(self, state))

    @property
    def line(self) -> str:
        shown = ", ".join(f"{self.count(s):,} {s}" for s in STATES if self.count(s) or s == "free")
        return f"**{self.name}**: {shown}"


def pool_chart(pools: list[PoolView], *, title: str) -> Element:
    """A stacked horizontal bar per pool, with the same counts as text for clients without charts."""
    return {
        "type": "Chart.HorizontalBar.Stacked",
        "title": title,
        "data": [
            {"title": pool.name, "data": [{"legend": s.capitalize(), "value": pool.count(s)} for s in STATES]}
            for pool in pools
        ],
        "fallback": container([text(pool.line, spacing="None") for pool in pools]),
    }


def pools_card(pools: list[PoolView], *, tenant: str) -> Card:
    body = heading("Pools", f"Tenant {tenant}: {len(pools)} pool(s)")
    if not pools:
        body.append(text("No numbers yet. Import a range with pool=NAME, or a CSV with a pool column."))
        return card(body)
    shown = pools[:_SHOWN]
    body.append(pool_chart(shown, title="Numbers by pool"))
    if len(pools) > _SHOWN:
        body.append(text(f"...and {len(pools) - _SHOWN} more pools (switchboard pools lists all).", subtle=True))
    body.append(text("Type reserve 5 in POOL to hold numbers back.", subtle=True, size="Small"))
    return card(body)
