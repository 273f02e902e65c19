"""Number and range parsing: every format from the wild, and clear refusals that quote the input."""

from __future__ import annotations

import pytest

from inventory.e164 import (
    ParsedNumber,
    display_number,
    number_key,
    parse_number,
    parse_range,
    split_teams_number,
    tel_uri,
)
from inventory.errors import InvalidNumber

GOOD = [
    ("+15551234567", "+15551234567", ""),
    ("tel:+15551234567", "+15551234567", ""),
    ("TEL:+15551234567", "+15551234567", ""),
    ("15551234567", "+15551234567", ""),  # Excel dropped the +
    ("+1 (555) 123-4567", "+15551234567", ""),
    ("+1.555.123.4567", "+15551234567", ""),
    ("+15551234567;ext=123", "+15551234567", "123"),
    ("tel:+15551234567;ext=9", "+15551234567", "9"),
    ("+15551234567;EXT=77", "+15551234567", "77"),
    ("+1 555 123 4567 x 45", "+15551234567", "45"),
    (" 15551234567", "+15551234567", ""),  # URL decoding turned the + into a space
    ("  +44 20 7183 8750  ", "+442071838750", ""),
    ("+12061234567", "+12061234567", ""),
    ("4420 7183 8750", "+442071838750", ""),
]

BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "'abc' is not a phone number"),
    ("+1555", r"'\+1555' has the wrong number of digits for country code \+1"),
    ("+1555123456789012", "wrong number of digits"),
    ("12", "'12' is not a phone number"),
    ("+999123456789", r"'\+999123456789' is not a phone number"),
    ("tel:", "empty"),
    ("9" * 70, "too long"),
    ("+1555123456;ext=12a", "not a phone number|wrong number|not digits"),
]


@pytest.mark.parametrize(("text", "number", "extension"), GOOD)
def test_a_wild_format_is_normalised_to_e164(text: str, number: str, extension: str) -> None:
    assert parse_number(text) == ParsedNumber(number, extension)


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_a_bad_number_is_refused_with_the_input_quoted(text: str, reason: str) -> None:
    with pytest.raises(InvalidNumber, match=reason):
        parse_number(text)


def test_a_national_number_needs_the_tenants_region() -> None:
    with pytest.raises(InvalidNumber):
        parse_number("(020) 7183 8750")
    assert parse_number("(020) 7183 8750", default_region="GB").number == "+442071838750"


@pytest.mark.parametrize(
    ("typed", "region", "number"),
    [
        ("2065550142", "US", "+12065550142"),  # national digits: the region's, not Egypt's +20
        ("206 555 0142", "US", "+12065550142"),
        ("12065550142", "US", "+12065550142"),  # an Excel-stripped "+" still reads as international
        ("442071234567", "US", "+442071234567"),  # not a US number: the lost "+" again
    ],
)
def test_digits_alone_are_a_national_number_of_the_region_when_they_make_a_valid_one(
    typed: str, region: str, number: str
) -> None:
    assert parse_number(typed, default_region=region).number == number


def test_numbers_display_with_spaces_and_their_extension() -> None:
    assert display_number("+15551234567") == "+1 555 123 4567"
    assert display_number("+15551234567", "12") == "+1 555 123 4567 ext. 12"
    assert tel_uri("+15551234567", "12") == "tel:+15551234567;ext=12"


@pytest.mark.parametrize(
    ("text", "start", "end", "size"),
    [
        ("+15551230000-+15551230999", "+15551230000", "+15551230999", 1000),
        ("+15551230000 - +15551230009", "+15551230000", "+15551230009", 10),
        ("+1 555-123-0000 to +1 555-123-0100", "+15551230000", "+15551230100", 101),
        ("15551230000..15551230004", "+15551230000", "+15551230004", 5),
        ("+15551230000-+15551230000", "+15551230000", "+15551230000", 1),
    ],
)
def test_a_range_is_inclusive(text: str, start: str, end: str, size: int) -> None:
    number_range = parse_range(text)
    assert (number_range.start, number_range.end, number_range.size) == (start, end, size)
    assert number_range.numbers()[0] == start
    assert number_range.numbers()[-1] == end
    assert len(number_range.numbers()) == size


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+15551230000", "is not a range"),
        ("+15551230009-+15551230000", "the end comes before the start"),
        ("+15551230000-+442071838750", "different countries"),
        ("+15550000000-+15559999999", "holds 10,000,000 numbers; import at most 100,000"),
        ("+442071838750-+4420718387", "different lengths"),
        ("+15551230000;ext=1-+15551230001", "cannot carry extensions|not a range|not a phone number"),
        ("+15551230000-banana", "'banana' is not a phone number|not a range"),
    ],
)
def test_a_bad_range_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidNumber, match=reason):
        parse_range(text)


def test_exactly_one_hundred_thousand_numbers_is_allowed() -> None:
    assert parse_range("+15551000000-+15551099999").size == 100_000


def test_a_range_knows_which_numbers_it_holds() -> None:
    number_range = parse_range("+15551230000-+15551230999")
    assert "+15551230500" in number_range
    assert "+15551231000" not in number_range
    assert "+155512300000" not in number_range


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("+14255550100", ("+14255550100", "")),
        ("+14255550100;ext=12", ("+14255550100", "12")),
        ("tel:+14255550100;ext=12", ("+14255550100", "12")),
        ("TEL:+14255550100;EXT=12", ("+14255550100", "12")),
        ("tel:+14255550100", ("+14255550100", "")),
        ("14255550100;ext=3", ("+14255550100", "3")),
    ],
)
def test_numbers_as_teams_reports_them_split_into_e164_and_extension(reported: str, expected: tuple[str, str]) -> None:
    assert split_teams_number(reported) == expected
    assert number_key(*expected) == (f"{expected[0]};ext={expected[1]}" if expected[1] else expected[0])
