"""The words of Switchboard's commands, in one place: which commands there are (the router reads them, the
manifest's command hints are built from them), and what each word after a command is. Pure: text in,
values out, or a `WordsRefused` that says which word did not fit and how to write it.

    assign [PERSON] [NUMBER] [POLICY]     in any order; each word is a number, a policy or a person
    remove PERSON|NUMBER                  digits alone are part of a number
    numbers [free|used|reserved|quarantined|blocked] [SEARCH]
    import range START-END                END may be short: +12065550200-0299
    history NUMBER|PERSON
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inventory.e164 import parse_number
from inventory.errors import InvalidNumber, SwitchboardError
from inventory.model import NumberStatus

PERSONAL: tuple[str, ...] = ("personal",)
TEAM: tuple[str, ...] = ("team", "groupChat")
EVERYWHERE = PERSONAL + TEAM


@dataclass(frozen=True)
class CommandWord:
    """One command: its words, how to write it, and (for the Teams manifest) its hint and example."""

    name: str
    usage: str
    hint: str = ""  # the manifest's description, without the example; "" keeps it out of the manifest
    example: str = ""  # sent to the bot by a test: every hint must be understood
    scopes: tuple[str, ...] = EVERYWHERE

    @property
    def description(self) -> str:
        return f"{self.hint}: {self.example}" if self.example else self.hint


# The order is the manifest's; multi-word commands are matched before single words by the router.
COMMAND_WORDS: tuple[CommandWord, ...] = (
    CommandWord("help", "help", "What Switchboard can do, with examples", ""),
    CommandWord("sync", "sync", "Sync numbers from Teams and show what changed", ""),
    CommandWord(
        "numbers", "numbers [free|used|reserved|quarantined|blocked] [SEARCH]", "Find numbers", "numbers free +1206"
    ),
    CommandWord(
        "assign", "assign [PERSON] [NUMBER] [POLICY]", "Assign a number", "assign adele +12065550142 US-Unrestricted"
    ),
    CommandWord("remove", "remove PERSON|NUMBER", "Release a number", "remove +12065550150"),
    CommandWord("tenant", "tenant [NAME]", "Show or switch the customer tenant", "tenant contoso"),
    CommandWord("bulk assign", "bulk assign", "Assign many numbers from a guided card", ""),
    CommandWord("history", "history NUMBER|PERSON", "A number's or a person's history", "history +12065550150"),
    CommandWord("notify here", "notify here", "Post capacity alerts and changes to this conversation", "", scopes=TEAM),
    CommandWord("import range", "import range START-END", "Add a number range", "import range +12065550200-0299"),
    CommandWord("delete inventory", "delete inventory"),
    CommandWord("reservations", "reservations [mine|PERSON|POOL]"),
    CommandWord("reserve", "reserve NUMBER|COUNT ..."),
    CommandWord("pools", "pools"),
)
ALIASES = {"?": "help", "list": "numbers", "number": "numbers", "unassign": "remove", "tenants": "tenant"}
GREETINGS = frozenset({"hi", "hello", "hey", "hallo", "thanks", "thank you", "thx", "cheers", "good morning"})
# What `numbers free` means in the inventory's words.
STATUS_WORDS = {
    "free": NumberStatus.AVAILABLE,
    "available": NumberStatus.AVAILABLE,
    "used": NumberStatus.USED,
    "assigned": NumberStatus.USED,
    "reserved": NumberStatus.RESERVED,
    "quarantined": NumberStatus.QUARANTINED,
    "blocked": NumberStatus.BLOCKED,
}

_NUMBER_START = re.compile(r"^(\+|tel:|\(?\d)", re.IGNORECASE)
_NUMBER_PART = re.compile(r"^[\d().\-/]*\d[\d().\-/]*$")  # 206, (206), 555-0100: never a second "+"
_LETTERS = re.compile(r"^[A-Za-z]+$")
_POLICY_SHAPED = re.compile(r"^[A-Za-z0-9]+([-_][A-Za-z0-9]+)+$")  # US-National, Tag_EU_Only
_SHORT_END = re.compile(r"^\s*(\+\d{6,15})\s*-\s*(\d{1,14})\s*$")
_ENOUGH_DIGITS = 7  # fewer than this and a number is not written yet: "+1 abc" is one attempt, not two words


class WordsRefused(SwitchboardError):
    """The words do not fit the command; the message names the word and says how to write it."""


@dataclass(frozen=True)
class AssignWords:
    person: str  # "" when none was given
    number: str | None  # E.164
    policy: str | None


@dataclass(frozen=True)
class AssignReading:
    """What `assign` understood, and what it refused (to say on the card that carries on)."""

    words: AssignWords
    number_problem: str | None = None
    policy_problem: str | None = None


def not_a_number(text: str, error: InvalidNumber | None = None) -> str:
    """ "'+1 abc' is not a phone number; ...": the one way every command says it."""
    why = ""
    if error is not None and "wrong number of digits" in str(error):
        why = " (" + str(error).split("has ", 1)[-1].rstrip(".") + ")"
    return f"'{text[:40]}' is not a phone number{why}. Write it like +12065550100."


def looks_like_number(text: str) -> bool:
    """Whether an operator meant `text` as a phone number (or a part of one) rather than a name."""
    words = text.split()
    return bool(words) and bool(_NUMBER_START.match(words[0])) and not any("@" in w for w in words)


def read_assign(args: str, *, tenant: str, policies: tuple[str, ...]) -> AssignReading:
    """`adele +1 206 555 0100 US-Local` in any order. A run of words that starts like a phone number is the
    number; a word that is one of `policies` is the policy, and a policy-shaped word (`Bogus-Policy`) after
    the person or the number is refused as one; what is left is the person."""
    words = args.split()
    number, number_problem, span = _number_in(words)
    rest = [(i, w) for i, w in enumerate(words) if i not in span]
    policy, policy_problem = None, None
    person: list[str] = []
    for position, (i, word) in enumerate(rest):
        known = next((p for p in policies if p.lower() == word.lower()), None)
        after_something = position > 0 or bool(span and i > min(span))
        if known is None and not (_POLICY_SHAPED.match(word) and after_something and _LETTERS.search(word[:1])):
            person.append(word)
            continue
        if policy is not None or policy_problem is not None:
            raise WordsRefused(f"Give one voice routing policy, not '{policy or ''}' and '{word[:40]}'.")
        if known is not None:
            policy = known
        elif policies:
            policy_problem = f"'{word[:40]}' is not a voice routing policy of {tenant}: choose {', '.join(policies)}."
        else:
            policy = word  # no list configured: Teams itself is asked when the flow gets there
    reading = AssignWords(" ".join(person), number, policy)
    return AssignReading(reading, number_problem=number_problem, policy_problem=policy_problem)


def _number_in(words: list[str]) -> tuple[str | None, str | None, set[int]]:
    """The number among `words`: (E.164, None, its positions), or (None, why not, its positions)."""
    starts = [i for i, w in enumerate(words) if _NUMBER_START.match(w) and "@" not in w]
    if not starts:
        return None, None, set()
    first = starts[0]
    end = first + 1
    while end < len(words) and _NUMBER_PART.match(words[end]):
        end += 1
    written = " ".join(words[first:end])
    while end < len(words) and _LETTERS.match(words[end]) and _digits(written) < _ENOUGH_DIGITS:
        end += 1
        written = " ".join(words[first:end])
    span = set(range(first, end))
    later = [i for i in starts if i >= end]
    if later:
        raise WordsRefused(f"Give one phone number, not '{written[:40]}' and '{words[later[0]][:40]}'.")
    try:
        parsed = parse_number(written)
    except InvalidNumber as error:
        return None, not_a_number(written, error), span
    return parsed.number, None, span


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


@dataclass(frozen=True)
class NumbersWords:
    status: NumberStatus | None
    search: str


def read_numbers(args: str) -> NumbersWords:
    """`numbers free +1206`: an optional status word first, then the search terms."""
    first, _, rest = args.strip().partition(" ")
    status = STATUS_WORDS.get(first.lower())
    return NumbersWords(status, rest.strip()) if status is not None else NumbersWords(None, args.strip())


def expand_range(text: str) -> str:
    """`+12065550200-0299` -> `+12065550200-+12065550299`: a short end replaces the start's last digits."""
    match = _SHORT_END.match(text)
    if match is None:
        return text
    start, end = match.groups()
    if len(end) >= len(start) - 1:
        return text  # a full end without its "+": parse_range says what is wrong with it
    return f"{start}-{start[: len(start) - len(end)]}{end}"


