"""Numbers and Teams operations that are stuck, in plain words: what is wrong, why, and what to do next.

Two sources: a journal entry (an assignment or removal Switchboard started) that Teams has not confirmed
for longer than the tenant's patience, and a number whose Teams `activationState` has not been
"activated" for that long (pending, failed, or a state added to Teams after Switchboard was written).
Each has a `subject` key, so the watch tells the channel once per stuck thing; a number that moves to
another state is a new subject and is told again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from inventory.e164 import display_number
from inventory.journal import JournalEntry, Kind
from inventory.model import ActivationState, PhoneNumber


@dataclass(frozen=True, slots=True)
class StuckItem:
    subject: str  # "journal:<id>" or "number:<e164>;<ext>:<state>": what the channel was told about
    label: str  # the number as an operator reads it
    problem: str
    cause: str
    next_step: str


def age_words(seconds: float) -> str:
    """45 minutes, 3 hours, 2 days: precise enough for "stuck for", never "1 hours"."""
    minutes = int(seconds // 60)
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size or unit == "minute":
            count = max(1, minutes // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable")


def stuck_operation(entry: JournalEntry, *, now: datetime, check_minutes: int) -> StuckItem:
    label = display_number(entry.number, entry.extension)
    who = entry.account_name or entry.account_upn or entry.account_id or "its holder"
    doing = f"assigning {label} to {who}" if entry.kind == Kind.ASSIGN else f"removing {label} from {who}"
    return StuckItem(
        subject=f"journal:{entry.id}",
        label=label,
        problem=f"Teams has not confirmed {doing} for {age_words((now - entry.created_at).total_seconds())} "
        f"(started by {entry.operator_name}).",
        cause="The Teams operation is still running, or Teams could not be reached when Switchboard asked. "
        f"The number stays held, and Switchboard asks Teams again every {check_minutes} minutes.",
        next_step="Look the number up in the Teams admin center (Voice > Phone numbers). If Teams shows it done, "
        f"type sync; if it stays like this for hours, open a Microsoft support case quoting {entry.correlation_id}.",
    )


def stuck_number(number: PhoneNumber, *, now: datetime) -> StuckItem:
    state = number.activation_state
    if state is None or state is ActivationState.ACTIVATED:
        raise ValueError(f"{number.label} is not stuck: Teams shows it active")
    since = age_words((now - (number.updated_at or now)).total_seconds())
    cause, next_step = _ACTIVATION_ADVICE.get(state.value, _UNKNOWN_STATE_ADVICE)
    return StuckItem(
        subject=f"number:{number.number};{number.extension}:{state.value}",
        label=number.label,
        problem=f"Teams has shown {number.label} as {state.label} for at least {since}.",
        cause=cause,
        next_step=next_step,
    )


_PENDING_ADVICE = (
    "Teams is still provisioning the number; for Calling Plan and Operator Connect numbers the carrier has to "
    "confirm, which usually takes minutes and sometimes a day. Switchboard does not offer it meanwhile.",
    "If it is still pending tomorrow, check the number in the Teams admin center or ask the carrier.",
)
_FAILED_ADVICE = (
    "Teams could not finish it, most often because the emergency address is not validated or the carrier "
    "refused the change. Switchboard does not offer the number.",
    "In the Teams admin center (Voice > Phone numbers) open the number, fix its emergency address or release "
    "it, then type sync.",
)
_UNKNOWN_STATE_ADVICE = (
    "Teams reports a state added after this version of Switchboard; Switchboard does not offer the number "
    "until Teams shows it active.",
    "Check the number in the Teams admin center; type sync once Teams shows it active.",
)
_ACTIVATION_ADVICE = {
    ActivationState.ASSIGNMENT_PENDING.value: _PENDING_ADVICE,
    ActivationState.UPDATE_PENDING.value: _PENDING_ADVICE,
    ActivationState.ASSIGNMENT_FAILED.value: _FAILED_ADVICE,
    ActivationState.UPDATE_FAILED.value: _FAILED_ADVICE,
}
