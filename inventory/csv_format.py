"""The inventory CSV: the columns `switchboard export` writes, and reading a file into checked rows. Pure.

Carriers and spreadsheets produce every variation: a UTF-8 BOM, semicolons (European Excel), tabs,
headers in any case, numbers without their `+`. We accept those; we refuse unknown columns (a typo
like `loaction` would otherwise drop data silently) and name every bad line with its reason. An export
reads back as the same inventory: its columns about Teams' side are ignored, its reservations are read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, TextIO

from inventory.csv_reservations import RESERVATION_COLUMNS, CsvReservation, read_reservation
from inventory.e164 import parse_number, plain_e164
from inventory.errors import ImportRejected, InvalidNumber
from inventory.model import NumberStatus, NumberType, PhoneNumber

MAX_ROWS = 1_000_000
CHUNK = 5_000  # rows read, checked and written at a time
EXPORT_COLUMNS = (
    "number",
    "extension",
    "number_type",
    "status",
    "location",
    "range",
    "carrier",
    "pool",
    "tags",
    "notes",
    "emergency_location_id",
    "assignee_name",
    "assignee_upn",
    "assignee_type",
    "voice_routing_policy",
    "activation_state",
    "hold_owner",
    "hold_expires_at",
    "quarantined_until",
    "updated_at",
    "last_modified_by",
    # Appended, so spreadsheets built on the columns above keep working: a reservation's who, whom and why.
    "hold_owner_name",
    "hold_for_name",
    "hold_ticket",
    "hold_note",
    "hold_for_id",
)
IMPORTABLE_STATUSES = (NumberStatus.AVAILABLE, NumberStatus.BLOCKED)

# Canonical column -> accepted header spellings (compared lower-case, without spaces, '_' and '-').
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("number", "phonenumber", "telephonenumber", "lineuri", "did", "e164"),
    "extension": ("extension", "ext"),
    "number_type": ("numbertype", "type"),
    "status": ("status",),
    "location": ("location", "site", "city"),
    "range_label": ("range", "rangelabel", "numberrange"),
    "carrier": ("carrier", "operator", "provider"),
    "pool": ("pool", "department"),
    "tags": ("tags", "tag"),
    "notes": ("notes", "note", "comment", "comments"),
    "emergency_location_id": ("emergencylocationid", "emergencylocation", "locationid"),
    **RESERVATION_COLUMNS,
}
_HEADER_LOOKUP = {spelling: column for column, spellings in COLUMNS.items() for spelling in spellings}
# Columns `switchboard export` writes that describe Teams' side: accepted on re-import so an export can
# round-trip, and ignored (who holds a number comes from Teams, not a spreadsheet). A reservation's
# columns are read (`csv_reservations`).
READ_ONLY_COLUMNS = tuple(c for c in EXPORT_COLUMNS if c.replace("_", "") not in _HEADER_LOOKUP)
_IGNORED = {column.replace("_", "") for column in READ_ONLY_COLUMNS}
_TAG_SPLIT = re.compile(r"[|;]")
_TEXT_LIMITS = {
    "location": 128,
    "range_label": 64,
    "carrier": 128,
    "pool": 128,
    "notes": 2000,
    "emergency_location_id": 64,
}
_SHORTEST_LIMIT = min(_TEXT_LIMITS.values())


def export_row(number: PhoneNumber) -> list[str]:
    assignee, held = number.assignee, number.hold
    values: list[object] = [
        number.number,
        number.extension,
        number.number_type.value,
        number.status.value,
        number.location,
        number.range_label,
        number.carrier,
        number.pool,
        "|".join(number.tags),
        number.notes,
        number.emergency_location_id,
        assignee.display_name if assignee else None,
        assignee.upn if assignee else None,
        assignee.account_type.value if assignee else None,
        number.voice_routing_policy,
        number.activation_state.value if number.activation_state else None,
        held.owner if held else None,
        held.expires_at.isoformat() if held and held.expires_at else None,
        number.quarantined_until.isoformat() if number.quarantined_until else None,
        number.updated_at.isoformat() if number.updated_at else None,
        number.last_modified_by,
        held.owner_name if held else None,
        held.for_name if held else None,
        held.ticket if held else None,
        held.note if held else None,
        held.for_id if held else None,
    ]
    return ["" if value is None else str(value) for value in values]


class CsvRow(NamedTuple):
    """One valid line. A named tuple: a million of them are made, at a fifth of a frozen dataclass's cost."""

    line: int
    number: str
    extension: str
    number_type: NumberType | None
    status: NumberStatus | None
    location: str | None
    range_label: str | None
    carrier: str | None
    pool: str | None
    tags: tuple[str, ...]
    notes: str | None
    emergency_location_id: str | None
    reservation: CsvReservation | None = None


