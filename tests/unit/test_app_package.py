"""The Teams app package: a manifest Teams accepts, the icons it asks for, and a zip of exactly three files."""

from __future__ import annotations

import json
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from bot.app_package import APP_DIR, PackageInvalid
from bot.app_package.__main__ import main
from bot.app_package.build import DEV_APP_ID, build_package
from bot.app_package.icons import render_color_icon, render_outline_icon
from bot.app_package.manifest import fill_manifest, manifest_problems, manifest_schema_path
from bot.app_package.png import decode_png_rgba, encode_png
from bot.command_table import command_lists

APP_ID = "0f6c1b9e-2d43-4c59-8a7e-3b5d9c1e7f20"
BOT_ID = "7a2e4c6b-9d1f-4e3a-b5c7-2f8d0e6a4b19"
PROMISED_COMMANDS = {
    "help",
    "sync",
    "numbers",
    "assign",
    "remove",
    "tenant",
    "bulk assign",
    "history",
    "notify here",
    "request",
}


def template() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((APP_DIR / "manifest.json").read_text(encoding="utf-8"))
    return loaded


def filled() -> dict[str, Any]:
    return fill_manifest(template(), app_id=APP_ID, bot_id=BOT_ID, version="1.2.3")


def ihdr(path: Path) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type, read straight from the bytes rather than through our decoder."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def test_the_filled_manifest_validates_against_the_official_schema_of_its_version() -> None:
    manifest = filled()
    assert manifest["manifestVersion"] == "1.24"
    assert manifest["$schema"].endswith("/teams/v1.24/MicrosoftTeams.schema.json")
    assert manifest_schema_path("1.24").exists(), "run `make node`: the schemas come from @microsoft/app-manifest"
    assert manifest_problems(manifest) == []


def test_the_schema_resolves_offline_because_all_its_refs_are_local() -> None:
    text = manifest_schema_path("1.24").read_text(encoding="utf-8")
    refs = re.findall(r'"\$ref"\s*:\s*"([^"]*)"', text)
    assert refs
    assert all(ref.startswith("#") for ref in refs)


def test_an_unfilled_manifest_is_refused() -> None:
    problems = manifest_problems(template())
    assert any("placeholder left unfilled: ${{BOT_ID}}" in p for p in problems)
    assert any(p.startswith("schema: $.id") for p in problems)


def test_a_misspelt_manifest_key_is_refused_by_the_schema() -> None:
    manifest = filled()
    manifest["bots"][0]["suportsFiles"] = False
    assert any("suportsFiles" in p for p in manifest_problems(manifest))


def test_a_wrong_manifest_version_constant_is_refused() -> None:
    manifest = filled()
    manifest["manifestVersion"] = "1.24.0"  # no schema folder, so it cannot pass silently
    assert manifest_problems(manifest)


def test_more_than_ten_commands_in_a_list_are_refused_although_the_schema_allows_twelve() -> None:
    manifest = filled()
    commands = manifest["bots"][0]["commandLists"][1]["commands"]
    commands.append({"title": "eleventh", "description": "one too many"})
    assert any("11 commands" in p for p in manifest_problems(manifest))


def test_every_promised_command_is_offered_in_team_and_group_chat_and_all_but_notify_here_in_personal() -> None:
    bot = filled()["bots"][0]
    lists = {tuple(c["scopes"]): {command["title"] for command in c["commands"]} for c in bot["commandLists"]}
    assert lists[("team", "groupChat")] == PROMISED_COMMANDS
    # export sends a file, which Teams lets bots do in personal chats only
    assert lists[("personal",)] == (PROMISED_COMMANDS - {"notify here"}) | {"export"}


def test_the_bot_works_in_personal_team_and_group_chat_and_takes_csv_files_in_personal_chat() -> None:
    manifest = filled()
    bot = manifest["bots"][0]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is True  # CSV import and export in the personal chat
    assert bot["botId"] == BOT_ID
    assert manifest["id"] == APP_ID
    assert manifest["validDomains"]


def test_the_color_icon_is_192_pixels_square_and_opaque() -> None:
    assert ihdr(APP_DIR / "color.png") == (192, 192, 8, 6)
    _, _, rgba = decode_png_rgba((APP_DIR / "color.png").read_bytes())
    assert set(rgba[3::4]) == {255}
    assert len({rgba[i : i + 3] for i in range(0, len(rgba), 4)}) > 2  # a full-colour picture, not a blank


