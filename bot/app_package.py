"""The Teams app package: fill appPackage/manifest.json's ids, check it, and zip it with its two icons.

    python -m bot.app_package --app-id GUID --bot-id GUID --out appPackage/build/switchboard.zip
    python -m bot.app_package --icons          # redraw appPackage/color.png and outline.png

The manifest is checked three ways before anything is zipped: against the official JSON schema of its
`manifestVersion` from the pinned npm package @microsoft/app-manifest (offline: no `$ref` may leave the
file); against Teams limits the schema does not state (10 commands per list, 32-character titles,
128-character descriptions, x.y.z versions); and its icons must be 192x192 colour and 32x32 white on
transparent. The icons are drawn here with a tiny PNG writer so no image library is needed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Final

_REPO_ROOT: Final = Path(__file__).resolve().parent.parent
APP_DIR: Final = _REPO_ROOT / "appPackage"
SCHEMA_ROOT: Final = _REPO_ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
# A fixed id for local builds, so a developer's sideloaded app is replaced rather than duplicated.
DEV_APP_ID: Final = "5d1c7a3e-8b2f-4c6d-9e0a-1f2b3c4d5e6f"
APP_ID_PLACEHOLDER: Final = "${{TEAMS_APP_ID}}"
BOT_ID_PLACEHOLDER: Final = "${{BOT_ID}}"
VERSION_PLACEHOLDER: Final = "${{APP_VERSION}}"
PACKAGE_FILES: Final = ("manifest.json", "color.png", "outline.png")
# Teams documents these limits; the JSON schema is looser (12 commands, 128-character titles).
MAX_COMMANDS_PER_LIST: Final = 10
MAX_COMMAND_TITLE: Final = 32
MAX_COMMAND_DESCRIPTION: Final = 128
ICON_SIZES: Final = {"color.png": 192, "outline.png": 32}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
ACCENT: Final = (0x2B, 0x4C, 0x7E)  # Switchboard blue; also the manifest's accentColor


class PackageInvalid(ValueError):
    """The manifest or an icon would be refused by Teams; the message lists every problem found."""


# ---------------------------------------------------------------- manifest


def fill_manifest(template: dict[str, Any], *, app_id: str, bot_id: str, version: str) -> dict[str, Any]:
    """Return a copy of the manifest template with its placeholders replaced."""
    text = json.dumps(template)
    for placeholder, value in (
        (APP_ID_PLACEHOLDER, app_id),
        (BOT_ID_PLACEHOLDER, bot_id),
        (VERSION_PLACEHOLDER, version),
    ):
        text = text.replace(placeholder, value)
    filled: dict[str, Any] = json.loads(text)
    return filled


def manifest_problems(manifest: dict[str, Any], schema_root: Path = SCHEMA_ROOT) -> list[str]:
    """Everything Teams would refuse in a filled manifest: schema errors first, then the documented limits."""
    problems = [f"placeholder left unfilled: {p}" for p in re.findall(r"\$\{\{\w+\}\}", json.dumps(manifest))]
    problems += _schema_problems(manifest, schema_root)
    if not _SEMVER.match(str(manifest.get("version", ""))):
        problems.append(f"version {manifest.get('version')!r} must be major.minor.patch")
    for name in ("id",):
        if not _GUID.match(str(manifest.get(name, ""))):
            problems.append(f"{name} must be a GUID")
    for bot in manifest.get("bots", []):
        for n, command_list in enumerate(bot.get("commandLists", [])):
            commands = command_list.get("commands", [])
            if len(commands) > MAX_COMMANDS_PER_LIST:
                problems.append(
                    f"commandLists[{n}] has {len(commands)} commands; Teams shows at most {MAX_COMMANDS_PER_LIST}"
                )
            for command in commands:
                if len(command.get("title", "")) > MAX_COMMAND_TITLE:
                    problems.append(f"command title {command['title']!r} is over {MAX_COMMAND_TITLE} characters")
                if len(command.get("description", "")) > MAX_COMMAND_DESCRIPTION:
                    problems.append(
                        f"command {command['title']!r}: description over {MAX_COMMAND_DESCRIPTION} characters"
                    )
    return problems


def manifest_schema_path(manifest_version: str, schema_root: Path = SCHEMA_ROOT) -> Path:
    return schema_root / f"v{manifest_version}" / "MicrosoftTeams.schema.json"


def _schema_problems(manifest: dict[str, Any], schema_root: Path) -> list[str]:
    # Imported here: jsonschema is a development dependency, and the bot itself never packages.
    from jsonschema import Draft4Validator, Draft6Validator, validators
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    path = manifest_schema_path(str(manifest.get("manifestVersion", "?")), schema_root)
    if not path.exists():
        return [f"no schema for manifestVersion {manifest.get('manifestVersion')!r} at {path} (run `make node`)"]
    schema = json.loads(path.read_text(encoding="utf-8"))

    # The file is labelled draft-04 but uses draft-06's `const` (as ajv allows); honour it rather than skip it.
    validator_class = validators.extend(Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]})
    resource = Resource.from_contents(schema, default_specification=DRAFT4)
    # An explicit registry, because jsonschema's default one would fetch unknown http(s) refs. This one knows
    # only the schema itself, under its public URL, and fails on anything else: validation stays offline.
    registry: Registry[Any] = Registry().with_resource(str(manifest.get("$schema", "")), resource)
    validator = validator_class(schema, registry=registry)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    return [
        f"schema: ${''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in e.absolute_path)}: {e.message}"
        for e in errors
    ]


# ---------------------------------------------------------------- PNG


def encode_png(width: int, height: int, rgba: bytes) -> bytes:
    """An 8-bit RGBA, non-interlaced PNG; every row uses filter 0, which is all a tiny icon needs."""
    assert len(rgba) == width * height * 4
    stride = width * 4
    raw = b"".join(b"\x00" + rgba[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return _PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk."""
    if data[:8] != _PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise PackageInvalid("not a PNG file")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def decode_png_rgba(data: bytes) -> tuple[int, int, bytes]:
    """Pixels of an 8-bit RGBA or grey+alpha, non-interlaced PNG as RGBA bytes (any of the 5 row filters)."""
    width, height, depth, colour = png_header(data)
    if depth != 8 or colour not in (4, 6) or data[28] != 0:
        raise PackageInvalid("expected an 8-bit, non-interlaced PNG with an alpha channel")
    channels = 4 if colour == 6 else 2
    idat, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            line[i] = (line[i] + _predict(kind, left, up, up_left)) & 0xFF
        rows.append(line)
        previous = line
    pixels = b"".join(rows)
    if channels == 2:
        pixels = b"".join(bytes((g, g, g, a)) for g, a in zip(pixels[0::2], pixels[1::2], strict=True))
    return width, height, pixels