@dataclass(frozen=True)
class ParsedCsv:
    rows: list[CsvRow]
    problems: list[str]  # "line 7: '+1 555' has the wrong number of digits ..."
    columns: tuple[str, ...]


@dataclass(frozen=True)
class CsvChunk:
    rows: list[CsvRow]
    problems: list[str]


class InventoryCsvReader:
    """A file read in chunks of at most `CHUNK` rows, so a million-row import never holds every row at once.

    The header is checked when the reader is made (`ImportRejected` for a file that is unusable as a
    whole); every other fault is a problem of its line. Duplicates are found across the whole file: the
    reader keeps each number's first line (as an int where it can, about 100 bytes a number).
    """

    def __init__(
        self, content: bytes | str, *, default_region: str | None = None, types_in_use: frozenset[str] = frozenset()
    ) -> None:
        stream = _text_stream(content)
        first_line = stream.readline()
        if not first_line.strip() and not _has_text(stream):
            raise ImportRejected("The file is empty; it needs a header line with at least a 'number' column.")
        stream.seek(0)
        self._reader = csv.reader(stream, dialect=_sniff(first_line))
        try:
            header = next(self._reader)
        except (csv.Error, StopIteration) as error:
            raise ImportRejected(f"The file is not readable as CSV: {error}.") from None
        self._columns = _map_header(header)
        self.columns = tuple(c for c in self._columns if c)
        self._region = default_region
        self._types = types_in_use
        self._seen: dict[object, int] = {}
        self._count = 0

    def chunks(self, size: int = CHUNK) -> Iterator[CsvChunk]:
        """The file's rows and problems, `size` rows at a time, in file order."""
        reader, rows, problems = self._reader, [], []
        try:
            for record in reader:
                line = reader.line_num
                if not "".join(record).strip():
                    continue
                self._count += 1
                if self._count > MAX_ROWS:
                    raise ImportRejected(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
                try:
                    row = _row(line, record, self._columns, self._region, self._types)
                except (InvalidNumber, ValueError) as error:
                    problems.append(f"line {line}: {error}")
                    continue
                key: object = int(row.number[1:]) if not row.extension else (row.number, row.extension)
                first = self._seen.setdefault(key, line)
                if first != line:
                    problems.append(f"line {line}: {row.number} repeats line {first}.")
                    continue
                rows.append(row)
                if len(rows) >= size:
                    yield CsvChunk(rows, problems)
                    rows, problems = [], []
        except csv.Error as error:
            raise ImportRejected(f"The file is not valid CSV near line {reader.line_num}: {error}.") from None
        if rows or problems:
            yield CsvChunk(rows, problems)


def read_inventory_csv(
    content: bytes | str, *, default_region: str | None = None, types_in_use: frozenset[str] = frozenset()
) -> ParsedCsv:
    """Parse the whole file; raises `ImportRejected` only when the file as a whole is unusable.

    A number type Switchboard does not list is accepted only when it is in `types_in_use` (Teams reported
    it for the tenant, so an export of it reads back); anything else is a typo to report.
    """
    reader = InventoryCsvReader(content, default_region=default_region, types_in_use=types_in_use)
    rows: list[CsvRow] = []
    problems: list[str] = []
    for chunk in reader.chunks():
        rows += chunk.rows
        problems += chunk.problems
    return ParsedCsv(rows, problems, reader.columns)


def _has_text(stream: TextIO) -> bool:
    """Whether anything but white space follows, read a block at a time (the file may be large)."""
    while block := stream.read(65_536):
        if block.strip():
            return True
    return False


def _text_stream(content: bytes | str) -> TextIO:
    """The file as text without a second copy of it: bytes are decoded as they are read."""
    if isinstance(content, str):
        return io.StringIO(content.removeprefix("\ufeff"), newline="")
    return io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")


def _sniff(first_line: str) -> type[csv.Dialect] | csv.Dialect:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    dialect = csv.excel_tab if delimiter == "\t" else csv.excel
    if delimiter == ";":

        class Semicolon(csv.excel):
            delimiter = ";"

        return Semicolon
    return dialect


def _map_header(header: list[str]) -> list[str | None]:
    mapped: list[str | None] = []
    unknown: list[str] = []
    for cell in header:
        key = re.sub(r"[\s_\-]", "", cell.strip().lower())
        column = _HEADER_LOOKUP.get(key)
        if key in _IGNORED:
            mapped.append(None)
            continue
        if column is None and cell.strip():
            unknown.append(cell.strip())
        if column is not None and column in mapped:
            raise ImportRejected(f"The column '{cell.strip()}' appears twice in the header.")
        mapped.append(column)
    if unknown:
        known = ", ".join(COLUMNS)
        raise ImportRejected(f"Unknown column(s): {', '.join(repr(u) for u in unknown)}. Known columns: {known}.")
    if "number" not in mapped:
        raise ImportRejected(f"The header has no 'number' column (it reads: {', '.join(header)}).")
    return mapped


def _row(
    line: int, record: list[str], columns: list[str | None], default_region: str | None, types_in_use: frozenset[str]
) -> CsvRow:
    if len(record) > len(columns):
        raise ValueError(f"{len(record)} fields but the header has {len(columns)}; is a value missing its quotes?")
    # Hot: a million rows pass here, so the common row (short cells, no tags, no reservation) takes the
    # cheap branches, and blank cells are dropped once.
    values = {column: text for column, cell in zip(columns, record, strict=False) if column and (text := cell.strip())}
    raw_number = values.get("number")
    if not raw_number:
        raise ValueError("the number is empty.")
    number = plain_e164(raw_number)  # most files: no parsing needed
    parsed = (number, "") if number else parse_number(raw_number, default_region=default_region).as_pair()
    extension = values.get("extension") or parsed[1]
    if extension and not extension.isdigit():
        raise ValueError(f"extension '{extension}' is not digits.")
    type_text = values.get("number_type")
    if max(map(len, values.values())) > _SHORTEST_LIMIT:
        for column, limit in _TEXT_LIMITS.items():
            if len(values.get(column, "")) > limit:
                raise ValueError(f"{column} is longer than {limit} characters.")
    tags_text = values.get("tags")
    tags = tuple(sorted({t.strip() for t in _TAG_SPLIT.split(tags_text) if t.strip()})) if tags_text else ()
    if any("," in tag for tag in tags):
        raise ValueError("a tag cannot contain a comma; separate tags with | or ;.")
    status_text = values.get("status", "")
    reservation, transient = (
        read_reservation(values, status_text)
        if status_text or not values.keys().isdisjoint(RESERVATION_COLUMNS)
        else (None, False)
    )
    return CsvRow(
        line=line,
        number=parsed[0],
        extension=extension,
        number_type=_number_type(type_text, types_in_use) if type_text else None,
        status=None if transient else _status(status_text),
        location=values.get("location"),
        range_label=values.get("range_label"),
        carrier=values.get("carrier"),
        pool=values.get("pool"),
        tags=tags,
        notes=values.get("notes"),
        emergency_location_id=values.get("emergency_location_id"),
        reservation=reservation,
    )


def _status(text: str) -> NumberStatus | None:
    if not text:
        return None
    try:
        return NumberStatus(text.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in (*IMPORTABLE_STATUSES, NumberStatus.RESERVED))
        raise ValueError(f"status '{text}' is not a status; a file may set {allowed}.") from None


def _number_type(text: str, types_in_use: frozenset[str]) -> NumberType:
    return NumberType(text.strip()) if text.strip() in types_in_use else NumberType.parse(text)
