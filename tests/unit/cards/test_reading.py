"""`cards.reading`: the bot tests and benchmarks read a card as an operator does, so the reader must see
what an operator sees, and only that."""

from __future__ import annotations

from cards.assign import account_card
from cards.elements import action_set, card, columns, container, execute, facts, heading, input_text, text
from cards.reading import card_text, execute_actions
from tests.support.card_parts import valid
from tests.support.card_views import FLOW, account


def test_card_text_reads_headings_facts_inputs_and_buttons_in_card_order() -> None:
    drawn = valid(
        card(
            [
                *heading("Remove a number", "Confirm"),
                facts([("Number", "+1 206 555 0100")]),
                input_text("confirm", label="Type contoso to confirm", value="cont", placeholder="contoso"),
            ],
            [execute("Remove", "remove.confirm", FLOW.data())],
        )
    )
    assert card_text(drawn).splitlines() == [
        "Remove a number",
        "Confirm",
        "Number",
        "+1 206 555 0100",
        "Type contoso to confirm",
        "cont",
        "contoso",
        "Remove",
    ]


def test_card_text_leaves_out_ids_verbs_and_what_a_button_sends() -> None:
    drawn = valid(
        card(
            [input_text("account_search", label="Find a user")],
            [execute("Pick", "picker.pick", FLOW.data(number=1234))],
        )
    )
    shown = card_text(drawn)
    for hidden in ("account_search", "picker.pick", FLOW.flow_id, "1234", "Input.Text", "Action.Execute"):
        assert hidden not in shown


def test_card_text_of_a_card_without_words_is_empty() -> None:
    assert card_text(valid(card([]))) == ""


def test_card_text_leaves_out_the_ids_behind_a_drop_downs_choices() -> None:
    many = [account(i) for i in range(8)]
    drawn = valid(account_card(FLOW, many))
    assert many[0].choice_title in card_text(drawn)
    assert many[0].id not in card_text(drawn)


def test_execute_actions_finds_every_button_wherever_it_sits_in_card_order() -> None:
    drawn = valid(
        card(
            [
                action_set([execute("Find", "assign.search", FLOW.data())]),
                container(
                    [
                        columns(
                            ([text("+1 206 555 0100")], "stretch"), ([action_set([execute("Pick", "p", {})])], "auto")
                        )
                    ]
                ),
            ],
            [execute("Cancel", "cancel", FLOW.data())],
        )
    )
    assert [found["title"] for found in execute_actions(drawn)] == ["Find", "Pick", "Cancel"]


def test_execute_actions_ignores_buttons_that_are_not_universal_actions() -> None:
    drawn = valid(
        card(
            [text("Docs")],
            [
                {"type": "Action.OpenUrl", "title": "Read the docs", "url": "https://example.com"},
                {"type": "Action.Submit", "title": "Classic", "data": {"verb": "sync"}},
                execute("Sync", "command", {"command": "sync"}),
            ],
        )
    )
    assert [found["title"] for found in execute_actions(drawn)] == ["Sync"]