def _predict(kind: int, left: int, up: int, up_left: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    p = left + up - up_left
    pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
    return left if pa <= pb and pa <= pc else up if pb <= pc else up_left


# ---------------------------------------------------------------- icons


def _handset(x: float, y: float) -> bool:
    """A telephone handset in the unit square: a thick arc whose ends carry round ear- and mouthpieces."""
    cx, cy, radius, half_width = 0.78, 0.22, 0.50, 0.095  # centred: the glyph spans 0.15..0.85
    distance, angle = math.hypot(x - cx, y - cy), math.degrees(math.atan2(y - cy, x - cx))
    if abs(distance - radius) <= half_width and 95 <= angle <= 175:
        return True
    for end in (95.0, 175.0):
        # Each piece is a capsule across the arc's end, reaching inwards, where the ear and the mouth are.
        dx, dy = math.cos(math.radians(end)), math.sin(math.radians(end))
        outer = (cx + (radius + 0.03) * dx, cy + (radius + 0.03) * dy)
        inner = (cx + (radius - 0.14) * dx, cy + (radius - 0.14) * dy)
        if _distance_to_segment((x, y), outer, inner) <= 0.105:
            return True
    return False


def _distance_to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    abx, aby = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / (abx * abx + aby * aby)))
    return math.hypot(p[0] - a[0] - t * abx, p[1] - a[1] - t * aby)


