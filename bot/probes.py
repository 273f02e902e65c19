"""What an operator's tooling asks the bot: `GET /readyz` (may it take traffic?) and `GET /metrics`.

`/healthz` (bot/endpoint.py) says the process is alive and reaches its database; `/readyz` also says
the schema is at the revision this code needs, so a load balancer sends no turn to a replica that
started before its migration ran. `/metrics` is Prometheus' text format: what this process counted
(`inventory.metrics`) plus the database's gauges, read at scrape time so every replica agrees.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from inventory.metrics import FREE_NUMBERS, JOURNAL_PENDING, OUTBOX_BACKLOG
from inventory.store.engine import Store
from inventory.store.gauges import read_gauges
from inventory.store.migrate import current_revision, head_revision

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_probe_routes(app: web.Application, store: Store, tenants: tuple[str, ...]) -> None:
    """`tenants`: the configured ones, reported with 0 pending operations rather than left out."""
    app.router.add_get("/readyz", _ready(store))
    app.router.add_get("/metrics", _metrics(store, tenants))


def _ready(store: Store) -> Handler:
    wanted = head_revision()

    async def handle(_: web.Request) -> web.Response:
        try:
            revision = await current_revision(store.engine)
        except Exception as error:
            log.warning("readiness: database unreachable: %s", error.__class__.__name__)
            return web.json_response({"status": "not ready", "database": "unreachable"}, status=503)
        document = {"database": "ok", "schema": revision, "expected_schema": wanted}
        if revision != wanted:
            return web.json_response({"status": "not ready", **document}, status=503)
        return web.json_response({"status": "ready", **document})

    return handle


def _metrics(store: Store, tenants: tuple[str, ...]) -> Handler:
    async def handle(_: web.Request) -> web.Response:
        try:
            await _refresh_database_gauges(store, tenants)
        except Exception as error:
            # The process's own counters are still worth a scrape; the gauges keep their last values.
            log.warning("metrics: could not read the database gauges: %s", error.__class__.__name__)
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handle


async def _refresh_database_gauges(store: Store, tenants: tuple[str, ...]) -> None:
    gauges = await read_gauges(store)
    FREE_NUMBERS.clear()  # a pool that emptied or a tenant removed must not linger with an old value
    for (tenant, pool), count in gauges.free_numbers.items():
        FREE_NUMBERS.labels(tenant, pool).set(count)
    OUTBOX_BACKLOG.set(gauges.outbox_backlog)
    JOURNAL_PENDING.clear()
    for tenant in {*tenants, *gauges.journal_pending}:
        JOURNAL_PENDING.labels(tenant).set(gauges.journal_pending.get(tenant, 0))
