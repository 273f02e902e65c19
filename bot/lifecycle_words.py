"""The words of the lifecycle commands: `reserve`, `reservations`, `pools`, `capacity`, `assign next` and
`save search`. Pure: text in, values out; a sentence that says how to write it when the words do not fit.

    reserve NUMBER|COUNT [in POOL] [for PERSON] [until DATE | for DURATION] [ticket REF] [note TEXT]

`for` names a person unless what follows reads as a duration (`for 2 weeks`, `for 48h`); `note` takes the
rest of the line, so a note may contain any of the other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from inventory.errors import SwitchboardError

# Multi-word ones first: the router tries them in order, and "assign next" must win over "assign".
LIFECYCLE_COMMANDS = (
    "reservations",
    "reserve",
    "pools",
    "end quarantine",
    "capacity",
    "save search",
    "forget search",
    "searches",
    "assign next",  # before "assign" (the router tries these first)
    "rules",
    "rule add",
    "rule move",
    "rule delete",
)
RESERVE_USAGE = (
    "Write it as: reserve +12065550100 (or reserve 5 in Sales) [for adele] [until 2026-12-31 | for 2 weeks] "
    "[ticket CHG-123] [note why]"
)
_KEYWORDS = ("in", "for", "until", "ticket", "note")
_DURATION = re.compile(
    r"^(\d{1,4})\s*(h|hours?|d|days?|w|weeks?|m|months?)$",
    re.IGNORECASE,
)
_UNIT_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30}
_COUNT = re.compile(r"^\d{1,4}$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?$")


class UsageError(SwitchboardError):
    """The words do not fit the command; the message says how to write it."""


@dataclass(frozen=True)
class ReserveWords:
    number: str | None
    count: int | None
    pool: str | None
    person: str | None
    until: datetime | None
    duration: timedelta | None
    ticket: str | None
    note: str


def parse_reserve(args: str) -> ReserveWords:
    """`reserve ...` as values; raises UsageError saying what did not fit."""
    parts = _split_keywords(args)
    subject = parts.pop("", "").strip()
    if not subject:
        raise UsageError(f"Say what to reserve. {RESERVE_USAGE}")
    number, count = (None, int(subject)) if _COUNT.match(subject) else (subject, None)
    person, duration = None, None
    if "for" in parts:
        duration = parse_duration(parts["for"])
        person = None if duration is not None else parts["for"]
    if "for2" in parts:  # `for adele for 2 weeks`: the second `for` is the other one
        second = parse_duration(parts["for2"])
        if second is None or duration is not None:
            raise UsageError(f"Say for whom once and for how long once. {RESERVE_USAGE}")
        duration = second
    until = parse_date(parts["until"]) if "until" in parts else None
    if until is not None and duration is not None:
        raise UsageError("Give an end (until 2026-12-31) or a length (for 2 weeks), not both.")
    return ReserveWords(
        number=number,
        count=count,
        pool=parts.get("in") or None,
        person=person or None,
        until=until,
        duration=duration,
        ticket=(parts.get("ticket") or "")[:64] or None,
        note=parts.get("note", "")[:400],
    )


def _split_keywords(args: str) -> dict[str, str]:
    """`5 in Sales for adele note a b` -> {"": "5", "in": "Sales", "for": "adele", "note": "a b"}."""
    parts: dict[str, list[str]] = {"": []}
    current = ""
    for word in args.split():
        key = word.lower()
        if current != "note" and key in _KEYWORDS:
            current = "for2" if key == "for" and "for" in parts else key
            if current in parts:
                raise UsageError(f"'{key}' appears twice. {RESERVE_USAGE}")
            parts[current] = []
            continue
        parts[current].append(word)
    for key, words in parts.items():
        if key and not words:
            raise UsageError(f"'{key.rstrip('2')}' needs something after it. {RESERVE_USAGE}")
    return {key: " ".join(words) for key, words in parts.items()}


def parse_duration(text: str) -> timedelta | None:
    """`2 weeks`, `48h`, `10 days`, `3 months` (30 days each); None when `text` is not a duration."""
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    amount, unit = int(match.group(1)), match.group(2).lower()[0]
    if amount == 0:
        raise UsageError("A reservation must last a while: for 0 is no time at all.")
    return timedelta(days=amount * _UNIT_DAYS[unit])


def parse_date(text: str) -> datetime:
    """`2026-12-31` (to the end of that day) or `2026-12-31 17:00`, in UTC."""
    match = _DATE.match(text.strip())
    if match is None:
        raise UsageError(f"'{text[:40]}' is not a date; write it as 2026-12-31 or 2026-12-31 17:00 (UTC).")
    try:
        day = datetime.strptime(match.group(1), "%Y-%m-%d").date()
        at = datetime.strptime(match.group(2), "%H:%M").time() if match.group(2) else time(23, 59)
    except ValueError:
        raise UsageError(f"'{text[:40]}' is not a real date or time.") from None
    return datetime.combine(day, at, tzinfo=UTC)
