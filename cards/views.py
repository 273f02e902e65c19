"""View models: what a card shows, already in words. Built by the bot from domain values."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FlowRef:
    """What every action of a flow's card carries: the flow id and the version the card was drawn at."""

    flow_id: str
    version: int

    def data(self, **extra: str | int) -> dict[str, str | int]:
        return {"flow": self.flow_id, "v": self.version, **extra}


@dataclass(frozen=True)
class NumberView:
    id: int
    label: str  # +1 206 555 0100
    status: str
    number_type: str
    holder: str | None = None
    policy: str | None = None
    location: str | None = None
    range_label: str | None = None
    carrier: str | None = None


@dataclass(frozen=True)
class AccountView:
    id: str
    name: str
    upn: str | None
    kind: str  # "user" or "resource account"
    policy: str | None = None

    @property
    def choice_title(self) -> str:
        suffix = f" ({self.upn})" if self.upn else ""
        kind = " - resource account" if self.kind == "resource account" else ""
        return f"{self.name}{suffix}{kind}"


@dataclass(frozen=True)
class ChangeView:
    number: str
    kind: str
    lines: list[str]  # "status: available -> used", or the add's summary
    note: str | None = None


@dataclass(frozen=True)
class DiffView:
    counts: dict[str, int]
    preview: dict[str, list[ChangeView]]
    tenant: str
    expires: str  # "14:05 UTC"


@dataclass(frozen=True)
class PageView:
    numbers: list[NumberView]
    total: int
    page: int  # 1-based
    has_previous: bool
    has_next: bool
    search: str = ""
    total_capped: bool = False  # counting stopped at `total`: more than that match


@dataclass(frozen=True)
class OutcomeView:
    """How an assignment or removal ended, for the result card."""

    succeeded: bool
    pending: bool
    title: str
    facts: list[tuple[str, str]]
    detail: str | None = None
    warning: str | None = None
    correlation_id: str = ""
    next_steps: list[str] = field(default_factory=list)