def _coverage(shape: Callable[[float, float], bool], size: int, margin: float, samples: int = 4) -> list[float]:
    """Anti-aliased coverage of `shape` per pixel, by supersampling; `margin` is the empty border, in unit square."""
    scale = 1 - 2 * margin
    result = []
    for py in range(size):
        for px in range(size):
            hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    u = ((px + (sx + 0.5) / samples) / size - margin) / scale
                    v = ((py + (sy + 0.5) / samples) / size - margin) / scale
                    hits += 0 <= u <= 1 and 0 <= v <= 1 and _handset(u, v)
            result.append(hits / samples**2)
    return result


def render_color_icon(size: int = 192) -> bytes:
    """A white handset on a full Switchboard-blue square (Teams crops the corners itself)."""
    pixels = bytearray()
    for c in _coverage(_handset, size, margin=0.075):  # glyph spans the middle 60%
        pixels += bytes(round(a + (255 - a) * c) for a in ACCENT) + b"\xff"
    return encode_png(size, size, bytes(pixels))


def render_outline_icon(size: int = 32) -> bytes:
    """The same handset in white on a transparent background, as Teams requires of the outline icon."""
    pixels = bytearray()
    for c in _coverage(_handset, size, margin=-0.124):  # glyph spans 6%..94%: small icons need every pixel
        pixels += b"\xff\xff\xff" + bytes((round(255 * c),))
    return encode_png(size, size, bytes(pixels))


def write_icons(app_dir: Path = APP_DIR) -> None:
    (app_dir / "color.png").write_bytes(render_color_icon())
    (app_dir / "outline.png").write_bytes(render_outline_icon())


def icon_problems(app_dir: Path) -> list[str]:
    problems = []
    for name, size in ICON_SIZES.items():
        path = app_dir / name
        if not path.exists():
            problems.append(f"{name} is missing")
            continue
        width, height, _, _ = png_header(path.read_bytes())
        if (width, height) != (size, size):
            problems.append(f"{name} is {width}x{height}; Teams needs {size}x{size}")
    outline = app_dir / "outline.png"
    if outline.exists() and not problems:
        _, _, rgba = decode_png_rgba(outline.read_bytes())
        pixels = [rgba[i : i + 4] for i in range(0, len(rgba), 4)]
        if any(p[3] and p[:3] != b"\xff\xff\xff" for p in pixels):
            problems.append("outline.png must be white only: every visible pixel white")
        if not any(p[3] == 0 for p in pixels):
            problems.append("outline.png must have a transparent background")
    return problems


# ---------------------------------------------------------------- package


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
    schema_root: Path = SCHEMA_ROOT,
) -> Path:
    """Fill the manifest's placeholders, check manifest and icons, and zip the three files at the zip's root."""
    for label, value in (("app id", app_id), ("bot id", bot_id)):
        if not _GUID.match(value):
            raise PackageInvalid(f"The {label} must be a GUID (the Entra app registration's client id), got {value!r}.")
    template = json.loads((app_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest = fill_manifest(template, app_id=app_id, bot_id=bot_id, version=version or default_version())
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.app_package", description=__doc__.splitlines()[0])
    parser.add_argument("--app-id", default=None, help="Teams app id (default: MicrosoftAppId, else a dev GUID)")
    parser.add_argument("--bot-id", default=None, help="bot's Microsoft App ID (default: same as --app-id)")
    parser.add_argument("--version", default=None, help="app version x.y.z (default: the Python package's)")
    parser.add_argument("--app-dir", type=Path, default=APP_DIR)
    parser.add_argument("--out", type=Path, default=APP_DIR / "build" / "switchboard.zip")
    parser.add_argument("--icons", action="store_true", help="redraw color.png and outline.png, then exit")
    args = parser.parse_args(argv)
    if args.icons:
        write_icons(args.app_dir)
        sys.stdout.write(f"Wrote {args.app_dir / 'color.png'} and {args.app_dir / 'outline.png'}\n")
        return 0
    # The bot's app registration id doubles as the Teams app id unless told otherwise, as Teams Toolkit does.
    app_id = args.app_id or os.environ.get("MicrosoftAppId") or DEV_APP_ID  # noqa: SIM112 - Bot Framework's name
    try:
        out = build_package(args.app_dir, args.out, app_id=app_id, bot_id=args.bot_id or app_id, version=args.version)
    except PackageInvalid as error:
        sys.stderr.write(f"{error}\n")
        return 1
    sys.stdout.write(f"Wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app).\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
