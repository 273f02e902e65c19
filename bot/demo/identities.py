"""The people and places of the demo's Teams: the Agents Playground's fake tenant, as Switchboard sees it.

One set of ids serves three parties: the Playground's config (so its chats are these people), the demo
tenant (its accounts carry the same Entra object ids) and the bot's settings (the current user is the admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class DemoUser:
    """One person in the Playground's fake tenant, with the ids Teams would put on an activity's `from`."""

    id: str  # the Teams user id (`29:...`): activity.from.id
    name: str
    user_principal_name: str
    aad_object_id: str  # activity.from.aadObjectId: what Switchboard keys operators on
    given_name: str
    surname: str

    @property
    def email(self) -> str:
        return self.user_principal_name


@dataclass(frozen=True)
class DemoTeam:
    """The single team the Playground models: General (whose id is the team id) plus one named channel."""

    id: str
    name: str
    aad_group_id: str
    channel_id: str
    channel_name: str


@dataclass(frozen=True)
class DemoIdentities:
    """Everything the Playground's fake tenant is made of, importable by the bot and the tests."""

    tenant_id: str
    bot_id: str
    bot_name: str
    current_user: DemoUser
    users: tuple[DemoUser, ...]
    personal_chat_id: str
    group_chat_id: str
    group_chat_name: str
    team: DemoTeam


def _user(n: int, given: str, surname: str, login: str) -> DemoUser:
    return DemoUser(
        id=f"29:switchboard-demo-user-{n}",
        name=f"{given} {surname}",
        user_principal_name=f"{login}@contoso.test",
        aad_object_id=f"aaaaaaaa-0000-4000-8000-{n:012d}",
        given_name=given,
        surname=surname,
    )


OLIVIA_OPERATOR: Final = _user(1, "Olivia", "Operator", "olivia")

DEMO_IDENTITIES: Final = DemoIdentities(
    tenant_id="11111111-1111-4111-8111-111111111111",
    bot_id="28:switchboard-dev-bot",
    bot_name="Switchboard",
    current_user=OLIVIA_OPERATOR,
    users=(
        _user(11, "Adele", "Vance", "adele"),
        _user(12, "Megan", "Bowen", "megan"),
        _user(13, "Isaiah", "Langer", "isaiah"),
        _user(14, "Patti", "Fernandez", "patti"),
        _user(15, "Lynne", "Robbins", "lynne"),
    ),
    personal_chat_id="a:switchboard-personal-chat",
    group_chat_id="19:switchboard-group-chat@thread.v2",
    group_chat_name="Voice Team",
    team=DemoTeam(
        id="19:switchboard-team-general@thread.tacv2",
        name="Contoso IT",
        aad_group_id="bbbbbbbb-0000-4000-8000-000000000001",
        channel_id="19:switchboard-voice-ops@thread.tacv2",
        channel_name="Voice Ops",
    ),
)
