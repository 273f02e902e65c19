"""The stack the Switchboard browser tests share: `switchboard demo`'s, small, on free ports, and the
Playground's current user driving it; plus screenshots for the README when asked for.

tests/conftest.py registers this module as a pytest plugin; its fixtures use the browser fixtures of
tests/e2e/conftest.py (`chromium_path`, `browser_context`), so they serve the tests under tests/e2e/."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Locator

from bot.demo.identities import DEMO_IDENTITIES
from bot.demo.locations import DemoPaths, DemoPorts
from bot.demo.stack import RunningDemo, logging_to, start_demo
from bot.demo.tenant import DemoSizes
from tests.support.failure_artifacts import announce, failed, save_page
from tests.support.playground_driver import PlaygroundDriver

SIZES = DemoSizes(users=12, numbers_per_site=10, assigned_share=0.3, new_range_size=20)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SLOW = 30.0  # seconds: a sync, a Teams operation or a notification post, on a busy machine


@pytest.fixture
async def demo(tmp_path: Path, chromium_path: str) -> AsyncIterator[RunningDemo]:
    """`switchboard demo`'s stack on free ports in tmp_path; Teams takes half a second per operation."""
    from inventory.teams.simulation.faults import FaultKnobs

    paths = DemoPaths(tmp_path / "demo")
    with logging_to(paths.bot_log):
        running = await start_demo(
            paths,
            ports=DemoPorts(bot=0, playground=0, graph=0),
            sizes=SIZES,
            knobs=FaultKnobs(operation_delay_seconds=0.5),
        )
        try:
            yield running
        finally:
            await running.stop()


@pytest.fixture
async def olivia(
    request: pytest.FixtureRequest, demo: RunningDemo, browser_context: BrowserContext
) -> AsyncIterator[PlaygroundDriver]:
    """The Playground's current user, Olivia Operator (a Switchboard admin), in the personal chat."""
    page = browser_context.pages[0] if browser_context.pages else await browser_context.new_page()
    driver = PlaygroundDriver(
        page, demo.playground_url, bot_name=DEMO_IDENTITIES.bot_name, team_name=DEMO_IDENTITIES.team.name
    )
    await driver.open()
    try:
        yield driver
    finally:
        if failed(request):
            where = await save_page(request, driver)
            shutil.copy(demo.paths.bot_log, where / "switchboard.log")
            for log in demo.paths.playground_dir.glob("*.log"):
                shutil.copy(log, where / log.name)
            announce(where, "screenshot, page HTML, bot and Playground logs")


async def shot(driver: PlaygroundDriver, name: str, part: Locator | None = None) -> None:
    """With SWITCHBOARD_SCREENSHOTS=1, save the page (or one card or thread) as docs/screenshots/<name>.png,
    so ordinary runs never rewrite committed files."""
    if os.environ.get("SWITCHBOARD_SCREENSHOTS") != "1":
        return
    if part is None:
        await driver.screenshot(SCREENSHOTS / f"{name}.png")
    else:
        await part.scroll_into_view_if_needed()
        await part.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
