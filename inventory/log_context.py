"""Who and what a log line is about: the correlation id, tenant and operator of the current turn or job.

Set once where a turn (or a job run) starts; asyncio copies the context into every task created inside
it, so a follow-up that outlives its turn keeps logging with the turn's correlation id. Only ids go here:
never a name, a token or text a person typed.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace

_CURRENT: ContextVar[LogContext | None] = ContextVar("switchboard_log_context", default=None)


@dataclass(frozen=True)
class LogContext:
    correlation_id: str | None = None
    tenant: str | None = None
    operator_id: str | None = None


def current() -> LogContext:
    return _CURRENT.get() or LogContext()


def bind(*, correlation_id: str | None = None, tenant: str | None = None, operator_id: str | None = None) -> None:
    """Add these fields to the current context (a field given as None keeps its value)."""
    given = {
        name: value
        for name, value in (("correlation_id", correlation_id), ("tenant", tenant), ("operator_id", operator_id))
        if value is not None
    }
    _CURRENT.set(replace(current(), **given))


def start(*, correlation_id: str) -> None:
    """A new turn or job run: a fresh context with only its correlation id."""
    _CURRENT.set(LogContext(correlation_id=correlation_id))
