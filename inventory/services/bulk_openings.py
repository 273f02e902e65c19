"""Opening assignments' journal entries, a whole batch with three statements instead of three each.

Before Teams is called, each assignment checks its number may be assigned, writes its pending entry
(the intent) and reads the account's other numbers (which Teams may replace). In a bulk run the
entries arriving together are opened in one transaction (`group_commit.BatchCommit`): one read of the
batch's numbers, one of its accounts' numbers and one insert of its entries. A number a rule refuses
is answered with the rule's message and writes nothing; the others go on. Each caller returns only once
its own entry is committed, so the intent is still on disk before Teams is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from inventory import journal, transitions
from inventory.audit import new_correlation_id
from inventory.e164 import display_number
from inventory.errors import NotFound, SwitchboardError
from inventory.journal import JournalEntry
from inventory.model import Actor, NumberStatus, PhoneNumber
from inventory.ports.storage import UnitOfWork

if TYPE_CHECKING:
    from inventory.services.assignment import AssignRequest


@dataclass(frozen=True)
class Opening:
    request: AssignRequest
    actor: Actor
    now: datetime


Opened = tuple[JournalEntry, list[PhoneNumber]]  # the entry, and the account's other assigned numbers


def intent(current: PhoneNumber | None, opening: Opening) -> JournalEntry:
    """The pending entry for `opening`, once the rules allow it (they raise, in words for the operator).
    The number itself changes only after Teams has assigned it."""
    request, actor = opening.request, opening.actor
    if current is None:
        shown = display_number(request.number, request.extension)
        raise NotFound(f"{shown} is not in the {request.tenant} inventory.")
    transitions.assign(
        current,
        request.account,
        policy=request.policy,
        operator=actor.name,
        now=opening.now,
        hold_owner=request.hold_owner,
    )
    return journal.begin(
        journal.Kind.ASSIGN,
        current,
        request.account,
        actor,
        at=opening.now,
        correlation_id=new_correlation_id(),
        policy=request.policy,
        location_id=request.location_id,
        hold_owner=request.hold_owner,
        flow_id=request.flow_id,
    )


def others_of(current: PhoneNumber, account_id: str, held: list[PhoneNumber]) -> list[PhoneNumber]:
    """The numbers in `held` that the account is using besides `current`."""
    used = [n for n in held if n.status is NumberStatus.USED and n.id != current.id]
    return [n for n in used if n.assignee is not None and n.assignee.id == account_id]


async def open_batch(uow: UnitOfWork, openings: list[Opening]) -> list[Opened | Exception]:
    """Open every entry the rules allow, in `uow`; one result per opening, in order."""
    results: dict[int, Opened | Exception] = {}
    for tenant in dict.fromkeys(o.request.tenant for o in openings):
        mine = [(index, o) for index, o in enumerate(openings) if o.request.tenant == tenant]
        found = await uow.numbers.listed(tenant, [(o.request.number, o.request.extension) for _, o in mine])
        held = await uow.numbers.held_by(tenant, [o.request.account.id for _, o in mine])
        entries: list[JournalEntry] = []
        for index, opening in mine:
            current = found.get((opening.request.number, opening.request.extension))
            try:
                entry = intent(current, opening)
            except SwitchboardError as refused:
                results[index] = refused
                continue
            assert current is not None  # `intent` refused a missing number
            entries.append(entry)
            results[index] = (entry, others_of(current, opening.request.account.id, held))
        await uow.journal.write_many(entries)
    return [results[index] for index in range(len(openings))]
