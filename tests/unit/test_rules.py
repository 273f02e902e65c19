"""Assignment rules, pure: which rule a person matches, the words of a rule, and a person as Graph sends them."""

from __future__ import annotations

from inventory.rules import PersonAttributes, Rule, first_match, parse_rule
from inventory.teams.mapping import person_attributes_from_graph

SALES_SEATTLE = PersonAttributes(department="Sales", city="Seattle", usage_location="US", groups=(("g-1", "VIP"),))


def test_every_condition_of_a_rule_must_hold_and_values_match_without_case() -> None:
    both = Rule(1, (("department", "sales"), ("city", "SEATTLE")), "Sales-SEA")
    other_city = Rule(1, (("department", "Sales"), ("city", "Chicago")), "Sales-CHI")
    assert both.matches(SALES_SEATTLE)
    assert not other_city.matches(SALES_SEATTLE)


def test_the_first_rule_in_order_wins_even_when_a_later_one_is_more_specific() -> None:
    broad, narrow = Rule(1, (("usage", "US"),), "US"), Rule(2, (("department", "Sales"),), "Sales")
    assert first_match([narrow, broad], SALES_SEATTLE) == broad
    assert first_match([], SALES_SEATTLE) is None


def test_a_group_matches_by_name_or_by_object_id() -> None:
    assert Rule(1, (("group", "vip"),), "P").matches(SALES_SEATTLE)
    assert Rule(1, (("group", "G-1"),), "P").matches(SALES_SEATTLE)
    assert not Rule(1, (("group", "Other"),), "P").matches(SALES_SEATTLE)


def test_quoted_values_keep_their_spaces() -> None:
    words = parse_rule('office="Building 4" pool=Sales policy=US-Local')
    assert (words.conditions, words.pool, words.policy) == ((("office", "Building 4"),), "Sales", "US-Local")


def test_groups_graph_sends_without_names_still_match_by_id_and_directory_roles_are_not_groups() -> None:
    user = {"id": "u-1", "department": "Sales", "usageLocation": "US", "city": None, "companyName": ""}
    member_of = [
        {"@odata.type": "#microsoft.graph.group", "id": "g-1", "displayName": None},  # User.Read.All alone
        {"@odata.type": "#microsoft.graph.directoryRole", "id": "r-1", "displayName": "Global Reader"},
        {"id": "g-2", "displayName": "Cast"},  # the /microsoft.graph.group cast leaves the type off
    ]
    person = person_attributes_from_graph(user, member_of)
    assert (person.department, person.usage_location, person.city, person.company_name) == ("Sales", "US", None, None)
    assert person.groups == (("g-1", ""), ("g-2", "Cast"))
    assert Rule(1, (("group", "g-1"),), "P").matches(person)
