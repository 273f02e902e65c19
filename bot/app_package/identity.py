"""Who the package says it is: its app id and the manifest's developer block, from configuration.

A package for a real tenant must name the bot's own app id and the publisher's own web pages; the fixed
development id and the template's placeholder pages are allowed only in a package built for local use
(`make package LOCAL=1`), so nobody uploads a package that points Teams at someone else's bot or pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.app_package import PackageInvalid

# A fixed id for local builds, so a developer's sideloaded app is replaced rather than duplicated.
DEV_APP_ID: Final = "5d1c7a3e-8b2f-4c6d-9e0a-1f2b3c4d5e6f"
LOCAL_HINT: Final = "For a package you only sideload yourself, run `make package LOCAL=1`."
# manifest key -> the variable that configures it
DEVELOPER_VARIABLES: Final = {
    "name": "SWITCHBOARD_DEVELOPER_NAME",
    "websiteUrl": "SWITCHBOARD_DEVELOPER_WEBSITE_URL",
    "privacyUrl": "SWITCHBOARD_DEVELOPER_PRIVACY_URL",
    "termsOfUseUrl": "SWITCHBOARD_DEVELOPER_TERMS_URL",
}


@dataclass(frozen=True)
class PackageIdentity:
    app_id: str
    developer: dict[str, str]


def package_identity(
    env: Mapping[str, str], template: Mapping[str, Any], *, app_id: str | None, local: bool
) -> PackageIdentity:
    """The app id and developer block to build with; raises PackageInvalid saying what to set."""
    return PackageIdentity(_app_id(env, app_id, local=local), _developer(env, template, local=local))


def _app_id(env: Mapping[str, str], explicit: str | None, *, local: bool) -> str:
    chosen = (explicit or env.get("MicrosoftAppId", "")).strip()
    if not chosen:
        if local:
            return DEV_APP_ID
        raise PackageInvalid(
            "No app id: set MicrosoftAppId to the bot's app id (make package MicrosoftAppId=GUID). " + LOCAL_HINT
        )
    if chosen.lower() == DEV_APP_ID and not local:
        raise PackageInvalid(f"{DEV_APP_ID} is the development app id, not your bot's. " + LOCAL_HINT)
    return chosen


def _developer(env: Mapping[str, str], template: Mapping[str, Any], *, local: bool) -> dict[str, str]:
    placeholder = {str(k): str(v) for k, v in (template.get("developer") or {}).items()}
    developer, missing = dict(placeholder), []
    for key, variable in DEVELOPER_VARIABLES.items():
        value = env.get(variable, "").strip()
        if value:
            developer[key] = value
        elif not local:
            missing.append(variable)
    if missing:
        raise PackageInvalid(
            "The manifest names the publisher and its web pages; set " + ", ".join(missing) + ". " + LOCAL_HINT
        )
    wrong = [DEVELOPER_VARIABLES[k] for k in DEVELOPER_VARIABLES if k != "name" and not _https(developer.get(k, ""))]
    if wrong:
        raise PackageInvalid("Teams needs https:// addresses in " + ", ".join(wrong) + ".")
    return developer


def _https(url: str) -> bool:
    return url.startswith("https://") and len(url) > len("https://") and " " not in url
