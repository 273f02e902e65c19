"""Domain errors. Every message is written for the operator who will read it on a card."""

from __future__ import annotations


class SwitchboardError(Exception):
    """Base class: `str(error)` is a sentence an operator can act on."""


class InvalidNumber(SwitchboardError):
    """Input that is not a phone number or range we can store."""


class TransitionRefused(SwitchboardError):
    """A lifecycle rule forbids the change (for example assigning a number that is in use)."""


class ConcurrentChange(SwitchboardError):
    """Another writer changed the row first; nothing was written."""


class NotFound(SwitchboardError):
    """The thing asked for does not exist in this tenant."""


class AccessDenied(SwitchboardError):
    """The operator's role or tenant rights do not allow this."""


class ConfigurationError(SwitchboardError):
    """Settings are missing or contradict each other."""


class ImportRejected(SwitchboardError):
    """A CSV or range import was refused as a whole; `problems` lists each bad line."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class TeamsError(SwitchboardError):
    """Teams (Microsoft Graph) refused or failed a request. The message is safe to show: no secrets."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class TeamsPermissionError(TeamsError):
    """403: the app registration lacks a permission or admin consent in that tenant."""
