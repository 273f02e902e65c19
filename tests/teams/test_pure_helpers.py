"""Pure helpers: retry timing, Retry-After parsing, OData quoting and parsing, JSON mapping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inventory.ports.phone_system import OperationStatus
from inventory.teams.mapping import (
    number_from_graph,
    operation_from_graph,
    user_configuration_from_graph,
    voice_routing_policy_from,
)
from inventory.teams.odata import (
    FilterNotSupported,
    function_path,
    literal,
    name_search_filter,
    parse_filter,
    parse_function_call,
)
from inventory.teams.retry import GraphTuning, backoff_seconds, next_poll_delay, retry_after_seconds
from tests.support.teams_fakes import EXACT_TUNING

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_the_cap_and_jitter_stays_below_the_ceiling() -> None:
    assert [backoff_seconds(EXACT_TUNING, attempt) for attempt in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    jittered = [backoff_seconds(GraphTuning(), 3) for _ in range(200)]
    assert all(2.0 <= wait <= 4.0 for wait in jittered)
    assert len(set(jittered)) > 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("2", 2.0), (" 7 ", 7.0), ("0", 0.0), ("Mon, 02 Mar 2026 09:00:30 GMT", 30.0), ("soon", None), ("-5", 0.0)],
)
def test_retry_after_reads_seconds_and_http_dates(header: str, seconds: float | None) -> None:
    assert retry_after_seconds({"Retry-After": header}, NOW) == seconds


def test_retry_after_is_absent_without_the_header() -> None:
    assert retry_after_seconds({}, NOW) is None


def test_polling_starts_at_a_quarter_second_and_settles_at_one_second_unless_teams_says_otherwise() -> None:
    delays: list[float] = []
    delay: float | None = None
    for _ in range(6):
        delay = next_poll_delay(EXACT_TUNING, delay, None, elapsed_seconds=10)
        delays.append(delay)
    assert delays == [0.25, 0.5, 1, 1, 1, 1]
    assert next_poll_delay(EXACT_TUNING, 1, 3, elapsed_seconds=10) == 3  # Retry-After wins


def test_an_operation_running_for_over_a_minute_is_looked_at_every_five_seconds() -> None:
    delays = []
    delay: float | None = 1.0
    for _ in range(4):
        delay = next_poll_delay(EXACT_TUNING, delay, None, elapsed_seconds=61)
        delays.append(delay)
    assert delays == [2, 4, 5, 5]


def test_odata_literals_double_their_quotes_and_round_trip_through_the_parser() -> None:
    text = name_search_filter("O'Brien")

    parsed = parse_filter(text)

    assert literal("O'Brien") == "'O''Brien'"
    assert parsed.connector == "or"
    assert [c.value for c in parsed.clauses] == ["O'Brien", "O'Brien"]
    assert parsed.matches({"displayName": "o'brien, ada", "userPrincipalName": None})
    assert not parsed.matches({"displayName": "Obrien", "userPrincipalName": "obrien@x"})


def test_filters_combine_equality_clauses_with_and() -> None:
    parsed = parse_filter("assignmentStatus eq 'unassigned' and numberType eq 'directRouting'")

    assert parsed.matches({"assignmentStatus": "unassigned", "numberType": "directRouting"})
    assert not parsed.matches({"assignmentStatus": "unassigned", "numberType": "callingPlan"})


@pytest.mark.parametrize("text", ["a eq 'x' and b eq 'y' or c eq 'z'", "a gt 3", "startswith(a,'x'", ""])
def test_filters_outside_the_supported_subset_are_refused(text: str) -> None:
    with pytest.raises(FilterNotSupported):
        parse_filter(text)


def test_function_paths_are_percent_encoded_and_parse_back() -> None:
    path = function_path("getPolicyId", type="OnlineVoiceRoutingPolicy", name="EU #1 / O'Neil")

    assert " " not in path
    assert "#" not in path
    assert "/" not in path
    name, arguments = parse_function_call(path.replace("%20", " ").replace("%23", "#").replace("%2F", "/"))
    assert name == "getPolicyId"
    assert arguments == {"type": "OnlineVoiceRoutingPolicy", "name": "EU #1 / O'Neil"}


def test_the_effective_voice_routing_policy_drops_the_tag_prefix_and_reads_global_as_default() -> None:
    def assignments(name: str) -> list[object]:
        return [
            {"policyType": "TeamsMeetingPolicy", "policyAssignment": {"displayName": "Tag:AllOn"}},
            {"policyType": "OnlineVoiceRoutingPolicy", "policyAssignment": {"displayName": name}},
        ]

    assert voice_routing_policy_from(assignments("Tag:US-National")) == "US-National"
    assert voice_routing_policy_from(assignments("EU-International")) == "EU-International"
    assert voice_routing_policy_from(assignments("Global")) is None
    assert voice_routing_policy_from(None) is None


def test_an_operation_reading_reports_failed_numbers_details_verbatim() -> None:
    document = {
        "id": "op-1",
        "status": "succeeded",
        "numbers": [
            {"status": "succeeded", "statusDetail": None},
            {"status": "failed", "statusDetail": "  Keep   my spacing. "},
        ],
    }

    reading = operation_from_graph(document)
    running = operation_from_graph({"id": "op-2", "status": "running", "numbers": [{"statusDetail": "x"}]})
    odd = operation_from_graph({"status": "somethingNew"})

    assert reading.final is OperationStatus.FAILED
    assert reading.detail == "  Keep   my spacing. "
    assert running.final is None
    assert running.detail is None
    assert running.operation_id == "op-2"
    assert odd.final is None


def test_graph_numbers_with_an_extension_keep_it_apart_wherever_teams_reports_them() -> None:
    listed = number_from_graph({"telephoneNumber": "+14255550100;ext=12", "assignmentStatus": "userAssigned"})
    configured = user_configuration_from_graph(
        {"id": "obj-1", "telephoneNumbers": [{"telephoneNumber": "tel:+14255550100;ext=12"}]}
    )
    assert listed is not None
    assert configured is not None
    assert (listed.number, listed.extension, listed.key) == ("+14255550100", "12", "+14255550100;ext=12")
    assert configured.numbers == (listed.key,)
