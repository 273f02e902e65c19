"""The stand-in for Entra's token endpoint (OAuth2 client credentials) and its OpenID metadata.

Tokens are opaque random strings; Graph paths only check that a bearer token is present, because
what is tested here is that Switchboard sends one, not Entra's signature rules.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy

from inventory.teams.stand_in.app import STATE

TOKEN_LIFETIME_SECONDS = 3599
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def add_routes(app: web.Application) -> None:
    app.router.add_post("/{tenant}/oauth2/v2.0/token", _token)
    app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", _openid_configuration)


def _oauth_error(status: int, error: str, description: str) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=status)


async def _token(request: web.Request) -> web.StreamResponse:
    options = request.app[STATE].options
    form = await request.post()
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "AADSTS70003: Only client_credentials is supported here.")
    if not form.get("client_id"):
        return _oauth_error(400, "invalid_request", "AADSTS900144: The request body must contain 'client_id'.")
    scope = str(form.get("scope", ""))
    if not scope.endswith("/.default"):
        return _oauth_error(400, "invalid_scope", "AADSTS1002012: The scope must end in /.default for app tokens.")
    secret = form.get("client_secret")
    assertion = form.get("client_assertion")
    if assertion is not None:
        return _check_assertion(form, options.expected_client_assertion) or _token_answer()
    if options.expected_client_assertion is not None:
        return _oauth_error(401, "invalid_client", "AADSTS700027: This app expects a federated client assertion.")
    if options.expected_client_secret is not None and secret != options.expected_client_secret:
        description = "AADSTS7000215: Invalid client secret provided."
        if options.token_errors_echo_request:
            description += f" Request: {urlencode(list(form.items()))}; secret given: {secret!s}"
        return _oauth_error(401, "invalid_client", description)
    return _token_answer()


def _check_assertion(
    form: MultiDictProxy[str | bytes | bytearray | FileField], expected: str | None
) -> web.Response | None:
    """Entra's checks of a client assertion: the type named, and (when known) the assertion itself."""
    if form.get("client_assertion_type") != JWT_BEARER:
        return _oauth_error(400, "invalid_request", f"AADSTS50027: client_assertion_type must be {JWT_BEARER}.")
    if expected is not None and form.get("client_assertion") != expected:
        return _oauth_error(
            401, "invalid_client", "AADSTS700213: No matching federated identity record found for presented assertion."
        )
    return None


def _token_answer() -> web.Response:
    return web.json_response(
        {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "ext_expires_in": TOKEN_LIFETIME_SECONDS,
            "access_token": "sim." + secrets.token_urlsafe(32),
        }
    )


async def _openid_configuration(request: web.Request) -> web.StreamResponse:
    root = f"{request.scheme}://{request.host}/{request.match_info['tenant']}"
    return web.json_response(
        {
            "issuer": f"{root}/v2.0",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
        }
    )
