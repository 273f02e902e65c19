"""Settings: customer tenants, operators and their roles, read from a TOML file and the environment.

Secrets never live in the file or the database: a tenant names the environment variable that holds
its client secret (default `SWITCHBOARD_<NAME>_CLIENT_SECRET`) or the path of its certificate.
Nothing here reads the environment at import time; `load_settings(os.environ)` is called by the
composition root.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from inventory.errors import ConfigurationError
from inventory.model import NumberType
from inventory.redaction import REDACTOR

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./switchboard.db"
DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
_TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SYSTEM_ASSIGNED_IDENTITY = "system"


class Role(IntEnum):
    """Ordered so that `role >= Role.OPERATOR` reads as "may change things". A requester is not on the list
    of operators: someone of a tenant that lets anyone ask for a number, who may only do that."""

    REQUESTER = 0
    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            role = cls[text.strip().upper()]
            if role is cls.REQUESTER:  # nobody is configured as one: it is what unlisted people of a tenant get
                raise KeyError(text)
            return role
        except KeyError:
            raise ConfigurationError(f"Unknown role '{text}'; use viewer, operator or admin.") from None


# Who may write `request number` in a tenant: its operators (any role), anyone of its Entra tenant, or nobody.
REQUESTS_OPERATORS, REQUESTS_ANYONE, REQUESTS_OFF = "operators", "anyone", "off"
REQUESTS_CHOICES = (REQUESTS_OPERATORS, REQUESTS_ANYONE, REQUESTS_OFF)


@dataclass(frozen=True)
class TenantConfig:
    """One customer tenant. `name` is Switchboard's short key (`contoso`), used in commands and storage."""

    name: str
    display_name: str
    entra_tenant_id: str = ""
    client_id: str = ""
    client_secret: str | None = field(default=None, repr=False)
    certificate_path: str | None = None
    certificate_thumbprint: str | None = None
    # The host's Azure managed identity instead of a secret: "system", or a user-assigned identity's client id.
    managed_identity: str = ""
    allowed_policies: tuple[str, ...] = ()
    default_policy: str | None = None
    default_number_type: NumberType = NumberType.DIRECT_ROUTING
    default_region: str | None = None
    quarantine_days: int = 0
    # After an assignment, the bot tells the person their new number in a personal chat (needs the app
    # installed for them; otherwise the result card says they could not be told).
    tell_assignee: bool = False
    graph_base_url: str = DEFAULT_GRAPH_BASE_URL
    authority_host: str = DEFAULT_AUTHORITY_HOST
    max_requests_in_flight: int = 6
    # Emergency locations: a site name operators read -> the Teams location id (LIS) assignNumber takes,
    # and the site each pool's numbers get when Teams reports none for a number.
    sites: tuple[tuple[str, str], ...] = ()
    pool_sites: tuple[tuple[str, str], ...] = ()

    def site_location(self, site: str) -> str | None:
        """The location id of a configured site (case-insensitive), or None."""
        return next((location for name, location in self.sites if name.lower() == site.lower()), None)

    def site_name(self, location_id: str | None) -> str | None:
        """The configured site whose location id this is, or None."""
        return next((name for name, location in self.sites if location == location_id), None)

    def pool_location(self, pool: str | None) -> str | None:
        """The location id of the site configured for `pool`, or None."""
        site = next((s for p, s in self.pool_sites if pool and p.lower() == pool.lower()), None)
        return self.site_location(site) if site else None

    requests: str = REQUESTS_OPERATORS  # who may request a number (approvers: its operators and admins)
    approvers: tuple[str, ...] = ()  # Entra object ids of the only operators who decide requests; () = all of them
    # Operators' own assignments wait for a second operator's approval (an admin's `four eyes on|off` overrides).
    four_eyes: bool = False
    # On a schedule (`[jobs] onboarding_seconds`), the channel hears who is enabled for Teams Phone without a number.
    onboarding: bool = False


