"""`switchboard`: the command line. Parses arguments, runs the command, reports refusals.

The commands live in the other modules of `bot.cli`; this module only routes and reports.
Exit codes: 0 done, 1 refused (bad input, a rule said no: the message says why), 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from typing import TextIO, cast

from rich.console import Console
from rich.text import Text

from bot.cli import demo_command, import_commands, lifecycle_commands, number_commands, serve, teams_commands
from bot.cli.context import db_upgrade
from bot.cli.event_loop import run_server
from inventory.errors import ImportRejected, SwitchboardError
from inventory.redaction import REDACTOR, install_log_redaction

log = logging.getLogger("switchboard")
SERVER_COMMANDS = frozenset({"serve", "demo"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="switchboard",
        description="Switchboard: the inventory of your Teams Phone numbers, and the bot that assigns them.",
    )
    parser.add_argument("--config", help="TOML settings file (default: $SWITCHBOARD_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations up to the newest schema")

    import_commands.add_commands(commands)
    number_commands.add_commands(commands)
    lifecycle_commands.add_commands(commands)
    teams_commands.add_commands(commands)
    serve.add_commands(commands)
    demo_command.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    install_log_redaction()
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
    except SwitchboardError as error:
        errors.print(Text(str(error), style="red"))
        return 1
    except KeyboardInterrupt:
        return 130


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
