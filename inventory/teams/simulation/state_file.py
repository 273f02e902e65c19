"""The simulated tenant on disk, so the demo keeps its state across restarts.

Records are stored as rows under a field list (a third of the size of one object per record), the
file is replaced atomically (write a sibling, fsync, rename), and `StateSaver` writes only when the
tenant's `revision` moved, at most every `interval` seconds and once more on shutdown. The snapshot
is taken on the event loop (records are not thread-safe); encoding and writing run in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from inventory.errors import ConfigurationError
from inventory.ports.clock import Clock
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.generate import TenantSizes, generate_tenant
from inventory.teams.simulation.records import SimAccount, SimGroup, SimNumber, SimOperation
from inventory.teams.simulation.tenant import SimulatedTenant

logger = logging.getLogger(__name__)

R = TypeVar("R", SimAccount, SimNumber)
FORMAT = "switchboard-simulated-tenant"
VERSION = 1
_ACCOUNT_FIELDS = [f.name for f in fields(SimAccount)]
_NUMBER_FIELDS = [f.name for f in fields(SimNumber)]
_OPERATION_FIELDS = [f.name for f in fields(SimOperation)]
_KEPT_OPERATIONS = 1000  # finished operations are history; keep the recent ones only


def tenant_to_json(tenant: SimulatedTenant) -> dict[str, Any]:
    """A JSON-ready snapshot of the tenant (take it on the event loop)."""
    operations = list(tenant.operations.values())[-_KEPT_OPERATIONS:]
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": tenant.name,
        "tenantId": tenant.tenant_id,
        "seed": tenant.seed,
        "operationCounter": tenant.operation_counter,
        "policies": dict(tenant.policies),
        "accountFields": _ACCOUNT_FIELDS,
        "accounts": [[_plain_field(getattr(a, name)) for name in _ACCOUNT_FIELDS] for a in tenant.accounts()],
        "numberFields": _NUMBER_FIELDS,
        "numbers": [[getattr(n, name) for name in _NUMBER_FIELDS] for n in tenant.all_numbers()],
        "operationFields": _OPERATION_FIELDS,
        "operations": [[_plain(getattr(o, name)) for name in _OPERATION_FIELDS] for o in operations],
    }


def tenant_from_json(document: Any, *, clock: Clock | None = None, knobs: FaultKnobs | None = None) -> SimulatedTenant:
    """Rebuild a tenant from `tenant_to_json` output; ConfigurationError when it is not one."""
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ConfigurationError("The state file is not a Switchboard simulated tenant (version 1).")
    try:
        accounts = _rows(SimAccount, document["accountFields"], _ACCOUNT_FIELDS, document["accounts"])
        for account in accounts:  # groups are kept as [id, name] pairs
            stored: list[Any] = list(account.member_of or [])
            account.member_of = [SimGroup(str(group[0]), str(group[1])) for group in stored]
        numbers = _rows(SimNumber, document["numberFields"], _NUMBER_FIELDS, document["numbers"])
        operations = [
            _operation(dict(zip(document["operationFields"], row, strict=True))) for row in document["operations"]
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigurationError(f"The state file is damaged ({type(error).__name__}: {error}).") from None
    tenant = SimulatedTenant(
        name=str(document.get("name", "simulated")),
        tenant_id=str(document["tenantId"]),
        accounts=accounts,
        numbers=numbers,
        policies=document.get("policies", {}),
        seed=int(document.get("seed", 0)),
        knobs=knobs,
        clock=clock,
    )
    tenant.operation_counter = int(document.get("operationCounter", 0))
    tenant.operations = {operation.id: operation for operation in operations}
    return tenant


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """Replace `path` with `document` so a crash leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, separators=(",", ":"))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def save_tenant(tenant: SimulatedTenant, path: Path) -> None:
    write_json_atomically(path, tenant_to_json(tenant))


def load_tenant(path: Path, *, clock: Clock | None = None, knobs: FaultKnobs | None = None) -> SimulatedTenant:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"Cannot read the state file {path} ({type(error).__name__}).") from None
    return tenant_from_json(document, clock=clock, knobs=knobs)


def load_or_create(
    path: Path,
    sizes: TenantSizes,
    *,
    seed: int = 1,
    name: str = "simulated",
    clock: Clock | None = None,
    knobs: FaultKnobs | None = None,
) -> SimulatedTenant:
    """The tenant saved at `path`, or a new one generated from `sizes` and `seed` (and saved there)."""
    if path.exists():
        tenant = load_tenant(path, clock=clock, knobs=knobs)
        logger.info("state_loaded path=%s numbers=%d", path, len(tenant.all_numbers()))
        return tenant
    tenant = generate_tenant(sizes, seed=seed, name=name, knobs=knobs, clock=clock)
    save_tenant(tenant, path)
    logger.info("state_created path=%s numbers=%d seed=%d", path, sizes.numbers, seed)
    return tenant


class StateSaver:
    """Writes the tenant when it changed: at most every `interval` seconds, and on `stop()`."""

    def __init__(self, tenant: SimulatedTenant, path: Path, *, interval: float = 2.0) -> None:
        self.tenant = tenant
        self.path = path
        self.interval = interval
        self.saved_revision = tenant.revision
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def save_if_changed(self) -> bool:
        revision = self.tenant.revision
        if revision == self.saved_revision:
            return False
        document = tenant_to_json(self.tenant)
        await asyncio.to_thread(write_json_atomically, self.path, document)
        self.saved_revision = revision
        logger.info("state_saved path=%s revision=%d", self.path, revision)
        return True

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.save_if_changed()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.save_if_changed()
            except OSError:
                logger.exception("state_save_failed path=%s", self.path)


def _rows(record: type[R], stored: list[str], current: list[str], rows: list[list[Any]]) -> list[R]:
    if stored == current:
        return [record(*row) for row in rows]  # the common case, and much faster than keywords
    return [record(**dict(zip(stored, row, strict=True))) for row in rows]


def _plain_field(value: object) -> object:
    """An account's field as JSON has it: its groups as [id, name] pairs."""
    if isinstance(value, list) and value and isinstance(value[0], SimGroup):
        return [[group.id, group.display_name] for group in value]
    return value


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _operation(values: dict[str, Any]) -> SimOperation:
    values["created_at"] = datetime.fromisoformat(values["created_at"])
    return SimOperation(**values)