@dataclass(frozen=True)
class JobSchedule:
    """How often each periodic job of the bot runs, in seconds (0: never). One replica runs them."""

    expiry_seconds: int = 60
    reconcile_seconds: int = 180
    purge_seconds: int = 3600
    drift_check_seconds: int = 0  # 0: `drift_check_minutes` decides
    stuck_watch_seconds: int = 600
    # Runs a crash left behind (a bulk run, an assignment) are finished by the job leader: looked for at
    # start-up and this often; a run counts as left behind once its runner has not renewed its lease.
    resume_seconds: int = 30
    run_lease_seconds: int = 60
    capacity_summary_seconds: int = 0  # 0: no capacity summary; 604800: one a week to each tenant's channel
    # Tenants with `onboarding = true` hear this often who needs a number (only when that set changed).
    onboarding_seconds: int = 3600


@dataclass(frozen=True)
class OperatorConfig:
    aad_object_id: str
    role: Role
    tenants: tuple[str, ...]  # tenant names, or ("*",) for all
    name: str = ""

    def may_touch(self, tenant: str) -> bool:
        return "*" in self.tenants or tenant in self.tenants


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    tenants: tuple[TenantConfig, ...] = ()
    operators: tuple[OperatorConfig, ...] = ()
    # Everyone may use the bot with this role when no operators are configured (the local demo);
    # None means an unlisted person is refused.
    default_role: Role | None = None
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = ""  # SingleTenant, UserAssignedMSI or (registrations before 2025-08) MultiTenant
    app_tenant_id: str = ""
    # No bot credentials and no token checks, loopback only: `make run` and tests, never a deployment.
    insecure_development: bool = False
    # Where the signing keys are fetched from, when not Microsoft's (a test channel's own issuer).
    bot_openid_metadata_url: str = ""
    entra_openid_metadata_url: str = ""
    # One plain-http answer address on loopback that a test channel may use beside https.
    test_channel_url: str = ""
    host: str = "127.0.0.1"
    port: int = 3978
    sync_expiry_minutes: int = 15
    # A picker opened within this many seconds of a sync that left the inventory matching Teams trusts it
    # instead of fetching everything again (0: always sync).
    sync_reuse_seconds: int = 30
    hold_minutes: int = 10
    # Hosts the bot reads files from and writes exports to (Teams keeps chat files in OneDrive/SharePoint).
    file_hosts: tuple[str, ...] = ("*.sharepoint.com", "*.sharepoint.us", "*.sharepoint-mil.us", "*.sharepoint.cn")
    # The most Teams operations a tenant's bulk runs may have in flight; below it the number adapts to
    # Teams' answers (`inventory/pacing`).
    bulk_concurrency: int = 200
    drift_check_minutes: int = 0  # 0: no periodic drift check in the bot process
    drift_check_commits: bool = False
    drift_check_concurrency: int = 8  # tenants compared with Teams at once (memory: one snapshot each)
    jobs: JobSchedule = JobSchedule()
    reservation_days: int = 30  # a reservation without `until` lasts this long; Extend adds as much again
    reservation_warn_hours: int = 24  # the owner hears this long before a reservation ends
    stuck_after_minutes: int = 60  # a Teams operation or number not activated this long is told to the channel
    request_hours: int = 24  # a number request not decided this long expires, and its held number goes back
    config_path: str | None = None

    def secrets(self) -> tuple[str, ...]:
        """Every secret configured, for the redactor: none may appear in a log, card or CLI output."""
        return tuple(s for s in (self.app_password, *(t.client_secret or "" for t in self.tenants)) if s)

    def tenant(self, name: str) -> TenantConfig:
        for tenant in self.tenants:
            if tenant.name == name:
                return tenant
        known = ", ".join(t.name for t in self.tenants) or "none configured"
        raise ConfigurationError(f"There is no tenant called '{name}' (known: {known}).")

    def operator(self, aad_object_id: str) -> OperatorConfig | None:
        for operator in self.operators:
            if operator.aad_object_id.lower() == aad_object_id.lower():
                return operator
        if self.default_role is not None:
            return OperatorConfig(aad_object_id, self.default_role, ("*",))
        return None

    def approvers(self, tenant: str, listed: tuple[str, ...] | None = None) -> tuple[OperatorConfig, ...]:
        """The configured operators who may decide `tenant`'s number requests: operator role or higher, and
        on the tenant's own `approvers` list when it has one (`listed`: the list an admin set in chat, which
        overrides the file's)."""
        return tuple(o for o in self.operators if self.may_approve(tenant, o.aad_object_id, o.role, listed))

    def may_approve(self, tenant: str, aad_object_id: str, role: Role, listed: tuple[str, ...] | None = None) -> bool:
        listed = self.tenant(tenant).approvers if listed is None else listed
        if listed and aad_object_id.lower() not in listed:
            return False
        configured = next((o for o in self.operators if o.aad_object_id.lower() == aad_object_id.lower()), None)
        may_touch = configured.may_touch(tenant) if configured is not None else self.default_role is not None
        return role >= Role.OPERATOR and may_touch

    def tenant_of_entra(self, entra_tenant_id: str) -> TenantConfig | None:
        """The configured tenant whose Entra tenant id this is (the one a Teams activity comes from)."""
        wanted = entra_tenant_id.strip().lower()
        return next((t for t in self.tenants if wanted and t.entra_tenant_id.lower() == wanted), None)


