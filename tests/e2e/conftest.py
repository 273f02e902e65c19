"""Fixtures for browser tests: the Agents Playground against a bot the test runs, and headless Chromium on it.

    async def test_something(echo_bot_url: str, open_playground: OpenPlayground) -> None:
        driver = await open_playground(echo_bot_url)   # Playground + fresh browser, personal chat open
        await driver.send("hello")

Everything stays on this machine: the Playground runs on loopback with our config, Chromium is Debian's
(never a downloaded build) with a fresh profile, and every request to a host other than 127.0.0.1/localhost
is aborted (the UI asks a CDN for fonts; going without them is harmless). When a test fails, a screenshot and
the page's HTML are saved under test-artifacts/<test name>/ and the path is printed.
Without node_modules or Chromium the tests are skipped with the reason, except under CI (CI=true), where
that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from playwright.async_api import BrowserContext, Route, async_playwright

from bot.demo.identities import DEMO_IDENTITIES
from bot.demo.playground import RunningPlayground, playground_executable, start_playground
from tests.support.echo_bot import EchoBot
from tests.support.failure_artifacts import REPORTS, announce, failed, save_page
from tests.support.playground_driver import OpenPlayground, PlaygroundDriver

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; CI needs it for the browser tests (run `make node chromium`).")
    pytest.skip(f"{what} (run `make node chromium`)")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("SWITCHBOARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        _missing(f"no Chromium at {path}")
    if not playground_executable().exists():
        _missing(f"no Agents Playground at {playground_executable()}")
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's outcome on the item, so fixtures can tell at teardown whether the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


async def _offline(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOOPBACK:
        await route.continue_()
    else:
        await route.abort()


@pytest.fixture
async def echo_bot() -> AsyncIterator[tuple[EchoBot, str]]:
    """The test-only echo bot on a free loopback port, and its messaging endpoint."""
    bot = EchoBot()
    runner = web.AppRunner(bot.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield bot, f"http://127.0.0.1:{port}/api/messages"
    finally:
        await runner.cleanup()


@pytest.fixture
def echo_bot_url(echo_bot: tuple[EchoBot, str]) -> str:
    return echo_bot[1]


@pytest.fixture
async def browser_context(chromium_path: str, tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """Headless Debian Chromium with a fresh profile; only loopback requests leave the page."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            await context.route("**/*", _offline)
            yield context
        finally:
            await context.close()


@pytest.fixture
async def open_playground(
    request: pytest.FixtureRequest, browser_context: BrowserContext, tmp_path: Path
) -> AsyncIterator[OpenPlayground]:
    """A function that starts the Playground against a bot endpoint and opens it in the browser."""
    running: list[RunningPlayground] = []
    drivers: list[PlaygroundDriver] = []

    async def open_against(bot_endpoint: str) -> PlaygroundDriver:
        # Port 0: the Playground takes a free one and says which; tests never fight over 56150.
        playground = await start_playground(bot_endpoint, tmp_path / f"playground-{len(running)}", port=0)
        running.append(playground)
        page = browser_context.pages[0] if browser_context.pages else await browser_context.new_page()
        driver = PlaygroundDriver(
            page, playground.url, bot_name=DEMO_IDENTITIES.bot_name, team_name=DEMO_IDENTITIES.team.name
        )
        drivers.append(driver)
        await driver.open()
        return driver

    try:
        yield open_against
    finally:
        if failed(request) and drivers:
            where = await save_page(request, drivers[-1])
            for playground in running:
                shutil.copy(playground.log_path, where / f"playground-{playground.port}.log")
            announce(where, "screenshot, page HTML, Playground log")
        for playground in running:
            await playground.stop()
