"""Where a generated tenant's numbers are: carrier blocks made up across cities, or the caller's sites.

Made up: blocks of 10 to 1,000 consecutive numbers in a city, of all three types: Direct Routing from a
carrier (no operator id in Teams), Calling Plan from Microsoft, Operator Connect from an operator, with
gaps between a city's blocks as carriers leave them. A site is one carrier's consecutive Direct Routing
numbers in one city, from its first number on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from inventory.teams.simulation.records import SimNumber, stable_id

_DR_CARRIERS: Final = ("Lumen", "Bandwidth", "Colt", "BT Wholesale")
_OC_OPERATORS: Final = ("Contoso Telecom", "Fabrikam Voice", "Northwind Connect")
_TYPE_WEIGHTS: Final = (("directRouting", 55), ("callingPlan", 25), ("operatorConnect", 20))
_CAPABILITIES: Final = {
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


CITIES: Final = (
    City("Seattle", "US", "+12065", 6),
    City("Chicago", "US", "+13125", 6),
    City("New York", "US", "+12125", 6),
    City("London", "GB", "+44207", 7),
    City("Amsterdam", "NL", "+31205", 6),
    City("Berlin", "DE", "+49305", 7),
)


@dataclass(frozen=True)
class Site:
    """One carrier's consecutive Direct Routing numbers in one city, and the policy most of its users route with.

    Its numbers carry no emergency location (locationId) in Teams.
    """

    city: str
    iso: str  # the country, as isoCountryCode
    carrier: str
    first_number: str  # E.164, e.g. +12065551000
    policy: str | None = None


def site_numbers(sites: Sequence[Site], count: int) -> list[SimNumber]:
    """`count` numbers spread evenly over `sites` (the first ones get one more when it does not divide)."""
    per_site, remainder = divmod(count, len(sites))
    numbers = []
    for index, site in enumerate(sites):
        first = int(site.first_number.removeprefix("+"))
        numbers += [
            SimNumber(
                f"+{first + offset}",
                "directRouting",
                city=site.city,
                iso_country_code=site.iso,
                carrier=site.carrier,
                capabilities=list(_CAPABILITIES["directRouting"]),
            )
            for offset in range(per_site + (index < remainder))
        ]
    return numbers


def made_up_numbers(count: int, rng: random.Random) -> list[SimNumber]:
    """`count` numbers in carrier blocks across CITIES; the first three blocks have the three types."""
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
        # A Direct Routing carrier is drawn for every block, whatever its type: that keeps the tenants
        # generated so far the same.
        direct_routing_carrier = rng.choice(_DR_CARRIERS)
        carrier = {"directRouting": direct_routing_carrier, "callingPlan": "Microsoft"}.get(kind)
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
