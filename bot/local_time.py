"""Times on cards in the operator's own time: Teams sends each activity's `localTimezone` (an IANA name)
and `localTimestamp` (with its UTC offset); a card drawn for that turn shows times in that zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class LocalTime:
    """How one operator reads a moment; UTC when Teams did not say (a job's channel post, an old client)."""

    zone: tzinfo = UTC

    def at(self, moment: datetime, *, date: bool = True) -> str:
        """`2026-12-05 09:30 PST` (or `09:30 PST`): the zone's own abbreviation, so nobody has to guess."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        local = aware.astimezone(self.zone)
        name = local.tzname() or "UTC"
        return f"{local:%Y-%m-%d %H:%M} {name}" if date else f"{local:%H:%M} {name}"


UTC_TIME = LocalTime()


def local_time_of(zone_name: object, timestamp: object) -> LocalTime:
    """The zone Teams named, else the offset of the operator's clock, else UTC. Untrusted input: a name
    that is not a known zone is ignored, never an error."""
    if isinstance(zone_name, str) and 0 < len(zone_name) <= 64:
        try:
            return LocalTime(ZoneInfo(zone_name))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if isinstance(timestamp, datetime):
        offset = timestamp.utcoffset()
        if offset is not None:
            return LocalTime(timezone(offset) if offset else UTC)
    return UTC_TIME
