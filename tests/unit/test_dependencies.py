"""The layers' import rules, read from the source: dependencies point one way.

`bot -> inventory.services -> inventory.ports <- adapters (inventory.store, inventory.teams)`; the domain,
the ports, the services and the cards stay free of the database, HTTP, token and Bot Framework libraries;
botbuilder stays inside bot/ (so moving to the Microsoft 365 Agents SDK touches one package), and the
flows touch neither the store nor botbuilder.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IO_LIBRARIES = ("sqlalchemy", "aiohttp", "msal", "requests", "botbuilder", "botframework", "msrest", "alembic")
BOT_FRAMEWORK = ("botbuilder", "botframework", "msrest")
# The pure core and the ports: values, rules, records and Protocols only.
PURE = (
    "inventory/model.py",
    "inventory/pacing",  # how fast to drive Teams: arithmetic and asyncio only, below both adapters
    "inventory/transitions.py",
    "inventory/e164.py",
    "inventory/errors.py",
    "inventory/audit.py",
    "inventory/journal.py",
    "inventory/flows.py",
    "inventory/notifications.py",
    "inventory/number_query.py",
    "inventory/csv_format.py",
    "inventory/import_plan.py",
    "inventory/sync",
    "inventory/ports",
)


def imports_of(source: str) -> Iterator[str]:
    """Every module an import statement names, wherever it stands (inside functions too)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def modules_under(*places: str) -> Iterator[Path]:
    for place in places:
        path = ROOT / place
        yield from [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def offenders(places: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """`file: module` for every import under `places` of a module in (or below) `forbidden`."""
    found = []
    for path in modules_under(*places):
        for module in imports_of(path.read_text(encoding="utf-8")):
            if any(module == name or module.startswith(name + ".") for name in forbidden):
                found.append(f"{path.relative_to(ROOT)}: {module}")
    return found


@pytest.mark.parametrize("place", ["inventory/services", *PURE, "cards"])
def test_the_core_and_the_cards_import_no_database_http_token_or_bot_framework_library(place: str) -> None:
    assert offenders((place,), IO_LIBRARIES) == []


def test_the_services_reach_the_database_and_teams_only_through_the_ports() -> None:
    assert offenders(("inventory/services",), ("inventory.store", "inventory.teams")) == []


def test_nothing_outside_bot_imports_the_bot_framework() -> None:
    outside = [p for p in ("cards", "inventory", "bench") if (ROOT / p).exists()]
    assert offenders(tuple(outside), BOT_FRAMEWORK) == []


def test_the_flows_touch_neither_the_store_nor_the_bot_framework() -> None:
    assert offenders(("bot/flows", "bot/turn.py", "bot/operator.py"), ("inventory.store", *BOT_FRAMEWORK)) == []


def test_the_cards_know_only_cards() -> None:
    assert offenders(("cards",), ("inventory", "bot")) == []


def test_the_inventory_never_imports_the_bot() -> None:
    assert offenders(("inventory",), ("bot",)) == []


def test_the_checker_sees_every_form_of_import_even_inside_a_function() -> None:
    source = "import sqlalchemy.ext\nfrom aiohttp import web\n\ndef later():\n    from botbuilder.core import X\n"
    assert list(imports_of(source)) == ["sqlalchemy.ext", "aiohttp", "botbuilder.core"]
