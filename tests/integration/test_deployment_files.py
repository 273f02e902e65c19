"""The reference deployment, checked offline (no container engine or Azure here): the compose file is
the stack docs/deploy.md describes, the proxy balances both replicas on /readyz, the Azure script is valid
bash that builds what the docs promise, and the example settings load."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from inventory.config import load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_compose_file_runs_postgres_two_bot_replicas_and_a_tls_proxy() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "bot-1", "bot-2", "proxy"}
    assert services["bot-1"] == services["bot-2"]  # the same image and settings: replicas, not variants
    bot = services["bot-1"]
    assert bot["build"] == {"context": "../..", "dockerfile": "Dockerfile"}
    assert "@postgres:5432/switchboard" in bot["environment"]["DATABASE_URL"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "ports" not in bot  # only the proxy is reachable from outside
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_the_proxy_sends_turns_round_robin_to_both_replicas_that_are_ready() -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy bot-1:3978 bot-2:3978" in caddyfile
    assert "lb_policy round_robin" in caddyfile
    assert "health_uri /readyz" in caddyfile
    assert "/metrics" not in caddyfile.split("@public", 1)[1].splitlines()[0]  # not published


def test_the_azure_script_is_valid_bash_and_builds_the_promised_pieces() -> None:
    script = DEPLOY / "azure.sh"
    checked = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    text = script.read_text(encoding="utf-8")
    for piece in (
        "az containerapp create",
        "az postgres flexible-server create",
        "keyvaultref:",
        "--app-type UserAssignedMSI",
        "az bot msteams create",
        "--min-replicas",
        "set -euo pipefail",
    ):
        assert piece in text, piece


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed here")
def test_the_shell_scripts_pass_shellcheck() -> None:
    for script in (DEPLOY / "azure.sh", DEPLOY / "entrypoint.sh"):
        checked = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout


def test_the_example_settings_load_and_hold_no_secret() -> None:
    settings = load_settings({}, str(DEPLOY / "switchboard.example.toml"))
    assert [t.name for t in settings.tenants] == ["contoso"]
    assert settings.operators
    for example in ("switchboard.env.example", "dotenv.example"):
        for line in (DEPLOY / example).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and ("PASSWORD" in line or "SECRET" in line):
                assert line.endswith("="), f"{example} carries a value: {line}"