def load_settings(env: Mapping[str, str], config_path: str | None = None) -> Settings:
    """Build settings from the TOML file (`SWITCHBOARD_CONFIG` or `config_path`) and the environment."""
    path = config_path or env.get("SWITCHBOARD_CONFIG")
    document: dict[str, Any] = {}
    if path:
        try:
            document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigurationError(f"The configuration file {path} does not exist.") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigurationError(f"The configuration file {path} is not valid TOML: {error}") from None
    tenants = tuple(_tenant(entry, env) for entry in document.get("tenants", []))
    _check_unique([t.name for t in tenants], "tenant")
    operators = tuple(_operator(entry) for entry in document.get("operators", []))
    _check_approvers(tenants, operators)
    default_role_text = env.get("SWITCHBOARD_DEFAULT_ROLE", document.get("default_role", ""))
    settings = Settings(
        database_url=env.get("DATABASE_URL", document.get("database_url", DEFAULT_DATABASE_URL)),
        tenants=tenants,
        operators=operators,
        default_role=Role.parse(default_role_text) if default_role_text else None,
        app_id=env.get("MicrosoftAppId", ""),
        app_password=env.get("MicrosoftAppPassword", ""),
        app_type=env.get("MicrosoftAppType", ""),
        app_tenant_id=env.get("MicrosoftAppTenantId", ""),
        insecure_development=_flag(env.get("SWITCHBOARD_INSECURE_DEVELOPMENT", ""), "SWITCHBOARD_INSECURE_DEVELOPMENT"),
        bot_openid_metadata_url=env.get("SWITCHBOARD_BOT_OPENID_METADATA_URL", ""),
        entra_openid_metadata_url=env.get("SWITCHBOARD_ENTRA_OPENID_METADATA_URL", ""),
        test_channel_url=env.get("SWITCHBOARD_TEST_CHANNEL_URL", ""),
        host=env.get("SWITCHBOARD_HOST", "127.0.0.1"),
        port=_int(env.get("PORT", "3978"), "PORT"),
        sync_expiry_minutes=_int(document.get("sync_expiry_minutes", 15), "sync_expiry_minutes"),
        sync_reuse_seconds=max(0, _int(document.get("sync_reuse_seconds", 30), "sync_reuse_seconds")),
        hold_minutes=_int(document.get("hold_minutes", 10), "hold_minutes"),
        file_hosts=tuple(str(h).lower() for h in document.get("file_hosts", Settings.file_hosts)),
        bulk_concurrency=max(1, _int(document.get("bulk_concurrency", 200), "bulk_concurrency")),
        drift_check_minutes=_int(
            env.get("SWITCHBOARD_DRIFT_CHECK_MINUTES", document.get("drift_check_minutes", 0)),
            "drift_check_minutes",
        ),
        drift_check_commits=bool(document.get("drift_check_commits", False)),
        drift_check_concurrency=max(1, _int(document.get("drift_check_concurrency", 8), "drift_check_concurrency")),
        jobs=_jobs(document.get("jobs", {})),
        reservation_days=max(1, _int(document.get("reservation_days", 30), "reservation_days")),
        reservation_warn_hours=max(0, _int(document.get("reservation_warn_hours", 24), "reservation_warn_hours")),
        stuck_after_minutes=max(1, _int(document.get("stuck_after_minutes", 60), "stuck_after_minutes")),
        request_hours=max(1, _int(document.get("request_hours", 24), "request_hours")),
        config_path=path,
    )
    REDACTOR.learn(settings.secrets())  # from now on, none of them can leave in a log, card or CLI line
    return settings


