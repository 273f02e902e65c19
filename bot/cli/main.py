"""`switchboard`: the command line. Parses arguments, runs the command, reports refusals.

The commands live in the other modules of `bot.cli`; this module only routes and reports.
Exit codes: 0 done, 1 refused (bad input, a rule said no: the message says why), 2 usage error (also: a
command that needs a tenant when none is configured), 3 drift found by `sync`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TextIO, cast

from rich.console import Console
from rich.text import Text

from bot.cli import (
    capacity_commands,
    demo_command,
    import_commands,
    lifecycle_commands,
    number_commands,
    rule_commands,
    serve,
    teams_commands,
)
from bot.cli.context import UsageError, db_upgrade
from bot.cli.event_loop import run_server
from inventory.errors import ImportRejected, SwitchboardError
from inventory.json_logs import configure_logging
from inventory.redaction import REDACTOR, install_log_redaction

log = logging.getLogger("switchboard")
SERVER_COMMANDS = frozenset({"serve", "demo"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="switchboard",
        description="Switchboard: the inventory of your Teams Phone numbers, and the bot that assigns them.",
    )
    parser.add_argument("--config", help="TOML settings file (default: $SWITCHBOARD_CONFIG)")
    parser.add_argument("--version", action="version", version=f"switchboard {installed_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        help="log lines on stderr as key=value text or one JSON object each (default: $SWITCHBOARD_LOG_FORMAT or text)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations up to the newest schema")

    import_commands.add_commands(commands)
    number_commands.add_commands(commands)
    lifecycle_commands.add_commands(commands)
    capacity_commands.add_commands(commands)  # issue 16
    rule_commands.add_commands(commands)  # issue 16
    teams_commands.add_commands(commands)
    serve.add_commands(commands)
    demo_command.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    install_log_redaction()
    try:
        configure_logging(level=log_level(arguments), json_lines=log_format(arguments) == "json")
    except UsageError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    console = Console(file=cast(TextIO, RedactingStream(sys.stdout)))  # rich needs only write and flush
    errors = Console(file=cast(TextIO, RedactingStream(sys.stderr)))
    try:
        run = run_server if arguments.command in SERVER_COMMANDS else asyncio.run
        return run(dispatch(arguments, console)) or 0
    except ImportRejected as rejected:
        errors.print(Text(str(rejected), style="red"))
        for problem in rejected.problems[:200]:
            errors.print(f"  {problem}", highlight=False, markup=False)
        if len(rejected.problems) > 200:
            errors.print(f"  ... and {len(rejected.problems) - 200:,} more", highlight=False)
        return 1
    except UsageError as error:
        errors.print(Text(str(error), style="red"))
        return 2
    except SwitchboardError as error:
        errors.print(Text(str(error), style="red"))
        return 1
    except KeyboardInterrupt:
        return 130


def installed_version() -> str:
    try:
        return version("switchboard")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def log_format(arguments: argparse.Namespace) -> str:
    chosen = arguments.log_format or os.environ.get("SWITCHBOARD_LOG_FORMAT", "text").strip().lower() or "text"
    if chosen not in ("text", "json"):
        raise UsageError(f"SWITCHBOARD_LOG_FORMAT must be text or json, not '{chosen}'.")
    return str(chosen)


def log_level(arguments: argparse.Namespace) -> int:
    """-v: debug; else $SWITCHBOARD_LOG_LEVEL; else info for the servers (their log is the operator's
    view of them) and warnings only for one-shot commands (their output is the answer)."""
    if arguments.verbose:
        return logging.DEBUG
    named = os.environ.get("SWITCHBOARD_LOG_LEVEL", "").strip().upper()
    if named:
        level = logging.getLevelNamesMapping().get(named)
        if level is None:
            raise UsageError(f"SWITCHBOARD_LOG_LEVEL must be debug, info, warning or error, not '{named.lower()}'.")
        return level
    return logging.INFO if arguments.command in SERVER_COMMANDS else logging.WARNING


class RedactingStream:
    """What the CLI prints passes the redactor: upstream error text may carry a secret."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(REDACTOR.redact(text))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return self._stream.encoding


async def dispatch(arguments: argparse.Namespace, console: Console) -> int:
    handler = getattr(arguments, "handler", None)
    if arguments.command == "db":
        return await db_upgrade(arguments, console)
    if handler is None:
        raise SwitchboardError(f"Unknown command {arguments.command}.")
    result: int = await handler(arguments, console)
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] if len(sys.argv) > 1 else os.environ.get("SWITCHBOARD_ARGS", "--help").split()))
