"""The words of `reserve`: a number or a count, a pool, a person or a length, an end, a ticket and a note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.lifecycle_words import ReserveWords, UsageError, parse_reserve
from bot.router import parse_command


def test_a_count_in_a_pool_for_a_person_for_a_length_with_ticket_and_note() -> None:
    assert parse_reserve("5 in Sales West for Adele Vance for 2 weeks ticket CHG-1 note for the new team") == (
        ReserveWords(
            number=None,
            count=5,
            pool="Sales West",
            person="Adele Vance",
            until=None,
            duration=timedelta(days=14),
            ticket="CHG-1",
            note="for the new team",
        )
    )


def test_a_number_with_spaces_until_the_end_of_a_day() -> None:
    words = parse_reserve("+1 206 555 0100 until 2026-12-31")
    assert (words.number, words.count, words.until) == (
        "+1 206 555 0100",
        None,
        datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        ("48h", timedelta(hours=48)),
        ("10 days", timedelta(days=10)),
        ("1 w", timedelta(days=7)),
        ("3m", timedelta(days=90)),
    ],
)
def test_for_a_length_is_a_duration_not_a_person(length: str, expected: timedelta) -> None:
    words = parse_reserve(f"1 for {length}")
    assert (words.person, words.duration) == (None, expected)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Say what to reserve."),
        ("1 until 2026-13-01", "is not a real date"),
        ("1 until tomorrow", "'tomorrow' is not a date"),
        ("1 until 2026-12-31 for 2 weeks", "not both"),
        ("1 in", "'in' needs something after it"),
        ("1 in A in B", "'in' appears twice"),
        ("1 for 0 days", "for 0 is no time at all"),
        ("1 for adele for bob", "Say for whom once"),
    ],
)
def test_words_that_do_not_fit_say_why(typed: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason):
        parse_reserve(typed)


def test_the_note_takes_the_rest_of_the_line_keywords_and_all() -> None:
    assert parse_reserve("1 note in for until").note == "in for until"


def test_the_router_knows_reserve_from_reservations() -> None:
    assert parse_command("Reserve 3 in Sales") == parse_command("reserve 3 in Sales")
    assert (parse_command("reserve 3 in Sales").name, parse_command("reservations mine").name) == (
        "reserve",
        "reservations",
    )


def test_assign_next_and_rule_commands_are_read_before_assign_and_typos_still_suggest_assign() -> None:
    command = parse_command("assign next adele")
    assert (command.name, command.args) == ("assign next", "adele")
    assert parse_command("assign adele").name == "assign"
    assert parse_command("rule add department=Sales pool=Sales").name == "rule add"
    assert parse_command("rules").name == "rules"
    assert parse_command("save search sales pool:Sales").args == "sales pool:Sales"
    assert parse_command("asign adele").suggestion == "assign"
