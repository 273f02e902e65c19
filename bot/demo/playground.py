"""The Microsoft 365 Agents Playground as Switchboard's local Teams: starting its process and stopping it.

`make run` and the end-to-end tests start the Playground against a bot endpoint with the config that
`playground_config` writes, learn the port it really took, and stop it again by its PID.

Facts this code relies on (checked with @microsoft/m365agentsplayground 0.2.28, see docs/playground-notes.md):
- the server prints `Listening on <port>` and silently moves to another port when the one asked for is busy;
- `GET /_debug/ping` answers once the server is up; `TEAMSAPPTESTER_BROWSER=none` stops it opening a browser;
- its own errors (a config it refuses, say) go to its log file, not to its output.
"""

from __future__ import annotations

import asyncio
import contextlib
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

from bot.demo.playground_config import CONFIG_FILE_NAME, PlaygroundError, write_playground_config

logger = logging.getLogger(__name__)

DEFAULT_PORT: Final = 56150
_REPO_ROOT: Final = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(rb"Listening on (\d+)")


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
