"""The words of the commands: each word after `assign` is a number, a policy or a person, in any order;
a word that tries to be a number or a policy and is not one is named in the answer."""

from __future__ import annotations

import pytest

from bot.command_table import manifest_commands
from bot.grammar import (
    AssignWords,
    NumbersWords,
    Subject,
    WordsRefused,
    expand_range,
    read_assign,
    read_numbers,
    read_subject,
)
from bot.router import parse_command
from inventory.model import NumberStatus

POLICIES = ("US-National", "US-Unrestricted")


def assign(text: str) -> AssignWords:
    reading = read_assign(text, tenant="contoso", policies=POLICIES)
    assert (reading.number_problem, reading.policy_problem) == (None, None)
    return reading.words


@pytest.mark.parametrize(
    "text",
    [
        "miriam +1 206 555 0150 US-National",
        "+1 206 555 0150 miriam US-National",
        "us-national miriam +12065550150",
        "+1 (206) 555-0150 us-national miriam",
    ],
)
def test_assign_reads_person_number_and_policy_in_any_order(text: str) -> None:
    assert assign(text) == AssignWords("miriam", "+12065550150", "US-National")


def test_a_person_of_two_words_stays_together_around_the_number() -> None:
    assert assign("Adele Vance +12065550150") == AssignWords("Adele Vance", "+12065550150", None)


def test_letters_after_a_number_begun_are_part_of_the_attempt() -> None:
    reading = read_assign("adele +1 abc", tenant="contoso", policies=POLICIES)
    assert reading.words == AssignWords("adele", None, None)
    assert reading.number_problem is not None
    assert reading.number_problem.startswith("'+1 abc' is not a phone number")


def test_a_policy_shaped_word_the_tenant_lacks_is_refused_as_a_policy_naming_the_choices() -> None:
    reading = read_assign("adele +12065550150 Bogus-Policy", tenant="contoso", policies=POLICIES)
    assert reading.words == AssignWords("adele", "+12065550150", None)
    assert reading.policy_problem == (
        "'Bogus-Policy' is not a voice routing policy of contoso: choose US-National, US-Unrestricted."
    )


def test_a_hyphenated_name_first_is_a_person() -> None:
    assert assign("Mary-Jane +12065550150") == AssignWords("Mary-Jane", "+12065550150", None)


def test_without_a_configured_list_a_policy_shaped_word_is_left_for_teams_to_check() -> None:
    reading = read_assign("adele +12065550150 Some-Policy", tenant="contoso", policies=())
    assert reading.words == AssignWords("adele", "+12065550150", "Some-Policy")


def test_two_numbers_or_two_policies_are_refused() -> None:
    with pytest.raises(WordsRefused, match="one phone number"):
        read_assign("adele +12065550150 +12065550151", tenant="contoso", policies=POLICIES)
    with pytest.raises(WordsRefused, match="one voice routing policy"):
        read_assign("adele US-National US-Unrestricted", tenant="contoso", policies=POLICIES)


def test_remove_and_history_read_a_number_digits_or_a_person() -> None:
    assert read_subject("+1 206 555 0150") == Subject(number="+1 206 555 0150")
    assert read_subject("12") == Subject(digits="12")
    assert read_subject("adele@contoso.test") == Subject(person="adele@contoso.test")
    with pytest.raises(WordsRefused, match=r"^'\+1 999' is not a phone number"):
        read_subject("+1 999")
    with pytest.raises(WordsRefused, match=r"'\+1-800-FLOWERS-NOW' is not a phone number"):
        read_subject("+1-800-FLOWERS-NOW")


def test_numbers_takes_a_status_word_first() -> None:
    assert read_numbers("free +1206") == NumbersWords(NumberStatus.AVAILABLE, "+1206")
    assert read_numbers("assigned") == NumbersWords(NumberStatus.USED, "")
    assert read_numbers("bob") == NumbersWords(None, "bob")


def test_a_short_range_end_replaces_the_last_digits_of_the_start() -> None:
    assert expand_range("+12065550200-0299") == "+12065550200-+12065550299"
    assert expand_range("+12065550200-+12065550299") == "+12065550200-+12065550299"


def test_greetings_and_typos_are_not_commands() -> None:
    assert parse_command("Hi!").name == "greeting"
    assert parse_command("hello there").name == "greeting"
    assert parse_command("Good morning, Switchboard").name == "greeting"
    assert parse_command("thank you!").args == "thanks"
    assert parse_command("thanks").args == "thanks"
    typo = parse_command("asign adele")
    assert (typo.name, typo.suggestion, typo.args) == ("unknown", "assign", "adele")
    assert parse_command("bulk asign").suggestion == "bulk assign"
    assert parse_command("xyzzy").suggestion is None


def test_the_manifest_lists_fit_what_teams_shows() -> None:
    for scope in ("personal", "team"):
        commands = manifest_commands(scope)
        assert 0 < len(commands) <= 10
        assert all(len(c["description"]) <= 128 and len(c["title"]) <= 32 for c in commands)


def test_a_hyphenated_surname_is_a_person_when_a_known_policy_is_given() -> None:
    assert assign("mary smith-jones US-National") == AssignWords("mary smith-jones", None, "US-National")


def test_without_a_number_a_policy_shaped_last_word_is_taken_as_a_policy() -> None:
    reading = read_assign("adele Bogus-Policy", tenant="contoso", policies=POLICIES)
    assert reading.words == AssignWords("adele", None, None)
    assert reading.policy_problem is not None


def test_a_few_digits_in_a_name_are_part_of_the_name_but_a_number_without_its_plus_is_a_number() -> None:
    assert assign("user 01") == AssignWords("user 01", None, None)
    # Digits alone are read as E.164 without the "+" (inventory.e164's rule, which imports rely on).
    assert assign("adele 1 206 555 0142") == AssignWords("adele", "+12065550142", None)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("megan@contoso.com from sales-free", AssignWords("megan@contoso.com", None, None, "sales-free")),
        ("adele from sales-free us-national", AssignWords("adele", None, "US-National", "sales-free")),
        ("adele US-National from sales-free", AssignWords("adele", None, "US-National", "sales-free")),
        ('adele from pool:"New York" area:212', AssignWords("adele", None, None, 'pool:"New York" area:212')),
        ("Adele Vance FROM +1425555****", AssignWords("Adele Vance", None, None, "+1425555****")),
    ],
)
def test_assign_from_takes_a_saved_search_or_terms_after_the_person(text: str, words: AssignWords) -> None:
    assert assign(text) == words


def test_assign_from_needs_something_after_it_and_stands_instead_of_a_number() -> None:
    with pytest.raises(WordsRefused, match="Say what to pick from after 'from'"):
        read_assign("adele from", tenant="contoso", policies=POLICIES)
    with pytest.raises(WordsRefused, match="Say what to pick from after 'from'"):
        read_assign("adele from US-National", tenant="contoso", policies=POLICIES)
    with pytest.raises(WordsRefused, match="Give a number or from SEARCH, not both"):
        read_assign("adele +12065550150 from sales-free", tenant="contoso", policies=POLICIES)
    with pytest.raises(WordsRefused, match="one voice routing policy"):
        read_assign("adele US-National from sales-free US-Unrestricted", tenant="contoso", policies=POLICIES)
