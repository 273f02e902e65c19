"""Saved searches: an operator names a `numbers` search (`save search NAME`) and uses the name in
`numbers NAME`, in a picker's search box and after `assign PERSON from`. Per operator and tenant; a name
is matched without case.

A search is stored as the terms typed (`inventory.search_terms`), so it means tomorrow what it means
today: new numbers that match show up, and terms are checked again when the search is used.
"""

from __future__ import annotations

import re

from inventory.errors import NotFound, SwitchboardError
from inventory.model import Actor
from inventory.number_query import NumberQuery
from inventory.search_terms import parse_search
from inventory.services.context import ServiceContext

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
MAX_SAVED = 50  # per operator and tenant: a list an operator can read on one card


class SavedSearchService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock

    async def save(self, actor: Actor, tenant: str, name: str, search: str | None = None) -> str:
        """Save `search` (or, without one, the operator's last `numbers` search) as `name`; returns the terms."""
        if not _NAME.match(name):
            raise SwitchboardError(
                f"'{name[:40]}' cannot name a search: use a letter, then up to 31 letters, digits, - or _."
            )
        async with self._storage.write() as uow:
            repository = uow.saved_searches
            if search is None:
                last = await repository.last_numbers_search(actor.id, tenant)
                if last is None:
                    raise NotFound("Search first (numbers area:425 pool:Sales), then save search NAME.")
                terms, status = last
                search = f"{terms} status:{status}".strip() if status != "any" else terms
            search = search.strip()[:100]
            if not search:
                raise SwitchboardError("That search has no terms; an empty search is simply numbers.")
            parse_search(search, NumberQuery(tenant=tenant))  # a search that cannot match is not saved
            saved = await repository.names(actor.id, tenant)
            if len(saved) >= MAX_SAVED and name.lower() not in {n for n, _ in saved}:
                raise SwitchboardError(f"You have {MAX_SAVED} saved searches; forget one first (forget search NAME).")
            await repository.save(actor.id, tenant, name, search, at=self._clock.now())
        return search

    async def named(self, actor: Actor, tenant: str, name: str) -> str | None:
        """The terms saved as `name`, or None when the operator saved none by that name."""
        if not _NAME.match(name):
            return None
        async with self._storage.read() as uow:
            return await uow.saved_searches.get(actor.id, tenant, name)

    async def terms_for(self, actor: Actor, tenant: str, typed: str) -> str:
        """What `assign PERSON from ...` searches: the terms saved as `typed` when it is one word that can
        name a search, else `typed` itself as search terms (checked). A name the operator saved no search
        by is refused, naming theirs: there a typo must not read as a search for that word."""
        typed = typed.strip()
        if not _NAME.match(typed):
            parse_search(typed, NumberQuery(tenant=tenant))
            return typed
        async with self._storage.read() as uow:
            found = await uow.saved_searches.get(actor.id, tenant, typed)
            if found is not None:
                return found
            saved = await uow.saved_searches.names(actor.id, tenant)
        yours = f"yours: {', '.join(name for name, _ in saved[:10])}" if saved else "you have none yet"
        raise NotFound(
            f"You have no saved search called '{typed[:32]}' in {tenant} ({yours}). Save one with save search NAME, "
            "or write search terms after from, e.g. from pool:Sales area:425."
        )

    async def listing(self, actor: Actor, tenant: str) -> list[tuple[str, str]]:
        async with self._storage.read() as uow:
            return await uow.saved_searches.names(actor.id, tenant)

    async def forget(self, actor: Actor, tenant: str, name: str) -> None:
        async with self._storage.write() as uow:
            if not await uow.saved_searches.delete(actor.id, tenant, name):
                raise NotFound(f"You have no saved search called '{name[:40]}'.")
