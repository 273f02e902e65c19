"""Emergency locations: which Teams location id an assignment carries, and how it reads.

Teams reports a `locationId` per number (the sync stores it as `emergency_location_id`); a tenant's
configuration names its sites (site name -> location id) and the site of each pool. An assignment
carries the number's own location when Teams reported one, else its pool's site, else none (then
Teams keeps whatever the number has). Pure: data in, answers out.
"""

from __future__ import annotations

from inventory.config import TenantConfig
from inventory.errors import SwitchboardError


def default_location(location_id: str | None, pool: str | None, config: TenantConfig) -> str | None:
    """The location an assignment of this number carries unless the operator chooses another."""
    return location_id or config.pool_location(pool)


def location_label(location_id: str | None, config: TenantConfig) -> str:
    """A location as an operator reads it: the site's name where configured, else Teams' id."""
    if not location_id:
        return "(none: Teams keeps the number's own)"
    site = config.site_name(location_id)
    return site if site else f"Teams location {location_id}"


def location_choices(current: str | None, config: TenantConfig) -> list[tuple[str, str]]:
    """(title, location id) for the confirm card: the tenant's sites, and the current id if it is none of them."""
    choices = [(name, location) for name, location in config.sites]
    if current and all(location != current for _, location in choices):
        choices.insert(0, (location_label(current, config), current))
    return choices


def chosen_location(chosen: str, current: str | None, config: TenantConfig) -> str | None:
    """What the operator chose on the confirm card, checked: one of the offered locations, or none."""
    if not chosen:
        return None
    if chosen in {location for _, location in location_choices(current, config)}:
        return chosen
    raise SwitchboardError("That emergency location is not one of this tenant's sites; choose from the list.")
