"""The local demo stack: the simulated tenant behind the Graph stand-in, the bot, and the Agents Playground.

`start_demo(paths)` is what `switchboard demo` runs and what the browser end-to-end test runs (in a temporary
directory, with a small tenant): one code path. What it keeps, it keeps under one directory (`locations`);
a second start reuses it; delete the directory (or `switchboard demo --reset`) to start over.

The bot is the production composition root (`create_app`) with a Settings whose one tenant points at the
local Graph-compatible server, so the demo exercises the real Graph adapter over HTTP. The Playground's
current user (Olivia Operator) is the one configured operator, as an admin.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from aiohttp import web

from bot.app import create_app
from bot.demo.identities import DEMO_IDENTITIES
from bot.demo.locations import DemoPaths, DemoPorts
from bot.demo.playground import RunningPlayground, start_playground
from bot.demo.playground_config import CONFIG_FILE_NAME, write_playground_config
from bot.demo.tenant import TENANT_NAME, DemoSizes, build_demo_tenant, new_range
from bot.http_server import bot_runner
from inventory.config import OperatorConfig, Role, Settings
from inventory.errors import ConfigurationError
from inventory.model import Actor
from inventory.ports.clock import SystemClock
from inventory.services.imports import ImportReport, import_range
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.state_file import load_tenant, save_tenant
from inventory.teams.simulation.tenant import SimulatedTenant
from inventory.teams.stand_in.server import RunningServer, start_graph_server

log = logging.getLogger(__name__)
HOST: Final = "127.0.0.1"
SEEDER: Final = Actor("cli:demo", "switchboard demo")
# Teams takes a moment to assign a number; so does the demo, so the "Waiting for Teams" step is real.
DEMO_KNOBS: Final = FaultKnobs(operation_delay_seconds=1.0)


@dataclass
class RunningDemo:
    """A started demo. `stop()` ends the Playground (by PID), the bot and the Graph stand-in (saving the tenant)."""

    paths: DemoPaths
    settings: Settings
    store: Store
    teams: SimulatedTenant
    graph: RunningServer
    bot_port: int
    playground: RunningPlayground
    seeded: bool  # True when this start created the tenant or the database (and seeded it)
    _started: contextlib.AsyncExitStack = dataclasses.field(repr=False)

    @property
    def bot_endpoint(self) -> str:
        return f"http://{HOST}:{self.bot_port}/api/messages"

    @property
    def playground_url(self) -> str:
        return self.playground.url

    async def stop(self) -> None:
        """Stop in reverse order of starting; each part is stopped even when an earlier one fails."""
        await self._started.aclose()
        log.info("demo_stopped dir=%s", self.paths.root)


async def start_demo(
    paths: DemoPaths,
    *,
    ports: DemoPorts | None = None,
    sizes: DemoSizes | None = None,
    knobs: FaultKnobs = DEMO_KNOBS,
    inline_seconds: float = 5.0,
) -> RunningDemo:
    """Seed what is missing under `paths`, then start the Graph stand-in, the bot and the Playground."""
    ports, sizes = ports or DemoPorts(), sizes or DemoSizes()
    async with contextlib.AsyncExitStack() as started:
        teams, created = await asyncio.to_thread(_load_or_create_tenant, paths, sizes, knobs)
        new_database = not paths.database.exists()
        store = Store(create_engine(paths.database_url))
        started.push_async_callback(store.close)
        await upgrade(store.engine)
        seeded = created or new_database
        if seeded:  # only then: what an operator deletes in the demo stays deleted
            await seed_inventory(store, sizes)
        graph = await _start_graph(teams, ports.graph, paths)
        started.push_async_callback(graph.stop)  # saves the tenant
        settings = demo_settings(graph, paths.database_url)
        bot, bot_port = await _start_bot(settings, store, ports.bot, inline_seconds)
        started.push_async_callback(bot.cleanup)  # also stops the bot's jobs and its Graph sessions
        endpoint = f"http://{HOST}:{bot_port}/api/messages"
        config = write_playground_config(paths.playground_dir / CONFIG_FILE_NAME, DEMO_IDENTITIES)
        playground = await start_playground(endpoint, paths.playground_dir, ports.playground, config_path=config)
        started.push_async_callback(playground.stop)  # by its PID
        log.info(
            "demo_started dir=%s bot_port=%s graph=%s playground=%s seeded=%s",
            paths.root,
            bot_port,
            graph.url,
            playground.url,
            seeded,
        )
        return RunningDemo(paths, settings, store, teams, graph, bot_port, playground, seeded, started.pop_all())
    raise AssertionError("unreachable")  # pragma: no cover - the block returns or raises


def demo_settings(graph: RunningServer, database_url: str) -> Settings:
    """One tenant ("contoso") on the stand-in, with its policies allowed; the Playground's user is an admin."""
    tenant = dataclasses.replace(graph.tenant_config(TENANT_NAME), display_name="Contoso (simulated)")
    operator = DEMO_IDENTITIES.current_user
    return Settings(
        database_url=database_url,
        tenants=(tenant,),
        operators=(OperatorConfig(operator.aad_object_id, Role.ADMIN, ("*",), name=operator.name),),
        host=HOST,
        insecure_development=True,  # the Playground sends no tokens; the demo listens on loopback only
    )


async def seed_inventory(store: Store, sizes: DemoSizes) -> ImportReport:
    """Import the carrier's new Direct Routing range (idempotent: a second run adds nothing)."""
    seeded = new_range(sizes)
    return await import_range(
        store,
        TENANT_NAME,
        seeded.numbers,
        actor=SEEDER,
        clock=SystemClock(),
        location=seeded.location,
        carrier=seeded.carrier,
        pool=seeded.pool,
        range_label=seeded.label,
    )


def _load_or_create_tenant(paths: DemoPaths, sizes: DemoSizes, knobs: FaultKnobs) -> tuple[SimulatedTenant, bool]:
    if paths.tenant_file.exists():
        try:
            return load_tenant(paths.tenant_file, knobs=knobs), False
        except ConfigurationError as error:
            raise ConfigurationError(f"{error} Start afresh with: switchboard demo --reset") from None
    tenant = build_demo_tenant(sizes, knobs=knobs)
    save_tenant(tenant, paths.tenant_file)
    return tenant, True


async def _start_graph(teams: SimulatedTenant, port: int, paths: DemoPaths) -> RunningServer:
    try:
        return await start_graph_server(teams, HOST, port, state_file=paths.tenant_file)
    except OSError as busy:
        log.info("graph_port_busy port=%s error=%s: using a free port", port, busy.strerror)
        return await start_graph_server(teams, HOST, 0, state_file=paths.tenant_file)


async def _start_bot(settings: Settings, store: Store, port: int, inline_seconds: float) -> tuple[web.AppRunner, int]:
    runner = bot_runner(create_app(settings, store=store, inline_seconds=inline_seconds))
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, HOST, port).start()
        except OSError as busy:
            log.info("bot_port_busy port=%s error=%s: using a free port", port, busy.strerror)
            await web.TCPSite(runner, HOST, 0).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, runner.addresses[0][1]


@contextlib.contextmanager
def logging_to(path: Path, level: int = logging.INFO) -> Iterator[Path]:
    """Send every logger's records at `level` and above to `path` (appending) while the block runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(min(previous or logging.WARNING, level))
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()
