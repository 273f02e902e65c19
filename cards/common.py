"""Cards every flow shares: help, plain messages, errors, the tenant chooser."""

from __future__ import annotations

from cards.elements import ATTENTION, Card, card, choice_set, execute, facts, heading, text

COMMANDS: list[tuple[str, str, str]] = [
    ("help", "this list", "help"),
    ("sync", "compare the inventory with Teams, review the changes, commit them", "sync"),
    (
        "numbers [search]",
        "search the inventory (digits, name, location, range; area:, status:, pool:, *0000, repeat:4)",
        "numbers area:206 *0000 status:available",
    ),
    ("assign [user] [number] [policy]", "pick a free number and assign it with a voice routing policy", "assign adele"),
    ("remove USER|NUMBER", "remove a number from its holder; it goes back to the pool", "remove +12065550100"),
    ("tenant [name]", "show or choose the customer tenant you work on", "tenant contoso"),
    ("bulk assign", "assign numbers to up to 50 users or resource accounts at once", "bulk assign"),
    ("history NUMBER|USER", "who held a number when, and who changed it", "history adele@contoso.com"),
    ("notify here", "post what happens to this channel (admins, in a team channel)", "notify here"),
    (
        "import range START-END",
        "add a carrier range (admins): location=, carrier=, pool=, type=",
        "import range +12065550100-+12065550199 location=Seattle",
    ),
    ("delete inventory", "delete the tenant's local inventory; Teams is not touched (admins)", "delete inventory"),
    (
        "reserve NUMBER|COUNT",
        "hold numbers back: [in POOL] [for PERSON] [until DATE | for 2 weeks] [ticket REF] [note TEXT]",
        "reserve 2 in Sales for adele for 2 weeks",
    ),
    ("reservations [mine|PERSON|POOL]", "list reservations; Release or Extend each", "reservations mine"),
    ("pools", "each pool's free, reserved, used and quarantined numbers", "pools"),
    ("capacity [POOL 5|10%|off]", "free numbers against each pool's threshold; admins set it", "capacity Sales 10%"),
    ("save search NAME", "name your last numbers search; numbers NAME runs it again", "save search sales-free"),
    ("end quarantine NUMBER", "return a quarantined number to the pool early (admins)", "end quarantine +12065550100"),
    ("assign next PERSON", "the next free number by the tenant's rules, one click to assign", "assign next adele"),
    ("rules", "assignment rules: rule add department=Sales pool=Sales policy=US-Local (admins)", "rules"),
]


def help_card(*, tenant: str | None, suggestion: str | None = None, unknown: str | None = None) -> Card:
    body = heading("Switchboard", f"Working on tenant: {tenant}" if tenant else "No tenant chosen yet: type tenant")
    if unknown is not None:
        hint = f" Did you mean **{suggestion}**?" if suggestion else ""
        body.append(text(f"I don't know the command '{unknown}'.{hint}", color=ATTENTION))
    body.append(facts([(command, f"{what} - e.g. `{example}`") for command, what, example in COMMANDS]))
    actions = [
        execute("Assign a number", "command", {"command": "assign"}, style="positive"),
        execute("Sync from Teams", "command", {"command": "sync"}),
        execute("Browse numbers", "command", {"command": "numbers"}),
    ]
    return card(body, actions)


def message_card(title: str, message: str, *, color: str | None = None) -> Card:
    return card([*heading(title), text(message, color=color)])


def error_card(message: str, *, correlation_id: str | None = None) -> Card:
    body = [text("Something needs your attention", size="Medium", weight="Bolder", color=ATTENTION), text(message)]
    if correlation_id:
        body.append(text(f"Reference: {correlation_id}", subtle=True, size="Small"))
    return card(body)


def tenant_card(current: str | None, choices: list[tuple[str, str]], *, message: str | None = None) -> Card:
    body = heading("Customer tenant", f"Now: {current}" if current else "None chosen yet")
    if message:
        body.append(text(message))
    body.append(choice_set("tenant", label="Work on", choices=choices, value=current or None, required=True))
    return card(body, [execute("Choose", "tenant.choose", {}, style="positive")])
