"""The manifest: its placeholders filled, then everything Teams would refuse in it listed.

Checked against the official JSON schema of its `manifestVersion` (from the pinned npm package
@microsoft/app-manifest, offline: no `$ref` may leave the file) and against Teams limits the schema does
not state: 10 commands per list, 32-character titles, 128-character descriptions, x.y.z versions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

from bot.app_package import SCHEMA_ROOT
from bot.command_table import command_lists

APP_ID_PLACEHOLDER: Final = "${{TEAMS_APP_ID}}"
BOT_ID_PLACEHOLDER: Final = "${{BOT_ID}}"
VERSION_PLACEHOLDER: Final = "${{APP_VERSION}}"
# Teams documents these limits; the JSON schema is looser (12 commands, 128-character titles).
MAX_COMMANDS_PER_LIST: Final = 10
MAX_COMMAND_TITLE: Final = 32
MAX_COMMAND_DESCRIPTION: Final = 128
GUID: Final = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def fill_manifest(template: dict[str, Any], *, app_id: str, bot_id: str, version: str) -> dict[str, Any]:
    """Return a copy of the manifest template with its placeholders replaced and its command hints taken
    from the commands' grammar (`bot.grammar`), so a hint never shows words the bot would not understand."""
    text = json.dumps(template)
    for placeholder, value in (
        (APP_ID_PLACEHOLDER, app_id),
        (BOT_ID_PLACEHOLDER, bot_id),
        (VERSION_PLACEHOLDER, version),
    ):
        text = text.replace(placeholder, value)
    filled: dict[str, Any] = json.loads(text)
    for bot in filled.get("bots", []):
        bot["commandLists"] = command_lists()
    return filled


def manifest_problems(manifest: dict[str, Any], schema_root: Path = SCHEMA_ROOT) -> list[str]:
    """Everything Teams would refuse in a filled manifest: schema errors first, then the documented limits."""
    problems = [f"placeholder left unfilled: {p}" for p in re.findall(r"\$\{\{\w+\}\}", json.dumps(manifest))]
    problems += _schema_problems(manifest, schema_root)
    if not _SEMVER.match(str(manifest.get("version", ""))):
        problems.append(f"version {manifest.get('version')!r} must be major.minor.patch")
    for name in ("id",):
        if not GUID.match(str(manifest.get(name, ""))):
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
