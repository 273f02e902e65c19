"""Saved searches on both databases: saved by name without case, replaced when saved again, per operator
and tenant, checked before they are kept."""

from __future__ import annotations

import pytest

from inventory.config import TenantConfig
from inventory.errors import SwitchboardError
from inventory.model import Actor
from inventory.search_terms import SearchRefused
from inventory.services.saved_searches import SavedSearchService
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

MEGAN = Actor("obj-megan", "megan@contoso.test")
OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


def searches(store: Store, clock: FakeClock) -> SavedSearchService:
    phone = SimulatedPhoneSystem(SimulatedTenant(name="contoso", clock=clock), clock=clock)
    return SavedSearchService(one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock))


async def test_saving_a_name_again_replaces_it_and_names_match_without_case(store: Store, clock: FakeClock) -> None:
    saved = searches(store, clock)
    await saved.save(MEGAN, "contoso", "Sales", "pool:Sales")
    await saved.save(MEGAN, "contoso", "SALES", "pool:Sales status:available")
    assert await saved.listing(MEGAN, "contoso") == [("sales", "pool:Sales status:available")]
    assert await saved.named(MEGAN, "contoso", "sAlEs") == "pool:Sales status:available"
    assert await saved.named(OLIVIA, "contoso", "sales") is None
    assert await saved.named(MEGAN, "fabrikam", "sales") is None


async def test_a_search_that_cannot_match_is_not_saved(store: Store, clock: FakeClock) -> None:
    saved = searches(store, clock)
    with pytest.raises(SearchRefused):
        await saved.save(MEGAN, "contoso", "odd", "area:42x")
    with pytest.raises(SwitchboardError, match="cannot name a search"):
        await saved.save(MEGAN, "contoso", "has space", "555")
    assert await saved.listing(MEGAN, "contoso") == []


async def test_forgetting_a_search_removes_only_that_one(store: Store, clock: FakeClock) -> None:
    saved = searches(store, clock)
    await saved.save(MEGAN, "contoso", "a", "555 01")
    await saved.save(MEGAN, "contoso", "b", "555 02")
    await saved.forget(MEGAN, "contoso", "A")
    assert await saved.listing(MEGAN, "contoso") == [("b", "555 02")]


async def test_what_assign_from_searches_is_a_saved_name_or_terms_and_an_unknown_name_is_refused(
    store: Store, clock: FakeClock
) -> None:
    saved = searches(store, clock)
    await saved.save(MEGAN, "contoso", "sales-free", 'pool:"New York" status:available')
    assert await saved.terms_for(MEGAN, "contoso", "Sales-Free") == 'pool:"New York" status:available'
    assert await saved.terms_for(MEGAN, "contoso", "area:425 *0000") == "area:425 *0000"
    with pytest.raises(SwitchboardError, match=r"no saved search called 'sales' in contoso \(yours: sales-free\)"):
        await saved.terms_for(MEGAN, "contoso", "sales")
    with pytest.raises(SwitchboardError, match=r"\(you have none yet\)"):
        await saved.terms_for(OLIVIA, "contoso", "sales-free")
    with pytest.raises(SearchRefused):
        await saved.terms_for(MEGAN, "contoso", "area:42x")
