"""The demo's simulated Contoso: the Playground's people, two sites, two carriers, some numbers in use.

Deterministic from its sizes and seed, so the README's first steps always work: Adele Vance (the
Playground's first user) has no number yet, Megan Bowen holds one. Account ids are the Playground's
`aadObjectId`s, and UPNs its `userPrincipalName`s, so the chat and "Teams" describe the same people.
The tenant itself comes from the simulation's generator; this module only chooses what it is made of.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.identities import DEMO_IDENTITIES
from inventory.e164 import NumberRange, parse_range
from inventory.teams.simulation.directory import Names, Person, VoiceApp
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.generate import Holders, TenantCast, TenantSizes, generate_tenant
from inventory.teams.simulation.number_blocks import Site
from inventory.teams.simulation.tenant import SimulatedTenant

TENANT_NAME = "contoso"
DOMAIN = "contoso.test"
POLICIES = ("US-National", "US-Unrestricted", "UK-National", "Emergency-Only")
FIRST_USER = DEMO_IDENTITIES.users[0]  # Adele Vance: the README's "assign adele"
HOLDER = DEMO_IDENTITIES.users[1]  # Megan Bowen: already holds a number ("remove megan")
PLAYGROUND_PEOPLE = tuple(
    Person(user.aad_object_id, user.user_principal_name, user.name)
    for user in (DEMO_IDENTITIES.current_user, *DEMO_IDENTITIES.users)
)
SITES = (
    Site("Seattle", "US", "Lumen", "+12065551000", policy="US-National"),
    # Ofcom keeps 020 7946 0000-0999 for drama: never a real line.
    Site("London", "GB", "Colt", "+442079460000", policy="UK-National"),
)
VOICE_APPS = (
    VoiceApp("Main Line", "mainline", "Seattle"),
    VoiceApp("Support Queue", "support-queue", "Seattle"),
    VoiceApp("London Reception", "london-reception", "London"),
)
# Microsoft's own demo-tenant names, then drawn ones; all fictional.
_KNOWN = (  # noqa: SIM905
    "Alex Wilber,Allan Deyoung,Christie Cline,Debra Berger,Diego Siciliani,Emily Braun,Enrico Cattaneo,Grady Archie,"
    "Henrietta Mueller,Irvin Sayers,Johanna Lorenz,Joni Sherman,Lee Gu,Lidia Holloway,Miriam Graham,Nestor Wilke"
).split(",")
_FIRST = "Amara Bruno Carla Dmitri Eva Felix Gita Hana Ivo Jana Karim Lucia Marek Nadia Otto Rosa Sven Tomas".split()  # noqa: SIM905
_LAST = "Alvarez Brandt Chen Dahl Ekman Fontaine Horvat Ibsen Kowalski Moreau Novak Okafor Quint Rossi".split()  # noqa: SIM905
NAMES = Names(first=tuple(_FIRST), last=tuple(_LAST), known=tuple(_KNOWN))


@dataclass(frozen=True)
class DemoSizes:
    """How big the demo tenant is. The defaults are `switchboard demo`'s; tests use small ones."""

    users: int = 50  # including the Playground's six people
    numbers_per_site: int = 250  # Teams knows this many per site (two sites)
    assigned_share: float = 0.4  # of the other users, who already hold a number
    new_range_size: int = 100  # the carrier range imported into the inventory that Teams does not know yet
    seed: int = 7


@dataclass(frozen=True)
class NewRange:
    """A Direct Routing range just ordered from the Seattle carrier: in the inventory, unknown to Teams."""

    numbers: NumberRange
    location: str = "Seattle"
    carrier: str = "Lumen"
    pool: str = "Seattle"
    label: str = "SEA-DR-2"


def new_range(sizes: DemoSizes) -> NewRange:
    # 555-0100 to 555-0199 are North America's fictional numbers; bigger ranges continue after them.
    last = 12065550100 + max(1, sizes.new_range_size) - 1
    return NewRange(parse_range(f"+12065550100-+{last}"))


def build_demo_tenant(sizes: DemoSizes | None = None, *, knobs: FaultKnobs | None = None) -> SimulatedTenant:
    """The simulated Teams tenant of the demo (see the module docstring)."""
    sizes = sizes or DemoSizes()
    everyone = TenantSizes(
        users=max(0, sizes.users - len(PLAYGROUND_PEOPLE)),
        auto_attendants=0,  # the voice apps are VOICE_APPS
        call_queues=0,
        guests=0,
        without_teams=0,
        numbers=sizes.numbers_per_site * len(SITES),
        policies=POLICIES,
    )
    cast = TenantCast(
        domain=DOMAIN,
        tenant_id=DEMO_IDENTITIES.tenant_id,
        people=PLAYGROUND_PEOPLE,
        names=NAMES,
        voice_apps=VOICE_APPS,
        sites=SITES,
        # Olivia, the operator, holds none either: the demo is about the numbers she hands out.
        holders=Holders(
            sizes.assigned_share,
            named=(HOLDER.aad_object_id,),
            never=(FIRST_USER.aad_object_id, DEMO_IDENTITIES.current_user.aad_object_id),
        ),
    )
    return generate_tenant(everyone, cast=cast, seed=sizes.seed, name=TENANT_NAME, knobs=knobs)