def _jobs(entry: Mapping[str, Any]) -> JobSchedule:
    """`[jobs]`, in seconds (`drift_check_minutes` at the top level still sets the drift check)."""
    defaults = JobSchedule()
    values = {
        name: max(0, _int(entry.get(name, getattr(defaults, name)), f"jobs.{name}"))
        for name in (
            "expiry_seconds",
            "reconcile_seconds",
            "purge_seconds",
            "drift_check_seconds",
            "stuck_watch_seconds",
            "resume_seconds",
            "run_lease_seconds",
            "capacity_summary_seconds",
            "onboarding_seconds",
        )
    }
    unknown = sorted(set(entry) - set(values))
    if unknown:
        raise ConfigurationError(f"Unknown key in [jobs]: {', '.join(unknown)}.")
    return JobSchedule(**values)


def _tenant(entry: Mapping[str, Any], env: Mapping[str, str]) -> TenantConfig:
    name = str(entry.get("name", "")).strip().lower()
    if not _TENANT_NAME.match(name):
        raise ConfigurationError(
            f"Tenant name '{name}' must be lower-case letters, digits, '-' or '_' (for example 'contoso')."
        )
    secret_variable = entry.get("client_secret_env") or f"SWITCHBOARD_{name.upper().replace('-', '_')}_CLIENT_SECRET"
    if "client_secret" in entry:
        raise ConfigurationError(
            f"Tenant '{name}': do not put the client secret in the file; set {secret_variable} instead."
        )
    client_secret = env.get(str(secret_variable))
    managed_identity = _managed_identity(entry, name)
    if managed_identity and (client_secret or entry.get("certificate_path")):
        raise ConfigurationError(
            f"Tenant '{name}': choose one credential: managed_identity, certificate_path or {secret_variable}."
        )
    policies = tuple(str(p) for p in entry.get("allowed_policies", []))
    default_policy = entry.get("default_policy") or (policies[0] if policies else None)
    if default_policy and policies and default_policy not in policies:
        raise ConfigurationError(f"Tenant '{name}': default_policy '{default_policy}' is not in allowed_policies.")
    try:
        number_type = NumberType.parse(str(entry.get("default_number_type", "directRouting")))
    except ValueError as error:
        raise ConfigurationError(f"Tenant '{name}': {error}") from None
    quarantine_days = _int(entry.get("quarantine_days", 0), f"tenant '{name}' quarantine_days")
    if not 0 <= quarantine_days <= 365:
        raise ConfigurationError(f"Tenant '{name}': quarantine_days must be between 0 and 365.")
    sites, pool_sites = _sites(entry, name)
    requests = str(entry.get("requests", REQUESTS_OPERATORS)).strip().lower()
    if requests not in REQUESTS_CHOICES:
        raise ConfigurationError(f"Tenant '{name}': requests must be operators, anyone or off, not '{requests}'.")
    return TenantConfig(
        name=name,
        display_name=str(entry.get("display_name", name)),
        entra_tenant_id=str(entry.get("entra_tenant_id", "")),
        client_id=str(entry.get("client_id", "")),
        client_secret=client_secret,
        certificate_path=entry.get("certificate_path"),
        certificate_thumbprint=entry.get("certificate_thumbprint"),
        managed_identity=managed_identity,
        allowed_policies=policies,
        default_policy=default_policy,
        default_number_type=number_type,
        default_region=entry.get("default_region"),
        quarantine_days=quarantine_days,
        tell_assignee=_bool(entry.get("tell_assignee", False), f"tenant '{name}' tell_assignee"),
        graph_base_url=str(entry.get("graph_base_url", env.get("GRAPH_BASE_URL", DEFAULT_GRAPH_BASE_URL))),
        authority_host=str(entry.get("authority_host", env.get("AUTHORITY_HOST", DEFAULT_AUTHORITY_HOST))),
        max_requests_in_flight=_int(entry.get("max_requests_in_flight", 6), f"tenant '{name}' max_requests_in_flight"),
        sites=sites,
        pool_sites=pool_sites,
        requests=requests,
        approvers=tuple(str(a).strip().lower() for a in entry.get("approvers", [])),
        four_eyes=_bool(entry.get("four_eyes", False), f"tenant '{name}' four_eyes"),
        onboarding=_bool(entry.get("onboarding", False), f"tenant '{name}' onboarding"),
    )


