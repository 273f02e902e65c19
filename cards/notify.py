"""Compact cards the bot posts to a tenant's notification channel."""

from __future__ import annotations

from cards.elements import ACCENT, ATTENTION, GOOD, WARNING, Card, card, coloured, facts, text

_SHOWN_LINES = 15


def _note(
    title: str,
    color: str,
    pairs: list[tuple[str, str]],
    lines: list[str] | None = None,
    *,
    closing: str | None = None,
    shown: int = _SHOWN_LINES,
) -> Card:
    """A note with at most `shown` detail lines ("...and N more" after them), then `closing`, always shown."""
    body = [coloured(title, color, weight="Bolder"), facts(pairs)]
    body.extend(text(line, size="Small", spacing="None") for line in (lines or [])[:shown])
    if lines and len(lines) > shown:
        body.append(text(f"...and {len(lines) - shown} more", subtle=True, size="Small"))
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


def bulk_note(*, tenant: str, assigned: list[str], failures: list[str], operator: str) -> Card:
    """Who did not get a number and why (at most 15 lines), then who got which number (a bulk run has at
    most 50 people: every one of them is listed, so the channel knows whom to tell)."""
    color = GOOD if not failures else WARNING
    pairs = [("Tenant", tenant), ("Succeeded", str(len(assigned))), ("Failed", str(len(failures))), ("By", operator)]
    lines = failures[:_SHOWN_LINES]
    if len(failures) > _SHOWN_LINES:
        lines.append(f"...and {len(failures) - _SHOWN_LINES} more failed (the bulk card lists them all)")
    return _note("Bulk assignment finished", color, pairs, [*lines, *assigned], shown=_SHOWN_LINES + 1 + 50)


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


def stuck_note(*, tenant: str, stuck: int, items: list[tuple[str, str, str]]) -> Card:
    """What has been stuck in Teams too long: each new thing (problem, cause, next step)."""
    body = [
        text(
            f"Stuck in Teams: {len(items)} new {'item' if len(items) == 1 else 'items'}",
            weight="Bolder",
            color=ATTENTION,
        ),
        facts([("Tenant", tenant), ("Stuck now", str(stuck))]),
    ]
    for problem, cause, next_step in items[:_SHOWN_LINES]:
        body.append(text(problem, weight="Bolder", size="Small"))
        body.append(text(cause, size="Small", spacing="None"))
        body.append(text(f"Next: {next_step}", size="Small", spacing="None"))
    if len(items) > _SHOWN_LINES:
        body.append(text(f"...and {len(items) - _SHOWN_LINES} more", subtle=True, size="Small"))
    return card(body, full_width=False)


def import_note(*, tenant: str, file_name: str, added: int, updated: int, skipped: int, operator: str) -> Card:
    pairs = [("Tenant", tenant), ("File", file_name), ("Added", f"{added:,}"), ("Updated", f"{updated:,}")]
    if skipped:
        pairs.append(("Not imported", f"{skipped:,} invalid lines"))
    return _note("CSV imported", ACCENT, [*pairs, ("By", operator)])
