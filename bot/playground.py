"""The Microsoft 365 Agents Playground as Switchboard's local Teams: its config file and its process.

`make run` and the end-to-end tests use this module to write `.m365agentsplayground.yml` with Switchboard's
demo people, start the Playground against a bot endpoint, learn the port it really took, and stop it again.
The demo identities live here so the bot's composition root can make the Playground's current user an admin.

Facts this code relies on (checked with @microsoft/m365agentsplayground 0.2.28, see docs/playground-notes.md):
- the config schema accepts version "0.1.0"/"0.1.1" and exactly five `users`; the user key is spelled
  `userPrincipleName`; there is one team whose General channel id is the team id, plus at most one channel;
- the config is parsed with a YAML 1.2 parser, so JSON-quoted scalars are safe for any name or id;
- the server prints `Listening on <port>` and silently moves to another port when the one asked for is busy;
- `GET /_debug/ping` answers once the server is up; `TEAMSAPPTESTER_BROWSER=none` stops it opening a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Final

import aiohttp

logger = logging.getLogger(__name__)

CONFIG_FILE_NAME: Final = ".m365agentsplayground.yml"
CONFIG_VERSION: Final = "0.1.1"
DEFAULT_PORT: Final = 56150
REQUIRED_USER_COUNT: Final = 5
_REPO_ROOT: Final = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(rb"Listening on (\d+)")


class PlaygroundError(RuntimeError):
    """The Playground could not be configured or did not come up; the message says what to look at."""


@dataclass(frozen=True)
class DemoUser:
    """One person in the Playground's fake tenant, with the ids Teams would put on an activity's `from`."""

    id: str  # the Teams user id (`29:...`): activity.from.id
    name: str
    user_principal_name: str
    aad_object_id: str  # activity.from.aadObjectId: what Switchboard keys operators on
    given_name: str
    surname: str

    @property
    def email(self) -> str:
        return self.user_principal_name


@dataclass(frozen=True)
class DemoTeam:
    """The single team the Playground models: General (whose id is the team id) plus one named channel."""

    id: str
    name: str
    aad_group_id: str
    channel_id: str
    channel_name: str


@dataclass(frozen=True)
class DemoIdentities:
    """Everything the Playground's fake tenant is made of, importable by the bot and the tests."""

    tenant_id: str
    bot_id: str
    bot_name: str
    current_user: DemoUser
    users: tuple[DemoUser, ...]
    personal_chat_id: str
    group_chat_id: str
    group_chat_name: str
    team: DemoTeam


def _user(n: int, given: str, surname: str, login: str) -> DemoUser:
    return DemoUser(
        id=f"29:switchboard-demo-user-{n}",
        name=f"{given} {surname}",
        user_principal_name=f"{login}@contoso.test",
        aad_object_id=f"aaaaaaaa-0000-4000-8000-{n:012d}",
        given_name=given,
        surname=surname,
    )


OLIVIA_OPERATOR: Final = _user(1, "Olivia", "Operator", "olivia")

DEMO_IDENTITIES: Final = DemoIdentities(
    tenant_id="11111111-1111-4111-8111-111111111111",
    bot_id="28:switchboard-dev-bot",
    bot_name="Switchboard",
    current_user=OLIVIA_OPERATOR,
    users=(
        _user(11, "Adele", "Vance", "adele"),
        _user(12, "Megan", "Bowen", "megan"),
        _user(13, "Isaiah", "Langer", "isaiah"),
        _user(14, "Patti", "Fernandez", "patti"),
        _user(15, "Lynne", "Robbins", "lynne"),
    ),
    personal_chat_id="a:switchboard-personal-chat",
    group_chat_id="19:switchboard-group-chat@thread.v2",
    group_chat_name="Voice Team",
    team=DemoTeam(
        id="19:switchboard-team-general@thread.tacv2",
        name="Contoso IT",
        aad_group_id="bbbbbbbb-0000-4000-8000-000000000001",
        channel_id="19:switchboard-voice-ops@thread.tacv2",
        channel_name="Voice Ops",
    ),
)


