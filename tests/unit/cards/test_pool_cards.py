"""`cards.pools`: each pool's counts as a Teams chart, with the same counts as text where charts are not drawn."""

from __future__ import annotations

from cards.pools import PoolView, pools_card
from cards.reading import card_text
from tests.support.card_parts import valid

SALES = PoolView("Sales", free=3, reserved=1, used=10, quarantined=2)
EMPTY = PoolView("(no pool)", free=0, reserved=0, used=0, quarantined=0, blocked=4)


def test_the_chart_has_a_bar_per_pool_with_each_status_counted() -> None:
    drawn = valid(pools_card([SALES, EMPTY], tenant="contoso"))
    chart = drawn["body"][2]
    assert chart["type"] == "Chart.HorizontalBar.Stacked"
    assert [bar["title"] for bar in chart["data"]] == ["Sales", "(no pool)"]
    assert {point["legend"]: point["value"] for point in chart["data"][0]["data"]} == {
        "Free": 3,
        "Reserved": 1,
        "Used": 10,
        "Quarantined": 2,
        "Blocked": 0,
    }


def test_clients_without_charts_read_the_same_counts_as_text() -> None:
    fallback = valid(pools_card([SALES, EMPTY], tenant="contoso"))["body"][2]["fallback"]
    assert card_text(fallback).splitlines() == [
        "**Sales**: 3 free, 1 reserved, 10 used, 2 quarantined",
        "**(no pool)**: 0 free, 4 blocked",
    ]


def test_a_tenant_without_numbers_is_told_how_to_make_a_pool() -> None:
    assert "Import a range with pool=NAME" in card_text(valid(pools_card([], tenant="contoso")))
