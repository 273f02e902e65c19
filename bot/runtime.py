"""What runs beside the bot's turns, from start-up to shutdown: the schema, the jobs, the notification
poster, follow-ups still in flight, and the connections to close."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, field

from aiohttp import web

from bot.delivery import Background
from bot.jobs import Jobs
from bot.notify import NotificationPoster
from bot.signing_keys import KeyRing
from inventory.config import Settings
from inventory.store.engine import Store
from inventory.store.migrate import upgrade
from inventory.teams.registry import PhoneSystems

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    owns_store: bool  # a store handed in by the caller (tests, the demo) is the caller's to close
    phones: PhoneSystems
    jobs: Jobs
    poster: NotificationPoster
    background: Background
    run_jobs: bool
    notify_interval: float
    keys: KeyRing | None  # None in development mode
    _posting: asyncio.Task[None] | None = field(default=None, init=False)

    async def start(self, _: web.Application) -> None:
        if self.keys is not None:
            self.keys.start()  # in the background: a slow key endpoint must not hold up start-up
        else:
            log.warning(
                "INSECURE DEVELOPMENT MODE: no token is checked; anyone who reaches this port is trusted "
                "(loopback only). Never deploy like this."
            )
        await upgrade(self.store.engine)
        # Everything built so far lives as long as the process: keep the collector from walking it
        # again and again (its full passes showed up as the slowest turns under load).
        gc.collect()
        gc.freeze()
        if self.run_jobs:
            self.jobs.start()
        self._posting = asyncio.create_task(self.poster.run(interval=self.notify_interval), name="notification poster")
        log.info("switchboard bot ready tenants=%s", ",".join(t.name for t in self.settings.tenants))

    async def stop(self, _: web.Application) -> None:
        if self._posting is not None:
            self._posting.cancel()
            await asyncio.gather(self._posting, return_exceptions=True)
        await self.jobs.stop()
        await self.background.close(grace_seconds=5.0)
        await self.phones.aclose()
        if self.keys is not None:
            await self.keys.close()
        if self.owns_store:
            await self.store.close()
