"""`cards.bulk`: choose up to 50 people, where their numbers come from, the plan, confirm, progress, and
the result per person."""

from __future__ import annotations

import pytest

from cards.bulk import (
    MAX_PEOPLE,
    PlanRow,
    ResultRow,
    confirm_card,
    people_card,
    plan_card,
    progress_card,
    results_card,
    source_card,
)
from cards.elements import ATTENTION, GOOD, Card
from cards.reading import card_text
from cards.views import FlowRef
from inventory.teams.graph_errors import error_for_status
from tests.support.card_parts import (
    MARKUP,
    action,
    actions_with_verb,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    buttons,
    choices,
    inputs,
    text_block,
    valid,
)
from tests.support.card_views import (
    FLOW,
    LONG_POLICY,
    PLAN_PAGE,
    SEARCH_LIMIT,
    TENANT,
    account,
    long_account,
    long_text,
)

POLICIES = ["US-Local", "US-LongDistance"]


def plan(rows: list[PlanRow], *, page: int = 1, pages: int = 1, policies: list[str] = POLICIES) -> Card:
    drawn = plan_card(
        FLOW, rows=rows, total=len(rows), page=page, pages=pages, policies=policies, policy_for_all=None, message=None
    )
    return valid(drawn)


def test_step_1_counts_who_is_chosen_and_offers_clear_only_once_someone_is() -> None:
    chosen = [account(0), account(1)]
    drawn = valid(people_card(FLOW, selected=chosen, choices=[], query="", message=None))
    assert card_text(drawn).splitlines()[:2] == ["Bulk assign", "Step 1 of 5 - who (2 of at most 50 chosen)"]
    assert "Chosen: Adele Vance, Megan Bowen" in card_text(drawn)
    assert buttons(drawn) == [
        ("Find", "bulk.find"),
        ("Next", "bulk.next"),
        ("Clear", "bulk.clear"),
        ("Cancel", "cancel"),
    ]
    assert_actions_belong_to(drawn, FLOW)
    nobody = valid(people_card(FLOW, selected=[], choices=[], query="", message=None))
    assert bottom_buttons(nobody) == ["Next", "Cancel"]


@pytest.mark.parametrize(("found", "style", "typeahead"), [(8, "expanded", False), (9, "filtered", True)])
def test_step_1_offers_a_few_matches_as_checkboxes_and_many_as_a_searchable_list(
    found: int, style: str, typeahead: bool
) -> None:
    matches = [account(i) for i in range(found)]
    drawn = valid(people_card(FLOW, selected=[], choices=matches, query="a", message=None))
    people = inputs(drawn)["people"]
    assert (people["isMultiSelect"], people["style"], "choices.data" in people) == (True, style, typeahead)
    assert choices(people) == [(a.choice_title, a.id) for a in matches]
    assert action(drawn, "bulk.add")["title"] == "Add"


def test_step_2_offers_each_source_with_its_free_count_after_any() -> None:
    drawn = valid(
        source_card(
            FLOW,
            people=12,
            locations=[("Seattle", 1234), ("Tacoma", 3)],
            pools=[("Sales", 40)],
            ranges=[],
            message=None,
            note="Teams and the inventory agree.",
        )
    )
    assert "Step 2 of 5 - where the 12 numbers come from" in card_text(drawn)
    found = inputs(drawn)
    assert choices(found["location"]) == [
        ("Any", ""),
        ("Seattle (1,234 free)", "Seattle"),
        ("Tacoma (3 free)", "Tacoma"),
    ]
    assert choices(found["range"]) == [("Any", "")]
    assert all(found[key]["placeholder"] == "Any" for key in ("location", "pool", "range"))
    assert bottom_buttons(drawn) == ["Suggest numbers", "Cancel"]
    assert_actions_belong_to(drawn, FLOW)


