"""OpenTelemetry traces when the package is installed: a span per turn, per Graph request and per job
run, carrying the log context's ids; and nothing, quietly, without the package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.jobs import Jobs
from bot.turn_metrics import timed
from inventory import log_context, tracing
from tests.support.clock import FakeClock
from tests.support.teams_fakes import graph_over_http, small_tenant

sdk_trace = pytest.importorskip("opentelemetry.sdk.trace", reason="the optional opentelemetry-sdk is not installed")
from opentelemetry import trace  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402

_EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans finished during the test. The global provider can be set once per process: set it here."""
    if not isinstance(trace.get_tracer_provider(), sdk_trace.TracerProvider):
        provider = sdk_trace.TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()
    log_context._CURRENT.set(None)  # the ids these tests bind must not follow later tests' log lines


async def test_each_graph_request_is_a_span_with_its_status_and_the_turns_ids(spans: InMemorySpanExporter) -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(429, retry_after=1, path_contains="numberAssignments")
    log_context.start(correlation_id="corr-1")
    log_context.bind(tenant="contoso", operator_id="obj-olivia")
    async with graph_over_http(tenant, clock) as (phone, _):
        await phone.list_numbers()

    requests = [s for s in spans.get_finished_spans() if s.name == "graph GET"]
    statuses = [s.attributes["http.response.status_code"] for s in requests if s.attributes]
    assert statuses[:2] == [429, 200]  # the throttled read and its retry, each its own span
    first = requests[0].attributes or {}
    assert str(first["url.path"]).endswith("/numberAssignments")
    assert (first["switchboard.correlation_id"], first["switchboard.tenant"]) == ("corr-1", "contoso")
    assert first["switchboard.operator_id"] == "obj-olivia"
    assert all("?" not in str((s.attributes or {})["url.path"]) for s in requests)  # never the query


def test_a_turn_is_a_span_named_by_its_command(spans: InMemorySpanExporter) -> None:
    log_context.start(correlation_id="corr-2")
    with timed("command", "assign"):
        pass
    (turn,) = spans.get_finished_spans()
    assert turn.name == "switchboard.turn command assign"
    assert (turn.attributes or {})["switchboard.correlation_id"] == "corr-2"


async def test_a_job_run_is_a_span_and_a_failure_is_recorded_on_it(spans: InMemorySpanExporter) -> None:
    async def reconcile() -> None:
        raise RuntimeError("Teams is away")

    jobs = Jobs.__new__(Jobs)  # only the leadership check is needed to run a job
    jobs._leadership = _Leads()
    assert await jobs.run_if_leader(reconcile) is True
    (run,) = spans.get_finished_spans()
    assert run.name == "switchboard.job reconcile"
    assert not run.status.is_ok
    assert [event.name for event in run.events] == ["exception"]


def test_without_the_package_a_span_is_a_no_op(monkeypatch: pytest.MonkeyPatch, spans: InMemorySpanExporter) -> None:
    monkeypatch.setattr(tracing, "_TRACE", None)  # as if opentelemetry were not installed
    assert not tracing.tracing_available()
    with tracing.span("anything", key="value") as made:
        made.set_attribute("more", 1)
    assert spans.get_finished_spans() == ()


class _Leads:
    async def lead(self) -> bool:
        return True

    async def release(self) -> None:
        return None
