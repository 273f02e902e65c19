"""The Agents Playground's config file, `.m365agentsplayground.yml`, written from the demo identities.

Facts this code relies on (checked with @microsoft/m365agentsplayground 0.2.28, see docs/playground-notes.md):
- the config schema accepts version "0.1.0"/"0.1.1" and exactly five `users`; the user key is spelled
  `userPrincipleName`; there is one team whose General channel id is the team id, plus at most one channel;
- the config is parsed with a YAML 1.2 parser, so JSON-quoted scalars are safe for any name or id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from bot.demo.identities import DEMO_IDENTITIES, DemoIdentities, DemoUser

CONFIG_FILE_NAME: Final = ".m365agentsplayground.yml"
CONFIG_VERSION: Final = "0.1.1"
REQUIRED_USER_COUNT: Final = 5


class PlaygroundError(RuntimeError):
    """The Playground could not be configured or did not come up; the message says what to look at."""


def render_playground_config(identities: DemoIdentities = DEMO_IDENTITIES) -> str:
    """Return the text of a `.m365agentsplayground.yml` the Playground's schema accepts.

    Raises PlaygroundError for what the Playground would refuse at start-up with a less helpful message.
    """
    current_user, users, team = identities.current_user, identities.users, identities.team
    if len(users) != REQUIRED_USER_COUNT:
        raise PlaygroundError(
            f"The Playground needs exactly {REQUIRED_USER_COUNT} users besides you, got {len(users)}."
        )
    ids = [current_user.id, *(u.id for u in users)]
    if len(set(ids)) != len(ids):
        raise PlaygroundError(f"Playground user ids must be unique: {ids}")
    if team.channel_id == team.id:
        raise PlaygroundError("The extra channel needs its own id: the team id is already the General channel's.")

    q = json.dumps  # a JSON string is a valid YAML 1.2 double-quoted scalar, whatever the name holds
    lines = [
        "# Written by bot/demo/playground_config.py for the Agents Playground; regenerated on every start.",
        f"version: {q(CONFIG_VERSION)}",
        f"tenantId: {q(identities.tenant_id)}",
        "bot:",
        f"  id: {q(identities.bot_id)}",
        f"  name: {q(identities.bot_name)}",
        "currentUser:",
        *_user_lines(current_user, "  "),
        "users:",
    ]
    for user in users:
        first, *rest = _user_lines(user, "    ")
        lines += ["  - " + first.lstrip(), *rest]
    lines += [
        "personalChat:",
        f"  id: {q(identities.personal_chat_id)}",
        "groupChat:",
        f"  id: {q(identities.group_chat_id)}",
        f"  name: {q(identities.group_chat_name)}",
        "team:",
        f"  id: {q(team.id)}",
        f"  name: {q(team.name)}",
        f"  aadGroupId: {q(team.aad_group_id)}",
        "  channels:",
        f"    - id: {q(team.channel_id)}",
        f"      name: {q(team.channel_name)}",
    ]
    return "\n".join(lines) + "\n"


def _user_lines(user: DemoUser, indent: str) -> list[str]:
    q = json.dumps
    return [
        f"{indent}id: {q(user.id)}",
        f"{indent}name: {q(user.name)}",
        # The Playground's own spelling: `userPrincipalName` would fail its schema.
        f"{indent}userPrincipleName: {q(user.user_principal_name)}",
        f"{indent}aadObjectId: {q(user.aad_object_id)}",
        f"{indent}givenName: {q(user.given_name)}",
        f"{indent}surname: {q(user.surname)}",
        f"{indent}email: {q(user.email)}",
    ]


def write_playground_config(path: Path, identities: DemoIdentities = DEMO_IDENTITIES) -> Path:
    """Write the Playground config to `path` (a file, or a directory to put `.m365agentsplayground.yml` in)."""
    if path.is_dir():
        path = path / CONFIG_FILE_NAME
    text = render_playground_config(identities)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