def test_the_plan_shows_each_person_their_number_a_change_button_and_their_own_policy() -> None:
    rows = [PlanRow(10, "Adele Vance", "+1 206 555 0100", None), PlanRow(11, "Megan Bowen", None, "US-Local")]
    drawn = plan(rows, page=2, pages=2)
    assert "Step 3 of 5 - the plan for 2 people (page 2 of 2)" in card_text(drawn)
    assert text_block(drawn, "no number - change it")["color"] == ATTENTION
    changes = actions_with_verb(drawn, "bulk.edit")
    assert [found["data"] for found in changes] == [{**FLOW.data(row=i), "verb": "bulk.edit"} for i in (10, 11)]
    found = inputs(drawn)
    assert choices(found["policy_all"]) == [(p, p) for p in POLICIES]
    assert choices(found["policy_10"])[0] == ("Same as everyone", "")
    assert "value" not in found["policy_10"]
    assert found["policy_11"]["value"] == "US-Local"
    assert_actions_belong_to(drawn, FLOW)


def test_a_plan_without_policies_asks_for_none() -> None:
    drawn = plan([PlanRow(0, "Adele Vance", "+1 206 555 0100", None)], policies=[])
    assert list(inputs(drawn)) == []


@pytest.mark.parametrize(
    ("page", "pages", "offered"),
    [
        (1, 1, ["Review", "Cancel"]),
        (1, 5, ["Next page", "Review", "Cancel"]),
        (3, 5, ["Previous page", "Next page", "Review", "Cancel"]),
        (5, 5, ["Previous page", "Review", "Cancel"]),
    ],
)
def test_the_plan_offers_previous_and_next_page_only_when_there_is_such_a_page(
    page: int, pages: int, offered: list[str]
) -> None:
    assert bottom_buttons(plan([PlanRow(0, "Adele Vance", "+1 206 555 0100", None)], page=page, pages=pages)) == offered


def test_confirm_lists_every_assignment_and_how_many_run_at_once() -> None:
    rows = [("Adele Vance", "+1 206 555 0100", "US-Local"), ("Megan Bowen", "+1 206 555 0101", "(none)")]
    drawn = valid(confirm_card(FLOW, rows=rows, tenant=TENANT, concurrency=4))
    lines = card_text(drawn).splitlines()
    assert lines[:4] == [
        "Bulk assign",
        "Step 4 of 5 - confirm 2 assignments in contoso",
        "**Adele Vance** - +1 206 555 0100 - US-Local",
        "**Megan Bowen** - +1 206 555 0101 - (none)",
    ]
    assert "Switchboard runs up to 4 Teams operations at a time and shows progress here." in lines
    assert bottom_buttons(drawn) == ["Assign all", "Back", "Cancel"]
    assert action(drawn, "bulk.run")["style"] == "positive"


@pytest.mark.parametrize(("failed", "shown"), [(0, "3 of 10 done"), (1, "3 of 10 done, 1 failed")])
def test_progress_counts_what_is_done_and_what_failed(failed: int, shown: str) -> None:
    drawn = valid(progress_card(done=3, total=10, failed=failed))
    assert card_text(drawn).splitlines() == [
        "Bulk assign",
        "Step 5 of 5 - assigning in Teams",
        "Working in Teams...",
        shown,
        "This card updates by itself.",
    ]


