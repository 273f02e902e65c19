"""Table definitions (SQLAlchemy Core). Migrations in `migrations/versions` create exactly these.

Core rather than the ORM: the hot paths (imports, sync commits) are set-based statements over
tens of thousands of rows, and every state change is a conditional UPDATE whose row count decides
who won a race — both read more plainly in Core.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text, UniqueConstraint, text

from inventory.store.column_types import ExtensionText, Id, NumberText, NumberTypeText, UtcDateTime
from inventory.store.column_types import metadata as metadata  # every table below registers on it

_HELD = text("assignee_id IS NOT NULL")
_RESERVED = text("status = 'reserved'")
_QUARANTINED = text("status = 'quarantined'")
_NOT_ACTIVATED = text("activation_state IS NOT NULL AND activation_state <> 'activated'")

phone_numbers = Table(
    "phone_numbers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("number", NumberText, nullable=False),
    # '' rather than NULL for "no extension": NULLs never collide in a unique index.
    Column("extension", ExtensionText, nullable=False, server_default=""),
    Column("number_type", NumberTypeText, nullable=False),
    Column("status", String(16), nullable=False),
    Column("assignee_id", String(64)),
    Column("assignee_upn", String(320)),
    Column("assignee_name", String(256)),
    Column("assignee_type", String(20)),
    # Teams' assignmentStatus (thirdPartyAppAssigned, ...) of a holder Teams cannot resolve; NULL otherwise.
    Column("assignee_assignment", String(32)),
    Column("voice_routing_policy", String(128)),
    Column("emergency_location_id", String(64)),
    Column("activation_state", NumberTypeText),  # Teams' activationState, verbatim
    Column("location", String(128)),
    Column("range_label", String(64)),
    Column("carrier", String(128)),
    Column("pool", String(128)),
    # Tags as ",a,b," so one LIKE '%,a,%' finds a tag on every database.
    Column("tags", String(512), nullable=False, server_default=""),
    Column("notes", Text),
    # Lower-cased holder name + UPN + location, range, carrier, pool and tags: the free-text search column.
    Column("search_text", String(1200), nullable=False, server_default=""),
    # Lower-cased holder name + UPN (NULL when nobody holds the number): the holder filter's one column.
    Column("holder_text", String(600)),
    Column("hold_owner", String(128)),
    Column("hold_note", String(512)),
    Column("hold_expires_at", UtcDateTime()),
    # A reservation's owner (readable), the person it is for, its ticket, and when its owner was warned.
    Column("hold_owner_name", String(320)),
    Column("hold_for_id", String(64)),
    Column("hold_for_name", String(256)),
    Column("hold_ticket", String(64)),
    Column("hold_warned_at", UtcDateTime()),
    Column("quarantined_until", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("created_by", String(320)),
    Column("last_modified_by", String(320)),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("tenant", "number", "extension"),
    Index(None, "tenant", "status", "number"),
    Index(None, "tenant", "pool", "status", "number"),
    Index(None, "tenant", "location", "number"),
    Index(None, "tenant", "range_label", "number"),
    # Partial indexes: only the few rows they serve pay for them, so bulk imports stay fast.
    Index(None, "tenant", "assignee_id", sqlite_where=_HELD, postgresql_where=_HELD),
    Index(None, "hold_expires_at", sqlite_where=_RESERVED, postgresql_where=_RESERVED),
    Index(None, "tenant", "hold_for_id", sqlite_where=_RESERVED, postgresql_where=_RESERVED),
    Index(None, "quarantined_until", sqlite_where=_QUARANTINED, postgresql_where=_QUARANTINED),
    Index(None, "tenant", "updated_at", sqlite_where=_NOT_ACTIVATED, postgresql_where=_NOT_ACTIVATED),
)

_NAMES_HOLDER_ID = text("holder_id IS NOT NULL")
_NAMES_HOLDER_UPN = text("holder_upn IS NOT NULL")

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("operator_id", String(128), nullable=False),
    Column("operator_name", String(320), nullable=False),
    Column("action", String(40), nullable=False),
    Column("number", String(20)),
    Column("extension", String(16)),
    # The holder involved (before or after), so `history <user>` is one indexed query.
    Column("holder_id", String(64)),
    Column("holder_upn", String(320)),
    Column("before", JSON),
    Column("after", JSON),
    Column("correlation_id", String(64), nullable=False),
    Column("detail", Text),
    Index(None, "tenant", "number", "id"),
    # Partial (0026): an import's audit rows name no holder, and `holder_* = :h` never finds a NULL.
    Index(None, "tenant", "holder_id", "id", sqlite_where=_NAMES_HOLDER_ID, postgresql_where=_NAMES_HOLDER_ID),
    Index(None, "tenant", "holder_upn", "id", sqlite_where=_NAMES_HOLDER_UPN, postgresql_where=_NAMES_HOLDER_UPN),
    Index(None, "correlation_id"),
)


sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # open, committed, discarded, failed
    Column("started_by_id", String(128), nullable=False),
    Column("started_by_name", String(320), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("counts", JSON, nullable=False),  # {"add": n, "update": n, "drift": n, "unchanged": n}
    Column("fetch_stats", JSON, nullable=False),  # pages, numbers, accounts, seconds
    Column("closed_at", UtcDateTime()),
    Column("closed_by_name", String(320)),
    Column("result", JSON),  # what the commit applied and skipped, so a second commit can answer with it
    Index(None, "tenant", "started_at"),
)

sync_changes = Table(
    "sync_changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", String(36), nullable=False),
    Column("category", String(8), nullable=False),  # add, update, drift
    Column("kind", String(16), nullable=False),  # new, fields, unresolved, release, override, double
    Column("number", NumberText, nullable=False),
    Column("extension", ExtensionText, nullable=False, server_default=""),
    Column("number_id", Id),  # the local row (None for an add)
    Column("base_version", Integer),  # the local row's version the change was computed from
    # The proposed state: what the row becomes when the change is applied.
    Column("status", String(16)),
    Column("number_type", NumberTypeText),
    Column("assignee_id", String(64)),
    Column("assignee_upn", String(320)),
    Column("assignee_name", String(256)),
    Column("assignee_type", String(20)),
    Column("assignee_assignment", String(32)),
    Column("voice_routing_policy", String(128)),
    Column("emergency_location_id", String(64)),
    Column("activation_state", NumberTypeText),  # Teams' activationState, verbatim
    Column("location", String(128)),
    Column("search_text", String(1200)),  # for adds: the new row's search text, so a commit is one INSERT
    Column("holder_text", String(600)),  # for adds: the new row's holder text
    Column("fields", JSON),  # [[field, old, new], ...] for the review card
    Column("note", String(512)),
    Index(None, "run_id", "category", "id"),
)


# A card wizard's state (assign, remove, sync, numbers...). Card actions carry only its id, version and
# a verb; every step is a conditional update on `version`, so a stale or repeated click loses cleanly.
flows = Table(
    "flows",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("operator_id", String(128), nullable=False),
    Column("step", String(32), nullable=False),
    Column("state", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Index(None, "operator_id", "updated_at"),
    Index(None, "expires_at"),
)

# The journal between Teams and the inventory: an intent is written before Teams is called and closed
# with the outcome, so a crash in between leaves something the reconciler can finish.
teams_operations = Table(
    "teams_operations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # assign, unassign
    Column("number", NumberText, nullable=False),
    Column("extension", ExtensionText, nullable=False, server_default=""),
    Column("number_type", NumberTypeText, nullable=False),
    Column("account_id", String(64)),
    Column("account_upn", String(320)),
    Column("account_name", String(256)),
    Column("account_type", String(20)),
    Column("policy", String(128)),
    Column("location_id", String(64)),
    Column("hold_owner", String(128)),
    Column("flow_id", String(36)),
    Column("operator_id", String(128), nullable=False),
    Column("operator_name", String(320), nullable=False),
    Column("correlation_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # pending, policy_pending, succeeded, failed, deleted
    Column("detail", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    Column("operation_location", Text),  # Teams' Location of the operation, once Teams accepted it
    # A policy grant to retry (status policy_pending): how often it was tried, when it is next due.
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("retry_at", UtcDateTime()),
    Index(None, "status", "created_at"),
    Index(None, "flow_id"),
    Index(None, "hold_owner"),  # a number request's approvals (`request:<id>`), for the reconciler
)

operator_prefs = Table(
    "operator_prefs",
    metadata,
    Column("operator_id", String(128), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("upn", String(320)),
    Column("updated_at", UtcDateTime(), nullable=False),
)


# Where the bot can speak proactively: teams it was added to, and each tenant's notification channel.
conversations = Table(
    "conversations",
    metadata,
    Column("id", String(256), primary_key=True),  # the channel or chat id (without ;messageid=)
    Column("kind", String(16), nullable=False),  # channel, personal, groupChat
    Column("team_id", String(256)),
    Column("team_name", String(256)),
    Column("channel_name", String(256)),
    Column("teams_tenant_id", String(64)),  # the Entra tenant the conversation lives in
    Column("reference", JSON, nullable=False),  # a Bot Framework ConversationReference
    Column("notify_tenant", String(64)),  # set by `notify here`: this channel hears about that tenant
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("person_id", String(128)),  # a personal chat's person (Entra object id): how jobs reach them
    Index(None, "notify_tenant"),
    Index(None, "person_id"),
)

# The notification outbox: written after an action, posted by a worker, retried when a post fails.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("card", JSON, nullable=False),
    Column("status", String(12), nullable=False),  # pending, sending, sent, failed, dropped
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("last_error", String(512)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime()),
    # What the note is about, where something must find its post again (a request's channel copy: "request:ID").
    Column("subject", String(80)),
    Index(None, "status", "next_attempt_at"),
)

# What the stuck-state watch has told each tenant's channel, so each stuck thing is told once.
stuck_reports = Table(
    "stuck_reports",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("subject", String(160), primary_key=True),  # inventory.stuck.StuckItem.subject
    Column("reported_at", UtcDateTime(), nullable=False),
)

# Capacity thresholds per pool (issue 16): low when free numbers fall below `min_free`, or below
# `min_share_pct` percent of the pool. `low` is the state the last check reported, so an alert goes out
# once when a pool falls below and once when it recovers.
pool_thresholds = Table(
    "pool_thresholds",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("pool", String(128), primary_key=True),
    Column("min_free", Integer),
    Column("min_share_pct", Integer),
    Column("low", Integer, nullable=False, server_default="0"),  # 0 or 1: the same on both databases
    Column("updated_at", UtcDateTime(), nullable=False),
)

# An operator's saved `numbers` searches (issue 16), by name, per tenant.
saved_searches = Table(
    "saved_searches",
    metadata,
    Column("operator_id", String(128), primary_key=True),
    Column("tenant", String(64), primary_key=True),
    Column("name", String(64), primary_key=True),  # lower-cased: names are matched without case
    Column("search", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Assignment rules (issue 16): per tenant, tried in `position` order; the first whose conditions all hold
# for a person gives the pool their next number comes from, and its default voice routing policy.
assignment_rules = Table(
    "assignment_rules",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("conditions", JSON, nullable=False),  # [[attribute, value], ...]
    Column("pool", String(128), nullable=False),
    Column("policy", String(256)),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "tenant", "position"),
)

# Number requests made in chat and what approvers decided (inventory.requests.NumberRequest).
number_requests = Table(
    "number_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("requester_id", String(128), nullable=False),
    Column("requester_name", String(320), nullable=False),
    Column("requester_mri", String(256), nullable=False),
    Column("person_id", String(128), nullable=False),
    Column("person_name", String(320), nullable=False),
    Column("person_upn", String(320), nullable=False),
    Column("pool", String(128)),
    Column("location", String(128)),
    Column("note", String(512), nullable=False),
    Column("number", String(32)),
    Column("extension", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(320)),
    Column("decided_at", UtcDateTime()),
    Column("reason", String(1024)),
    Column("conversation", JSON),
    Column("activity_id", String(256)),
    # The copy the tenant's channel got of a request made in a personal chat (where approvers decide it).
    Column("channel_conversation", JSON),
    Column("channel_activity_id", String(256)),
    Column("approver_mris", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    # An operator's own assignment sent for approval (four eyes): the policy and emergency location it asked.
    Column("policy", String(128)),
    Column("location_id", String(64)),
    Column("person_type", String(20)),  # a resource account's number may wait for approval too; NULL: a user
    Index(None, "status", "expires_at"),
)

# What the tenant's channel was last told of people enabled for Teams Phone without a number (one row a
# tenant): the next run posts again only when that set changed; the card's buttons name the row.
onboarding_posts = Table(
    "onboarding_posts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("people", JSON, nullable=False),
    Column("people_key", String(64), nullable=False),
    Column("posted_at", UtcDateTime(), nullable=False),
    UniqueConstraint("tenant"),
)

# A tenant's switches set in chat by its admins (`four eyes on`, `requests anyone`, `approvers ...`);
# no row, or NULL in a column: the configuration file's value.
tenant_switches = Table(
    "tenant_switches",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("four_eyes", Integer),  # 1: operators' own assignments need a second person
    Column("requests", String(20)),  # who may request: operators, anyone or off
    Column("approvers", JSON),  # Entra object ids of the only operators who decide; [] = all of them
    Column("updated_at", UtcDateTime(), nullable=False),
)

# What one sync fetched from Teams, staged page by page so the diff never holds a whole tenant in memory
# (`store/sync_staging.py`). Rows live only while their run is diffed; a crashed diff's rows are purged by age.
sync_stagings = Table(
    "sync_stagings",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
)

sync_staged_numbers = Table(
    "sync_staged_numbers",
    metadata,
    Column("run_id", String(36), nullable=False),
    Column("seq", Integer, nullable=False),  # arrival order: a number Teams reported twice keeps its first report
    Column("number", NumberText, nullable=False),
    Column("extension", ExtensionText, nullable=False, server_default=""),
    Column("number_type", NumberTypeText),  # NULL: Graph sent a type we do not know
    Column("assignment_status", String(32), nullable=False),
    Column("holder_id", String(64)),
    Column("location_id", String(64)),
    Column("city", String(128)),
    Column("activation_state", NumberTypeText),
    Index(None, "run_id", "number", "extension"),
)

sync_staged_accounts = Table(
    "sync_staged_accounts",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("upn", String(320)),
    Column("display_name", String(256)),
    Column("account_type", String(20)),
    Column("enterprise_voice", Integer, nullable=False),
    Column("voice_routing_policy", String(128)),
)

# Entra's names (/users), read apart from Teams' settings and joined to the accounts by id when a range is read.
sync_staged_names = Table(
    "sync_staged_names",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("id", String(64), primary_key=True),  # a repeated name keeps its first staging
    Column("display_name", String(256)),
    Column("upn", String(320)),
)

# A number an account's userConfiguration lists (a claim), so a number on two accounts is seen in SQL order.
sync_staged_claims = Table(
    "sync_staged_claims",
    metadata,
    Column("run_id", String(36), nullable=False),
    Column("number", NumberText, nullable=False),
    Column("extension", ExtensionText, nullable=False, server_default=""),
    Column("account_id", String(64), nullable=False),
    Index(None, "run_id", "number", "extension"),
)
