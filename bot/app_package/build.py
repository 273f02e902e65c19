"""Building the zip Teams sideloads: the filled manifest and the two icons, checked first, at the zip's root."""

from __future__ import annotations

import json
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Final

from bot.app_package import SCHEMA_ROOT, PackageInvalid
from bot.app_package.icons import icon_problems
from bot.app_package.identity import DEV_APP_ID
from bot.app_package.manifest import GUID, fill_manifest, manifest_problems

__all__ = ["DEV_APP_ID", "build_package", "default_version"]
PACKAGE_FILES: Final = ("manifest.json", "color.png", "outline.png")


def default_version() -> str:
    try:
        return metadata.version("switchboard")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def build_package(
    app_dir: Path,
    out_zip: Path,
    *,
    app_id: str,
    bot_id: str,
    version: str | None = None,
    developer: dict[str, str] | None = None,
    schema_root: Path = SCHEMA_ROOT,
) -> Path:
    """Fill the manifest's placeholders (and its developer block, when given), check manifest and icons,
    and zip the three files at the zip's root."""
    for label, value in (("app id", app_id), ("bot id", bot_id)):
        if not GUID.match(value):
            raise PackageInvalid(f"The {label} must be a GUID (the Entra app registration's client id), got {value!r}.")
    template = json.loads((app_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest = fill_manifest(template, app_id=app_id, bot_id=bot_id, version=version or default_version())
    if developer is not None:
        manifest["developer"] = {**manifest.get("developer", {}), **developer}
    problems = manifest_problems(manifest, schema_root) + icon_problems(app_dir)
    if problems:
        raise PackageInvalid("The app package is not valid:\n- " + "\n- ".join(problems))

    out_zip.parent.mkdir(parents=True, exist_ok=True)
    # A fixed timestamp keeps the zip byte-identical for the same inputs.
    stamp = (2024, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(out_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("manifest.json", stamp), json.dumps(manifest, indent=2) + "\n")
        for name in PACKAGE_FILES[1:]:
            archive.writestr(zipfile.ZipInfo(name, stamp), (app_dir / name).read_bytes())
    return out_zip
