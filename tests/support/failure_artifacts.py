"""What a failed browser test leaves behind: where its artifacts go, and whether it failed at all.

A fixture cannot see its test's outcome by itself; the e2e conftest's `pytest_runtest_makereport` hook
files each phase's report under `REPORTS` on the item, and `failed(request)` reads them at teardown.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.support.playground_driver import PlaygroundDriver

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def failed(request: pytest.FixtureRequest) -> bool:
    """True when any phase of the requesting test (set-up, call, teardown so far) failed."""
    reports = request.node.stash.get(REPORTS, {})
    return any(report.failed for report in reports.values())


async def save_page(request: pytest.FixtureRequest, driver: PlaygroundDriver) -> Path:
    """Save the driver's page (screenshot and HTML) under test-artifacts/<test name>/; return that directory."""
    return await driver.save_artifacts(ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name))


def announce(where: Path, contents: str) -> None:
    """Say on stderr where a failed test's artifacts are, so the path shows in the pytest output."""
    sys.stderr.write(f"\nE2E failure artifacts ({contents}): {where}\n")
