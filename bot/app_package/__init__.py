"""The Teams app package: fill appPackage/manifest.json's ids, check it, and zip it with its two icons.

    python -m bot.app_package --app-id GUID --bot-id GUID --out appPackage/build/switchboard.zip
    python -m bot.app_package --icons          # redraw appPackage/color.png and outline.png

The manifest is checked three ways before anything is zipped: against the official JSON schema of its
`manifestVersion` from the pinned npm package @microsoft/app-manifest (offline: no `$ref` may leave the
file); against Teams limits the schema does not state (`manifest`); and its icons must be 192x192 colour
and 32x32 white on transparent (`icons`). The icons are drawn here with a tiny PNG writer (`png`) so no
image library is needed; `build` puts the three files in a zip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

_REPO_ROOT: Final = Path(__file__).resolve().parents[2]
APP_DIR: Final = _REPO_ROOT / "appPackage"
SCHEMA_ROOT: Final = _REPO_ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"


class PackageInvalid(ValueError):
    """The manifest or an icon would be refused by Teams; the message lists every problem found."""
