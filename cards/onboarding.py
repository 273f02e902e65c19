"""The onboarding card the tenant's channel gets: who is enabled for Teams Phone without a number, the number
the tenant's rules suggest for each, and Assign all / Review (bulk assign with those people). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import ACCENT, Card, card, coloured, execute, facts, plural, text

SHOWN = 20  # lines on the card; the rest are counted, and all of them go into the bulk plan
BULK_LIMIT = 50  # what one bulk assignment takes


@dataclass(frozen=True)
class OnboardingLine:
    name: str
    upn: str | None
    number: str | None  # suggested by the rules; None: no rule matched (any free number), or its pool is empty
    pool: str | None


def onboarding_card(*, post_id: str, tenant: str, lines: list[OnboardingLine]) -> Card:
    count = len(lines)
    title = f"{plural(count, 'person needs', 'people need')} numbers" if count else "Nobody needs a number now"
    body = [coloured(title, ACCENT, weight="Bolder"), facts([("Tenant", tenant)])]
    if not count:
        body.append(text("Everyone enabled for Teams Phone has a number.", wrap=True))
        return card(body, full_width=False)
    body.append(text("Enabled for Teams Phone in Teams, without a number:", size="Small", wrap=True))
    body.append(facts([(_who(line), _suggested(line)) for line in lines[:SHOWN]]))
    if count > SHOWN:
        body.append(text(f"...and {count - SHOWN} more", subtle=True, size="Small"))
    closing = (
        "Assign all holds a number for each (by the rules) and assigns them in Teams; Review shows that plan first."
    )
    if count > BULK_LIMIT:
        closing += f" One bulk assignment takes the first {BULK_LIMIT}; the rest come in the next post."
    body.append(text(closing, size="Small", wrap=True))
    data = {"post": post_id}
    actions = [
        execute("Assign all", "onboarding.assign_all", data, style="positive"),
        execute("Review", "onboarding.review", data),
    ]
    return card(body, actions, full_width=False)


def _who(line: OnboardingLine) -> str:
    return f"{line.name} ({line.upn})" if line.upn else line.name


def _suggested(line: OnboardingLine) -> str:
    if line.number:
        return f"{line.number} (pool {line.pool})" if line.pool else line.number
    if line.pool:
        return f"pool {line.pool} has no free number"
    return "any free number (no rule matches)"
