"""The numbers an operator watches, in Prometheus form: one place names every metric Switchboard exports.

Counters and histograms count what this process did (turns, Graph requests, Teams operations, syncs,
jobs); they live in prometheus-client's default registry, as its process and GC collectors do. Gauges
that describe the shared database (free numbers, outbox backlog, pending journal entries) are read from
it when `/metrics` is scraped, so every replica reports the same truth.

Labels are bounded by construction: commands and verbs come from our own tables, tenants and pools from
configuration and the inventory, statuses from HTTP. Never a user's text, a number or an id.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# A turn is a few milliseconds; a sync of 100,000 numbers is minutes.
_TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_WAIT_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
_SYNC_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)

TURN_SECONDS = Histogram(
    "switchboard_turn_seconds",
    "Time the bot took to answer a turn, by kind (command, action) and name (the command or card verb).",
    ["kind", "name"],
    buckets=_TURN_BUCKETS,
)
GRAPH_REQUESTS = Counter(
    "switchboard_graph_requests_total",
    "HTTP requests sent to Microsoft Graph, by tenant, method and response status (429 included; "
    "'network' when no answer came).",
    ["tenant", "method", "status"],
)
GRAPH_RETRIES = Counter(
    "switchboard_graph_retries_total",
    "Graph requests sent again after a throttle, a server error or a network failure, by tenant and reason.",
    ["tenant", "reason"],
)
TEAMS_OPERATION_WAIT_SECONDS = Histogram(
    "switchboard_teams_operation_wait_seconds",
    "Time from Teams accepting a number operation to Switchboard seeing it finish, by outcome.",
    ["outcome"],
    buckets=_WAIT_BUCKETS,
)
SYNC_SECONDS = Histogram(
    "switchboard_sync_seconds",
    "Time a sync took to read Teams and store its differences, by tenant.",
    ["tenant"],
    buckets=_SYNC_BUCKETS,
)
SYNC_NUMBERS = Gauge(
    "switchboard_sync_numbers",
    "Numbers Teams listed in the last sync, by tenant.",
    ["tenant"],
)
SYNC_CHANGES = Gauge(
    "switchboard_sync_changes",
    "Differences the last sync found, by tenant and kind (add, update, drift).",
    ["tenant", "kind"],
)
JOB_RUNS = Counter(
    "switchboard_job_runs_total",
    "Runs of the periodic jobs in this replica, by job and outcome (ok, failed).",
    ["job", "outcome"],
)
JOB_LEADER = Gauge(
    "switchboard_job_leader",
    "1 while this replica runs the periodic jobs (it holds the database's job lock), else 0.",
)
NOTIFICATIONS_POSTED = Counter(
    "switchboard_notifications_posted_total",
    "Channel notes this replica posted (or gave up on), by outcome (sent, failed, dropped).",
    ["outcome"],
)
FREE_NUMBERS = Gauge(
    "switchboard_free_numbers",
    "Available numbers in the inventory, by tenant and pool (read from the database at scrape time).",
    ["tenant", "pool"],
)
OUTBOX_BACKLOG = Gauge(
    "switchboard_outbox_backlog",
    "Channel notes waiting to be posted (pending or being sent), read from the database at scrape time.",
)
JOURNAL_PENDING = Gauge(
    "switchboard_journal_pending",
    "Teams operations recorded but not yet settled, by tenant (read from the database at scrape time).",
    ["tenant"],
)
