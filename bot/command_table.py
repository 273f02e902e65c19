"""The one table of Switchboard's commands: the router matches its words, the help card lists its lines,
and the Teams manifest's command hints are built from it (`bot.app_package`), so none can promise a
command the others do not know. `tests/bot/test_command_hints.py` sends every hint to the bot. Pure."""

from __future__ import annotations

from dataclasses import dataclass

PERSONAL: tuple[str, ...] = ("personal",)
TEAM: tuple[str, ...] = ("team", "groupChat")
EVERYWHERE = PERSONAL + TEAM


@dataclass(frozen=True)
class CommandWord:
    """One command: its words, how to write it, what the help card says of it, and (for the Teams
    manifest) its hint and the example the hint shows."""

    name: str
    usage: str
    what: str  # the help card's line
    help_example: str
    hint: str = ""  # the manifest's description, without the example; "" keeps it out of the manifest
    example: str = ""  # sent to the bot by a test: every hint must be understood
    scopes: tuple[str, ...] = EVERYWHERE

    @property
    def description(self) -> str:
        return f"{self.hint}: {self.example}" if self.example else self.hint


# The order is the help card's and the manifest's; the router matches multi-word commands first.
COMMAND_WORDS: tuple[CommandWord, ...] = (
    CommandWord("help", "help", "this list", "help", "What Switchboard can do, with examples"),
    CommandWord(
        "sync",
        "sync",
        "compare the inventory with Teams, review the changes, commit them",
        "sync",
        "Sync numbers from Teams and show what changed",
    ),
    CommandWord(
        "numbers",
        "numbers [free|used|reserved|quarantined|blocked] [SEARCH]",
        "search the inventory (digits, name, location, range; area:, status:, pool:, *0000, repeat:4)",
        "numbers free area:206 *0000",
        "Find numbers",
        "numbers free +1206",
    ),
    CommandWord(
        "assign",
        "assign [PERSON] [NUMBER | from SEARCH] [POLICY]",
        "assign a number with a voice routing policy; the words in any order, the rest is asked for; "
        "from a saved search (or search terms) opens the picker on it",
        "assign adele from sales-free US-Local",
        "Assign a number",
        "assign adele +12065550142 US-Unrestricted",
    ),
    CommandWord(
        "remove",
        "remove PERSON|NUMBER",
        "remove a number from its holder; it goes back to the pool",
        "remove +12065550100",
        "Release a number",
        "remove +12065550150",
    ),
    CommandWord(
        "tenant",
        "tenant [NAME]",
        "show or choose the customer tenant you work on",
        "tenant contoso",
        "Show or switch the customer tenant",
        "tenant contoso",
    ),
    CommandWord(
        "bulk assign",
        "bulk assign",
        "assign numbers to up to 50 users or resource accounts at once",
        "bulk assign",
        "Assign many numbers from a guided card",
    ),
    CommandWord(
        "history",
        "history NUMBER|PERSON",
        "who held a number when, and who changed it",
        "history adele@contoso.com",
        "A number's or a person's history",
        "history +12065550150",
    ),
    CommandWord(
        "notify here",
        "notify here",
        "post what happens to this channel (admins, in a team channel)",
        "notify here",
        "Post capacity alerts and changes to this conversation",
        scopes=TEAM,
    ),
    CommandWord(
        "import range",
        "import range START-END",
        "add a carrier range (admins); the end may be short: location=, carrier=, pool=, type=",
        "import range +12065550100-0199 location=Seattle",
    ),  # no manifest hint: an admin adds a range now and then; requesters need theirs in every scope
    CommandWord(
        "delete inventory",
        "delete inventory",
        "delete the tenant's local inventory; Teams is not touched (admins)",
        "delete inventory",
    ),
    CommandWord(
        "four eyes",
        "four eyes [on|off]",
        "whether operators' own assignments need a second operator's approval (setting it: admins)",
        "four eyes on",
    ),
    CommandWord(
        "requests",
        "requests [operators|anyone|off]",
        "who may request a number in the tenant (admins)",
        "requests anyone",
    ),
    CommandWord(
        "approvers",
        "approvers [all|ID ...]",
        "who decides number requests: every operator, or only the Entra object ids listed (admins)",
        "approvers all",
    ),
    CommandWord(
        "reserve",
        "reserve NUMBER|COUNT",
        "hold numbers back: [in POOL] [for PERSON] [until DATE | for 2 weeks] [ticket REF] [note TEXT]",
        "reserve 2 in Sales for adele for 2 weeks",
    ),
    CommandWord(
        "reservations",
        "reservations [mine|PERSON|POOL]",
        "list reservations; Release or Extend each",
        "reservations mine",
    ),
    CommandWord("pools", "pools", "each pool's free, reserved, used and quarantined numbers", "pools"),
    CommandWord(
        "request",
        "request number [for PERSON] [in POOL|LOCATION] [note TEXT]",
        "ask for a number; an approver of the tenant approves it in the thread (anyone the tenant allows)",
        "request number for adele in Sales note new starter",
        "Ask for a number, approved in the thread",
        "request number for adele note new starter",
    ),
    CommandWord(
        "capacity",
        "capacity [POOL 5|10%|off]",
        "free numbers against each pool's threshold; admins set it",
        "capacity Sales 10%",
    ),
    CommandWord(
        "save search",
        "save search NAME [TERMS]",
        "name your last numbers search (or the terms given); numbers NAME runs it again",
        "save search sales-free",
    ),
    CommandWord("searches", "searches", "your saved searches", "searches"),
    CommandWord("forget search", "forget search NAME", "forget one of your saved searches", "forget search sales-free"),
    CommandWord(
        "end quarantine",
        "end quarantine NUMBER",
        "return a quarantined number to the pool early (admins; asks to confirm)",
        "end quarantine +12065550100",
    ),
    CommandWord(
        "assign next",
        "assign next PERSON",
        "the next free number by the tenant's rules, one click to assign",
        "assign next adele",
    ),
    CommandWord(
        "rules",
        "rules",
        "assignment rules: which pool and policy a person's department, city or group gets",
        "rules",
    ),
    CommandWord(
        "rule add",
        "rule add department=... [city=... usage=... office=... company=... group=...] pool=... [policy=...]",
        "add an assignment rule (admins)",
        "rule add department=Sales pool=Sales policy=US-Local",
    ),
    CommandWord("rule move", "rule move N to M", "reorder the rules (admins)", "rule move 3 to 1"),
    CommandWord("rule delete", "rule delete N", "delete a rule (admins)", "rule delete 2"),
    CommandWord(
        "export",
        "export [SEARCH]",
        "the inventory as CSV, saved to your OneDrive (personal chat; send a CSV file to import one)",
        "export pool:Sales",
        "Export numbers as CSV",
        "export",
        scopes=PERSONAL,
    ),
)
ALIASES = {"?": "help", "list": "numbers", "number": "numbers", "unassign": "remove", "tenants": "tenant"}
# A message whose first word is one of these is a greeting ("hi there", "thanks a lot"), never a command.
GREETINGS = frozenset({"hi", "hello", "hey", "hallo", "morning", "thanks", "thank", "thx", "ty", "cheers"})


def help_rows() -> list[tuple[str, str, str]]:
    """(usage, what it does, an example) for the help card, from the same table."""
    return [(c.usage, c.what, c.help_example) for c in COMMAND_WORDS]


def requester_help_rows() -> list[tuple[str, str, str]]:
    """What someone who may only request numbers can do: help, and request."""
    return [row for row, c in zip(help_rows(), COMMAND_WORDS, strict=True) if c.name in ("help", "request")]


def command_lists() -> list[dict[str, object]]:
    """The manifest's `commandLists`: one for the personal chat, one for teams and group chats."""
    return [
        {"scopes": list(PERSONAL), "commands": manifest_commands("personal")},
        {"scopes": list(TEAM), "commands": manifest_commands("team")},
    ]


def manifest_commands(scope: str) -> list[dict[str, str]]:
    """The manifest's command list for a scope (`personal`, `team`): titles and hints from COMMAND_WORDS."""
    return [{"title": c.name, "description": c.description} for c in COMMAND_WORDS if c.hint and scope in c.scopes]
