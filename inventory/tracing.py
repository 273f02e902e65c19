"""OpenTelemetry traces, when the `opentelemetry` package is installed; nothing at all when it is not.

Switchboard only makes spans (a turn, each Graph request, each job run) through the OpenTelemetry API's
global tracer provider; where they go is the deployment's choice, e.g. `opentelemetry-instrument
switchboard serve` with OTEL_EXPORTER_OTLP_ENDPOINT (packages opentelemetry-distro and
opentelemetry-exporter-otlp). Without the package, or without a configured provider, `span` costs a
function call. Each span carries the log context's correlation id, tenant and operator id, so a trace and
the JSON log lines of the same turn find each other; never a name, a token or text a person typed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Protocol

from inventory import log_context

TRACER_NAME = "switchboard"


class SpanLike(Protocol):
    def set_attribute(self, key: str, value: Any) -> None: ...


class _NoSpan:
    def set_attribute(self, key: str, value: Any) -> None:
        return None


_NO_SPAN = _NoSpan()


def _load() -> ModuleType | None:
    try:
        return importlib.import_module("opentelemetry.trace")
    except ImportError:  # the optional package is not installed: no traces
        return None


_TRACE = _load()


def tracing_available() -> bool:
    return _TRACE is not None


@contextmanager
def span(name: str, **attributes: str | int | float | bool | None) -> Iterator[SpanLike]:
    """A span named `name` around the block (recording an exception that leaves it), with `attributes`
    (None values left out) and the current correlation id, tenant and operator id."""
    if _TRACE is None:
        yield _NO_SPAN
        return
    context = log_context.current()
    fields = {
        "switchboard.correlation_id": context.correlation_id,
        "switchboard.tenant": context.tenant,
        "switchboard.operator_id": context.operator_id,
        **attributes,
    }
    tracer = _TRACE.get_tracer(TRACER_NAME)
    with tracer.start_as_current_span(name, attributes={k: v for k, v in fields.items() if v is not None}) as made:
        yield made
