"""`cards.admin`: deleting a tenant's local inventory behind a typed confirmation, and a range import's result."""

from __future__ import annotations

from cards.admin import delete_inventory_card, import_result_card
from cards.elements import ATTENTION
from cards.reading import card_text
from tests.support.card_parts import (
    MARKUP,
    action,
    assert_actions_belong_to,
    assert_shown_as_given,
    buttons,
    facts_of,
    inputs,
    text_block,
    valid,
)
from tests.support.card_views import FLOW, TENANT


def test_delete_says_how_many_numbers_go_and_that_teams_is_not_touched() -> None:
    shown = card_text(valid(delete_inventory_card(FLOW, tenant=TENANT, count=12345)))
    assert shown.splitlines()[:2] == ["Delete the local inventory", "Tenant contoso"]
    assert "This deletes all 12,345 numbers of contoso from Switchboard's inventory. Teams is not touched" in shown
    assert "the audit trail keeps every deleted number" in shown


def test_delete_asks_the_operator_to_type_the_tenant() -> None:
    confirm = inputs(valid(delete_inventory_card(FLOW, tenant=TENANT, count=3)))["confirm"]
    assert (confirm["label"], confirm["placeholder"], confirm["maxLength"]) == (
        "Type contoso to confirm",
        "contoso",
        64,
    )
    assert "value" not in confirm, "the card must never type the confirmation for the operator"


def test_delete_offers_a_destructive_delete_and_a_cancel_for_its_flow() -> None:
    drawn = valid(delete_inventory_card(FLOW, tenant=TENANT, count=3))
    assert buttons(drawn) == [("Delete", "delete.confirm"), ("Cancel", "cancel")]
    assert action(drawn, "delete.confirm")["style"] == "destructive"
    assert action(drawn, "delete.confirm")["data"] == {**FLOW.data(), "verb": "delete.confirm"}
    assert_actions_belong_to(drawn, FLOW)


def test_a_mistyped_confirmation_is_said_on_the_card_in_bold() -> None:
    wrong = "'contso' is not contoso; nothing was deleted."
    drawn = valid(delete_inventory_card(FLOW, tenant=TENANT, count=3, message=wrong))
    assert (text_block(drawn, wrong)["color"], text_block(drawn, wrong)["weight"]) == (ATTENTION, "Bolder")
    assert "nothing was deleted" not in card_text(valid(delete_inventory_card(FLOW, tenant=TENANT, count=3)))


def test_an_import_says_how_many_were_added_and_already_there_with_the_options_given() -> None:
    drawn = valid(
        import_result_card(
            tenant=TENANT,
            range_label="+1 206 555 0100 - +1 206 555 1099",
            added=1000,
            existing=0,
            fields=[("Location", "Seattle"), ("Carrier", "Contoso Telecom")],
        )
    )
    assert card_text(drawn).splitlines()[:2] == ["Range imported", "Tenant contoso"]
    assert facts_of(drawn) == {
        "Range": "+1 206 555 0100 - +1 206 555 1099",
        "Added": "1,000",
        "Already there": "0",
        "Location": "Seattle",
        "Carrier": "Contoso Telecom",
    }


def test_import_options_that_look_like_markup_are_shown_as_given() -> None:
    card = import_result_card(
        tenant=TENANT, range_label="+1 206 555 0100", added=1, existing=0, fields=[("Pool", MARKUP)]
    )
    assert_shown_as_given(card, MARKUP)
