"""The countdown of a quarantined number, as cards show it: rounded up, in hours on its last day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inventory.quarantine import countdown

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_days_are_rounded_up_so_a_number_is_never_back_earlier_than_it_says() -> None:
    assert countdown(NOW + timedelta(days=11, hours=5), NOW) == "back in the pool in 12 days"


def test_the_last_day_counts_in_hours() -> None:
    assert countdown(NOW + timedelta(minutes=30), NOW) == "back in the pool in 1 hour"
    assert countdown(NOW + timedelta(hours=5, minutes=1), NOW) == "back in the pool in 6 hours"


def test_a_quarantine_that_is_over_waits_only_for_the_next_expiry_run() -> None:
    assert countdown(NOW - timedelta(seconds=1), NOW) == "back in the pool within a minute"


def test_a_quarantine_without_an_end_says_who_ends_it() -> None:
    assert countdown(None, NOW) == "in quarantine until an admin ends it"
