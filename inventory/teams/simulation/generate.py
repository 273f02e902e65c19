"""A believable tenant from a seed: the same seed and sizes always give the same tenant.

Numbers come in carrier blocks (10 to 1,000 consecutive numbers) per city, of all three types:
Direct Routing from a carrier (no operator id in Teams), Calling Plan from Microsoft, Operator
Connect from an operator. Resource accounts (auto attendants, call queues) get numbers first, then
users, until the assigned share is reached. Guests and users without Teams are there too, because
real directories have them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from inventory.ports.clock import Clock
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.records import GUEST, RESOURCE_ACCOUNT, SimAccount, SimNumber
from inventory.teams.simulation.tenant import SimulatedTenant

DEFAULT_POLICIES = ("US-Unrestricted", "US-National", "EU-International", "Emergency-Only")
_NAMESPACE = uuid.UUID("6b1d4a52-4e0c-4b0e-9a55-3c5f0c1f2d10")
# Names as text to keep the lists compact; O'Brien is there to exercise OData quoting.
_FIRST = "Ada Ben Chloe Dev Elena Farid Grace Hugo Ines Jonas Kai Lena Mateo Nora Omar Priya Quinn".split()  # noqa: SIM905
_LAST = "Adams Berg Costa Dubois Eriksen Fischer Garcia Haddad Ito Jansen Larsen O'Brien Patel".split()  # noqa: SIM905
_DEPARTMENTS = ("Sales", "Support", "Finance", "Engineering", "Operations", "Legal", "Marketing", "HR")
_DR_CARRIERS = ("Lumen", "Bandwidth", "Colt", "BT Wholesale")
_OC_OPERATORS = ("Contoso Telecom", "Fabrikam Voice", "Northwind Connect")
_TYPE_WEIGHTS = (("directRouting", 55), ("callingPlan", 25), ("operatorConnect", 20))
_CAPABILITIES = {
    "directRouting": ["userAssignment", "voiceApplicationAssignment"],
    "callingPlan": ["userAssignment", "voiceApplicationAssignment", "conferenceAssignment"],
    "operatorConnect": ["userAssignment", "voiceApplicationAssignment"],
}


@dataclass(frozen=True)
class City:
    name: str
    iso: str
    prefix: str  # E.164 prefix of the city's simulated ranges
    width: int  # digits after the prefix


CITIES = (
    City("Seattle", "US", "+12065", 6),
    City("Chicago", "US", "+13125", 6),
    City("New York", "US", "+12125", 6),
    City("London", "GB", "+44207", 7),
    City("Amsterdam", "NL", "+31205", 6),
    City("Berlin", "DE", "+49305", 7),
)


@dataclass(frozen=True)
class TenantSizes:
    users: int = 200
    auto_attendants: int = 4
    call_queues: int = 6
    guests: int = 3
    without_teams: int = 5  # Entra users with no Teams settings (in /users, not in userConfigurations)
    numbers: int = 400
    assigned_share: float = 0.6
    policies: tuple[str, ...] = DEFAULT_POLICIES

    @classmethod
    def for_numbers(cls, numbers: int, *, assigned_share: float = 0.6) -> TenantSizes:
        """Sizes in proportion to a number count (users = 70% of numbers, one AA/CQ per 500 numbers)."""
        voice_apps = max(2, numbers // 500)
        return cls(
            users=max(10, numbers * 7 // 10),
            auto_attendants=voice_apps // 2,
            call_queues=voice_apps - voice_apps // 2,
            guests=max(1, numbers // 1000),
            without_teams=max(1, numbers // 200),
            numbers=numbers,
            assigned_share=assigned_share,
        )


def stable_id(kind: str, name: str) -> str:
    """A UUID that depends only on its name (operators, locations, policies)."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