def render_playground_config(identities: DemoIdentities = DEMO_IDENTITIES) -> str:
    """Return the text of a `.m365agentsplayground.yml` the Playground's schema accepts.

    Raises PlaygroundError for what the Playground would refuse at start-up with a less helpful message.
    """
    current_user, users, team = identities.current_user, identities.users, identities.team
    if len(users) != REQUIRED_USER_COUNT:
        raise PlaygroundError(
            f"The Playground needs exactly {REQUIRED_USER_COUNT} users besides you, got {len(users)}."
        )
    ids = [current_user.id, *(u.id for u in users)]
    if len(set(ids)) != len(ids):
        raise PlaygroundError(f"Playground user ids must be unique: {ids}")
    if team.channel_id == team.id:
        raise PlaygroundError("The extra channel needs its own id: the team id is already the General channel's.")

    q = json.dumps  # a JSON string is a valid YAML 1.2 double-quoted scalar, whatever the name holds
    lines = [
        "# Written by bot/playground.py for the Microsoft 365 Agents Playground; regenerated on every start.",
        f"version: {q(CONFIG_VERSION)}",
        f"tenantId: {q(identities.tenant_id)}",
        "bot:",
        f"  id: {q(identities.bot_id)}",
        f"  name: {q(identities.bot_name)}",
        "currentUser:",
        *_user_lines(current_user, "  "),
        "users:",
    ]
    for user in users:
        first, *rest = _user_lines(user, "    ")
        lines += ["  - " + first.lstrip(), *rest]
    lines += [
        "personalChat:",
        f"  id: {q(identities.personal_chat_id)}",
        "groupChat:",
        f"  id: {q(identities.group_chat_id)}",
        f"  name: {q(identities.group_chat_name)}",
        "team:",
        f"  id: {q(team.id)}",
        f"  name: {q(team.name)}",
        f"  aadGroupId: {q(team.aad_group_id)}",
        "  channels:",
        f"    - id: {q(team.channel_id)}",
        f"      name: {q(team.channel_name)}",
    ]
    return "\n".join(lines) + "\n"


def _user_lines(user: DemoUser, indent: str) -> list[str]:
    q = json.dumps
    return [
        f"{indent}id: {q(user.id)}",
        f"{indent}name: {q(user.name)}",
        # The Playground's own spelling: `userPrincipalName` would fail its schema.
        f"{indent}userPrincipleName: {q(user.user_principal_name)}",
        f"{indent}aadObjectId: {q(user.aad_object_id)}",
        f"{indent}givenName: {q(user.given_name)}",
        f"{indent}surname: {q(user.surname)}",
        f"{indent}email: {q(user.email)}",
    ]


