"""Who may request numbers and who decides, per tenant, as the TOML file says it; mistakes are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory.config import Role, Settings, load_settings
from inventory.errors import ConfigurationError

OPERATORS = """
[[operators]]
aad_object_id = "OP-1"
role = "operator"
tenants = ["contoso"]

[[operators]]
aad_object_id = "viewer-1"
role = "viewer"
"""


def settings_with(tmp_path: Path, tenant_lines: str, top: str = "") -> Settings:
    config = tmp_path / "switchboard.toml"
    config.write_text(f'{top}\n[[tenants]]\nname = "contoso"\n{tenant_lines}\n{OPERATORS}', encoding="utf-8")
    return load_settings({}, str(config))


def test_requests_default_to_operators_with_a_day_to_decide(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, "")
    assert (settings.tenants[0].requests, settings.request_hours) == ("operators", 24)
    assert [o.aad_object_id for o in settings.approvers("contoso")] == ["OP-1"]  # viewers do not decide


def test_a_tenant_may_let_anyone_request_and_name_its_approvers(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, 'requests = "Anyone"\napprovers = ["op-1"]', top="request_hours = 48")
    assert (settings.tenants[0].requests, settings.request_hours) == ("anyone", 48)
    assert settings.may_approve("contoso", "op-1", Role.OPERATOR)
    assert not settings.may_approve("contoso", "someone-else", Role.ADMIN)


@pytest.mark.parametrize(
    ("lines", "refusal"),
    [
        ('requests = "everyone"', "requests must be operators, anyone or off, not 'everyone'"),
        ('approvers = ["viewer-1"]', "approver viewer-1 is not an operator or admin of that tenant"),
        ('approvers = ["nobody"]', "approver nobody is not an operator or admin"),
    ],
    ids=["unknown-requests", "viewer-approver", "unknown-approver"],
)
def test_a_mistake_in_who_requests_or_approves_is_refused_with_why(tmp_path: Path, lines: str, refusal: str) -> None:
    with pytest.raises(ConfigurationError, match=refusal):
        settings_with(tmp_path, lines)


def test_nobody_can_be_configured_as_a_requester() -> None:
    with pytest.raises(ConfigurationError, match="Unknown role 'requester'"):
        Role.parse("requester")
