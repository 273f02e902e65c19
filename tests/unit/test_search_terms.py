"""What an operator types into a search, as a query: area codes, patterns, filters combined, and terms that
can never match refused with why."""

from __future__ import annotations

import pytest

from inventory.model import NumberStatus, NumberType
from inventory.number_query import NumberQuery
from inventory.search_terms import SearchRefused, parse_search, search_term

BASE = NumberQuery(tenant="contoso")


def test_filters_patterns_and_free_text_combine() -> None:
    query = parse_search('area:425 *0000 status:available pool:Sales location:"New York" type:dr adele', BASE)
    assert query == NumberQuery(
        tenant="contoso",
        text="adele",
        digits="+1425*0000",
        statuses=(NumberStatus.AVAILABLE,),
        pool="Sales",
        location="New York",
        number_type=NumberType.DIRECT_ROUTING,
    )


def test_a_number_typed_with_spaces_is_one_pattern() -> None:
    assert parse_search("+1 (206) 555-0150", BASE).digits == "+12065550150"


def test_an_area_code_with_a_country_code_is_taken_as_given() -> None:
    assert parse_search("area:+44 20", BASE).digits == "+44*20"  # unquoted, 20 is a pattern after the area
    assert parse_search('area:"+44 20"', BASE).digits == "+4420"


def test_repeated_digits_and_a_block_of_stars() -> None:
    query = parse_search("repeat:4 +1425555****", BASE)
    assert (query.repeated_digits, query.digits) == (4, "+1425555****")


def test_a_pool_named_with_a_space_is_one_term_in_straight_or_typographic_quotes() -> None:
    assert parse_search('pool:"New York" status:available', BASE).pool == "New York"
    assert parse_search("pool:\u201cNew York\u201d adele", BASE).pool == "New York"  # what Teams on a phone sends
    assert parse_search("pool:\u201cNew York\u201d adele", BASE).text == "adele"


@pytest.mark.parametrize("pool", ["Sales", "New York", "Zürich Nord", "a\tb"])
def test_a_term_built_for_a_card_reads_back_as_the_same_pool(pool: str) -> None:
    assert parse_search(search_term("pool", pool) + " status:available", BASE).pool == pool


def test_a_term_built_for_a_card_is_only_quoted_when_it_needs_to_be() -> None:
    assert search_term("pool", "Sales") == "pool:Sales"
    assert search_term("pool", "New York") == 'pool:"New York"'


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("+1425555555512345", "can never match: phone numbers have at most 15 digits"),
        ("+0123", "no country code starts with 0"),
        ("status:free", "status:free is not a status"),
        ("colour:red", "'colour:' is not a search term"),
        ("repeat:1", "repeat:1 cannot match"),
        ("area:abc", "area:abc is not an area code"),
        ("area:425 +1206*", "has its own country code"),
        ("555 adele 0150", "one number pattern"),
    ],
)
def test_terms_that_cannot_match_are_refused_with_why(typed: str, why: str) -> None:
    with pytest.raises(SearchRefused, match=why):
        parse_search(typed, BASE)