def generate_tenant(
    sizes: TenantSizes,
    *,
    seed: int = 1,
    name: str = "simulated",
    knobs: FaultKnobs | None = None,
    clock: Clock | None = None,
) -> SimulatedTenant:
    """Build the tenant described by `sizes`, deterministically from `seed`."""
    rng = random.Random(seed)
    domain = f"{name}.onmicrosoft.com"
    voice_apps = _voice_apps(sizes, rng, domain)
    users = _users(sizes, rng, domain)
    numbers = _numbers(sizes.numbers, rng)
    policies = {policy: stable_id("policy", policy) for policy in sizes.policies}
    tenant = SimulatedTenant(
        name=name,
        tenant_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        accounts=voice_apps + users,
        numbers=numbers,
        policies=policies,
        seed=seed,
        knobs=knobs,
        clock=clock,
    )
    holders = [account for account in voice_apps + users if account.account_type in (RESOURCE_ACCOUNT, "user")]
    holders = [account for account in holders if account.teams_enabled]
    count = min(round(sizes.numbers * sizes.assigned_share), len(holders))
    for account, number in zip(holders[:count], rng.sample(numbers, count), strict=True):
        tenant.assign_directly(number.telephone_number, account.id, number_type=number.number_type)
        account.enterprise_voice = True
        if number.number_type == "directRouting" and account.account_type == "user" and sizes.policies:
            account.voice_routing_policy = rng.choice((*sizes.policies, None))
    tenant.revision = 0  # a freshly generated tenant has nothing unsaved beyond itself
    return tenant


def _account_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _voice_apps(sizes: TenantSizes, rng: random.Random, domain: str) -> list[SimAccount]:
    accounts = []
    for index in range(sizes.auto_attendants):
        city = CITIES[index % len(CITIES)].name
        upn = f"aa-{city.lower().replace(' ', '')}-{index + 1}@{domain}"
        accounts.append(SimAccount(_account_id(rng), upn, f"Auto attendant {city} {index + 1}", RESOURCE_ACCOUNT))
    for index in range(sizes.call_queues):
        team = _DEPARTMENTS[index % len(_DEPARTMENTS)]
        upn = f"cq-{team.lower()}-{index + 1}@{domain}"
        accounts.append(SimAccount(_account_id(rng), upn, f"Call queue {team} {index + 1}", RESOURCE_ACCOUNT))
    return accounts


def _users(sizes: TenantSizes, rng: random.Random, domain: str) -> list[SimAccount]:
    accounts = []
    for index in range(sizes.users + sizes.guests + sizes.without_teams):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        local = f"{first}.{last}".lower().replace("'", "")
        account = SimAccount(
            _account_id(rng), f"{local}{index + 1}@{domain}", f"{first} {last}", department=rng.choice(_DEPARTMENTS)
        )
        if index >= sizes.users + sizes.guests:
            account.teams_enabled = False
        elif index >= sizes.users:
            account.account_type = GUEST
            account.upn = f"{local}_partner.example#EXT#@{domain}"
        accounts.append(account)
    return accounts


def _numbers(count: int, rng: random.Random) -> list[SimNumber]:
    numbers: list[SimNumber] = []
    next_free = {city.name: rng.randrange(1000) for city in CITIES}
    types = [kind for kind, _ in _TYPE_WEIGHTS]
    weights = [weight for _, weight in _TYPE_WEIGHTS]
    largest_block = max(5, count // 8)  # small tenants still get several blocks
    blocks = 0
    while len(numbers) < count:
        city = rng.choice(CITIES)
        # The first blocks cover every type, so even a tiny tenant has all three.
        kind = types[blocks] if blocks < len(types) else rng.choices(types, weights)[0]
        blocks += 1
        size = min(count - len(numbers), largest_block, rng.choice((10, 20, 50, 100, 100, 1000)))
        carrier = {"directRouting": rng.choice(_DR_CARRIERS), "callingPlan": "Microsoft"}.get(kind)
        carrier = carrier or rng.choice(_OC_OPERATORS)
        operator_id = None if kind == "directRouting" else stable_id("operator", carrier)
        location_id, civic_id = stable_id("location", city.name), stable_id("civic", city.name)
        start = next_free[city.name]
        next_free[city.name] = start + size + rng.randrange(0, 200)  # carriers leave gaps between blocks
        for offset in range(size):
            numbers.append(
                SimNumber(
                    f"{city.prefix}{start + offset:0{city.width}d}",
                    kind,
                    city=city.name,
                    iso_country_code=city.iso,
                    location_id=location_id,
                    civic_address_id=civic_id,
                    operator_id=operator_id,
                    carrier=carrier,
                    capabilities=list(_CAPABILITIES[kind]),
                )
            )
    return numbers
