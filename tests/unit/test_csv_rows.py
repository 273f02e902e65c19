"""Reading inventory CSVs as spreadsheets really produce them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inventory.csv_format import read_inventory_csv
from inventory.errors import ImportRejected


def test_a_bom_semicolons_and_odd_headers_are_understood() -> None:
    content = "\ufeffPhone Number;Site;Carrier;Number Type\n15551230000;Seattle;Contoso;CallingPlan\n".encode()
    parsed = read_inventory_csv(content)
    assert parsed.problems == []
    [row] = parsed.rows
    assert (row.number, row.location, row.carrier, row.number_type) == (
        "+15551230000",
        "Seattle",
        "Contoso",
        "callingPlan",
    )


def test_tab_separated_files_are_understood() -> None:
    parsed = read_inventory_csv("number\tpool\n+15551230000\tSales\n")
    assert parsed.rows[0].pool == "Sales"


def test_unknown_columns_are_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(ImportRejected, match=r"Unknown column\(s\): 'loaction'\. Known columns: number, extension"):
        read_inventory_csv("number,loaction\n+15551230000,Seattle\n")


def test_a_file_without_a_number_column_is_refused() -> None:
    with pytest.raises(ImportRejected, match="no 'number' column"):
        read_inventory_csv("location,carrier\nSeattle,Contoso\n")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ImportRejected, match="empty"):
        read_inventory_csv(b"")


def test_a_row_with_too_many_fields_is_a_problem_not_a_crash() -> None:
    parsed = read_inventory_csv("number,location\n+15551230000,Seattle, WA\n")
    assert parsed.problems == ["line 2: 3 fields but the header has 2; is a value missing its quotes?"]


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    parsed = read_inventory_csv("number\n\n+15551230000\n\nnope\n")
    assert [r.line for r in parsed.rows] == [3]
    assert parsed.problems[0].startswith("line 5: 'nope'")


def test_an_unknown_number_type_or_status_is_named() -> None:
    parsed = read_inventory_csv("number,type,status\n+15551230000,landline,\n+15551230001,,free\n")
    assert parsed.problems == [
        "line 2: 'landline' is not a number type; use one of directRouting, callingPlan, operatorConnect",
        "line 3: status 'free' is not a status; a file may set available, blocked, reserved.",
    ]


def test_export_only_columns_are_accepted_and_ignored() -> None:
    parsed = read_inventory_csv("number,assignee_name,updated_at\n+15551230000,Adele Vance,2026-01-01\n")
    assert parsed.problems == []
    assert parsed.columns == ("number",)


def test_two_hundred_thousand_rows_are_read_with_every_bad_line_reported() -> None:
    lines = ["number"] + [f"+1555{i:07d}" for i in range(200_000)]
    lines[1000] = "bad-number"
    parsed = read_inventory_csv("\n".join(lines))
    assert len(parsed.rows) == 199_999
    assert parsed.problems == [
        "line 1001: 'bad-number' is not a phone number I can read; write it in E.164 form, for example +15551234567."
    ]


def test_a_file_of_blank_lines_is_empty_and_one_with_a_late_header_is_read_as_csv() -> None:
    with pytest.raises(ImportRejected, match="The file is empty"):
        read_inventory_csv(b"  \n\n \n")
    with pytest.raises(ImportRejected, match="no 'number' column"):
        read_inventory_csv(" \n\n  x\n")


def test_reservation_columns_are_read_under_their_spreadsheet_names() -> None:
    parsed = read_inventory_csv(
        "Number,Reserved For,Until,Purpose,Ticket\n+15551230000,Adele Vance,2027-01-31T17:00:00+01:00,desk,CHG-1\n"
    )
    [row] = parsed.rows
    assert row.reservation is not None
    assert (row.reservation.for_name, row.reservation.note, row.reservation.ticket) == ("Adele Vance", "desk", "CHG-1")
    assert row.reservation.until == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)
    assert row.reservation.owner is None  # whoever imports it
