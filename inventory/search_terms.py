"""What an operator types into a search, as a `NumberQuery`. Pure.

    area:425  status:available  pool:Sales  location:Seattle  carrier:Lumen  type:dr  tag:vip  repeat:4
    +1425555****   *0000   555   adele

`key:value` terms filter (values with spaces in quotes: `location:"New York"`, `pool:"New York"`; Teams'
typographic quotes count too; `search_term` writes one so that it reads back); a digit pattern matches
the number (`+1425` starts with, `555` anywhere, `*` any digits, `?` or each of two or more `*` one digit:
`+1425555****` is the 10,000 numbers of that block); `repeat:N` wants N equal digits in a row; the rest is
free text (holder, location, range, carrier, pool, tag). A term that can never match is refused with why,
so a typo never reads as "nothing there".
"""

from __future__ import annotations

import dataclasses
import re

from inventory.errors import SwitchboardError
from inventory.model import NumberStatus, NumberType
from inventory.number_query import NumberQuery

MAX_DIGITS = 15  # E.164
_TERM = re.compile(r'(\w+):("([^"]*)"|\S+)|("([^"]*)"|\S+)')
_PATTERN = re.compile(r"^\+?[\d*?]+$")
_TYPOGRAPHIC_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})  # what phones type for "
KEYS = ("area", "status", "pool", "location", "carrier", "type", "tag", "range", "holder", "repeat")


class SearchRefused(SwitchboardError):
    """A search term that can never match, or is not one we know; the message says which and why."""


def parse_search(text: str, query: NumberQuery) -> NumberQuery:
    """`query` narrowed by the terms of `text` (its own fields are kept unless a term sets them)."""
    words: list[str] = []
    changes: dict[str, object] = {}
    run: list[str] = []  # consecutive pattern words: `+1 206 555 0150` is one number

    def end_run() -> None:
        if run:
            changes["digits"] = _digit_pattern("".join(run), changes.get("digits"))
            run.clear()

    for match in _TERM.finditer(text.strip().translate(_TYPOGRAPHIC_QUOTES)):
        if match.group(1):
            end_run()
            key = match.group(1).lower()
            value = match.group(3) if match.group(3) is not None else match.group(2)
            if key not in KEYS:
                raise SearchRefused(f"'{key}:' is not a search term; use {', '.join(k + ':' for k in KEYS)}.")
            _apply(key, value.strip(), changes)
            continue
        word = match.group(5) if match.group(5) is not None else match.group(4)
        bare = re.sub(r"[().\-]", "", word)
        if bare and _PATTERN.match(bare) and any(c.isdigit() or c in "*?" for c in bare):
            run.append(bare)
        else:
            end_run()
            words.append(word)
    end_run()
    area = changes.pop("area_prefix", None)
    if area is not None:
        pattern = changes.get("digits")
        if isinstance(pattern, str) and pattern.startswith("+"):
            raise SearchRefused(f"{pattern} has its own country code; give it or area:, not both.")
        # An area and a pattern: the pattern is what follows the area code (`area:425 *0000`).
        joined = str(area) + ("" if pattern is None or str(pattern).startswith("*") else "*") + str(pattern or "")
        changes["digits"] = _digit_pattern(joined, None)
    return dataclasses.replace(query, text=" ".join(words) or None, **changes)  # type: ignore[arg-type]


def search_term(key: str, value: str) -> str:
    """`key:value` as `parse_search` reads it back: quoted when the value has spaces (`pool:"New York"`).
    Every card and button that builds a search goes through here, so a pool named with a space works."""
    value = value.replace('"', "")  # a value cannot carry a quote inside quotes; names never need one
    return f'{key}:"{value}"' if not value or any(c.isspace() for c in value) else f"{key}:{value}"


def _apply(key: str, value: str, changes: dict[str, object]) -> None:
    if not value:
        raise SearchRefused(f"'{key}:' needs a value after it.")
    if key == "area":
        digits = re.sub(r"[\s()+.-]", "", value)
        if not digits.isdigit():
            raise SearchRefused(f"area:{value} is not an area code; write digits, e.g. area:425 or area:+4420.")
        # Without a country code, an area code is North American (+1): elsewhere nobody says "area code".
        changes["area_prefix"] = "+" + digits if value.lstrip().startswith("+") else "+1" + digits
    elif key == "status":
        try:
            changes["statuses"] = (NumberStatus(value.lower()),)
        except ValueError:
            known = ", ".join(s.value for s in NumberStatus)
            raise SearchRefused(f"status:{value} is not a status; use one of {known}.") from None
    elif key == "type":
        try:
            changes["number_type"] = NumberType.parse(value)
        except ValueError as error:
            raise SearchRefused(str(error)) from None
    elif key == "repeat":
        if not value.isdigit() or not 2 <= int(value) <= MAX_DIGITS:
            raise SearchRefused(f"repeat:{value} cannot match; say how many equal digits in a row, 2 to 15.")
        changes["repeated_digits"] = int(value)
    else:
        field = {"range": "range_label", "holder": "assignee"}.get(key, key)
        changes[field] = value


def _digit_pattern(pattern: str, earlier: object) -> str:
    if earlier is not None:
        raise SearchRefused("Give one number pattern (or one area code), not two.")
    digits = sum(c.isdigit() or c == "?" for c in pattern) + (pattern.count("*") if "**" in pattern else 0)
    if digits > MAX_DIGITS:
        raise SearchRefused(f"{pattern} can never match: phone numbers have at most {MAX_DIGITS} digits.")
    if "+" in pattern[1:]:
        raise SearchRefused(f"{pattern} can never match: a + can only come first.")
    if pattern.startswith("+0"):
        raise SearchRefused(f"{pattern} can never match: no country code starts with 0.")
    return pattern
