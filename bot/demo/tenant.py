"""The demo's simulated Contoso: the Playground's people, two sites, two carriers, some numbers in use.

Deterministic from its sizes and seed, so the README's first steps always work: Adele Vance (the
Playground's first user) has no number yet, Megan Bowen holds one. Account ids are the Playground's
`aadObjectId`s, and UPNs its `userPrincipalName`s, so the chat and "Teams" describe the same people.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from bot.demo.identities import DEMO_IDENTITIES, DemoUser
from inventory.e164 import NumberRange, parse_range
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.records import RESOURCE_ACCOUNT, SimAccount, SimNumber
from inventory.teams.simulation.tenant import SimulatedTenant

TENANT_NAME = "contoso"
DOMAIN = "contoso.test"
POLICIES = ("US-National", "US-Unrestricted", "UK-National", "Emergency-Only")
FIRST_USER = DEMO_IDENTITIES.users[0]  # Adele Vance: the README's "assign adele"
HOLDER = DEMO_IDENTITIES.users[1]  # Megan Bowen: already holds a number ("remove megan")
_NAMESPACE = uuid.UUID("0f6c3a8e-5d1b-4e27-9c4a-7b2d1e0f9a31")
# Microsoft's own demo-tenant names, then generated ones; all fictional.
_KNOWN = (  # noqa: SIM905
    "Alex Wilber,Allan Deyoung,Christie Cline,Debra Berger,Diego Siciliani,Emily Braun,Enrico Cattaneo,Grady Archie,"
    "Henrietta Mueller,Irvin Sayers,Johanna Lorenz,Joni Sherman,Lee Gu,Lidia Holloway,Miriam Graham,Nestor Wilke"
).split(",")
_FIRST = "Amara Bruno Carla Dmitri Eva Felix Gita Hana Ivo Jana Karim Lucia Marek Nadia Otto Rosa Sven Tomas".split()  # noqa: SIM905
_LAST = "Alvarez Brandt Chen Dahl Ekman Fontaine Horvat Ibsen Kowalski Moreau Novak Okafor Quint Rossi".split()  # noqa: SIM905


@dataclass(frozen=True)
class Site:
    """Where a carrier's numbers ring, and the first of its block (Teams knows `size` numbers from there)."""

    city: str
    iso: str
    carrier: str
    first_number: int  # E.164 digits without '+'
    policy: str  # what most of its users route with


SITES = (
    Site("Seattle", "US", "Lumen", 12065551000, "US-National"),
    # Ofcom keeps 020 7946 0000-0999 for drama: never a real line.
    Site("London", "GB", "Colt", 442079460000, "UK-National"),
)


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
    rng = random.Random(sizes.seed)
    people = _people(sizes, rng)
    voice_apps = [
        _account("Main Line", f"mainline@{DOMAIN}", RESOURCE_ACCOUNT),
        _account("Support Queue", f"support-queue@{DOMAIN}", RESOURCE_ACCOUNT),
        _account("London Reception", f"london-reception@{DOMAIN}", RESOURCE_ACCOUNT),
    ]
    numbers = {site.city: _site_numbers(site, sizes.numbers_per_site) for site in SITES}
    tenant = SimulatedTenant(
        name=TENANT_NAME,
        tenant_id=DEMO_IDENTITIES.tenant_id,
        accounts=people + voice_apps,
        numbers=[number for block in numbers.values() for number in block],
        policies={name: str(uuid.uuid5(_NAMESPACE, f"policy:{name}")) for name in POLICIES},
        seed=sizes.seed,
        knobs=knobs,
    )
    free = {city: [n.telephone_number for n in block] for city, block in numbers.items()}
    for city in free:
        rng.shuffle(free[city])
    holders = [
        (voice_apps[0], SITES[0]),
        (voice_apps[1], SITES[0]),
        (voice_apps[2], SITES[1]),
        (people[_index_of(people, HOLDER)], SITES[0]),
    ]
    others = [p for p in people if p.upn not in (FIRST_USER.user_principal_name, HOLDER.user_principal_name)]
    others = [p for p in others if p.upn != DEMO_IDENTITIES.current_user.user_principal_name]
    holders += [(person, rng.choice(SITES)) for person in rng.sample(others, round(len(others) * sizes.assigned_share))]
    for account, site in holders:
        if not free[site.city]:
            continue
        tenant.assign_directly(free[site.city].pop(), account.id)
        account.enterprise_voice = True
        if account.account_type != RESOURCE_ACCOUNT:
            account.voice_routing_policy = site.policy if rng.random() < 0.8 else "US-Unrestricted"
    tenant.revision = 0
    return tenant


def _people(sizes: DemoSizes, rng: random.Random) -> list[SimAccount]:
    playground = [DEMO_IDENTITIES.current_user, *DEMO_IDENTITIES.users]
    people = [_from_playground(user) for user in playground]
    names = list(_KNOWN)
    seen = {account.display_name for account in people} | set(names)
    while len(people) + len(names) < sizes.users:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    for name in names[: max(0, sizes.users - len(people))]:
        first, last = name.split(" ", 1)
        people.append(_account(name, f"{first}.{last}@{DOMAIN}".lower()))
    return people


def _from_playground(user: DemoUser) -> SimAccount:
    return SimAccount(user.aad_object_id, user.user_principal_name, user.name)


def _account(name: str, upn: str, account_type: str = "user") -> SimAccount:
    return SimAccount(str(uuid.uuid5(_NAMESPACE, upn)), upn, name, account_type)


def _index_of(people: list[SimAccount], user: DemoUser) -> int:
    return next(i for i, p in enumerate(people) if p.id == user.aad_object_id)


def _site_numbers(site: Site, count: int) -> list[SimNumber]:
    return [
        SimNumber(
            f"+{site.first_number + offset}",
            "directRouting",
            city=site.city,
            iso_country_code=site.iso,
            carrier=site.carrier,
            capabilities=["userAssignment", "voiceApplicationAssignment"],
        )
        for offset in range(count)
    ]