def _check_approvers(tenants: tuple[TenantConfig, ...], operators: tuple[OperatorConfig, ...]) -> None:
    """Every listed approver must be an operator (or admin) of that tenant: a typo would leave nobody deciding."""
    for tenant in tenants:
        for object_id in tenant.approvers:
            found = next((o for o in operators if o.aad_object_id.lower() == object_id), None)
            if found is None or found.role < Role.OPERATOR or not found.may_touch(tenant.name):
                raise ConfigurationError(
                    f"Tenant '{tenant.name}': approver {object_id} is not an operator or admin of that tenant "
                    "in [[operators]]."
                )


def _sites(entry: Mapping[str, Any], tenant: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """`[tenants.sites]` (site name = Teams location id) and `[tenants.pool_sites]` (pool = site name)."""
    raw_sites, raw_pools = entry.get("sites", {}), entry.get("pool_sites", {})
    if not isinstance(raw_sites, Mapping) or not isinstance(raw_pools, Mapping):
        raise ConfigurationError(
            f"Tenant '{tenant}': sites and pool_sites are tables, e.g. sites = {{ Seattle = \"<location id>\" }}."
        )
    sites = tuple((str(name), str(location).strip()) for name, location in raw_sites.items())
    if any(not location for _, location in sites):
        raise ConfigurationError(f"Tenant '{tenant}': every site needs its Teams location id.")
    names = {name.lower() for name, _ in sites}
    pool_sites = tuple((str(pool), str(site)) for pool, site in raw_pools.items())
    unknown = sorted(site for _, site in pool_sites if site.lower() not in names)
    if unknown:
        raise ConfigurationError(
            f"Tenant '{tenant}': pool_sites names sites that are not in sites: {', '.join(unknown)}."
        )
    return sites, pool_sites


def _managed_identity(entry: Mapping[str, Any], tenant: str) -> str:
    """ "system", a user-assigned identity's client id (a GUID), or "" for none; anything else is a typo."""
    value = str(entry.get("managed_identity", "")).strip().lower()
    if value in {"", SYSTEM_ASSIGNED_IDENTITY} or _GUID.match(value):
        return value
    raise ConfigurationError(
        f"Tenant '{tenant}': managed_identity must be \"system\" or the client id (a GUID) of a user-assigned "
        f"identity, not '{value}'."
    )


def _operator(entry: Mapping[str, Any]) -> OperatorConfig:
    object_id = str(entry.get("aad_object_id", "")).strip()
    if not object_id:
        raise ConfigurationError("Every [[operators]] entry needs an aad_object_id.")
    tenants = entry.get("tenants", ["*"])
    return OperatorConfig(
        object_id, Role.parse(str(entry.get("role", "viewer"))), tuple(tenants), entry.get("name", "")
    )


def _flag(text: str, what: str) -> bool:
    value = text.strip().lower()
    if value in {"", "0", "false", "no"}:
        return False
    if value in {"1", "true", "yes"}:
        return True
    raise ConfigurationError(f"{what} must be 1 or 0, not '{text}'.")


def _bool(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ConfigurationError(f"{what} must be true or false, not '{value}'.")


def _int(value: object, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ConfigurationError(f"{what} must be a whole number, not '{value}'.") from None


def _check_unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigurationError(f"The {what} '{name}' is configured twice.")
        seen.add(name)
