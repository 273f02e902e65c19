"""`check_tenant`: token, one page of numbers, time, and an operator-readable error."""

from __future__ import annotations

from inventory.config import TenantConfig
from inventory.teams.checks import check_tenant
from inventory.teams.stand_in.server import start_graph_server
from tests.support.clock import FakeClock
from tests.support.teams_fakes import small_tenant


async def test_a_reachable_tenant_passes_both_checks() -> None:
    server = await start_graph_server(small_tenant(FakeClock()))
    try:
        check = await check_tenant(server.tenant_config("contoso"))
    finally:
        await server.stop()

    assert check.ok
    assert check.token_ok
    assert check.numbers_ok
    assert check.numbers_on_first_page == 50
    assert check.error is None
    assert check.seconds >= 0


async def test_a_missing_permission_is_reported_not_raised() -> None:
    tenant = small_tenant(FakeClock())
    tenant.faults.respond_next(403, count=5)
    server = await start_graph_server(tenant)
    try:
        check = await check_tenant(server.tenant_config("contoso"))
    finally:
        await server.stop()

    assert check.token_ok
    assert not check.numbers_ok
    assert not check.ok
    assert check.error is not None
    assert "TeamsTelephoneNumber.Read.All" in check.error


async def test_a_tenant_without_credentials_fails_the_token_check_with_what_to_set() -> None:
    check = await check_tenant(TenantConfig("fabrikam", "Fabrikam", entra_tenant_id="g", client_id="a"))

    assert not check.token_ok
    assert not check.numbers_ok
    assert check.error is not None
    assert "SWITCHBOARD_FABRIKAM_CLIENT_SECRET" in check.error