def test_the_outline_icon_is_32_pixels_square_white_on_transparent() -> None:
    assert ihdr(APP_DIR / "outline.png") == (32, 32, 8, 6)
    _, _, rgba = decode_png_rgba((APP_DIR / "outline.png").read_bytes())
    pixels = [rgba[i : i + 4] for i in range(0, len(rgba), 4)]
    visible = [p for p in pixels if p[3]]
    assert all(p[:3] == b"\xff\xff\xff" for p in visible)
    assert pixels[0][3] == 0  # the corner is background
    assert 0.15 < len(visible) / len(pixels) < 0.85  # there is a glyph, and it is not a filled square


def test_the_committed_icons_are_what_the_generator_draws() -> None:
    # Regenerate with `python -m bot.app_package --icons` after changing the drawing.
    assert (APP_DIR / "color.png").read_bytes() == render_color_icon()
    assert (APP_DIR / "outline.png").read_bytes() == render_outline_icon()


def test_the_package_holds_exactly_the_filled_manifest_and_two_icons_at_its_root(tmp_path: Path) -> None:
    out = build_package(APP_DIR, tmp_path / "switchboard.zip", app_id=APP_ID, bot_id=BOT_ID, version="2.0.1")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("color.png") == (APP_DIR / "color.png").read_bytes()
    assert (manifest["id"], manifest["bots"][0]["botId"], manifest["version"]) == (APP_ID, BOT_ID, "2.0.1")


def test_the_same_inputs_give_a_byte_identical_package(tmp_path: Path) -> None:
    first = build_package(APP_DIR, tmp_path / "a.zip", app_id=APP_ID, bot_id=BOT_ID, version="1.0.0")
    second = build_package(APP_DIR, tmp_path / "b.zip", app_id=APP_ID, bot_id=BOT_ID, version="1.0.0")
    assert first.read_bytes() == second.read_bytes()


def test_a_bot_id_that_is_not_a_guid_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(PackageInvalid, match="bot id must be a GUID"):
        build_package(APP_DIR, tmp_path / "x.zip", app_id=APP_ID, bot_id="28:switchboard")
    assert not (tmp_path / "x.zip").exists()


def test_a_version_that_is_not_major_minor_patch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackageInvalid, match=r"version '1\.0' must be major\.minor\.patch"):
        build_package(APP_DIR, tmp_path / "x.zip", app_id=APP_ID, bot_id=BOT_ID, version="1.0")


def test_a_coloured_outline_icon_is_refused(tmp_path: Path) -> None:
    app_dir = tmp_path / "appPackage"
    shutil.copytree(APP_DIR, app_dir, ignore=shutil.ignore_patterns("build"))
    (app_dir / "outline.png").write_bytes(encode_png(32, 32, b"\x2b\x4c\x7e\xff" * 32 * 32))
    with pytest.raises(PackageInvalid, match="white only") as refused:
        build_package(app_dir, tmp_path / "x.zip", app_id=APP_ID, bot_id=BOT_ID)
    assert "transparent background" in str(refused.value)


def test_a_wrongly_sized_color_icon_is_refused(tmp_path: Path) -> None:
    app_dir = tmp_path / "appPackage"
    shutil.copytree(APP_DIR, app_dir, ignore=shutil.ignore_patterns("build"))
    (app_dir / "color.png").write_bytes(render_color_icon(size=96))
    with pytest.raises(PackageInvalid, match=r"color\.png is 96x96; Teams needs 192x192"):
        build_package(app_dir, tmp_path / "x.zip", app_id=APP_ID, bot_id=BOT_ID)


PUBLISHER = {
    "SWITCHBOARD_DEVELOPER_NAME": "Fabrikam IT",
    "SWITCHBOARD_DEVELOPER_WEBSITE_URL": "https://it.fabrikam.test",
    "SWITCHBOARD_DEVELOPER_PRIVACY_URL": "https://it.fabrikam.test/privacy",
    "SWITCHBOARD_DEVELOPER_TERMS_URL": "https://it.fabrikam.test/terms",
}


