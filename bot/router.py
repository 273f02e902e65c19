"""Text to command: what an operator typed, with the @mention already stripped. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.lifecycle_words import LIFECYCLE_COMMANDS
from bot.untrusted import UNSTORABLE
from inventory.e164 import parse_number
from inventory.errors import InvalidNumber

# Multi-word commands first, so "bulk assign" is not read as "bulk" + "assign".
COMMANDS = (
    *LIFECYCLE_COMMANDS,  # their words are in bot.lifecycle_words
    "bulk assign",
    "notify here",
    "import range",
    "delete inventory",
    "help",
    "sync",
    "numbers",
    "assign",
    "remove",
    "tenant",
    "history",
)
ALIASES = {"?": "help", "list": "numbers", "number": "numbers", "unassign": "remove", "tenants": "tenant"}
MAX_TEXT = 500


@dataclass(frozen=True)
class Command:
    name: str  # one of COMMANDS, or "unknown"
    args: str  # the rest of the text, as typed
    suggestion: str | None = None  # for unknown commands: the nearest known one
    word: str = ""  # for unknown commands: what was typed


def parse_command(text: str) -> Command:
    cleaned = re.sub(r"\s+", " ", _strip_markup(UNSTORABLE.sub("", text))).strip()
    if len(cleaned) > MAX_TEXT:
        cleaned = cleaned[:MAX_TEXT]
    if not cleaned:
        return Command("help", "")
    lowered = cleaned.lower()
    for name in COMMANDS:
        if lowered == name or lowered.startswith(name + " "):
            return Command(name, cleaned[len(name) :].strip())
    first, _, rest = cleaned.partition(" ")
    alias = ALIASES.get(first.lower())
    if alias:
        return Command(alias, rest.strip())
    nearest = difflib.get_close_matches(lowered.split(" ")[0], [c.split(" ")[0] for c in COMMANDS], n=1, cutoff=0.6)
    # The command that is the word itself before longer ones starting with it ("assign" before "assign next").
    starting = sorted((c for c in COMMANDS if nearest and c.startswith(nearest[0])), key=lambda c: c != nearest[0])
    suggestion = next(iter(starting), None)
    return Command("unknown", rest.strip(), suggestion=suggestion, word=first)


def _strip_markup(text: str) -> str:
    # Teams wraps mentions in <at> and can send a little HTML; commands are plain words.
    text = re.sub(r"<at>.*?</at>", " ", text, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return text.replace("&nbsp;", " ").replace("&amp;", "&")


@dataclass(frozen=True)
class KeyValues:
    """`import range +1...-+1... location=Seattle carrier="Contoso Telecom"` -> positional + options."""

    positional: list[str]
    options: dict[str, str]


def split_options(args: str) -> KeyValues:
    positional: list[str] = []
    options: dict[str, str] = {}
    for match in re.finditer(r'(\w+)=("([^"]*)"|\S+)|("([^"]*)"|\S+)', args):
        if match.group(1):
            value = match.group(3) if match.group(3) is not None else match.group(2)
            options[match.group(1).lower()] = value
        else:
            positional.append(match.group(5) if match.group(5) is not None else match.group(4))
    return KeyValues(positional, options)


def assign_arguments(args: str, policies: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """`adele +1 206 555 0100 US-Local` -> ("adele", "+12065550100", "US-Local"), in any order: a word that
    names one of `policies` is the policy, the longest run of words that reads as a phone number is the
    number, and what is left is the person."""
    words = args.split()
    policy = next((p for p in policies for w in words if w.lower() == p.lower()), None)
    words = [w for w in words if not policy or w.lower() != policy.lower()]
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            candidate = " ".join(words[start:end])
            if sum(ch.isdigit() for ch in candidate) < 7:
                continue
            try:
                number = parse_number(candidate).number
            except InvalidNumber:
                continue
            return " ".join(words[:start] + words[end:]), number, policy
    return " ".join(words), None, policy
