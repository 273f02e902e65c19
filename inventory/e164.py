"""Phone-number parsing: every format operators paste, normalised to E.164 plus an optional extension.

Formats seen in Teams admin center exports, PowerShell output and carrier sheets: `+15551234567`,
`tel:+15551234567` (a line URI), `15551234567` (Excel dropped the `+`), `+1 (555) 123-4567`,
`+15551234567;ext=123`, and a `+` that URL decoding turned into a space.
We accept numbers that are *possible* (right length for the country), not only *valid* ones: carriers
hand out test and fictional ranges (555) that the metadata calls invalid but Teams accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from inventory.errors import InvalidNumber

MAX_RANGE_SIZE = 100_000
_MAX_INPUT_LENGTH = 64
_TEL_PREFIX = re.compile(r"^\s*tel:\s*", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^[\d\s().\-/]+$")
_EXTENSION_TAIL = re.compile(r"\s*(?:;|ext|x|#).*$", re.IGNORECASE)
# A range is two numbers joined by a dash, an en dash, `..` or the word "to"; the second one must
# start with a + or a digit, which keeps the dashes inside `+1 555-123-4567` out of the split.
_PLAIN_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_RANGE_SPLIT = re.compile(r"\s*(?:\.\.|\bto\b|\s[-\u2013]\s|[-\u2013](?=\+)|\u2013)\s*", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class ParsedNumber:
    number: str  # E.164 with a leading +
    extension: str = ""

    def as_pair(self) -> tuple[str, str]:
        return self.number, self.extension

    @property
    def label(self) -> str:
        return display_number(self.number, self.extension)


def parse_number(text: str, *, default_region: str | None = None) -> ParsedNumber:
    """Normalise `text` to E.164 (+ extension) or raise `InvalidNumber` quoting the input."""
    if plain_e164(text):
        return ParsedNumber(text)  # the common case, 10x faster: imports of 100,000 rows lean on it
    if len(text) > _MAX_INPUT_LENGTH:
        raise InvalidNumber(f"'{text[:20]}...' is too long to be a phone number.")
    candidate = _TEL_PREFIX.sub("", text).strip()
    if not candidate:
        raise InvalidNumber("An empty value is not a phone number.")
    candidate = _tel_uri_extension(candidate)
    parsed: phonenumbers.PhoneNumber | None
    if not candidate.startswith("+") and _DIGITS_ONLY.match(_EXTENSION_TAIL.sub("", candidate)):
        # Digits alone: a national number of the default region when they make a valid one there
        # ("206 555 0142" in the US), else an international number whose "+" was lost (Excel drops it).
        regional = _try_parse(candidate, default_region) if default_region else None
        if regional is not None and phonenumbers.is_valid_number(regional):
            parsed = regional
        else:
            parsed = _try_parse("+" + candidate, None) or regional
    else:
        parsed = _try_parse(candidate, default_region)
    if parsed is None:
        raise InvalidNumber(
            f"'{text}' is not a phone number I can read; write it in E.164 form, for example +15551234567."
        )
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidNumber(f"'{text}' has the wrong number of digits for country code +{parsed.country_code}.")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    extension = parsed.extension or ""
    if extension and not extension.isdigit():
        raise InvalidNumber(f"'{text}' has an extension that is not digits.")
    return ParsedNumber(e164, extension)


def plain_e164(text: str) -> str | None:
    """`text` when it is already a possible E.164 number with nothing around it, else None (then ask
    `parse_number`). The shape (country code and length) decides, so each shape is checked once."""
    if not _PLAIN_E164.match(text):
        return None
    shape = (text[1:4], len(text))
    possible = _SHAPES.get(shape)
    if possible is None:
        possible = _SHAPES[shape] = _plain_e164_is_possible(text)
    return text if possible else None


_SHAPES: dict[tuple[str, int], bool] = {}  # at most 1,000 prefixes x 9 lengths


def _plain_e164_is_possible(text: str) -> bool:
    for digits in (1, 2, 3):
        country_code = int(text[1 : 1 + digits])
        if country_code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return _possible_length(country_code, len(text) - 1 - digits)
    return False


@lru_cache(maxsize=4096)
def _possible_length(country_code: int, national_length: int) -> bool:
    # Possibility depends only on the country and the national length (phonenumbers' general
    # description), so one real check per pair answers for every number of that shape.
    probe = phonenumbers.PhoneNumber(country_code=country_code, national_number=int("2" * national_length))
    return bool(phonenumbers.is_possible_number(probe))


def _tel_uri_extension(candidate: str) -> str:
    # phonenumbers reads ";ext=123" already; normalise the upper-case form Teams sometimes prints.
    return re.sub(r";\s*ext\s*=\s*", ";ext=", candidate, flags=re.IGNORECASE)


def _try_parse(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None


def display_number(e164: str, extension: str = "") -> str:
    """`+15551234567` -> `+1 555 123 4567` (spaces only, which reads well on a card)."""
    try:
        parsed = phonenumbers.parse(e164, None)
        text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        text = text.replace("-", " ")
    except phonenumbers.NumberParseException:
        text = e164
    return f"{text} ext. {extension}" if extension else text


_TEAMS_EXTENSION = re.compile(r"^(?:tel:)?\s*(\+?\d+)\s*;\s*ext\s*=\s*(\d+)\s*$", re.IGNORECASE)


def split_teams_number(text: str) -> tuple[str, str]:
    """A number as Teams reports it -> (E.164, extension). Pure string work, no phonenumbers: a sync
    splits 100,000 of these. Graph's `telephoneNumber` and userConfigurations' `telephoneNumbers`
    carry a Direct Routing extension as `+14255550100;ext=12` (PowerShell prints the line URI
    `tel:+14255550100;ext=12`); both forms, any case, give ("+14255550100", "12")."""
    if ";" not in text and text[:4].lower() != "tel:":
        return text, ""
    found = _TEAMS_EXTENSION.match(text)
    if found is None:
        return (text[4:] if text[:4].lower() == "tel:" else text).strip(), ""
    number = found.group(1)
    return (number if number.startswith("+") else "+" + number), found.group(2)


def number_key(e164: str, extension: str = "") -> str:
    """One string per (number, extension): how the sync matches Teams' numbers with the inventory's."""
    return f"{e164};ext={extension}" if extension else e164


def teams_number(e164: str, extension: str = "") -> str:
    """The `telephoneNumber` to send to Graph: E.164, with `;ext=` when the number has an extension."""
    return number_key(e164, extension)


def tel_uri(e164: str, extension: str = "") -> str:
    """The line URI form Teams PowerShell prints: `tel:+15551234567;ext=12`."""
    return f"tel:{e164};ext={extension}" if extension else f"tel:{e164}"


@dataclass(frozen=True)
class NumberRange:
    start: str
    end: str

    @property
    def size(self) -> int:
        return int(self.end[1:]) - int(self.start[1:]) + 1

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end}"

    def numbers(self) -> list[str]:
        """Every E.164 number of the range, in order."""
        width = len(self.start) - 1
        first = int(self.start[1:])
        return [f"+{value:0{width}d}" for value in range(first, first + self.size)]

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and len(number) == len(self.start) and self.start <= number <= self.end


def parse_range(text: str, *, default_region: str | None = None) -> NumberRange:
    """Parse `+15551230000-+15551230999` (inclusive) into a checked `NumberRange`."""
    parts = [part for part in _RANGE_SPLIT.split(text.strip(), maxsplit=1) if part]
    if len(parts) != 2:
        raise InvalidNumber(f"'{text}' is not a range; write it as START-END, for example +15551230000-+15551230999.")
    start = parse_number(parts[0], default_region=default_region)
    end = parse_number(parts[1], default_region=default_region)
    if start.extension or end.extension:
        raise InvalidNumber(f"'{text}': a range cannot carry extensions.")
    start_cc = phonenumbers.parse(start.number, None).country_code
    end_cc = phonenumbers.parse(end.number, None).country_code
    if start_cc != end_cc:
        raise InvalidNumber(f"'{text}': start and end are in different countries (+{start_cc} and +{end_cc}).")
    if len(start.number) != len(end.number):
        raise InvalidNumber(f"'{text}': start and end have different lengths.")
    number_range = NumberRange(start.number, end.number)
    if number_range.size < 1:
        raise InvalidNumber(f"'{text}': the end comes before the start.")
    if number_range.size > MAX_RANGE_SIZE:
        raise InvalidNumber(
            f"'{text}' holds {number_range.size:,} numbers; import at most {MAX_RANGE_SIZE:,} at a time."
        )
    return number_range
