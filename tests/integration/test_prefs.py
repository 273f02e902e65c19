"""Operators' chosen tenants, on both databases."""

from __future__ import annotations

import asyncio

from inventory.store.engine import Store
from tests.support.clock import FakeClock


async def test_a_choice_is_remembered_and_can_change(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        await uow.prefs.choose_tenant("obj-1", "contoso", upn="a@contoso.test", at=clock.now())
    async with store.write() as uow:
        await uow.prefs.choose_tenant("obj-1", "fabrikam", upn="a@contoso.test", at=clock.now())
    async with store.read() as uow:
        assert await uow.prefs.tenant("obj-1") == "fabrikam"


async def test_two_first_choices_at_once_both_succeed(store: Store, clock: FakeClock) -> None:
    async def choose(tenant: str) -> None:
        async with store.write() as uow:
            await uow.prefs.choose_tenant("obj-2", tenant, upn=None, at=clock.now())

    await asyncio.gather(choose("contoso"), choose("fabrikam"))
    async with store.read() as uow:
        assert await uow.prefs.tenant("obj-2") in ("contoso", "fabrikam")
