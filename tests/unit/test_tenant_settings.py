"""Per-tenant settings of the TOML file that shape the conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory.config import TenantConfig, load_settings
from inventory.errors import ConfigurationError


def tenant_with(tmp_path: Path, line: str) -> TenantConfig:
    config = tmp_path / "switchboard.toml"
    config.write_text(f'[[tenants]]\nname = "contoso"\nclient_id = "a"\n{line}\n', encoding="utf-8")
    return load_settings({}, str(config)).tenants[0]


def test_telling_the_person_is_off_unless_the_tenant_turns_it_on(tmp_path: Path) -> None:
    assert tenant_with(tmp_path, "").tell_assignee is False
    assert tenant_with(tmp_path, "tell_assignee = true").tell_assignee is True


def test_tell_assignee_must_be_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="tell_assignee must be true or false, not 'yes'"):
        tenant_with(tmp_path, 'tell_assignee = "yes"')
