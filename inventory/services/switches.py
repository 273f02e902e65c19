"""A tenant's switches that its admins set in chat: four eyes, who may request a number (`requests`) and
who approves (`approvers`). The configuration file's value holds until an admin sets one; each change is
audited (who, when, before and after)."""

from __future__ import annotations

from inventory.config import REQUESTS_CHOICES
from inventory.errors import SwitchboardError
from inventory.model import Actor
from inventory.services.context import ServiceContext


class SwitchService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def four_eyes(self, tenant: str) -> bool:
        """Whether operators' own assignments in `tenant` wait for a second person's approval."""
        async with self._context.storage.read() as uow:
            stored = await uow.switches.four_eyes(tenant)
        return self._context.tenant(tenant).four_eyes if stored is None else stored

    async def set_four_eyes(self, tenant: str, on: bool, actor: Actor, *, correlation_id: str) -> None:
        async with self._context.storage.write() as uow:
            await uow.switches.set_four_eyes(
                tenant, on, actor=actor, at=self._context.clock.now(), correlation_id=correlation_id
            )

    async def who_may_request(self, tenant: str) -> str:
        """`operators`, `anyone` (also people who are not operators, from the tenant's Entra tenant) or `off`."""
        async with self._context.storage.read() as uow:
            stored = await uow.switches.requests(tenant)
        return self._context.tenant(tenant).requests if stored is None else stored

    async def set_who_may_request(self, tenant: str, who: str, actor: Actor, *, correlation_id: str) -> None:
        if who not in REQUESTS_CHOICES:
            raise SwitchboardError(f"Who may request is one of {', '.join(REQUESTS_CHOICES)}, not '{who[:40]}'.")
        async with self._context.storage.write() as uow:
            await uow.switches.set_requests(
                tenant, who, actor=actor, at=self._context.clock.now(), correlation_id=correlation_id
            )

    async def approver_list(self, tenant: str) -> tuple[str, ...]:
        """The Entra object ids of the only operators who decide `tenant`'s requests; () = all its operators."""
        async with self._context.storage.read() as uow:
            stored = await uow.switches.approvers(tenant)
        return self._context.tenant(tenant).approvers if stored is None else stored

    async def set_approver_list(
        self, tenant: str, approvers: tuple[str, ...], actor: Actor, *, correlation_id: str
    ) -> None:
        """Set the list (() = all operators of the tenant). Each one must be an operator or admin who may work
        on the tenant, as the configuration file demands: a typo would leave nobody deciding."""
        settings = self._context.settings
        wanted = tuple(dict.fromkeys(a.strip().lower() for a in approvers))
        for object_id in wanted:
            found = next((o for o in settings.operators if o.aad_object_id.lower() == object_id), None)
            if found is None or not settings.may_approve(tenant, found.aad_object_id, found.role, ()):
                raise SwitchboardError(
                    f"{object_id[:64]} is not an operator or admin of {self._context.tenant(tenant).display_name}; "
                    "nothing was changed."
                )
        async with self._context.storage.write() as uow:
            await uow.switches.set_approvers(
                tenant, wanted, actor=actor, at=self._context.clock.now(), correlation_id=correlation_id
            )
