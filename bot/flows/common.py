"""What every card flow shares: loading a flow safely, moving it on, reading card data, views, the picker
page, and the sync follow-up (the seed's "sync first")."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.turn import CardSink, Turn
from cards.elements import Card
from cards.sync import progress_card
from cards.views import AccountView, ChangeView, DiffView, FlowRef, NumberView, PageView
from inventory import transitions
from inventory.e164 import display_number
from inventory.errors import AccessDenied, SwitchboardError, TransitionRefused
from inventory.model import AccountType, Hold, NumberStatus, PhoneNumber
from inventory.ports.phone_system import FetchProgress, TeamsAccount
from inventory.services.sync import SyncPreview
from inventory.store.flows import Flow, FlowRepository
from inventory.store.numbers import NumberRepository
from inventory.store.search import NumberQuery, count_numbers, search_numbers
from inventory.store.sync_runs import StoredChange

PAGE_SIZE = 8  # numbers per picker page: keeps every card far below Teams' 28 KB
_FLOW_ID = re.compile(r"^[0-9a-f-]{36}$")
_MAX_INPUT = 200
_MAX_ID = 2**63  # row ids are 64-bit: a bigger one from a card would fail in the driver, not as a refusal


class StaleCard(Exception):
    """The click came from an older version of the card; answer with the flow as it is now."""

    def __init__(self, flow: Flow) -> None:
        super().__init__(flow.id)
        self.flow = flow


class CardProblem(SwitchboardError):
    """The card's data is not something one of our cards sends (tampered, or from an old release)."""


def ref(flow: Flow) -> FlowRef:
    return FlowRef(flow.id, flow.version)


async def start_flow(turn: Turn, kind: str, tenant: str, step: str, state: dict[str, Any]) -> Flow:
    now = turn.services.clock.now()
    flow = Flow(
        id=str(uuid.uuid4()),
        tenant=tenant,
        kind=kind,
        operator_id=turn.operator.actor.id,
        step=step,
        state=state,
        version=1,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(minutes=turn.services.flow_minutes),
    )
    async with turn.services.store.write() as connection:
        await FlowRepository(connection).create(flow)
    return flow


async def load_flow(turn: Turn, data: dict[str, Any]) -> Flow:
    """The flow a card action belongs to, checked: it exists, it is the operator's, it is current."""
    flow_id, version = data.get("flow"), data.get("v")
    if not isinstance(flow_id, str) or not _FLOW_ID.match(flow_id) or not isinstance(version, int):
        raise CardProblem("That card sent something I cannot read. Start again with a command (type help).")
    async with turn.services.store.read() as connection:
        flow = await FlowRepository(connection).get(flow_id)
    if flow is None or flow.is_expired(turn.services.clock.now()):
        raise SwitchboardError("This card has expired. Start again with a command (type help).")
    if flow.operator_id != turn.operator.actor.id:
        raise AccessDenied("This card belongs to another operator's task; start your own with a command.")
    turn.operator.require_tenant(flow.tenant)
    if version != flow.version:
        raise StaleCard(flow)
    return flow


async def advance(turn: Turn, flow: Flow, step: str, **changes: Any) -> Flow:
    """Move the flow on (state merged with `changes`); a concurrent click that got there first wins."""
    state = {**flow.state, **changes}
    async with turn.services.store.write() as connection:
        repository = FlowRepository(connection)
        moved = await repository.advance(flow, step=step, state=state, now=turn.services.clock.now())
        if moved is None:
            current = await repository.get(flow.id)
            assert current is not None
            raise StaleCard(current)
    return moved


async def reload(turn: Turn, flow_id: str) -> Flow:
    async with turn.services.store.read() as connection:
        flow = await FlowRepository(connection).get(flow_id)
    assert flow is not None
    return flow


def text_input(data: dict[str, Any], key: str, *, limit: int = _MAX_INPUT) -> str:
    """An input the operator typed or chose; missing means empty (the Playground leaves empty inputs out)."""
    value = data.get(key, "")
    if not isinstance(value, str):
        raise CardProblem("That card sent something I cannot read. Start again with a command (type help).")
    if len(value) > limit:
        raise SwitchboardError(f"That is too long ({len(value):,} characters); {limit} at most, please.")
    if not storable(value):
        raise CardProblem("That card sent something I cannot read. Start again with a command (type help).")
    return value.strip()


def storable(value: str) -> bool:
    """False for text no database takes: a NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8).

    JSON escapes can carry both; kept in a flow's state they would break every later card of the flow.
    """
    return "\x00" not in value and not any("\ud800" <= ch <= "\udfff" for ch in value)


