"""The app's icons: a white telephone handset, on Switchboard blue (color.png) and on transparent (outline.png).

Drawn from a shape in the unit square, supersampled for anti-aliasing, and checked the way Teams checks
them: color.png 192x192, outline.png 32x32 with every visible pixel white and a transparent background.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Final

from bot.app_package.png import decode_png_rgba, encode_png, png_header

ICON_SIZES: Final = {"color.png": 192, "outline.png": 32}
ACCENT: Final = (0x2B, 0x4C, 0x7E)  # Switchboard blue; also the manifest's accentColor


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


def write_icons(app_dir: Path) -> None:
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
