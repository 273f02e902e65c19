"""Capacity cards: `capacity` (free numbers per pool against its threshold, as a chart with a text
fallback), and the channel's note when a pool runs low or recovers, with buttons to act on it."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import ATTENTION, GOOD, Card, Element, card, container, execute, facts, heading, text

_SHOWN = 20


@dataclass(frozen=True)
class CapacityView:
    pool: str
    free: int
    total: int
    threshold: str  # "5 free", "10% free"
    needed: int  # free numbers the pool needs to be above its threshold
    low: bool

    @property
    def line(self) -> str:
        state = "LOW" if self.low else "ok"
        return f"**{self.pool}**: {self.free:,} free of {self.total:,} (threshold {self.threshold}) - {state}"


def capacity_chart(pools: list[CapacityView]) -> Element:
    """Per pool a bar of its free numbers and, stacked on it, how many it is short of its threshold; the
    same lines as text where charts are not drawn."""
    return {
        "type": "Chart.HorizontalBar.Stacked",
        "title": "Free numbers against each pool's threshold",
        "data": [
            {
                "title": p.pool,
                "data": [
                    {"legend": "Free", "value": p.free},
                    {"legend": "Short of the threshold", "value": max(p.needed - p.free, 0)},
                ],
            }
            for p in pools
        ],
        "fallback": container([text(p.line, spacing="None") for p in pools]),
    }


def capacity_card(pools: list[CapacityView], *, tenant: str, message: str | None = None) -> Card:
    body = heading("Capacity", f"Tenant {tenant}: {len(pools)} pool(s) with a threshold")
    if message:
        body.append(text(message, weight="Bolder"))
    if not pools:
        body.append(text("No pool has a threshold yet. An admin types capacity POOL 5 (or capacity POOL 10%)."))
        return card(body)
    body.append(capacity_chart(pools[:_SHOWN]))
    if len(pools) > _SHOWN:
        body.append(text(f"...and {len(pools) - _SHOWN} more pools.", subtle=True))
    low = [p for p in pools if p.low]
    if low:
        body.append(text(f"Low: {', '.join(p.pool for p in low)}.", color=ATTENTION, weight="Bolder"))
    body.append(text("capacity POOL 5 | capacity POOL 10% | capacity POOL off (admins)", subtle=True, size="Small"))
    return card(body)


def capacity_note(pool: CapacityView, *, tenant: str, reserve_count: int) -> Card:
    """The channel's note: once when a pool falls below its threshold, once when it is above it again."""
    if pool.low:
        title, line, color = f"Pool {pool.pool} is running low", "Add numbers to it, or hold some back.", ATTENTION
    else:
        title, line, color = f"Pool {pool.pool} has recovered", "It is above its threshold again.", GOOD
    body = heading(title, f"Tenant {tenant}")
    body.append(text(line, color=color))
    body.append(facts([("Free", f"{pool.free:,} of {pool.total:,}"), ("Threshold", pool.threshold)]))
    data = {"pool": pool.pool, "tenant": tenant}
    actions = [execute("Open the pool", "capacity.open", data)]
    if pool.free and reserve_count:
        actions.append(
            execute(f"Reserve the next {reserve_count}", "capacity.reserve", {**data, "count": reserve_count})
        )
    return card(body, actions)
