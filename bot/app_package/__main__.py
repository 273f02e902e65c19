"""The Teams app package: fill appPackage/manifest.json's ids, check it, and zip it with its two icons.

`python -m bot.app_package --out appPackage/build/switchboard.zip` is what `make package` runs (with
`--local` for `make package LOCAL=1`); `--icons` redraws appPackage/color.png and outline.png instead.
The app id comes from MicrosoftAppId and the developer block from SWITCHBOARD_DEVELOPER_* (`identity`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app_package import APP_DIR, PackageInvalid
from bot.app_package.build import build_package
from bot.app_package.icons import write_icons
from bot.app_package.identity import package_identity


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.app_package", description=__doc__.splitlines()[0])
    parser.add_argument("--app-id", default=None, help="Teams app id (default: MicrosoftAppId)")
    parser.add_argument("--bot-id", default=None, help="bot's Microsoft App ID (default: same as --app-id)")
    parser.add_argument("--version", default=None, help="app version x.y.z (default: the Python package's)")
    parser.add_argument("--app-dir", type=Path, default=APP_DIR)
    parser.add_argument("--out", type=Path, default=APP_DIR / "build" / "switchboard.zip")
    parser.add_argument("--icons", action="store_true", help="redraw color.png and outline.png, then exit")
    parser.add_argument(
        "--local",
        action="store_true",
        help="a package for local sideloading only: the development app id and placeholder pages are allowed",
    )
    args = parser.parse_args(argv)
    if args.icons:
        write_icons(args.app_dir)
        sys.stdout.write(f"Wrote {args.app_dir / 'color.png'} and {args.app_dir / 'outline.png'}\n")
        return 0
    try:
        template = json.loads((args.app_dir / "manifest.json").read_text(encoding="utf-8"))
        # The bot's app registration id doubles as the Teams app id unless told otherwise, as Teams Toolkit does.
        identity = package_identity(os.environ, template, app_id=args.app_id, local=args.local)
        app_id = identity.app_id
        out = build_package(
            args.app_dir,
            args.out,
            app_id=app_id,
            bot_id=args.bot_id or app_id,
            version=args.version,
            developer=identity.developer,
        )
    except PackageInvalid as error:
        sys.stderr.write(f"{error}\n")
        return 1
    sys.stdout.write(f"Wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app).\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
