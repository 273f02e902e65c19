"""A believable tenant from a seed: the same seed, sizes and cast always give the same tenant.

With sizes alone everything is made up: people and voice apps (`directory`), numbers in carrier blocks
across cities (`number_blocks`), and who holds a number: resource accounts (auto attendants, call queues)
first, then users, until the assigned share of the numbers is in use. A `TenantCast` puts in what the
caller wants instead: a domain and tenant id, people who must be there as given, the names made-up people
get, named voice apps, sites, and who holds a number.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inventory.ports.clock import Clock
from inventory.teams.simulation.directory import (
    MADE_UP_NAMES,
    Names,
    Person,
    VoiceApp,
    give_entra_attributes,
    made_up_people,
    made_up_voice_apps,
    person_account,
    voice_app_account,
)
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.number_blocks import CITIES, Site, made_up_numbers, site_numbers
from inventory.teams.simulation.records import RESOURCE_ACCOUNT, USER, SimAccount, SimNumber, random_id, stable_id
from inventory.teams.simulation.tenant import SimulatedTenant

DEFAULT_POLICIES = ("US-Unrestricted", "US-National", "EU-International", "Emergency-Only")
_SITE_POLICY_SHARE = 0.8  # of a site's users who route with its policy; the others with any of the tenant's


@dataclass(frozen=True)
class TenantSizes:
    """How many of everything a generated tenant has (besides what a TenantCast names)."""

    users: int = 200
    auto_attendants: int = 4
    call_queues: int = 6
    guests: int = 3
    without_teams: int = 5  # Entra users with no Teams settings (in /users, not in userConfigurations)
    numbers: int = 400
    assigned_share: float = 0.6  # of the numbers, in use (unless the cast says who holds one)
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


@dataclass(frozen=True)
class Holders:
    """Who holds a number in a tenant with a cast: every voice app, the `named` accounts, and `share` of the
    other people, drawn at random, but never the accounts in `never`. Voice apps get a number in their city."""

    share: float
    named: tuple[str, ...] = ()  # account ids
    never: tuple[str, ...] = ()


@dataclass(frozen=True)
class TenantCast:
    """What a generated tenant is made of besides its sizes; the defaults make up everyone and everything."""

    domain: str | None = None  # None: <name>.onmicrosoft.com
    tenant_id: str | None = None  # None: drawn
    people: tuple[Person, ...] = ()  # first among the people, besides the `sizes.users` made-up ones
    names: Names = MADE_UP_NAMES  # of the made-up people
    voice_apps: tuple[VoiceApp, ...] = ()  # before the sizes' made-up auto attendants and call queues
    sites: tuple[Site, ...] = ()  # none: made-up carrier blocks across cities
    holders: Holders | None = None  # None: accounts in order until the sizes' assigned share is in use

    def site_policy(self, number: SimNumber) -> str | None:
        """The policy most users of the number's site route with, if the tenant has sites that say."""
        return next((site.policy for site in self.sites if site.city == number.city), None)


def generate_tenant(
    sizes: TenantSizes,
    *,
    cast: TenantCast | None = None,
    seed: int = 1,
    name: str = "simulated",
    knobs: FaultKnobs | None = None,
    clock: Clock | None = None,
) -> SimulatedTenant:
    """Build the tenant described by `sizes` and `cast`, deterministically from `seed`."""
    cast = cast or TenantCast()
    rng = random.Random(seed)
    voice_apps, homes, people = _directory(sizes, cast, rng, cast.domain or f"{name}.onmicrosoft.com")
    numbers = site_numbers(cast.sites, sizes.numbers) if cast.sites else made_up_numbers(sizes.numbers, rng)
    tenant = SimulatedTenant(
        name=name,
        tenant_id=cast.tenant_id or random_id(rng),
        accounts=voice_apps + people,
        numbers=numbers,
        policies={policy: stable_id("policy", policy) for policy in sizes.policies},
        seed=seed,
        knobs=knobs,
        clock=clock,
    )
    if cast.holders is None:
        holdings = _until_share_in_use(voice_apps + people, numbers, sizes.assigned_share, rng)
    else:
        holdings = _cast_holdings(cast.holders, voice_apps, people, numbers, homes, rng)
    _hand_out(tenant, holdings, sizes, cast, rng)
    tenant.revision = 0  # a freshly generated tenant has nothing unsaved beyond itself
    return tenant


