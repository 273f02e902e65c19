"""Which token source a tenant gets, and the msal credential built from its configuration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from inventory.config import TenantConfig
from inventory.errors import ConfigurationError
from inventory.teams.auth import ClientCredentialsTokenSource, MsalTokenSource, TokenSource
from inventory.teams.managed_identity import TOKEN_EXCHANGE_RESOURCE, ManagedIdentity, ManagedIdentityTokenSource

_PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_local_stand_in(tenant: TenantConfig) -> bool:
    """True when the tenant's authority is the local Graph stand-in (plain http on loopback)."""
    parts = urlsplit(tenant.authority_host)
    return parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS


def token_source_for(
    tenant: TenantConfig, *, session: aiohttp.ClientSession | None = None, timeout_seconds: float = 30.0
) -> TokenSource:
    """The tenant's way to Graph tokens: its managed identity's own token, msal against Entra, or the
    plain client-credentials exchange with the local stand-in (msal refuses http)."""
    if tenant.managed_identity and not tenant.client_id:
        return ManagedIdentityTokenSource(_identity(tenant), timeout_seconds=timeout_seconds)
    authority = f"{tenant.authority_host.rstrip('/')}/{tenant.entra_tenant_id or tenant.name}"
    if is_local_stand_in(tenant):
        assertion = None
        if tenant.managed_identity:
            exchange = ManagedIdentityTokenSource(
                _identity(tenant), resource=TOKEN_EXCHANGE_RESOURCE, timeout_seconds=timeout_seconds
            )
            assertion = exchange.access_token
        return ClientCredentialsTokenSource(
            tenant_name=tenant.name,
            token_url=f"{authority}/oauth2/v2.0/token",
            client_id=tenant.client_id or "switchboard-demo",
            client_secret=tenant.client_secret or "",
            timeout_seconds=timeout_seconds,
            session=session,
            assertion=assertion,
        )
    _require(tenant.entra_tenant_id, tenant, "entra_tenant_id")
    _require(tenant.client_id, tenant, "client_id")
    return MsalTokenSource(
        tenant_name=tenant.name,
        authority=authority,
        client_id=tenant.client_id,
        credential=msal_credential(tenant),
        timeout_seconds=timeout_seconds,
    )


def msal_credential(tenant: TenantConfig) -> str | dict[str, Any]:
    """The `client_credential` msal expects: the managed identity's assertion, a certificate, or the secret."""
    if tenant.managed_identity:
        # msal calls this for each token request (from its worker thread): the assertion lives minutes.
        return {"client_assertion": _identity(tenant).assertion}
    if tenant.certificate_path:
        return _certificate_credential(tenant, Path(tenant.certificate_path))
    if tenant.client_secret:
        return tenant.client_secret
    variable = f"SWITCHBOARD_{tenant.name.upper().replace('-', '_')}_CLIENT_SECRET"
    raise ConfigurationError(
        f"Tenant '{tenant.name}' has no credential: set {variable} (or the variable named by client_secret_env), "
        "configure certificate_path, or managed_identity when Switchboard runs on Azure."
    )


def _identity(tenant: TenantConfig) -> ManagedIdentity:
    return ManagedIdentity(tenant.managed_identity, tenant_name=tenant.name)


def _certificate_credential(tenant: TenantConfig, path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigurationError(f"Tenant '{tenant.name}': the certificate file {path} does not exist.")
    if path.suffix.lower() in {".pfx", ".p12"}:
        return {"private_key_pfx_path": str(path)}  # msal reads the key and computes the thumbprint
    try:
        pem = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"Tenant '{tenant.name}': cannot read {path} ({type(error).__name__}).") from None
    if "PRIVATE KEY-----" not in pem:
        raise ConfigurationError(f"Tenant '{tenant.name}': {path} holds no PEM private key.")
    credential: dict[str, Any] = {"private_key": pem}
    if tenant.certificate_thumbprint:
        credential["thumbprint"] = tenant.certificate_thumbprint.replace(":", "").strip()
        return credential
    certificate = _PEM_CERTIFICATE.search(pem)
    if certificate is None:
        raise ConfigurationError(
            f"Tenant '{tenant.name}': set certificate_thumbprint, or put the certificate next to the key in {path}."
        )
    credential["public_certificate"] = certificate.group(0)  # msal >= 1.35 derives the SHA-256 thumbprint
    return credential


def _require(value: str, tenant: TenantConfig, key: str) -> None:
    if not value:
        raise ConfigurationError(f"Tenant '{tenant.name}' needs {key} in the configuration file to reach Teams.")