def id_input(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CardProblem("That card sent something I cannot read. Start again with a command (type help).")
    try:
        number = int(value)
    except ValueError:
        raise CardProblem("That card sent something I cannot read. Start again with a command (type help).") from None
    if not 0 <= number < _MAX_ID:
        raise CardProblem("That card sent something I cannot read. Start again with a command (type help).")
    return number


def number_view(number: PhoneNumber) -> NumberView:
    assert number.id is not None
    return NumberView(
        id=number.id,
        label=number.label,
        status=number.status.value,
        number_type=number.number_type.value,
        holder=number.assignee.label if number.assignee else (number.hold.note if number.hold else None),
        policy=number.voice_routing_policy,
        location=number.location,
        range_label=number.range_label,
        carrier=number.carrier,
    )


def account_view(account: TeamsAccount) -> AccountView:
    kind = "resource account" if account.account_type is AccountType.RESOURCE_ACCOUNT else "user"
    return AccountView(account.id, account.label, account.upn, kind, account.voice_routing_policy)


def account_from_state(state: dict[str, Any]) -> AccountView:
    raw = state["account"]
    return AccountView(raw["id"], raw["name"], raw.get("upn"), raw["kind"], raw.get("policy"))


def account_to_state(account: AccountView) -> dict[str, Any]:
    return {"id": account.id, "name": account.name, "upn": account.upn, "kind": account.kind, "policy": account.policy}


async def picker_page(
    turn: Turn, tenant: str, state: dict[str, Any], *, exclude_ids: tuple[int, ...] = ()
) -> tuple[PageView, str | None]:
    """The current page of available numbers for `state` (search, cursors), and the next page's cursor."""
    search = str(state.get("search") or "")
    query = NumberQuery(tenant=tenant, text=search or None, statuses=(NumberStatus.AVAILABLE,), exclude_ids=exclude_ids)
    return await page_of(turn, query, state, size=PAGE_SIZE)


async def page_of(turn: Turn, query: NumberQuery, state: dict[str, Any], *, size: int) -> tuple[PageView, str | None]:
    """One keyset page of `query` at the cursor `state["cursors"]` ends with, with the total count."""
    cursors: list[str | None] = list(state.get("cursors") or [None])
    async with turn.services.store.read() as connection:
        page = await search_numbers(connection, query, limit=size, after=cursors[-1])
        total = await count_numbers(connection, query)
    view = PageView(
        [number_view(n) for n in page.items],
        total,
        len(cursors),
        len(cursors) > 1,
        page.next_cursor is not None,
        str(state.get("search") or ""),
    )
    return view, page.next_cursor


def change_view(stored: StoredChange) -> ChangeView:
    change = stored.change
    if change.category == "add":
        proposal = change.proposal
        status = proposal.status.value if proposal.status else "?"
        holder = (
            f" - {proposal.assignee_name or proposal.assignee_upn or proposal.assignee_id}"
            if (proposal.assignee_id)
            else ""
        )
        policy = f", policy {proposal.voice_routing_policy}" if proposal.voice_routing_policy else ""
        lines = [f"{status}{holder}{policy} ({proposal.number_type.value})"]
    else:
        lines = [f"{name}: {old or '-'} -> {new or '-'}" for name, old, new in change.fields]
    return ChangeView(display_number(change.number), change.kind, lines or ["(no field changes)"], change.note)


def diff_view(preview: SyncPreview) -> DiffView:
    return DiffView(
        counts=dict(preview.run.counts),
        preview={category: [change_view(c) for c in changes] for category, changes in preview.preview.items()},
        tenant=preview.run.tenant,
        expires=f"{preview.run.expires_at:%H:%M} UTC",
    )


def sync_progress(
    turn: Turn, tenant: str, sink: CardSink, *, title: str, step: str
) -> Callable[[FetchProgress], Awaitable[None]]:
    """A progress callback that redraws the progress card at most once a second."""
    last = 0.0

    async def report(update: FetchProgress) -> None:
        nonlocal last
        if time.monotonic() - last < 1.0:
            return
        last = time.monotonic()
        await sink(progress_card(title, step=step, pages=update.pages, items=update.items, what=update.what))

    return report


def progress(title: str, step: str) -> Card:
    return progress_card(title, step=step)


def hold_owner_of(flow: Flow) -> str:
    """The owner written on a number this flow holds: unique per flow, so only this flow may use the hold."""
    return f"flow:{flow.id}"


async def load_number_by_id(
    turn: Turn, tenant: str, *, number_id: int | None = None, e164: str | None = None
) -> PhoneNumber | None:
    async with turn.services.store.read() as connection:
        numbers = NumberRepository(connection)
        if e164 is not None:
            return await numbers.get(tenant, e164)
        assert number_id is not None
        return await numbers.get_by_id(tenant, number_id)


async def take_hold(turn: Turn, flow: Flow, number_id: int, *, purpose: str) -> PhoneNumber:
    """Hold `number_id` for this flow (releasing what it held before); raises when someone was faster."""
    await release_hold(turn, flow)
    now = turn.services.clock.now()
    actor = turn.operator.actor
    async with turn.services.store.write() as connection:
        numbers = NumberRepository(connection)
        current = (await numbers.lock_by_ids(flow.tenant, [number_id])).get(number_id)
        if current is None:
            raise TransitionRefused("That number is no longer in the inventory.")
        note = f"{actor.name}, {purpose}"[:512]
        held = transitions.hold(
            current, Hold(hold_owner_of(flow), note, now + turn.services.hold_time), operator=actor.name, now=now
        )
        return await numbers.save(current, held, action="hold", actor=actor, correlation_id=turn.correlation_id)


async def release_hold(turn: Turn, flow: Flow) -> None:
    """Give back the number this flow holds, if it still holds it (expiry may have freed it already)."""
    held = flow.state.get("number")
    if held:
        await release_numbers(turn, flow, [held])


async def release_numbers(turn: Turn, flow: Flow, held: list[dict[str, Any]]) -> None:
    """Give back each of `held` ({"e164", "ext"}) that this flow still holds; others are left alone."""
    now = turn.services.clock.now()
    async with turn.services.store.write() as connection:
        numbers = NumberRepository(connection)
        current = await numbers.get_many(flow.tenant, [(item["e164"], item.get("ext", "")) for item in held])
        ours = [n for n in current.values() if n.hold is not None and n.hold.owner == hold_owner_of(flow)]
        freed = [(n, transitions.cancel_hold(n, operator=turn.operator.actor.name, now=now)) for n in ours]
        await numbers.save_many(
            freed, action="release-hold", actor=turn.operator.actor, correlation_id=turn.correlation_id
        )