@pytest.fixture
def unconfigured(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No app id and no publisher in the environment, whatever the developer's shell has."""
    for name in ("MicrosoftAppId", *PUBLISHER):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        loaded: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return loaded


def test_a_local_package_uses_the_dev_app_id_for_both_ids_and_the_placeholder_pages(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--local", "--out", str(tmp_path / "dev.zip")]) == 0
    manifest = _manifest(tmp_path / "dev.zip")
    assert manifest["id"] == manifest["bots"][0]["botId"] == DEV_APP_ID
    assert manifest["developer"] == template()["developer"]
    assert "dev.zip" in capsys.readouterr().out


def test_without_an_app_id_a_package_is_refused_and_says_what_to_set(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in PUBLISHER.items():
        unconfigured.setenv(name, value)
    assert main(["--out", str(tmp_path / "none.zip")]) == 1
    error = capsys.readouterr().err
    assert "set MicrosoftAppId" in error
    assert "make package LOCAL=1" in error
    assert not (tmp_path / "none.zip").exists()


def test_the_development_app_id_is_refused_unless_the_package_is_for_local_use(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in PUBLISHER.items():
        unconfigured.setenv(name, value)
    unconfigured.setenv("MicrosoftAppId", DEV_APP_ID)
    assert main(["--out", str(tmp_path / "dev.zip")]) == 1
    assert "is the development app id" in capsys.readouterr().err
    assert not (tmp_path / "dev.zip").exists()
    assert main(["--local", "--out", str(tmp_path / "dev.zip")]) == 0


def test_the_developer_block_comes_from_configuration_with_the_app_id_from_microsoft_app_id(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch
) -> None:
    for name, value in PUBLISHER.items():
        unconfigured.setenv(name, value)
    unconfigured.setenv("MicrosoftAppId", APP_ID)
    assert main(["--out", str(tmp_path / "env.zip")]) == 0
    manifest = _manifest(tmp_path / "env.zip")
    assert manifest["bots"][0]["botId"] == manifest["id"] == APP_ID
    assert manifest["developer"] == {
        "name": "Fabrikam IT",
        "websiteUrl": "https://it.fabrikam.test",
        "privacyUrl": "https://it.fabrikam.test/privacy",
        "termsOfUseUrl": "https://it.fabrikam.test/terms",
    }


def test_a_package_without_the_publishers_pages_is_refused_naming_each_missing_setting(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unconfigured.setenv("MicrosoftAppId", APP_ID)
    unconfigured.setenv("SWITCHBOARD_DEVELOPER_NAME", "Fabrikam IT")
    assert main(["--out", str(tmp_path / "x.zip")]) == 1
    error = capsys.readouterr().err
    for name in ("WEBSITE_URL", "PRIVACY_URL", "TERMS_URL"):
        assert f"SWITCHBOARD_DEVELOPER_{name}" in error
    assert "SWITCHBOARD_DEVELOPER_NAME" not in error


def test_a_developer_page_that_is_not_https_is_refused(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in PUBLISHER.items():
        unconfigured.setenv(name, value)
    unconfigured.setenv("MicrosoftAppId", APP_ID)
    unconfigured.setenv("SWITCHBOARD_DEVELOPER_PRIVACY_URL", "http://it.fabrikam.test/privacy")
    assert main(["--out", str(tmp_path / "x.zip")]) == 1
    assert "https:// addresses in SWITCHBOARD_DEVELOPER_PRIVACY_URL" in capsys.readouterr().err


def test_the_command_line_reports_an_invalid_id_and_fails(
    tmp_path: Path, unconfigured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--local", "--app-id", "not-a-guid", "--out", str(tmp_path / "bad.zip")]) == 1
    assert "must be a GUID" in capsys.readouterr().err


def _filter_rows(pixels: bytes, width: int, height: int) -> bytes:
    """Filter row y with PNG filter type y (None, Sub, Up, Average, Paeth), as other image tools may write them."""
    stride, raw, previous = width * 4, b"", bytes(width * 4)
    for y in range(height):
        row = pixels[y * stride : (y + 1) * stride]
        encoded = bytearray()
        for i, value in enumerate(row):
            left, up = (row[i - 4] if i >= 4 else 0), previous[i]
            up_left = previous[i - 4] if i >= 4 else 0
            p = left + up - up_left
            paeth = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - up_left), 2, up_left))[2]
            encoded.append((value - [0, left, up, (left + up) // 2, paeth][y]) & 0xFF)
        raw += bytes((y,)) + bytes(encoded)
        previous = row
    return raw


def test_the_png_decoder_reads_every_row_filter() -> None:
    width, height = 3, 5
    pixels = b"".join(
        bytes((x * 40 + y * 7, y * 50, 255 - x * 30, 200 + x)) for y in range(height) for x in range(width)
    )
    idat = zlib.compress(_filter_rows(pixels, width, height))
    png = bytearray(encode_png(width, height, pixels))
    first_chunk_after_ihdr, iend = 8 + 25, png.index(b"IEND") - 4
    png[first_chunk_after_ihdr:iend] = (
        struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    )
    assert decode_png_rgba(bytes(png)) == (width, height, pixels)


def test_the_checked_in_hints_are_the_grammars_so_the_template_does_not_drift_from_the_package() -> None:
    assert template()["bots"][0]["commandLists"] == command_lists()
    assert filled()["bots"][0]["commandLists"] == command_lists()
