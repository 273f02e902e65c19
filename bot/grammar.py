"""What the words after a command are (the commands themselves are in `bot.command_table`). Pure: text in,
values out, or a `WordsRefused` that says which word did not fit and how to write it.

    assign [PERSON] [NUMBER] [POLICY]     in any order; each word is a number, a policy or a person;
           [from SEARCH]                  or, instead of a number, the picker opens on a saved search (by
                                          name) or search terms; a policy may close the line
    remove PERSON|NUMBER                  digits alone are part of a number
    numbers [free|used|reserved|quarantined|blocked] [SEARCH]
    import range START-END                END may be short: +12065550200-0299
    history NUMBER|PERSON
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass

from inventory.e164 import parse_number
from inventory.errors import InvalidNumber, SwitchboardError
from inventory.model import NumberStatus

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
    search: str | None = None  # the words after `from`: a saved search's name or search terms


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


def read_assign(args: str, *, tenant: str, policies: tuple[str, ...], region: str | None = None) -> AssignReading:
    """`adele +1 206 555 0100 US-Local` in any order. A run of words that starts like a phone number is the
    number; a word that is one of `policies` is the policy; what is left is the person.

    When no word names one of `policies`, a policy-shaped word (`Bogus-Policy`) is meant as one if it
    comes after the number, or is the last of several words when there is no number; it is refused
    naming the tenant's policies. A hyphenated name is a person when it comes before the number.

    `from SEARCH` takes the rest of the line (less a closing word that is one of `policies`): the picker
    opens on it. It stands instead of a number, so both together are refused."""
    words, search, search_policy = _from_words(args.split(), policies)
    if search is not None:
        reading = read_assign(" ".join(words), tenant=tenant, policies=policies, region=region)
        found = reading.words
        if found.number is not None or reading.number_problem:
            raise WordsRefused("Give a number or from SEARCH, not both: from picks among the numbers it finds.")
        if search_policy and found.policy:
            raise WordsRefused(f"Give one voice routing policy, not '{found.policy}' and '{search_policy}'.")
        chosen = AssignWords(found.person, None, search_policy or found.policy, search)
        return dataclasses.replace(reading, words=chosen)
    number, number_problem, span = _number_in(words, region)
    rest = [(i, w) for i, w in enumerate(words) if i not in span]
    known = [(i, p) for i, w in rest for p in policies if p.lower() == w.lower()]
    if len(known) > 1:
        raise WordsRefused(f"Give one voice routing policy, not '{known[0][1]}' and '{known[1][1]}'.")
    attempt = None if known else _policy_attempt(rest, after=max(span) if span else None)
    policy_at = known[0][0] if known else attempt
    person = " ".join(w for i, w in rest if i != policy_at)
    if known:
        return AssignReading(AssignWords(person, number, known[0][1]), number_problem=number_problem)
    if attempt is None:
        return AssignReading(AssignWords(person, number, None), number_problem=number_problem)
    word = words[attempt]
    if not policies:  # no list configured: Teams itself is asked when the flow gets there
        return AssignReading(AssignWords(person, number, word), number_problem=number_problem)
    refused = f"'{word[:40]}' is not a voice routing policy of {tenant}: choose {', '.join(policies)}."
    return AssignReading(AssignWords(person, number, None), number_problem=number_problem, policy_problem=refused)


def _from_words(words: list[str], policies: tuple[str, ...]) -> tuple[list[str], str | None, str | None]:
    """(the words before `from`, the search after it, a policy that closes the line), or (words, None, None)."""
    at = next((i for i, word in enumerate(words) if word.lower() == "from"), None)
    if at is None:
        return words, None, None
    rest = words[at + 1 :]
    policy = next((p for p in policies if rest and p.lower() == rest[-1].lower()), None)
    if policy is not None:
        rest = rest[:-1]
    if not rest:
        raise WordsRefused(
            "Say what to pick from after 'from': a saved search (searches lists yours) or search terms, "
            "e.g. assign adele from pool:Sales."
        )
    return words[:at], " ".join(rest), policy


def _policy_attempt(rest: list[tuple[int, str]], *, after: int | None) -> int | None:
    """The position of the word meant as a policy that is not one of the tenant's, if any."""
    shaped = [i for i, w in rest if _POLICY_SHAPED.match(w) and w[0].isalpha()]
    if after is not None:
        return next((i for i in shaped if i > after), None)
    return rest[-1][0] if len(rest) > 1 and shaped and shaped[-1] == rest[-1][0] else None


def _number_in(words: list[str], region: str | None) -> tuple[str | None, str | None, set[int]]:
    """The number among `words`: (E.164, None, its positions), or (None, why not, its positions)."""
    starts = [i for i in range(len(words)) if _starts_number(words, i)]
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
        parsed = parse_number(written, default_region=region)
    except InvalidNumber as error:
        return None, not_a_number(written, error), span
    return parsed.number, None, span


def _starts_number(words: list[str], i: int) -> bool:
    """`+1...`, `tel:...` and `(206)` start a number; plain digits only when a number's worth of them
    follows (`206 555 0142`), so the `01` of "User 01" stays part of a name."""
    word = words[i]
    if "@" in word or not _NUMBER_START.match(word):
        return False
    if not word[0].isdigit():
        return True
    run = itertools.takewhile(lambda w: bool(_NUMBER_PART.match(w)), words[i:])
    return _digits(" ".join(run)) >= _ENOUGH_DIGITS


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
