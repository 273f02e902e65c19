"""`switchboard rules`, `rule-add`, `rule-move`, `rule-delete`: the chat's assignment rules from a shell
(the same service calls, audited the same way)."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from bot.cli.context import Commands, cli_context, tenant_command
from inventory.rules import Rule


def add_commands(commands: Commands) -> None:
    tenant_command(commands, "rules", run_rules, "the assignment rules, in the order they are tried")
    added = tenant_command(commands, "rule-add", run_add, "add a rule after the last one")
    added.add_argument("words", nargs="+", help="department=Sales [city=...] [group=...] pool=Sales [policy=...]")
    moved = tenant_command(commands, "rule-move", run_move, "move a rule to another position")
    moved.add_argument("position", type=int)
    moved.add_argument("to", type=int)
    deleted = tenant_command(commands, "rule-delete", run_delete, "delete a rule")
    deleted.add_argument("position", type=int)


def _print(console: Console, tenant: str, rules: list[Rule]) -> None:
    table = Table(title=f"{tenant}: {len(rules)} rule(s)", title_justify="left")
    for column in ("#", "When", "Pool", "Policy"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        when = " and ".join(f"{a}={v}" for a, v in rule.conditions)
        table.add_row(str(rule.position), when, rule.pool, rule.policy or "")
    console.print(table)


async def run_rules(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        _print(console, context.tenant, await context.services.rules.listing(context.tenant))
    return 0


async def run_add(arguments: argparse.Namespace, console: Console) -> int:
    # The shell has already split quoted values; put the quotes back around values with spaces.
    words = " ".join(f'{w.partition("=")[0]}="{w.partition("=")[2]}"' if " " in w else w for w in arguments.words)
    async with cli_context(arguments) as context:
        rule = await context.services.rules.add(context.tenant, words, context.actor)
        console.print(f"Added {rule.label}.", highlight=False, markup=False)
        _print(console, context.tenant, await context.services.rules.listing(context.tenant))
    return 0


async def run_move(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        rules = await context.services.rules.move(context.tenant, arguments.position, arguments.to, context.actor)
        _print(console, context.tenant, rules)
    return 0


async def run_delete(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        rule = await context.services.rules.delete(context.tenant, arguments.position, context.actor)
        console.print(f"Deleted {rule.label}.", highlight=False, markup=False)
    return 0
