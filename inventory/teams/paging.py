"""Reading every page of a Graph collection, in the way each collection documents (or leaves open).

numberAssignments: `$top=1000&$skip=n` (its `$top` defaults to 500, at most 1,000; whether it sends
`@odata.nextLink` is not documented); follow `@odata.nextLink` when the server sends one; stop at
the first page shorter than `$top` (tools that forgot paging showed only the first 500 numbers). When
the first page is full and has no nextLink, later `$skip` pages are independent, so they are fetched
in concurrent waves as wide as the tenant's request budget.

userConfigurations and users: follow `@odata.nextLink` (sequential by nature).
"""

from __future__ import annotations

from typing import Any

from inventory.errors import TeamsError
from inventory.ports.phone_system import FetchProgress, ProgressCallback
from inventory.teams.concurrency import all_of
from inventory.teams.graph_errors import unreadable_response
from inventory.teams.http import GraphClient

NEXT_LINK = "@odata.nextLink"


class _Pages:
    """Counts pages and items and reports progress; enforces the page ceiling."""

    def __init__(self, client: GraphClient, label: str, progress: ProgressCallback | None) -> None:
        self.client = client
        self.label = label
        self.progress = progress
        self.items: list[Any] = []
        self.pages = 0

    async def add(self, document: dict[str, Any], what: str) -> list[Any]:
        value = document.get("value")
        if not isinstance(value, list):
            raise unreadable_response(what=what, tenant=self.client.tenant_name, problem="no 'value' list in a page")
        self.pages += 1
        self.items.extend(value)
        if self.pages > self.client.tuning.max_pages:
            raise TeamsError(
                f"Teams kept sending pages of {self.label} for tenant '{self.client.tenant_name}' "
                f"(more than {self.client.tuning.max_pages}); stopped to protect the sync."
            )
        if self.progress is not None:
            await self.progress(FetchProgress(pages=self.pages, items=len(self.items), what=self.label))
        return value


async def fetch_skip_paged(
    client: GraphClient,
    path: str,
    *,
    what: str,
    permission: str,
    label: str,
    progress: ProgressCallback | None = None,
    extra_params: dict[str, str] | None = None,
) -> list[Any]:
    """Every item of a `$top/$skip` collection (nextLink honoured when present)."""
    top = client.tuning.number_page_size
    params: dict[str, str | int] = dict(extra_params or {})
    pages = _Pages(client, label, progress)

    def page_url(skip: int) -> str:
        return client.url(path, {**params, "$top": top, "$skip": skip})

    first = await client.get_json(page_url(0), what=what, permission=permission)
    first_items = await pages.add(first, what)
    link = first.get(NEXT_LINK)
    if isinstance(link, str) and link:
        await _follow(client, link, pages, what=what, permission=permission)
        return pages.items
    if len(first_items) < top:
        return pages.items
    wave = max(1, client.max_in_flight)
    skip = top
    while True:
        urls = [page_url(skip + index * top) for index in range(wave)]
        documents = await all_of(client.get_json(url, what=what, permission=permission) for url in urls)
        for document in documents:
            page = await pages.add(document, what)
            if len(page) < top:
                return pages.items
        skip += wave * top


async def fetch_link_paged(
    client: GraphClient,
    url: str,
    *,
    what: str,
    permission: str,
    label: str,
    progress: ProgressCallback | None = None,
) -> list[Any]:
    """Every item of a collection paged by `@odata.nextLink`."""
    pages = _Pages(client, label, progress)
    first = await client.get_json(url, what=what, permission=permission)
    await pages.add(first, what)
    link = first.get(NEXT_LINK)
    if isinstance(link, str) and link:
        await _follow(client, link, pages, what=what, permission=permission)
    return pages.items


async def _follow(client: GraphClient, link: str, pages: _Pages, *, what: str, permission: str) -> None:
    seen: set[str] = set()
    next_link: object = link
    while isinstance(next_link, str) and next_link:
        if next_link in seen:
            raise TeamsError(f"Teams sent the same next-page link twice while listing {pages.label}; stopped.")
        seen.add(next_link)
        document = await client.get_json(next_link, what=what, permission=permission)
        await pages.add(document, what)
        next_link = document.get(NEXT_LINK)
