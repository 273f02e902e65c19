"""The guard in front of botbuilder's token validation: refuse what cannot be a Bot Framework token.

botbuilder's validation is kept as it is (signature, endorsements, audience, serviceUrl claim), but it
answers many malformed tokens with IndexError, AttributeError or a key fetch for an issuer nobody
configured. These checks read the token without trusting it and say why it cannot pass, so such
requests end in a 401 with one log line before botbuilder sees them. They never accept anything
botbuilder would refuse: a token that passes here is still validated in full.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.emulator_validation import EmulatorValidation

MAX_TOKEN_BYTES = 8 * 1024  # Bot Framework tokens are 1-2 KB; 8 KB is also most proxies' header limit
CLOCK_LEEWAY_SECONDS = 300  # botbuilder's clock tolerance
SIGNING_ALGORITHM = "RS256"  # botbuilder verifies with RS256 only

CHANNEL_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
# Entra issuers botbuilder accepts (the Bot Framework's own tenants, public cloud): the US Government
# ones are left out because their keys live at addresses we do not serve from the key ring.
ENTRA_ISSUERS = frozenset(
    issuer
    for issuer in EmulatorValidation.TO_BOT_FROM_EMULATOR_TOKEN_VALIDATION_PARAMETERS.issuer
    if issuer.startswith(("https://sts.windows.net/", "https://login.microsoftonline.com/"))
    and "cab8a31a-1906-4287-a0d8-4eef66b95f6e" not in issuer
)


@dataclass(frozen=True)
class TokenRules:
    app_id: str
    issuers: frozenset[str] = frozenset({CHANNEL_ISSUER, *ENTRA_ISSUERS})


def token_problem(header: str, rules: TokenRules, now: float) -> str | None:
    """Why the Authorization header `header` cannot carry a valid token for `rules.app_id` (None: it may)."""
    if not header:
        return "no Authorization header"
    if len(header) > MAX_TOKEN_BYTES:
        return f"the Authorization header is larger than {MAX_TOKEN_BYTES} bytes"
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token or " " in token:
        return "the Authorization header is not 'Bearer <token>'"
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return "the token is not a signed JWT (three parts)"
    head, claims = _segment(parts[0]), _segment(parts[1])
    if head is None or claims is None:
        return "the token's header or claims are not base64url JSON objects"
    if head.get("alg") != SIGNING_ALGORITHM:
        return f"the token is not signed with {SIGNING_ALGORITHM}"
    if not isinstance(head.get("kid"), str) or not head["kid"]:
        return "the token names no signing key"
    return _claims_problem(claims, rules, now)


def _claims_problem(claims: dict[str, Any], rules: TokenRules, now: float) -> str | None:
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or issuer not in rules.issuers:
        return "the token's issuer is not the Bot Framework or Entra"
    if claims.get("aud") != rules.app_id:
        return "the token is for another audience"
    expires = _number(claims.get("exp"))
    if expires is None or expires + CLOCK_LEEWAY_SECONDS < now:
        return "the token has expired (or has no expiry)"
    not_before = _number(claims.get("nbf", now))
    if not_before is None or not_before - CLOCK_LEEWAY_SECONDS > now:
        return "the token is not valid yet"
    return None


def _segment(text: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        return None
    return decoded if isinstance(decoded, dict) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
