"""A tenant's switches set in chat, on both databases: each one overrides only its own part of the
configuration file (an admin's `requests anyone` does not pin four eyes), and each change is audited."""

from __future__ import annotations

import pytest

from inventory.config import REQUESTS_ANYONE, REQUESTS_OFF, OperatorConfig, Role, Settings, TenantConfig
from inventory.errors import SwitchboardError
from inventory.model import Actor
from inventory.services.context import ServiceContext
from inventory.services.switches import SwitchService
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
CONTOSO = TenantConfig(name="contoso", display_name="Contoso", four_eyes=True, approvers=("obj-megan",))


def switches(store: Store, clock: FakeClock) -> SwitchService:
    operators = (
        OperatorConfig("obj-olivia", Role.ADMIN, ("*",)),
        OperatorConfig("obj-megan", Role.OPERATOR, ("contoso",)),
        OperatorConfig("obj-victor", Role.VIEWER, ("contoso",)),
    )
    phone = SimulatedPhoneSystem(SimulatedTenant(name="contoso", clock=clock), clock=clock)
    settings = Settings(tenants=(CONTOSO,), operators=operators)
    return SwitchService(ServiceContext(store, clock, lambda _: phone, settings))


async def test_setting_who_may_request_leaves_four_eyes_and_the_approvers_to_the_file(store: Store) -> None:
    service = switches(store, FakeClock())
    await service.set_who_may_request("contoso", REQUESTS_ANYONE, OLIVIA, correlation_id="c-1")
    assert await service.who_may_request("contoso") == REQUESTS_ANYONE
    assert await service.four_eyes("contoso") is True
    assert await service.approver_list("contoso") == ("obj-megan",)


async def test_each_switch_set_in_chat_overrides_the_file_and_is_audited(store: Store) -> None:
    service = switches(store, FakeClock())
    await service.set_approver_list("contoso", ("OBJ-OLIVIA", "obj-megan", "obj-olivia"), OLIVIA, correlation_id="c")
    await service.set_four_eyes("contoso", False, OLIVIA, correlation_id="c")
    await service.set_who_may_request("contoso", REQUESTS_OFF, OLIVIA, correlation_id="c")
    assert await service.approver_list("contoso") == ("obj-olivia", "obj-megan")
    assert await service.four_eyes("contoso") is False
    assert await service.who_may_request("contoso") == REQUESTS_OFF
    await service.set_approver_list("contoso", (), OLIVIA, correlation_id="c")
    assert await service.approver_list("contoso") == ()  # every operator, not the file's list
    async with store.read() as uow:
        actions = sorted(e.action for e in await uow.audit.history("contoso"))
    assert actions == ["set-approvers", "set-approvers", "set-four-eyes", "set-requests"]


async def test_a_viewer_or_an_unknown_word_is_refused_and_changes_nothing(store: Store) -> None:
    service = switches(store, FakeClock())
    before = await db.snapshot(store)
    for bad in (("obj-victor",), ("obj-nobody",)):
        with pytest.raises(SwitchboardError, match="is not an operator or admin of Contoso; nothing was changed"):
            await service.set_approver_list("contoso", bad, OLIVIA, correlation_id="c")
    with pytest.raises(SwitchboardError, match="one of operators, anyone, off, not 'everybody'"):
        await service.set_who_may_request("contoso", "everybody", OLIVIA, correlation_id="c")
    assert await db.snapshot(store) == before
