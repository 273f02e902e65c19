"""The read side: the look-ups cards are drawn from (pickers, `numbers`, `history`, `remove`, results).

Views change nothing, so they skip the lifecycle rules and read what the store has, one snapshot per
look-up (a page and its total come from the same transaction). Accounts come from Teams itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from inventory.audit import AuditEvent
from inventory.e164 import parse_number
from inventory.errors import InvalidNumber, TransitionRefused
from inventory.journal import JournalEntry
from inventory.model import NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery, Page
from inventory.ports.phone_system import TeamsAccount
from inventory.ports.repositories import Facet
from inventory.services.context import ServiceContext

FACETS: tuple[Facet, ...] = ("location", "pool", "range")


class Views:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._phones = context.phones

    async def page(
        self, query: NumberQuery, *, size: int, after: str | None, count_at_most: int | None = None
    ) -> tuple[Page, int]:
        """One page of `query` after the cursor `after`, and how many numbers match in all; with
        `count_at_most`, counting stops at `count_at_most + 1` (a card then says "more than")."""
        async with self._storage.read() as uow:
            page = await uow.numbers.search(query, limit=size, after=after)
            return page, await uow.numbers.count(query, at_most=count_at_most)

    async def policies_pending(self, tenant: str, numbers: Collection[str]) -> dict[str, str]:
        """Number (E.164) -> the voice routing policy the journal is still granting, for those that have one."""
        async with self._storage.read() as uow:
            return await uow.journal.policy_pending_for(tenant, list(numbers))

    async def count(self, query: NumberQuery) -> int:
        async with self._storage.read() as uow:
            return await uow.numbers.count(query)

    async def number(self, tenant: str, e164: str, extension: str = "") -> PhoneNumber | None:
        async with self._storage.read() as uow:
            return await uow.numbers.get(tenant, e164, extension)

    async def numbers_by_id(self, tenant: str, ids: Iterable[int]) -> dict[int, PhoneNumber]:
        async with self._storage.read() as uow:
            return await uow.numbers.by_ids(tenant, ids)

    async def held_numbers(self, tenant: str, account_ids: Collection[str]) -> dict[str, list[PhoneNumber]]:
        """What each account holds in the inventory now (the numbers a new assignment would replace)."""
        async with self._storage.read() as uow:
            held = await uow.numbers.held_by(tenant, account_ids)
        found: dict[str, list[PhoneNumber]] = {}
        for number in held:
            if number.assignee is not None and number.status is NumberStatus.USED:
                found.setdefault(number.assignee.id, []).append(number)
        return found

    async def available_by_facet(self, tenant: str) -> dict[Facet, list[tuple[str, int]]]:
        """How many available numbers each location, pool and range has, largest first."""
        async with self._storage.read() as uow:
            return {facet: await uow.numbers.available_by(tenant, facet) for facet in FACETS}

    async def pool_counts(self, tenant: str) -> list[tuple[str | None, str, int]]:
        """(pool, status, count) for each pool of `tenant` (None: numbers in no pool)."""
        async with self._storage.read() as uow:
            return await uow.numbers.status_counts_by_pool(tenant)

    async def pool_names(self, tenant: str) -> list[str]:
        return sorted({pool for pool, _, _ in await self.pool_counts(tenant) if pool})

    async def removable(self, tenant: str, who: str) -> list[PhoneNumber]:
        """The numbers `remove <who>` is about: the number itself (refused when nobody holds it), or the
        numbers a holder whose name or UPN contains `who` has."""
        try:
            parsed = parse_number(who)
        except InvalidNumber:
            parsed = None
        async with self._storage.read() as uow:
            if parsed is None:
                query = NumberQuery(tenant=tenant, assignee=who, statuses=(NumberStatus.USED,))
                return (await uow.numbers.search(query, limit=20)).items
            page = await uow.numbers.search(NumberQuery(tenant=tenant, digits=parsed.number), limit=5)
        found = [n for n in page.items if n.extension == parsed.extension]
        if found and found[0].status is not NumberStatus.USED:
            raise TransitionRefused(f"{found[0].label} is {found[0].status.value}, not assigned to anyone.")
        return found

    async def history(
        self, tenant: str, *, number: str | None, holder: str | None, before_id: int | None, limit: int
    ) -> list[AuditEvent]:
        async with self._storage.read() as uow:
            return await uow.audit.history(tenant, number=number, holder=holder, before_id=before_id, limit=limit)

    async def operations_of_flow(self, flow_id: str) -> list[JournalEntry]:
        """The Teams operations a flow started (a bulk run's results), oldest first."""
        async with self._storage.read() as uow:
            return await uow.journal.for_flow(flow_id)

    async def find_accounts(self, tenant: str, query: str, *, limit: int) -> list[TeamsAccount]:
        """Accounts whose name or UPN starts with `query`, as Teams has them now."""
        return await self._phones(tenant).search_accounts(query, limit=limit)

    async def account(self, tenant: str, account_id: str) -> TeamsAccount | None:
        return await self._phones(tenant).get_account(account_id)
