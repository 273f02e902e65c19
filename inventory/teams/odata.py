"""The little OData Switchboard speaks: quoted literals, startswith/eq filters, function-call paths.

Both sides live here so the client's escaping and the stand-in's parsing cannot disagree: a name with
an apostrophe (O'Brien) is written `'O''Brien'` and read back as `O'Brien`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

_LITERAL = r"'((?:[^']|'')*)'"
_CLAUSE = re.compile(
    rf"\s*(?:startswith\(\s*(?P<sw_field>[\w/]+)\s*,\s*{_LITERAL}\s*\)"
    rf"|(?P<eq_field>[\w/]+)\s+eq\s+'(?P<eq_value>(?:[^']|'')*)')\s*",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(r"(and|or)\b", re.IGNORECASE)
_CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)$", re.DOTALL)
_ARGUMENT = re.compile(rf"\s*(\w+)\s*=\s*{_LITERAL}\s*(?:,|$)")


class FilterNotSupported(ValueError):
    """A $filter (or function call) outside the subset Switchboard and the stand-in understand."""


def query_string(params: Mapping[str, str | int]) -> str:
    """OData query text with `+` and spaces escaped (Graph, like most servers, reads a bare `+` as a space)."""
    return "&".join(
        f"{quote(key, safe='$')}={quote(str(value), safe=chr(39) + '(),')}" for key, value in params.items()
    )


def literal(value: str) -> str:
    """An OData string literal: single quotes, inner quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def unquote_literal(value: str) -> str:
    return value.replace("''", "'")


def name_search_filter(query: str) -> str:
    """Accounts whose display name or UPN starts with `query` (Graph compares case-insensitively)."""
    quoted = literal(query)
    return f"startswith(displayName,{quoted}) or startswith(userPrincipalName,{quoted})"


def function_path(function: str, /, **arguments: str) -> str:
    """`getPolicyId(type='X',name='Y')`, percent-encoded for a URL path (names may hold spaces, # or /)."""
    rendered = ",".join(f"{key}={quote(literal(value), safe=chr(39))}" for key, value in arguments.items())
    return f"{function}({rendered})"


@dataclass(frozen=True)
class Clause:
    operator: str  # "eq" or "startswith"
    field: str
    value: str


@dataclass(frozen=True)
class ParsedFilter:
    connector: str  # "and" or "or" ("and" for a single clause)
    clauses: tuple[Clause, ...]

    def matches(self, fields: dict[str, str | None]) -> bool:
        """Evaluate against a record's string fields; startswith ignores case, as Graph does."""
        results = (_clause_matches(clause, fields.get(clause.field)) for clause in self.clauses)
        return any(results) if self.connector == "or" else all(results)


def parse_filter(text: str) -> ParsedFilter:
    """Parse `a eq 'x' and b eq 'y'` or `startswith(a,'x') or startswith(b,'x')`; no mixing, no nesting."""
    clauses: list[Clause] = []
    connectors: set[str] = set()
    position = 0
    while True:
        match = _CLAUSE.match(text, position)
        if match is None:
            raise FilterNotSupported(f"Unsupported $filter near: {text[position : position + 40]!r}")
        if match.group("sw_field"):
            clauses.append(Clause("startswith", match.group("sw_field"), unquote_literal(match.group(2))))
        else:
            clauses.append(Clause("eq", match.group("eq_field"), unquote_literal(match.group("eq_value"))))
        position = match.end()
        if position >= len(text):
            break
        connector = _CONNECTOR.match(text, position)
        if connector is None:
            raise FilterNotSupported(f"Unsupported $filter near: {text[position : position + 40]!r}")
        connectors.add(connector.group(1).lower())
        position = connector.end()
    if len(connectors) > 1:
        raise FilterNotSupported("Mixing 'and' and 'or' in one $filter is not supported here.")
    return ParsedFilter(connectors.pop() if connectors else "and", tuple(clauses))


def parse_function_call(segment: str) -> tuple[str, dict[str, str]]:
    """`getPolicyId(type='A',name='B')` (already URL-decoded) -> ("getPolicyId", {"type": "A", "name": "B"})."""
    match = _CALL.match(segment)
    if match is None:
        raise FilterNotSupported(f"Not a function call: {segment[:60]!r}")
    arguments: dict[str, str] = {}
    text, position = match.group("args"), 0
    while position < len(text):
        argument = _ARGUMENT.match(text, position)
        if argument is None:
            raise FilterNotSupported(f"Unreadable arguments in {segment[:60]!r}")
        arguments[argument.group(1)] = unquote_literal(argument.group(2))
        position = argument.end()
    return match.group("name"), arguments


def _clause_matches(clause: Clause, actual: str | None) -> bool:
    if actual is None:
        return False
    if clause.operator == "startswith":
        return actual.lower().startswith(clause.value.lower())
    return actual == clause.value
