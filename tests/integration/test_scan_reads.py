"""A scan (an export's page) reads with a small SQLite page cache and hands its pooled connection back
with the cache every other read and write relies on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from inventory.store.engine import Store, create_engine


async def _cache_size(store: Store, *, scan: bool) -> int:
    async with store.read(scan=scan) as uow:
        return int((await uow.connection.execute(text("PRAGMA cache_size"))).scalar_one())


async def test_a_scan_keeps_a_small_page_cache_and_leaves_the_connection_as_it_was(tmp_path: Path) -> None:
    store = Store(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'scan.db'}"))
    try:
        assert await _cache_size(store, scan=False) == -65536
        assert await _cache_size(store, scan=True) == -2048
        assert await _cache_size(store, scan=False) == -65536
    finally:
        await store.close()
