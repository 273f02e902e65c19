"""The bot's test world: the operators who talk to it, the simulated Contoso they work on, its settings,
and a running replica of the bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from inventory.config import OperatorConfig, Role, Settings, TenantConfig
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedTenant
from tests.support.bot_harness import Member, RecordingConnector, TeamsClient

OLIVIA = Member("29:olivia", "aaaaaaaa-0000-4000-8000-000000000001", "Olivia Operator", "olivia@contoso.test")
MEGAN = Member("29:megan", "aaaaaaaa-0000-4000-8000-000000000002", "Megan Bowen", "megan@contoso.test")
VICTOR = Member("29:victor", "aaaaaaaa-0000-4000-8000-000000000003", "Victor Viewer", "victor@contoso.test")
STRANGER = Member("29:stranger", "aaaaaaaa-0000-4000-8000-000000000009", "Sam Stranger", "sam@fabrikam.test")
POLICIES = ("US-Unrestricted", "US-Local")
# Teams finishes an operation at once here; poll it quickly too, so an assignment takes milliseconds, not 1 s.
FAST_POLLS = GraphTuning(poll_first_delay_seconds=0.01, poll_steady_seconds=0.2, poll_cap_seconds=0.2)


def contoso_teams() -> SimulatedTenant:
    tenant = SimulatedTenant(
        name="contoso",
        accounts=[
            SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True),
            SimAccount("obj-alex", "alex@contoso.test", "Alex Wilber", enterprise_voice=True),
            SimAccount("obj-bob", "bob@contoso.test", "Bob Kelly", enterprise_voice=True),
            SimAccount(
                "obj-aa", "mainline@contoso.test", "Main Line", account_type="resourceAccount", enterprise_voice=True
            ),
        ],
        numbers=[SimNumber("+12065559000", "callingPlan", city="Seattle", capabilities=["userAssignment"])],
        policies={name: f"pol-{i}" for i, name in enumerate(POLICIES)},
    )
    tenant.assign_directly("+12065550150", "obj-bob")
    tenant.assign_directly("+12065550199", "obj-aa")
    return tenant


def bot_settings(*, app_id: str = "", app_password: str = "") -> Settings:
    return Settings(
        tenants=(
            TenantConfig(name="contoso", display_name="Contoso", allowed_policies=POLICIES, default_policy="US-Local"),
            TenantConfig(name="fabrikam", display_name="Fabrikam"),
        ),
        operators=(
            OperatorConfig(OLIVIA.aad_object_id, Role.ADMIN, ("*",)),
            OperatorConfig(MEGAN.aad_object_id, Role.OPERATOR, ("contoso",)),
            OperatorConfig(VICTOR.aad_object_id, Role.VIEWER, ("contoso",)),
        ),
        app_id=app_id,
        app_password=app_password,
        app_type="SingleTenant" if app_id else "",
        app_tenant_id="00000000-0000-4000-8000-0000000000aa" if app_id else "",
        insecure_development=not app_id,
    )


@dataclass(frozen=True)
class RunningBot:
    """One bot replica: its /api/messages address and its aiohttp application."""

    url: str
    app: web.Application

    @property
    def base(self) -> str:
        return self.url.removesuffix("/api/messages")


BotStarter = Callable[..., Awaitable[RunningBot]]


def client_for(
    member: Member,
    http: aiohttp.ClientSession,
    bot_url: str,
    connector: RecordingConnector,
    conversation: str = "personal",
) -> TeamsClient:
    return TeamsClient(http, bot_url, connector, member, conversation)