def _directory(
    sizes: TenantSizes, cast: TenantCast, rng: random.Random, domain: str
) -> tuple[list[SimAccount], dict[str, str], list[SimAccount]]:
    """The voice apps (the cast's, then made-up ones), their home cities by account id, and the people."""
    made_up_apps = made_up_voice_apps(sizes.auto_attendants, sizes.call_queues, [city.name for city in CITIES])
    voice_apps = [voice_app_account(app, domain, None) for app in cast.voice_apps]
    voice_apps += [voice_app_account(app, domain, rng) for app in made_up_apps]
    apps = [*cast.voice_apps, *made_up_apps]
    homes = {account.id: app.city for account, app in zip(voice_apps, apps, strict=True) if app.city}
    made_up = made_up_people(
        cast.names, rng, domain, users=sizes.users, guests=sizes.guests, without_teams=sizes.without_teams
    )
    people = [*(person_account(person) for person in cast.people), *made_up]
    places = [(site.city, site.iso) for site in cast.sites] or [(city.name, city.iso) for city in CITIES]
    give_entra_attributes(people, places, company=domain.split(".")[0].capitalize())
    return voice_apps, homes, people


def _hand_out(
    tenant: SimulatedTenant,
    holdings: Sequence[tuple[SimAccount, SimNumber]],
    sizes: TenantSizes,
    cast: TenantCast,
    rng: random.Random,
) -> None:
    """Assign each holding; a user's Direct Routing number comes with a voice routing policy (or Global)."""
    for account, number in holdings:
        tenant.assign_directly(number.telephone_number, account.id, number_type=number.number_type)
        account.enterprise_voice = True
        if number.number_type == "directRouting" and account.account_type == USER and sizes.policies:
            site_policy = cast.site_policy(number)
            if site_policy is not None and rng.random() < _SITE_POLICY_SHARE:
                account.voice_routing_policy = site_policy
            else:
                account.voice_routing_policy = rng.choice((*sizes.policies, None))


def _can_hold(account: SimAccount) -> bool:
    return account.teams_enabled and account.account_type in (RESOURCE_ACCOUNT, USER)


def _until_share_in_use(
    accounts: Sequence[SimAccount], numbers: Sequence[SimNumber], share: float, rng: random.Random
) -> list[tuple[SimAccount, SimNumber]]:
    """The accounts in directory order (made-up people come in random order already), each with a drawn number."""
    holders = [account for account in accounts if _can_hold(account)]
    count = min(round(len(numbers) * share), len(holders))
    return list(zip(holders[:count], rng.sample(list(numbers), count), strict=True))


def _cast_holdings(
    holders: Holders,
    voice_apps: Sequence[SimAccount],
    people: Sequence[SimAccount],
    numbers: Sequence[SimNumber],
    homes: Mapping[str, str],
    rng: random.Random,
) -> list[tuple[SimAccount, SimNumber]]:
    """See Holders. Each holder without a home city gets a number in a city drawn at random."""
    free: dict[str, list[SimNumber]] = {}
    for number in numbers:
        free.setdefault(number.city or "", []).append(number)
    for pool in free.values():
        rng.shuffle(pool)
    named = [account for account in people if account.id in holders.named]
    decided = set(holders.named) | set(holders.never)
    others = [account for account in people if _can_hold(account) and account.id not in decided]
    chosen = [*voice_apps, *named, *rng.sample(others, round(len(others) * holders.share))]
    holdings = []
    for account in chosen:
        city = homes.get(account.id)
        pool = free[city] if city in free else free[rng.choice(sorted(free))]
        if pool:
            holdings.append((account, pool.pop()))
    return holdings
