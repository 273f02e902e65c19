"""Searching the inventory: filters, free text, digit patterns and keyset pages, on both databases."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from inventory.e164 import parse_range
from inventory.errors import SwitchboardError
from inventory.model import Actor, Assignee, NumberStatus, NumberType
from inventory.number_query import NumberQuery, Page
from inventory.services.imports import import_csv, import_range
from inventory.store.engine import Store
from inventory.transitions import assign
from tests.support.clock import FakeClock

OLIVIA = Actor("cli:olivia", "olivia")


@pytest.fixture
async def inventory(store: Store, clock: FakeClock) -> Store:
    await import_range(
        store,
        "contoso",
        parse_range("+12065550000-+12065550049"),
        actor=OLIVIA,
        clock=clock,
        location="Seattle",
        carrier="Contoso Telecom",
        pool="Sales",
        range_label="SEA-1",
    )
    await import_range(
        store,
        "contoso",
        parse_range("+14255550100-+14255550119"),
        actor=OLIVIA,
        clock=clock,
        location="Redmond",
        carrier="Fabrikam Voice",
        pool="Support",
        range_label="RED-1",
        number_type=NumberType.OPERATOR_CONNECT,
    )
    await import_csv(store, "contoso", "number,tags\n+12065550007,vip|lobby\n", actor=OLIVIA, clock=clock)
    async with store.write() as uow:
        repository = uow.numbers
        number = await repository.get("contoso", "+12065550003")
        assert number is not None
        adele = Assignee("obj-adele", "adele.vance@contoso.test", "Adele Vance")
        await repository.save(
            number,
            assign(number, adele, policy="US", operator="o", now=clock.now()),
            action="assign",
            actor=OLIVIA,
            correlation_id="c",
        )
    return store


async def find(store: Store, *, limit: int = 100, after: str | None = None, **filters: Any) -> Page:
    async with store.read() as uow:
        return await uow.numbers.search(NumberQuery(tenant="contoso", **filters), limit=limit, after=after)


async def numbers(store: Store, **filters: Any) -> list[str]:
    return [n.number for n in (await find(store, **filters)).items]


async def test_a_plus_prefix_finds_numbers_that_start_with_it(inventory: Store) -> None:
    found = await numbers(inventory, digits="+1425")
    assert len(found) == 20
    assert all(n.startswith("+1425") for n in found)


async def test_digits_without_plus_match_anywhere_like_an_area_code(inventory: Store) -> None:
    assert await numbers(inventory, text="206555001") == [f"+1206555001{i}" for i in range(10)]


async def test_wildcards_find_a_pattern(inventory: Store) -> None:
    assert await numbers(inventory, digits="*00?9") == [f"+120655500{i}9" for i in range(5)]
    assert await numbers(inventory, digits="+1425*19") == ["+14255550119"]
    assert await numbers(inventory, digits="555000?") == [f"+1206555000{i}" for i in range(10)]


async def test_status_and_pool_filters_combine(inventory: Store) -> None:
    found = await numbers(inventory, statuses=(NumberStatus.AVAILABLE,), pool="sales")
    assert len(found) == 49
    assert "+12065550003" not in found


async def test_free_text_finds_holder_location_carrier_and_tags(inventory: Store) -> None:
    assert await numbers(inventory, text="adele") == ["+12065550003"]
    assert await numbers(inventory, text="ADELE.VANCE@") == ["+12065550003"]
    assert len(await numbers(inventory, text="redmond")) == 20
    assert len(await numbers(inventory, text="fabrikam")) == 20
    assert await numbers(inventory, text="vip") == ["+12065550007"]


async def test_each_filter_narrows_by_its_own_field(inventory: Store) -> None:
    assert len(await numbers(inventory, location="Redmond")) == 20
    assert len(await numbers(inventory, range_label="SEA-1")) == 50
    assert len(await numbers(inventory, carrier="contoso telecom")) == 50
    assert len(await numbers(inventory, number_type=NumberType.OPERATOR_CONNECT)) == 20
    assert await numbers(inventory, assignee="vance") == ["+12065550003"]
    assert await numbers(inventory, tag="lobby") == ["+12065550007"]
    assert await numbers(inventory, tag="lob") == []


async def test_like_wildcards_typed_by_an_operator_are_taken_literally(inventory: Store) -> None:
    assert await numbers(inventory, text="%") == []
    assert await numbers(inventory, assignee="_") == []


async def test_keyset_pages_walk_every_match_once_in_number_order(inventory: Store) -> None:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await find(inventory, limit=7, after=cursor)
        seen.extend(n.number for n in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == 70
    assert seen == sorted(seen)
    assert len(set(seen)) == 70


async def test_a_page_is_not_shifted_by_a_number_added_meanwhile(inventory: Store, clock: FakeClock) -> None:
    first = await find(inventory, limit=5)
    await import_csv(inventory, "contoso", "number\n+12065550001;ext=5\n", actor=OLIVIA, clock=clock)
    second = await find(inventory, limit=5, after=first.next_cursor)
    assert second.items[0].number == "+12065550005"


async def test_a_forged_cursor_is_refused_politely(inventory: Store) -> None:
    with pytest.raises(SwitchboardError, match="page link is no longer valid"):
        await find(inventory, after="!!not-a-cursor!!")


async def test_counting_matches_agrees_with_the_pages(inventory: Store) -> None:
    async with inventory.read() as uow:
        total = await uow.numbers.count(NumberQuery(tenant="contoso", statuses=(NumberStatus.AVAILABLE,)))
    assert total == 69


async def test_exclusions_hide_numbers_already_picked(inventory: Store) -> None:
    page = await find(inventory, limit=2, location="Seattle")
    ids = tuple(n.id for n in page.items if n.id is not None)
    rest = await find(inventory, location="Seattle", exclude_ids=ids)
    assert {n.number for n in rest.items}.isdisjoint({n.number for n in page.items})
    assert len(rest.items) == 48


def test_query_values_are_frozen() -> None:
    query = NumberQuery(tenant="contoso")
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.tenant = "other"  # type: ignore[misc]


async def test_a_block_of_stars_is_one_digit_each_and_a_lone_star_any_digits(inventory: Store) -> None:
    assert len(await numbers(inventory, digits="+1425555****")) == 20
    assert await numbers(inventory, digits="+1425555***") == []  # one digit short: no number is that long
    assert len(await numbers(inventory, digits="+1425555*")) == 20
    assert await numbers(inventory, digits="*0119") == ["+14255550119"]


async def test_repeated_digits_find_numbers_with_that_many_equal_digits_in_a_row(inventory: Store) -> None:
    found = await numbers(inventory, repeated_digits=3)
    assert found
    assert all(any(d * 3 in n for d in "0123456789") for n in found)
    assert "+12065550101" not in found


async def test_every_filter_at_once_binds_each_of_its_values(inventory: Store) -> None:
    every: dict[str, Any] = {
        "text": "seattle",
        "digits": "+1206",
        "statuses": (NumberStatus.AVAILABLE,),
        "location": "SEATTLE",
        "pool": "sales",
        "range_label": "SEA-1",
        "carrier": "contoso telecom",
        "tag": "vip",
        "repeated_digits": 3,
        "offerable_only": True,
    }
    assert await numbers(inventory, **every) == ["+12065550007"]
    async with inventory.read() as uow:
        assert await uow.numbers.count(NumberQuery(tenant="contoso", **every)) == 1
    found = (await find(inventory, **every)).items[0]
    assert await numbers(inventory, **every, exclude_ids=(found.id,)) == []
    assert await numbers(inventory, **every, hold_owner="cli:olivia") == []
    assert await numbers(inventory, **every, reserved_for="obj-adele") == []
    assert await numbers(inventory, **every, reservations_only=True) == []


async def test_searches_of_one_shape_share_one_statement_whatever_they_ask_for() -> None:
    from inventory.store.number_search import plan, statement_of

    seattle, redmond = (
        plan(NumberQuery("contoso", digits="+1206", pool="a")),
        plan(NumberQuery("t", digits="+1425", pool="b")),
    )
    assert seattle[0] == redmond[0]
    assert statement_of(seattle[0]) is statement_of(redmond[0])
    assert seattle[1] != redmond[1]
    assert plan(NumberQuery("contoso", digits="555"))[0] != plan(NumberQuery("contoso", digits="+1555"))[0]
