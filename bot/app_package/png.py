"""A tiny PNG writer and reader: enough for the app's two icons, so no image library is needed.

It writes 8-bit RGBA, non-interlaced images with filter 0 on every row, and reads 8-bit RGBA or
grey+alpha, non-interlaced images with any of the five row filters (what other image tools write).
"""

from __future__ import annotations

import struct
import zlib
from typing import Final

from bot.app_package import PackageInvalid

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


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
