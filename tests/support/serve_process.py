"""`switchboard serve` as its own process, the way a container runs it: started with an environment,
found by the port it prints, stopped by its PID (SIGTERM, then SIGKILL), and bounded in time by itself."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/api/messages")
STARTUP_SECONDS = 60.0  # two cold Python processes importing botbuilder on a busy 2-core machine


@dataclass
class ServeProcess:
    """One bot replica. `output` collects what it printed (stdout and stderr interleaved)."""

    process: asyncio.subprocess.Process
    base_url: str = ""
    output: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    async def stop(self, grace_seconds: float = 15.0) -> int:
        """SIGTERM by PID, as a container engine stops it; SIGKILL if it has not ended within the grace."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=grace_seconds)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, timeout=5.0)
        assert self.process.returncode is not None
        return self.process.returncode

    def log(self) -> str:
        return "".join(self.output)


async def start_serve(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    startup_seconds: float = STARTUP_SECONDS,
) -> ServeProcess:
    """Run `command` (which ends in `serve ...`) and wait for its listening line."""
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=str(cwd),
        env={**_base_environment(), **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    started = ServeProcess(process)
    found: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    started._reader = asyncio.create_task(_read(process, started.output, found))
    try:
        started.base_url = await asyncio.wait_for(found, timeout=startup_seconds)
    except BaseException:
        await started.stop(grace_seconds=5.0)
        raise AssertionError(f"serve did not start:\n{started.log()[-4000:]}") from None
    return started


def serve_command(*arguments: str) -> list[str]:
    """`switchboard serve ...` with this test run's interpreter (the project's .venv)."""
    return [sys.executable, "-m", "bot", *arguments]


def _base_environment() -> dict[str, str]:
    # Only what a process needs to run; none of the test runner's SWITCHBOARD_* or bot credentials.
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
    return {name: os.environ[name] for name in keep if name in os.environ}


async def _read(process: asyncio.subprocess.Process, output: list[str], found: asyncio.Future[str]) -> None:
    assert process.stdout is not None
    async for raw in process.stdout:
        line = raw.decode("utf-8", "replace")
        output.append(line)
        match = _LISTENING.search(line)
        if match and not found.done():
            found.set_result(match.group(1))
    if not found.done():
        found.set_exception(AssertionError("serve ended before it listened"))
