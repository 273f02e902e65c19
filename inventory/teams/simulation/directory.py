"""Who is in a generated tenant: people and voice apps, named by the caller or made up from the seed.

What the caller names keeps its id whatever the seed and sizes: a Person brings its own, a known name
or a named voice app gets one from its UPN, and neither draws anything from the seed. Made-up people get
names drawn from first and last names (with repeats, as real directories have namesakes, so their UPNs
carry a number), a department and a drawn id; after the users come guests and users without Teams,
because real directories have them. Made-up voice apps (the resource accounts of auto attendants and
call queues) are an auto attendant per city and a call queue per department, with drawn ids.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from inventory.teams.simulation.records import GUEST, RESOURCE_ACCOUNT, USER, SimAccount, SimGroup, random_id, stable_id

DEPARTMENTS: Final = ("Sales", "Support", "Finance", "Engineering", "Operations", "Legal", "Marketing", "HR")


@dataclass(frozen=True)
class Person:
    """Someone a tenant must contain just so, for example a Teams emulator's user whose ids are on its activities."""

    id: str  # the Entra object id
    upn: str
    display_name: str


@dataclass(frozen=True)
class Names:
    """Where made-up people's names come from: the `known` full names first, in order, then `first` and `last`
    drawn at random. A known name's UPN is first.last@domain; a drawn one's carries its position."""

    first: tuple[str, ...]
    last: tuple[str, ...]
    known: tuple[str, ...] = ()


# O'Brien is there to exercise OData quoting.
MADE_UP_NAMES: Final = Names(
    first=tuple("Ada Ben Chloe Dev Elena Farid Grace Hugo Ines Jonas Kai Lena Mateo Nora Omar Priya Quinn".split()),  # noqa: SIM905
    last=tuple("Adams Berg Costa Dubois Eriksen Fischer Garcia Haddad Ito Jansen Larsen O'Brien Patel".split()),  # noqa: SIM905
)


@dataclass(frozen=True)
class VoiceApp:
    """The resource account of an auto attendant or a call queue; `city` is where its number is, when it matters."""

    display_name: str
    mailbox: str  # the UPN before the @
    city: str | None = None


def made_up_voice_apps(auto_attendants: int, call_queues: int, cities: Sequence[str]) -> list[VoiceApp]:
    """Auto attendants city by city, then call queues department by department, numbered from 1."""
    apps = []
    for index in range(auto_attendants):
        city = cities[index % len(cities)]
        mailbox = f"aa-{city.lower().replace(' ', '')}-{index + 1}"
        apps.append(VoiceApp(f"Auto attendant {city} {index + 1}", mailbox, city))
    for index in range(call_queues):
        team = DEPARTMENTS[index % len(DEPARTMENTS)]
        apps.append(VoiceApp(f"Call queue {team} {index + 1}", f"cq-{team.lower()}-{index + 1}"))
    return apps


def voice_app_account(app: VoiceApp, domain: str, rng: random.Random | None) -> SimAccount:
    """The resource account of `app`, with an id drawn from `rng`, or (without one) an id from its UPN."""
    upn = f"{app.mailbox}@{domain}"
    account_id = random_id(rng) if rng is not None else stable_id("account", upn)
    return SimAccount(account_id, upn, app.display_name, RESOURCE_ACCOUNT)


def give_entra_attributes(people: list[SimAccount], places: Sequence[tuple[str, str]], company: str) -> None:
    """What Entra would say about each user, for assignment rules: a city and usage location from `places`
    (city, ISO country) in turn, an office there, the company, a department (a drawn one is kept) and the
    department's group. Set by position, never drawn, so a seed makes the same tenant as before."""
    for index, account in enumerate(people):
        if account.account_type != USER:
            continue
        city, country = places[index % len(places)]
        account.city, account.usage_location, account.office_location = city, country, f"{city} office"
        account.company_name = company
        account.department = account.department or DEPARTMENTS[index % len(DEPARTMENTS)]
        account.member_of = [SimGroup(stable_id("group", account.department), f"{account.department} team")]


def person_account(person: Person) -> SimAccount:
    return SimAccount(person.id, person.upn, person.display_name)


def made_up_people(
    names: Names, rng: random.Random, domain: str, *, users: int, guests: int, without_teams: int
) -> list[SimAccount]:
    """`users` users, then `guests` guests, then `without_teams` Entra users with no Teams settings."""
    accounts = []
    for index in range(users + guests + without_teams):
        account, local = (
            _known_person(names.known[index], domain)
            if index < len(names.known)
            else _drawn_person(names, rng, domain, index)
        )
        if index >= users + guests:
            account.teams_enabled = False
        elif index >= users:
            account.account_type = GUEST
            account.upn = f"{local}_partner.example#EXT#@{domain}"
        accounts.append(account)
    return accounts


def _known_person(full_name: str, domain: str) -> tuple[SimAccount, str]:
    first, last = full_name.split(" ", 1)
    local = _mailbox(first, last)
    upn = f"{local}@{domain}"
    return SimAccount(stable_id("account", upn), upn, full_name), local


def _drawn_person(names: Names, rng: random.Random, domain: str, index: int) -> tuple[SimAccount, str]:
    first, last = rng.choice(names.first), rng.choice(names.last)
    local = _mailbox(first, last)
    upn = f"{local}{index + 1}@{domain}"
    return SimAccount(random_id(rng), upn, f"{first} {last}", department=rng.choice(DEPARTMENTS)), local


def _mailbox(first: str, last: str) -> str:
    return f"{first}.{last}".lower().replace("'", "")
