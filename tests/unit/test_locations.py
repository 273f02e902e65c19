"""Emergency locations: a tenant's sites from configuration, the location an assignment proposes, and
what the operator may choose instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory.config import TenantConfig, load_settings
from inventory.errors import ConfigurationError, SwitchboardError
from inventory.locations import chosen_location, default_location, location_choices, location_label

CONTOSO = TenantConfig(
    name="contoso",
    display_name="Contoso",
    sites=(("Seattle HQ", "loc-sea"), ("Redmond B40", "loc-red")),
    pool_sites=(("Sales", "Seattle HQ"),),
)


def write_config(tmp_path: Path, tenant_lines: str) -> str:
    path = tmp_path / "switchboard.toml"
    path.write_text(f'[[tenants]]\nname = "contoso"\n{tenant_lines}\n', encoding="utf-8")
    return str(path)


def test_sites_and_pool_sites_are_read_from_the_tenants_configuration(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, '[tenants.sites]\n"Seattle HQ" = "loc-sea"\n[tenants.pool_sites]\nSales = "Seattle HQ"'
    )

    tenant = load_settings({}, path).tenant("contoso")

    assert tenant.sites == (("Seattle HQ", "loc-sea"),)
    assert tenant.pool_location("sales") == "loc-sea"


def test_a_pool_site_that_names_no_configured_site_is_refused_at_start_up(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[tenants.sites]\nSeattle = "loc-sea"\n[tenants.pool_sites]\nSales = "Tacoma"')

    with pytest.raises(ConfigurationError, match="pool_sites names sites that are not in sites: Tacoma"):
        load_settings({}, path)


def test_a_number_teams_located_keeps_its_own_location_over_its_pools_site() -> None:
    assert default_location("loc-teams", "Sales", CONTOSO) == "loc-teams"
    assert default_location(None, "Sales", CONTOSO) == "loc-sea"
    assert default_location(None, "Support", CONTOSO) is None


def test_a_location_reads_as_its_site_name_where_configured_else_as_teams_id() -> None:
    assert location_label("loc-red", CONTOSO) == "Redmond B40"
    assert location_label("loc-teams", CONTOSO) == "Teams location loc-teams"


def test_the_choices_are_the_tenants_sites_plus_a_current_location_that_is_none_of_them() -> None:
    assert location_choices("loc-sea", CONTOSO) == [("Seattle HQ", "loc-sea"), ("Redmond B40", "loc-red")]
    assert location_choices("loc-teams", CONTOSO)[0] == ("Teams location loc-teams", "loc-teams")


def test_only_an_offered_location_may_be_chosen() -> None:
    assert chosen_location("loc-red", "loc-sea", CONTOSO) == "loc-red"
    assert chosen_location("", "loc-sea", CONTOSO) is None
    with pytest.raises(SwitchboardError, match="not one of this tenant's sites"):
        chosen_location("loc-forged", "loc-sea", CONTOSO)
