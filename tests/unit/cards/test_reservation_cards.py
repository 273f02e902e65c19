"""`cards.reservations`: what `reserve` took, the list with Release and Extend per number, the owner's notes."""

from __future__ import annotations

from cards.reading import card_text
from cards.reservations import ReservationView, reservation_note, reservations_card, reserved_card
from tests.support.card_parts import MARKUP, actions_with_verb, valid
from tests.support.card_views import FLOW

DESK = ReservationView(
    7, "+1 206 555 0100", "olivia@contoso.test", "2026-12-31 23:59 UTC", "desk phone", "Adele Vance", "CHG-1", "Sales"
)


def test_one_reserved_number_is_named_in_the_title_with_what_it_was_reserved_as() -> None:
    shown = card_text(valid(reserved_card([DESK], tenant="contoso")))
    assert shown.splitlines()[:2] == ["Reserved +1 206 555 0100", "Tenant contoso"]
    assert "For\nAdele Vance\nOwner\nolivia@contoso.test\nUntil\n2026-12-31 23:59 UTC\nPurpose\ndesk phone" in shown


def test_each_listed_reservation_has_its_own_release_and_extend_carrying_its_id() -> None:
    other = ReservationView(8, "+1 206 555 0101", "megan@contoso.test", "no end")
    drawn = valid(reservations_card(FLOW, scope="Yours", items=[DESK, other], total=2, message="Released x."))
    assert [a["data"]["number"] for a in actions_with_verb(drawn, "reservations.release")] == [7, 8]
    assert [a["data"]["number"] for a in actions_with_verb(drawn, "reservations.extend")] == [7, 8]
    shown = card_text(drawn)
    assert "Yours: 2 reserved\nReleased x." in shown
    assert "for Adele Vance - by olivia@contoso.test - until 2026-12-31 23:59 UTC - ticket CHG-1 - pool Sales" in shown


def test_a_long_list_shows_25_and_says_how_many_there_are() -> None:
    many = [ReservationView(i, f"+1 206 555 {i:04d}", "o", "no end") for i in range(40)]
    drawn = valid(reservations_card(FLOW, scope="All", items=many, total=40))
    assert len(actions_with_verb(drawn, "reservations.release")) == 25
    assert "Showing 25 of 40." in card_text(drawn)


def test_the_notes_tell_the_owner_it_ends_soon_or_ended() -> None:
    soon = card_text(valid(reservation_note(DESK, tenant="contoso", ended=False)))
    assert soon.startswith("Reservation of +1 206 555 0100 ends 2026-12-31 23:59 UTC")
    assert "olivia@contoso.test: type reservations mine and press Extend to keep it." in soon
    ended = card_text(valid(reservation_note(DESK, tenant="contoso", ended=True)))
    assert "The number is available again." in ended


def test_what_operators_typed_is_shown_as_typed() -> None:
    typed = ReservationView(1, "+1 206 555 0100", MARKUP, "no end", MARKUP, MARKUP, "T")
    assert MARKUP in card_text(valid(reserved_card([typed], tenant="contoso")))
