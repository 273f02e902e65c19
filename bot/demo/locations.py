"""Where one demo keeps its state (one directory) and which ports it asks for.

Everything a demo keeps lives under one directory (`var/demo/` by default): the tenant's state file, the
SQLite database, the Playground's config and logs, and the bot's log, so a second start reuses them and
`reset()` (or deleting the directory) starts over.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.demo.playground import DEFAULT_PORT
from inventory.errors import ConfigurationError

DEFAULT_DIR: Final = Path("var") / "demo"
DEFAULT_BOT_PORT: Final = 3978


@dataclass(frozen=True)
class DemoPaths:
    """Where one demo keeps its state."""

    root: Path

    @property
    def tenant_file(self) -> Path:
        return self.root / "tenant.json"

    @property
    def database(self) -> Path:
        return self.root / "switchboard.db"

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database.resolve()}"

    @property
    def playground_dir(self) -> Path:
        return self.root / "playground"

    @property
    def bot_log(self) -> Path:
        return self.root / "switchboard.log"

    def reset(self) -> None:
        """Forget the tenant and the database: the next start seeds afresh. Only the demo's own files go."""
        for path in (self.tenant_file, self.database, self.bot_log):
            for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                file.unlink(missing_ok=True)
        shutil.rmtree(self.playground_dir, ignore_errors=True)


@dataclass(frozen=True)
class DemoPorts:
    """Ports asked for. A busy one is replaced by a free one (the real ports are on RunningDemo); 0 = any."""

    bot: int = DEFAULT_BOT_PORT
    playground: int = DEFAULT_PORT
    graph: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DemoPorts:
        """PORT (the bot), PLAYGROUND_PORT and GRAPH_PORT, when set."""
        return cls(
            bot=_port(env, "PORT", DEFAULT_BOT_PORT),
            playground=_port(env, "PLAYGROUND_PORT", DEFAULT_PORT),
            graph=_port(env, "GRAPH_PORT", 0),
        )


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) > 65535:
        raise ConfigurationError(f"{name} must be a port number (0-65535), not '{text}'.")
    return int(text)
