"""Compact cards the bot posts to a tenant's notification channel."""

from __future__ import annotations

from cards.elements import ACCENT, ATTENTION, GOOD, WARNING, Card, card, facts, text

_SHOWN_LINES = 15


def _note(
    title: str, color: str, pairs: list[tuple[str, str]], lines: list[str] | None = None, *, closing: str | None = None
) -> Card:
    """A note with at most 15 detail lines ("...and N more" after them), then `closing`, always shown."""
    body = [text(title, weight="Bolder", color=color), facts(pairs)]
    body.extend(text(line, size="Small", spacing="None") for line in (lines or [])[:_SHOWN_LINES])
    if lines and len(lines) > _SHOWN_LINES:
        body.append(text(f"...and {len(lines) - _SHOWN_LINES} more", subtle=True, size="Small"))
    if closing:
        body.append(text(closing, size="Small", spacing="None"))
    return card(body, full_width=False)


def assigned_note(*, tenant: str, number: str, holder: str, policy: str | None, operator: str) -> Card:
    return _note(
        f"Assigned {number}",
        GOOD,
        [("Tenant", tenant), ("To", holder), ("Policy", policy or "(none)"), ("By", operator)],
    )


def policy_note(*, tenant: str, number: str, holder: str, policy: str, landed: bool, detail: str | None) -> Card:
    """A policy grant retried after its assignment: it landed, or Switchboard gave up (with Teams' words)."""
    if landed:
        return _note(f"Policy granted for {number}", GOOD, [("Tenant", tenant), ("To", holder), ("Policy", policy)])
    return _note(
        f"Policy not granted for {number}",
        ATTENTION,
        [("Tenant", tenant), ("To", holder), ("Policy", policy)],
        [detail] if detail else None,
        closing="The number stays assigned; grant the policy by hand.",
    )


def removed_note(*, tenant: str, number: str, holder: str, now: str, operator: str) -> Card:
    return _note(f"Removed {number}", ACCENT, [("Tenant", tenant), ("From", holder), ("Now", now), ("By", operator)])


def sync_note(*, tenant: str, applied: dict[str, int], skipped: int, operator: str) -> Card:
    pairs = [
        ("Tenant", tenant),
        ("Added", str(applied.get("add", 0))),
        ("Updated", str(applied.get("update", 0))),
        ("Drift applied", str(applied.get("drift", 0))),
        ("By", operator),
    ]
    if skipped:
        pairs.append(("Skipped", f"{skipped} (changed after the review)"))
    return _note("Sync committed", ACCENT, pairs)


def bulk_note(*, tenant: str, succeeded: int, failures: list[str], operator: str) -> Card:
    color = GOOD if not failures else WARNING
    pairs = [("Tenant", tenant), ("Succeeded", str(succeeded)), ("Failed", str(len(failures))), ("By", operator)]
    return _note("Bulk assignment finished", color, pairs, failures)


def drift_note(*, tenant: str, counts: dict[str, int], lines: list[str]) -> Card:
    pairs = [
        ("Tenant", tenant),
        ("Drift", str(counts.get("drift", 0))),
        ("To add", str(counts.get("add", 0))),
        ("To update", str(counts.get("update", 0))),
    ]
    return _note("Scheduled check found drift", ATTENTION, pairs, lines, closing="Type sync to review and commit.")


def teams_failures_note(*, tenant: str, count: int, lines: list[str]) -> Card:
    """Numbers Teams could not finish (assignmentFailed, updateFailed): the cause and the next step."""
    return _note(
        f"Teams reports {count} {'number' if count == 1 else 'numbers'} failed",
        ATTENTION,
        [("Tenant", tenant), ("Failed", str(count))],
        lines,
        closing=(
            "Teams could not finish assigning or updating these numbers, so Switchboard will not offer them. "
            "In the Teams admin center (Voice > Phone numbers) check each one's status and emergency address, "
            "fix or release it there, then type sync."
        ),
    )
