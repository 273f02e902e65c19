"""Bulk assignment and emergency locations: each number carries its own location from Teams, else its
pool's configured site."""

from __future__ import annotations

import aiohttp
import pytest

from inventory.config import OperatorConfig, Role, Settings, TenantConfig
from inventory.e164 import parse_range
from inventory.model import Actor
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimulatedTenant
from tests.support.bot_harness import Member, RecordingConnector, TeamsClient
from tests.support.bot_world import BotStarter

ADA = Member("29:ada", "aaaaaaaa-0000-4000-8000-0000000000a1", "Ada Admin", "ada@contoso.test")
PEOPLE = [SimAccount(f"obj-user-{i}", f"user{i}@contoso.test", f"User {i}", enterprise_voice=True) for i in (1, 2)]
SALES_SITE = "loc-seattle-hq"
SETTINGS = Settings(
    tenants=(
        TenantConfig(
            name="contoso",
            display_name="Contoso",
            allowed_policies=("US-Local",),
            default_policy="US-Local",
            sites=(("Seattle HQ", SALES_SITE),),
            pool_sites=(("Sales", "Seattle HQ"),),
        ),
    ),
    operators=(OperatorConfig(ADA.aad_object_id, Role.ADMIN, ("*",)),),
    insecure_development=True,
)


@pytest.fixture
def teams() -> SimulatedTenant:
    """Two people without numbers; Teams knows the Sales site's emergency location."""
    tenant = SimulatedTenant(name="contoso", accounts=list(PEOPLE), policies={"US-Local": "pol-1"})
    tenant.add_location(SALES_SITE)
    return tenant


@pytest.fixture
async def inventory(store: Store) -> Store:
    """Five Seattle numbers in pool Sales, none known to Teams (so none has a location of its own)."""
    numbers = parse_range("+12065551000-+12065551004")
    setup = Actor("cli:setup", "setup")
    await import_range(store, "contoso", numbers, actor=setup, clock=SystemClock(), location="Seattle", pool="Sales")
    return store


async def test_a_bulk_run_assigns_every_pool_number_with_the_pools_site(
    start_bot: BotStarter, connector: RecordingConnector, teams: SimulatedTenant
) -> None:
    connector.members[ADA.id] = ADA
    bot = await start_bot(settings=SETTINGS, inline_seconds=8.0)
    async with aiohttp.ClientSession() as http:
        ada = TeamsClient(http, bot.url, connector, ADA)
        await ada.say("bulk assign")
        found = await ada.click(connector.last_card(), "Find", inputs={"people_search": "user"})
        chosen = await ada.click(found, "Add", inputs={"people": ",".join(p.id for p in PEOPLE)})
        source = await ada.click(chosen, "Next")
        plan = await ada.click(source, "Suggest numbers", inputs={"location": "Seattle"})
        await ada.click(await ada.click(plan, "Review"), "Assign all")

    held = [n for n in teams.all_numbers() if n.assignment_target_id in {p.id for p in PEOPLE}]
    assert len(held) == 2
    assert {n.location_id for n in held} == {SALES_SITE}