@dataclass(frozen=True)
class Subject:
    """What `remove` or `history` is about: a whole number, some digits of one, or a person."""

    number: str | None = None  # a whole number, as typed (it may carry an extension)
    digits: str | None = None  # part of a number: "12"
    person: str | None = None


def read_subject(text: str) -> Subject:
    """A number when it starts like one (refused when it is not a whole number and not plain digits),
    else a person."""
    text = text.strip()
    if not looks_like_number(text):
        return Subject(person=text)
    try:
        parsed = parse_number(text)
    except InvalidNumber as error:
        digits = re.sub(r"[\s().\-/]", "", text)
        if re.fullmatch(r"\d{2,15}", digits):
            return Subject(digits=digits)
        raise WordsRefused(not_a_number(text, error)) from None
    return Subject(number=text if parsed.number else None)


def command_lists() -> list[dict[str, object]]:
    """The manifest's `commandLists`: one for the personal chat, one for teams and group chats."""
    return [
        {"scopes": list(PERSONAL), "commands": manifest_commands("personal")},
        {"scopes": list(TEAM), "commands": manifest_commands("team")},
    ]


def manifest_commands(scope: str) -> list[dict[str, str]]:
    """The manifest's command list for a scope (`personal`, `team`): titles and hints from COMMAND_WORDS."""
    return [{"title": c.name, "description": c.description} for c in COMMAND_WORDS if c.hint and scope in c.scopes]