def test_the_results_count_and_mark_each_person_and_offer_a_retry_and_the_refused_numbers_back() -> None:
    rows = [
        ResultRow("Adele Vance", "+1 206 555 0100", True, None),
        ResultRow("Megan Bowen", "+1 206 555 0101", False, "Teams rejected the request."),
    ]
    drawn = valid(results_card(rows=rows, tenant=TENANT, flow=FlowRef("f-1", 3), refused=1))
    lines = card_text(drawn).splitlines()
    assert lines[1] == "Done in contoso: 1 assigned, 1 failed"
    assert text_block(drawn, "**Adele Vance** - +1 206 555 0100 - Assigned")["color"] == GOOD
    assert text_block(drawn, "**Megan Bowen** - +1 206 555 0101 - Failed")["color"] == ATTENTION
    assert "Teams rejected the request." in lines
    assert any(line.startswith("Teams refused 1 number: kept out of the pool with Teams' reason") for line in lines)
    assert [a["title"] for a in drawn["actions"]] == ["Retry failed", "Return refused numbers to the pool"]
    all_done = valid(results_card(rows=rows[:1], tenant=TENANT, flow=FlowRef("f-1", 3)))
    assert "actions" not in all_done
    assert "refused" not in card_text(all_done)


def test_the_largest_steps_for_50_long_names_fit_a_teams_message() -> None:
    people = [long_account(i) for i in range(MAX_PEOPLE)]
    policies = [long_text(f"Policy {i}", LONG_POLICY) for i in range(10)]
    valid(people_card(FLOW, selected=people, choices=people[:SEARCH_LIMIT], query="q" * 100, message="m" * 200))
    rows = [PlanRow(i, a.name, None, policies[i % 10]) for i, a in enumerate(people[:PLAN_PAGE])]
    valid(
        plan_card(
            FLOW,
            rows=rows,
            total=MAX_PEOPLE,
            page=2,
            pages=5,
            policies=policies,
            policy_for_all=policies[0],
            message="m" * 200,
        )
    )
    valid(
        confirm_card(
            FLOW,
            rows=[(a.name, f"+1 206 555 {i:04d}", policies[0]) for i, a in enumerate(people)],
            tenant=TENANT,
            concurrency=8,
        )
    )
    valid(
        results_card(
            rows=[ResultRow(a.name, f"+1 206 555 {i:04d}", True, None) for i, a in enumerate(people)], tenant=TENANT
        )
    )


def test_the_results_of_50_people_all_refused_for_a_missing_permission_fit_a_teams_message() -> None:
    refused = str(
        error_for_status(
            403,
            what="assign a phone number",
            tenant=TENANT,
            permission="TeamsTelephoneNumber.ReadWrite.All",
            graph_message="Insufficient privileges to complete the operation.",
        )
    )
    rows = [ResultRow(f"Person {i:02d} Lastname", f"+1 206 555 {i:04d}", False, refused) for i in range(MAX_PEOPLE)]
    valid(results_card(rows=rows, tenant=TENANT))


def test_names_that_look_like_markup_are_shown_as_given() -> None:
    tricky = account(0, name=MARKUP)
    assert_shown_as_given(people_card(FLOW, selected=[tricky], choices=[tricky], query="", message=None), MARKUP)
    assert_shown_as_given(plan([PlanRow(0, MARKUP, "+1 206 555 0100", None)]), f"**{MARKUP}**")
    assert_shown_as_given(
        results_card(rows=[ResultRow(MARKUP, "+1 206 555 0100", False, MARKUP)], tenant=TENANT), MARKUP
    )


def test_the_results_of_50_people_each_refused_for_a_long_reason_of_their_own_still_fit() -> None:
    rows = [
        ResultRow(f"Person {i:02d} Lastname", f"+1 206 555 {i:04d}", False, f"Reason {i}: " + "Teams said no. " * 40)
        for i in range(MAX_PEOPLE)
    ]
    drawn = valid(results_card(rows=rows, tenant=TENANT))
    assert card_text(drawn).count("Reason ") == MAX_PEOPLE  # each reason still there, cut short


def test_a_plan_row_for_someone_who_holds_a_number_says_what_the_new_one_replaces() -> None:
    drawn = plan(
        [PlanRow(0, "Adele Vance", "+1 206 555 0101", None, "+1 206 555 0100"), PlanRow(1, "Megan", None, None)]
    )
    assert "replaces +1 206 555 0100" in card_text(drawn)
    assert card_text(drawn).count("replaces") == 1
