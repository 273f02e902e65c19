"""`switchboard demo` without a browser: the seeded tenant the README relies on, ports, and a second start."""

from __future__ import annotations

import socket
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from bot.demo.identities import DEMO_IDENTITIES
from bot.demo.locations import DemoPaths, DemoPorts
from bot.demo.playground import playground_executable
from bot.demo.stack import start_demo
from bot.demo.tenant import FIRST_USER, HOLDER, POLICIES, DemoSizes, build_demo_tenant
from inventory.errors import ConfigurationError
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery

SMALL = DemoSizes(users=8, numbers_per_site=5, new_range_size=10)


@pytest.fixture
def node_tools() -> None:
    if not playground_executable().exists():
        pytest.skip(f"no Agents Playground at {playground_executable()} (run `make node`)")


def test_the_demo_tenant_has_the_people_and_numbers_the_readme_promises() -> None:
    tenant = build_demo_tenant()
    accounts = {account.upn: account for account in tenant.accounts()}
    numbers = tenant.all_numbers()

    assert len(accounts) == 53  # 50 people and 3 resource accounts
    assert Counter(a.account_type for a in accounts.values())["resourceAccount"] == 3
    assert len(numbers) == 500
    assert Counter(n.city for n in numbers) == {"Seattle": 250, "London": 250}
    assert {n.carrier for n in numbers} == {"Lumen", "Colt"}
    assert {n.number_type for n in numbers} == {"directRouting"}
    adele = accounts[FIRST_USER.user_principal_name]
    assert adele.display_name == "Adele Vance"
    assert adele.id == FIRST_USER.aad_object_id  # the Playground's user is the tenant's user
    assert tenant.numbers_of(adele.id) == []
    assert len(tenant.numbers_of(accounts[HOLDER.user_principal_name].id)) == 1
    assert 15 <= sum(1 for n in numbers if n.assignment_target_id) <= 30
    assert tuple(tenant.policies) == POLICIES


def test_the_demo_tenant_is_the_same_every_time() -> None:
    first, second = build_demo_tenant(SMALL), build_demo_tenant(SMALL)
    assert [(n.telephone_number, n.assignment_target_id) for n in first.all_numbers()] == [
        (n.telephone_number, n.assignment_target_id) for n in second.all_numbers()
    ]


def test_ports_come_from_the_environment_and_nonsense_is_refused() -> None:
    assert DemoPorts.from_env({}) == DemoPorts(bot=3978, playground=56150, graph=0)
    assert DemoPorts.from_env({"PORT": "4000", "PLAYGROUND_PORT": "0", "GRAPH_PORT": "8765"}) == DemoPorts(
        bot=4000, playground=0, graph=8765
    )
    with pytest.raises(ConfigurationError, match="PLAYGROUND_PORT"):
        DemoPorts.from_env({"PLAYGROUND_PORT": "http"})


async def test_a_second_start_reuses_the_state_and_a_busy_bot_port_is_replaced(
    tmp_path: Path, node_tools: None
) -> None:
    paths = DemoPaths(tmp_path / "demo")
    first = await start_demo(paths, ports=DemoPorts(bot=0, playground=0), sizes=SMALL)
    try:
        assert first.seeded
        async with first.store.read() as uow:
            assert await uow.numbers.count(NumberQuery(tenant="contoso")) == 10
        operator = first.settings.operator(DEMO_IDENTITIES.current_user.aad_object_id)
        assert operator is not None
        assert operator.role.name == "ADMIN"
        assert first.settings.tenants[0].allowed_policies == POLICIES
    finally:
        await first.stop()
    assert paths.tenant_file.exists()
    assert paths.database.exists()

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        second = await start_demo(paths, ports=DemoPorts(bot=taken, playground=0), sizes=SMALL)
        try:
            assert not second.seeded
            assert second.bot_port != taken
            async with aiohttp.ClientSession() as http, http.head(second.bot_endpoint) as probe:
                assert probe.status == 405  # what the Playground's probe expects
            async with second.store.read() as uow:
                query = NumberQuery(tenant="contoso", statuses=(NumberStatus.AVAILABLE,))
                assert await uow.numbers.count(query) == 10
        finally:
            await second.stop()