def write_playground_config(path: Path, identities: DemoIdentities = DEMO_IDENTITIES) -> Path:
    """Write the Playground config to `path` (a file, or a directory to put `.m365agentsplayground.yml` in)."""
    if path.is_dir():
        path = path / CONFIG_FILE_NAME
    text = render_playground_config(identities)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class RunningPlayground:
    """A started Playground process. `url` is what a browser opens; always `stop()` it (or use `async with`)."""

    process: asyncio.subprocess.Process
    port: int
    config_path: Path
    log_path: Path
    _log: IO[bytes] = field(repr=False)
    _drain: asyncio.Task[None] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        """The mock Bot Connector's base URL, as it appears in activities' `serviceUrl`."""
        return f"http://localhost:{self.port}/_connector"

    async def stop(self, grace_seconds: float = 5.0) -> int:
        """Terminate the process by its PID, kill it if it ignores that for `grace_seconds`; return its exit code."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace_seconds)
            except TimeoutError:
                logger.warning("playground_kill pid=%s reason=ignored_sigterm", self.process.pid)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.process.pid, signal.SIGKILL)
                await self.process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            await self._drain
        self._log.close()
        assert self.process.returncode is not None
        return self.process.returncode

    async def __aenter__(self) -> RunningPlayground:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


def playground_executable(repo_root: Path = _REPO_ROOT) -> Path:
    """The pinned Playground CLI installed by `npm ci` (Makefile target `node`)."""
    return repo_root / "node_modules" / ".bin" / "agentsplayground"


async def start_playground(
    bot_endpoint: str,
    workdir: Path,
    port: int = DEFAULT_PORT,
    log_path: Path | None = None,
    *,
    config_path: Path | None = None,
    executable: Path | None = None,
    startup_timeout: float = 60.0,
) -> RunningPlayground:
    """Start the Playground against `bot_endpoint` (e.g. `http://127.0.0.1:3978/api/messages`) and wait until up.

    `workdir` becomes its working directory. Its config is `config_path` when given (write it with
    `write_playground_config`), else `workdir/.m365agentsplayground.yml`, rewritten with the demo identities
    on every start so it always matches the DEMO_IDENTITIES the bot makes its admin from.
    The process's output goes to `log_path` (default `workdir/playground.log`). The port actually used is read
    from its `Listening on N` line, because a busy `port` makes it pick another without saying so otherwise.
    """
    write_demo_config = config_path is None
    config_path = config_path or workdir / CONFIG_FILE_NAME
    log_path = log_path or workdir / "playground.log"
    executable = executable or playground_executable()
    await asyncio.to_thread(_prepare_files, workdir, config_path, log_path, executable, write_demo_config)

    internal_log = log_path.with_name(log_path.stem + ".internal.log")
    await asyncio.to_thread(internal_log.write_bytes, b"")  # it appends; start each run's log afresh
    env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config_path.resolve()),
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(internal_log.resolve()),
    }
    args = ["-e", bot_endpoint, "-c", "msteams", "-p", str(port), "--disable-telemetry"]
    log = await asyncio.to_thread(log_path.open, "wb")
    try:
        process = await asyncio.create_subprocess_exec(
            str(executable),
            *args,
            cwd=workdir,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except BaseException:
        log.close()
        raise
    logger.info("playground_start pid=%s endpoint=%s requested_port=%s", process.pid, bot_endpoint, port)

    port_found: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    drain = asyncio.create_task(_drain_output(process, log, port_found))
    running = RunningPlayground(process, -1, config_path, log_path, log, drain)
    deadline = time.monotonic() + startup_timeout
    try:
        running.port = await asyncio.wait_for(port_found, startup_timeout)
        await _wait_for_ping(running, deadline)
    except BaseException as exc:
        await running.stop(grace_seconds=2.0)
        if isinstance(exc, TimeoutError | PlaygroundError):
            why = str(exc) if isinstance(exc, PlaygroundError) else f"no answer within {startup_timeout:.0f}s"
            # Its own errors (a config it refuses, say) go to its log file, not to its output.
            raise PlaygroundError(
                f"The Playground did not come up ({why}).\n"
                f"Its output, {log_path}:\n{_tail(log_path)}\n"
                f"Its log, {internal_log}:\n{_tail(internal_log, only_errors=True)}"
            ) from exc
        raise
    logger.info("playground_ready pid=%s port=%s", process.pid, running.port)
    return running


def _prepare_files(workdir: Path, config_path: Path, log_path: Path, executable: Path, write_demo: bool) -> None:
    if not write_demo and not config_path.exists():
        raise PlaygroundError(f"No Playground config at {config_path}: write one with write_playground_config().")
    if not executable.exists():
        raise PlaygroundError(f"{executable} is missing: run `make node` (npm ci) first.")
    workdir.mkdir(parents=True, exist_ok=True)
    if write_demo:
        write_playground_config(config_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)


async def _drain_output(process: asyncio.subprocess.Process, log: IO[bytes], port_found: asyncio.Future[int]) -> None:
    """Copy the process's output to the log for its whole life (a full pipe would block it) and find the port."""
    assert process.stdout is not None
    async for line in process.stdout:
        log.write(line)
        log.flush()
        match = _LISTENING.search(line)
        if match and not port_found.done():
            port_found.set_result(int(match.group(1)))
    if not port_found.done():
        port_found.set_exception(PlaygroundError(f"it exited with code {await process.wait()}"))


async def _wait_for_ping(running: RunningPlayground, deadline: float) -> None:
    url = f"{running.url}/_debug/ping"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while True:
            if running.process.returncode is not None:
                raise PlaygroundError(f"it exited with code {running.process.returncode}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            if time.monotonic() > deadline:
                raise TimeoutError(url)
            await asyncio.sleep(0.1)


def _tail(path: Path, lines: int = 30, *, only_errors: bool = False) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(none)"
    if only_errors:
        text = [line for line in text if line.startswith("error ")]
    return "\n".join(text[-lines:]) or "(empty)"
