"""The trigram index behind search (migration 0021): the same answers as the ordered walk, kept in step with
every write, built for numbers already there, and counts that stop at a cap; on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.model import Actor, Assignee, NumberStatus
from inventory.number_query import NumberQuery
from inventory.services.imports import import_csv, import_range
from inventory.services.sync import SyncService
from inventory.store import number_repository, search_index
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.simulation import SimulatedPhoneSystem
from inventory.transitions import assign, release
from tests.support.clock import FakeClock
from tests.support.contoso_sync import contoso_tenant
from tests.support.services import one_tenant

OLIVIA = Actor("cli:olivia", "olivia")


@pytest.fixture
async def inventory(store: Store, clock: FakeClock) -> Store:
    for first, last, pool in (("+14255550000", "+14255550199", "Sales"), ("+12065551100", "+12065551199", "Desk")):
        await import_range(
            store, "contoso", parse_range(f"{first}-{last}"), actor=OLIVIA, clock=clock, pool=pool, location="Seattle"
        )
    await import_csv(store, "contoso", "number,tags,range\n+12065551234,VIP|lobby,SEA-9\n", actor=OLIVIA, clock=clock)
    await _assign(store, clock, "+14255550042", Assignee("obj-adele", "adele.vance@contoso.test", "Adele Vance"))
    return store


async def _assign(store: Store, clock: FakeClock, e164: str, person: Assignee) -> None:
    async with store.write() as uow:
        number = await uow.numbers.get("contoso", e164)
        assert number is not None
        changed = assign(number, person, policy=None, operator="o", now=clock.now())
        await uow.numbers.save(number, changed, action="assign", actor=OLIVIA, correlation_id="c")


async def _release(store: Store, clock: FakeClock, e164: str) -> None:
    async with store.write() as uow:
        number = await uow.numbers.get("contoso", e164)
        assert number is not None
        changed = release(number, operator="o", now=clock.now())
        await uow.numbers.save(number, changed, action="release", actor=OLIVIA, correlation_id="c")


async def numbers(store: Store, **filters: Any) -> list[str]:
    async with store.read() as uow:
        page = await uow.numbers.search(NumberQuery(tenant="contoso", **filters), limit=500)
    return [n.number for n in page.items]


SEARCHES: list[dict[str, Any]] = [
    {"digits": "*0000"},
    {"digits": "*1?1"},
    {"digits": "+1425555****"},
    {"digits": "+1425*42"},
    {"digits": "555000"},
    {"text": "2065551"},
    {"repeated_digits": 4},
    {"text": "adele"},
    {"assignee": "vance"},
    {"tag": "lobby"},
    {"text": "sea-9"},
    {"text": "seattle", "statuses": (NumberStatus.AVAILABLE,), "pool": "desk"},
]


@pytest.mark.parametrize("search", SEARCHES, ids=lambda search: ",".join(f"{k}={v}" for k, v in search.items()))
async def test_the_index_and_the_ordered_walk_find_the_same_numbers_in_the_same_order(
    inventory: Store, search: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "SPARSE", 10_000)  # every search runs among the index's candidates
    narrowed = await numbers(inventory, **search)
    monkeypatch.setattr(search_index, "SPARSE", 0)  # every search with any candidate walks in number order
    walked = await numbers(inventory, **search)
    assert narrowed == walked
    assert narrowed == sorted(narrowed)
    assert narrowed  # each search above matches something: an empty answer would prove nothing


async def test_vanity_and_wildcard_patterns_find_exactly_their_numbers(inventory: Store) -> None:
    assert await numbers(inventory, digits="*0000") == ["+14255550000"]
    assert await numbers(inventory, digits="*1111") == ["+12065551111"]
    assert await numbers(inventory, digits="+1206555****") == [f"+1206555{i}" for i in range(1100, 1200)] + [
        "+12065551234"
    ]
    assert await numbers(inventory, digits="*00?9") == [f"+142555500{i}9" for i in range(10)]
    assert await numbers(inventory, repeated_digits=5) == []
    four = await numbers(inventory, repeated_digits=4)
    assert {"+14255550000", "+12065551111"} <= set(four)
    assert "+12065551234" not in four


async def test_the_index_follows_assignments_releases_deletes_and_imports(inventory: Store, clock: FakeClock) -> None:
    grady = Assignee("obj-grady", "grady.archie@contoso.test", "Grady Archie")
    await _assign(inventory, clock, "+12065551150", grady)
    assert await numbers(inventory, text="grady") == ["+12065551150"]
    await _release(inventory, clock, "+12065551150")
    assert await numbers(inventory, text="grady") == []
    async with inventory.write() as uow:
        await uow.numbers.delete_tenant("contoso", actor=OLIVIA, at=clock.now(), correlation_id="c")
    assert await numbers(inventory, digits="*0000") == []
    await import_csv(inventory, "contoso", "number,location\n+14255550000,Kirkland\n", actor=OLIVIA, clock=clock)
    assert await numbers(inventory, digits="*0000") == ["+14255550000"]
    assert await numbers(inventory, text="kirkland") == ["+14255550000"]


async def test_a_count_for_a_card_stops_one_past_its_cap(inventory: Store) -> None:
    query = NumberQuery(tenant="contoso", digits="+1425")
    async with inventory.read() as uow:
        assert await uow.numbers.count(query) == 200
        assert await uow.numbers.count(query, at_most=50) == 51
        assert await uow.numbers.count(query, at_most=500) == 200


async def test_upgrading_indexes_the_numbers_written_before_the_index_existed(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        assert await upgrade(engine, "0018") == "0018"
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO phone_numbers (tenant, number, extension, number_type, status, tags, search_text, "
                    "created_at, updated_at, version) VALUES ('contoso', '+12065550000', '', 'directRouting', "
                    "'available', '', 'tacoma | sea-1', '2026-01-01', '2026-01-01', 1)"
                )
            )
        await upgrade(engine)
        store = Store(engine)
        assert await numbers(store, digits="*0000") == ["+12065550000"]
        async with engine.connect() as connection:
            found = await connection.execute(
                text("SELECT rowid FROM phone_numbers_text WHERE phone_numbers_text MATCH 'search_text : \"tacoma\"'")
            )
            assert len(found.all()) == 1
    finally:
        await engine.dispose()


async def _indexed_rows(store: Store, e164: str) -> int:
    """How many index entries hold `e164` as a whole number (SQLite): one, or the index drifted."""
    async with store.read() as uow:
        found = await uow.connection.execute(
            text("SELECT rowid FROM phone_numbers_text WHERE phone_numbers_text MATCH :phrase"),
            {"phrase": f'number : "^{e164}$"'},
        )
        return len(found.all())


async def test_a_bulk_import_indexes_every_batch_once_and_a_single_insert_is_still_indexed(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(number_repository, "_BATCH", 3)  # ten numbers: four batches, each indexed on its own
    monkeypatch.setattr(search_index, "SPARSE", 10_000)  # every search runs among the index's candidates
    await import_range(store, "contoso", parse_range("+14255550100-+14255550109"), actor=OLIVIA, clock=clock)
    for last in range(100, 110):
        assert await numbers(store, digits=f"*0{last}") == [f"+14255550{last}"]
    async with store.write() as uow:  # one row written outside any bulk writer: the trigger indexes it
        await uow.connection.execute(
            text(
                "INSERT INTO phone_numbers (tenant, number, extension, number_type, status, tags, search_text, "
                "created_at, updated_at, version) VALUES ('contoso', '+12065550000', '', 'directRouting', "
                "'available', '', 'tacoma', '2026-01-01', '2026-01-01', 1)"
            )
        )
    assert await numbers(store, text="tacoma") == ["+12065550000"]
    if store.dialect == "sqlite":
        assert [await _indexed_rows(store, f"+14255550{last}") for last in range(100, 110)] == [1] * 10
        async with store.read() as uow:
            flags = await uow.connection.execute(text("SELECT count(*) FROM phone_numbers_text_bulk"))
            assert flags.scalar_one() == 0


async def test_a_syncs_adds_are_found_by_substring(store: Store, clock: FakeClock) -> None:
    phone = SimulatedPhoneSystem(contoso_tenant(clock), clock=clock)
    sync = SyncService(one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock))
    preview = await sync.start_sync("contoso", OLIVIA)
    added = sorted(c.change.number for c in preview.preview["add"])
    assert (await sync.commit_sync(preview.run.id, "contoso", OLIVIA)).applied["add"] == len(added) > 0
    for e164 in added:
        assert await numbers(store, digits="*" + e164[-6:]) == [e164]
    if store.dialect == "sqlite":
        assert [await _indexed_rows(store, e164) for e164 in added] == [1] * len(added)
