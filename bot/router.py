"""Text to command: what an operator typed, with the @mention already stripped. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.command_table import ALIASES, COMMAND_WORDS, GREETINGS
from bot.untrusted import UNSTORABLE

# Longest first, so "bulk assign" is not read as "bulk" + "assign" and "reservations" wins over "reserve".
COMMANDS = tuple(sorted((c.name for c in COMMAND_WORDS), key=lambda name: (-len(name.split()), -len(name))))
MAX_TEXT = 500


@dataclass(frozen=True)
class Command:
    name: str  # one of COMMANDS, "greeting", or "unknown"
    args: str  # the rest of the text, as typed (for unknown commands: what follows the suggestion's words)
    suggestion: str | None = None  # for unknown commands: the nearest known one
    word: str = ""  # for unknown commands: what was typed


def parse_command(text: str) -> Command:
    cleaned = re.sub(r"\s+", " ", _strip_markup(UNSTORABLE.sub("", text))).strip()
    if len(cleaned) > MAX_TEXT:
        cleaned = cleaned[:MAX_TEXT]
    if not cleaned:
        return Command("help", "")
    lowered = cleaned.lower()
    greeting = re.sub(r"^good\s+", "", lowered).split(" ")[0].strip("!.,:;")
    if greeting in GREETINGS:
        return Command("greeting", "thanks" if greeting in ("thanks", "thank", "thx", "ty", "cheers") else "")
    for name in COMMANDS:
        if lowered == name or lowered.startswith(name + " "):
            return Command(name, cleaned[len(name) :].strip())
    first, _, rest = cleaned.partition(" ")
    alias = ALIASES.get(first.lower())
    if alias:
        return Command(alias, rest.strip())
    suggestion = _nearest(cleaned.split(" "))
    # The words after the command, as the suggestion would read them: `bulk asign` leaves nothing.
    args = " ".join(cleaned.split(" ")[len(suggestion.split(" ")) :]) if suggestion else rest.strip()
    return Command("unknown", args, suggestion=suggestion, word=first)


def _nearest(words: list[str]) -> str | None:
    """The command a typo was meant to be (`asign` -> `assign`, `asign next` -> `assign next`), by its first
    word and then the words typed after it; None when no command is near."""
    by_first: dict[str, list[str]] = {}
    for name in COMMANDS:  # longest first
        by_first.setdefault(name.split(" ")[0], []).append(name)
    nearest = difflib.get_close_matches(words[0].lower(), list(by_first) + list(ALIASES), n=1, cutoff=0.75)
    if not nearest:
        return None
    if nearest[0] in ALIASES:
        return ALIASES[nearest[0]]
    candidates = by_first[nearest[0]]
    typed = [w.lower() for w in words[1:]]
    for name in candidates:
        more = name.split(" ")[1:]
        if more and typed[: len(more)] == more:
            return name
    single = [name for name in COMMANDS if " " not in name and name.startswith(nearest[0])]  # "rule" -> "rules"
    return next((name for name in candidates if " " not in name), single[0] if single else candidates[0])


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
