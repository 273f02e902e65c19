"""Settling a bulk run's successful assignments a batch at a time: five statements for the batch.

Teams assigned each number: the number becomes used by its account, the account's numbers Teams
replaced are released, each with its history, and the journal entry closes, all in one transaction
(`settlement.finish_assign` does the same for one). For a batch that is one locked read of its
numbers, one of its accounts' numbers, one update of every changed number, one insert of their
history and one close of the entries. A batch whose assignments touch each other (one account twice,
or a number one of them holds that another assigns) is settled one after another in the same
transaction instead, so each sees what the one before it wrote, as in a row of transactions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from inventory.e164 import display_number
from inventory.errors import NotFound
from inventory.journal import SUCCEEDED
from inventory.model import PhoneNumber
from inventory.ports.repositories import Saving
from inventory.ports.storage import UnitOfWork
from inventory.services.settlement import Assigned, Settling, assigned_state, replacements, settle_assign


async def settle_batch(uow: UnitOfWork, items: list[Settling]) -> list[Assigned | Exception]:
    """Settle every item in `uow`; one result per item, in order."""
    results: dict[int, Assigned | Exception] = {}
    for tenant in dict.fromkeys(item.entry.tenant for item in items):
        mine = [(index, item) for index, item in enumerate(items) if item.entry.tenant == tenant]
        keys = [(item.entry.number, item.entry.extension) for _, item in mine]
        accounts = [item.account.id for _, item in mine]
        found = await uow.numbers.listed(tenant, keys, lock=True)
        held = await uow.numbers.held_by(tenant, accounts, lock=True)
        actors = {item.actor for _, item in mine}
        if len(actors) > 1 or _entangled(keys, accounts, held) or not all(_simple(item) for _, item in mine):
            for index, item in mine:
                results[index] = await settle_assign(uow, item)
            continue
        results.update(await _together(uow, mine, found, held))
    return [results[index] for index in range(len(items))]


async def _together(
    uow: UnitOfWork,
    mine: list[tuple[int, Settling]],
    found: dict[tuple[str, str], PhoneNumber],
    held: list[PhoneNumber],
) -> dict[int, Assigned | Exception]:
    results: dict[int, Assigned | Exception] = {}
    changes: list[tuple[int, Saving, list[Saving]]] = []
    for index, item in mine:
        entry = item.entry
        current = found.get((entry.number, entry.extension))
        if current is None:
            shown = display_number(entry.number, entry.extension)
            results[index] = NotFound(f"{shown} is not in the {entry.tenant} inventory.")
            continue
        after, detail = assigned_state(
            current, entry, item.account, item.policy, item.actor, item.now, policy_failure=None
        )
        released = replacements(after, held, item.still_held, item.actor, item.now, entry, item.quarantine_days)
        changes.append((index, Saving(current, after, "assign", entry.correlation_id, detail), released))
    actor = mine[0][1].actor  # the batch's one operator (`settle_batch`): one executemany, one history batch
    savings = [saving for _, own, released in changes for saving in (own, *released)]
    saved = iter(await uow.numbers.save_each(savings, actor=actor))
    closes: list[tuple[str, str | None, datetime]] = []
    items = dict(mine)
    for index, own, released in changes:
        number = next(saved)
        results[index] = Assigned(number, tuple(next(saved) for _ in released))
        closes.append((items[index].entry.id, own.detail, items[index].now))
    await uow.journal.close_many(closes, SUCCEEDED)
    return results


def _simple(item: Settling) -> bool:
    """No policy grant left to retry (that keeps the entry open instead of closing it)."""
    return item.policy_failure is None or not item.entry.policy


def _entangled(keys: Sequence[tuple[str, str]], accounts: Sequence[str], held: Sequence[PhoneNumber]) -> bool:
    if len(set(accounts)) < len(accounts) or len(set(keys)) < len(keys):
        return True
    return any((n.number, n.extension) in set(keys) for n in held)
