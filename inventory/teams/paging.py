"""Reading every page of a Graph collection, in the way each collection documents (or leaves open).

numberAssignments: `$top=1000&$skip=n` (its `$top` defaults to 500, at most 1,000; whether it sends
`@odata.nextLink` is not documented); follow `@odata.nextLink` when the server sends one; stop at
the first page shorter than `$top` (tools that forgot paging showed only the first 500 numbers).
No page past the end is ever asked for: under throttling each wasted request costs quota. The first page
asks for `@odata.count` (`$count=true`, OData's standard option; whether numberAssignments honours it is
not documented): with a count, the remaining `$skip` pages are known exactly and fetched concurrently
within the tenant's request budget; without one (or when Graph refuses `$count`, remembered per tenant),
pages are fetched one after another until a short page.

userConfigurations and users: follow `@odata.nextLink` (sequential by nature).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from inventory.errors import TeamsError
from inventory.ports.phone_system import FetchProgress, ProgressCallback
from inventory.teams.concurrency import all_of
from inventory.teams.graph_errors import unreadable_response
from inventory.teams.http import GraphClient

logger = logging.getLogger(__name__)
NEXT_LINK = "@odata.nextLink"
COUNT = "@odata.count"
COUNT_REFUSED = "numbers-count"  # the name under which a tenant remembers that Graph refused $count


OnPage = Callable[[list[Any]], Awaitable[None]]
STREAM_WINDOW = 8  # counted pages fetched at once when they are streamed (a window of pages in memory)


class _Pages:
    """Counts pages and items and reports progress; enforces the page ceiling. With `on_page`, each page's
    items go there and are not kept (a streamed listing holds a window of pages, never the collection)."""

    def __init__(
        self, client: GraphClient, label: str, progress: ProgressCallback | None, on_page: OnPage | None = None
    ) -> None:
        self.client = client
        self.label = label
        self.progress = progress
        self.on_page = on_page
        self.items: list[Any] = []
        self.count = 0
        self.pages = 0

    async def add(self, document: dict[str, Any], what: str) -> list[Any]:
        value = document.get("value")
        if not isinstance(value, list):
            raise unreadable_response(what=what, tenant=self.client.tenant_name, problem="no 'value' list in a page")
        self.pages += 1
        self.count += len(value)
        if self.on_page is None:
            self.items.extend(value)
        if self.pages > self.client.tuning.max_pages:
            raise TeamsError(
                f"Teams kept sending pages of {self.label} for tenant '{self.client.tenant_name}' "
                f"(more than {self.client.tuning.max_pages}); stopped to protect the sync."
            )
        if self.progress is not None:
            await self.progress(FetchProgress(pages=self.pages, items=self.count, what=self.label))
        if self.on_page is not None:
            await self.on_page(value)
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
    refused: set[str] | None = None,
    on_page: OnPage | None = None,
) -> list[Any]:
    """Every item of a `$top/$skip` collection (nextLink honoured when present), never asking past the end.

    `refused` is the tenant's memory of optimisations Graph answered with 400; `$count` joins it when
    the first page is accepted without it but not with it. With `on_page`, pages go there as they come
    and the list returned is empty.
    """
    top = client.tuning.number_page_size
    params: dict[str, str | int] = dict(extra_params or {})
    pages = _Pages(client, label, progress, on_page)

    def page_url(skip: int, *, count: bool = False) -> str:
        return client.url(path, {**params, "$top": top, "$skip": skip, **({"$count": "true"} if count else {})})

    first = await _first_page(client, page_url, refused, what=what, permission=permission)
    first_items = await pages.add(first, what)
    link = first.get(NEXT_LINK)
    if isinstance(link, str) and link:
        await _follow(client, link, pages, what=what, permission=permission)
        return pages.items
    if len(first_items) < top:
        return pages.items
    total = first.get(COUNT)
    if type(total) is int and total >= 0:
        await _counted_pages(client, page_url, pages, total, top, what=what, permission=permission)
        return pages.items
    skip = top
    while True:
        page = await pages.add(await client.get_json(page_url(skip), what=what, permission=permission), what)
        if len(page) < top:
            return pages.items
        skip += top


async def _first_page(
    client: GraphClient,
    page_url: Callable[..., str],
    refused: set[str] | None,
    *,
    what: str,
    permission: str,
) -> dict[str, Any]:
    if refused is None or COUNT_REFUSED in refused:
        return await client.get_json(page_url(0), what=what, permission=permission)
    try:
        return await client.get_json(page_url(0, count=True), what=what, permission=permission)
    except TeamsError as error:
        if error.status != 400:
            raise
    # Blame $count only when the same page without it is accepted (a 400 may be about another option).
    document = await client.get_json(page_url(0), what=what, permission=permission)
    refused.add(COUNT_REFUSED)
    logger.warning("graph_optimisation_refused tenant=%s what=%s", client.tenant_name, COUNT_REFUSED)
    return document


async def _counted_pages(
    client: GraphClient,
    page_url: Callable[..., str],
    pages: _Pages,
    total: int,
    top: int,
    *,
    what: str,
    permission: str,
) -> None:
    """The pages after the first when Graph said how many items there are: exactly those, concurrently
    (the client bounds requests in flight). A page shorter than promised ends the listing there."""
    skips = list(range(top, total, top))
    # All at once when the pages are kept anyway; a window at a time when they are streamed, so memory
    # holds a window of pages whatever the tenant's size.
    window = STREAM_WINDOW if pages.on_page is not None else max(1, len(skips))
    for start in range(0, len(skips), window):
        documents = await all_of(
            client.get_json(page_url(skip), what=what, permission=permission) for skip in skips[start : start + window]
        )
        for document in documents:
            page = await pages.add(document, what)
            if len(page) < top:
                return
    if pages.count <= total:
        return
    # The last page was full and the list grew since the count was taken: read on until a short page.
    skip = top * (len(skips) + 1)
    while True:
        page = await pages.add(await client.get_json(page_url(skip), what=what, permission=permission), what)
        if len(page) < top:
            return
        skip += top


async def fetch_link_paged(
    client: GraphClient,
    url: str,
    *,
    what: str,
    permission: str,
    label: str,
    progress: ProgressCallback | None = None,
    on_page: OnPage | None = None,
) -> list[Any]:
    """Every item of a collection paged by `@odata.nextLink` (with `on_page`: handed over page by page)."""
    pages = _Pages(client, label, progress, on_page)
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
