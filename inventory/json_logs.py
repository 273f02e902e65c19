"""JSON log lines: one object per record, for a log pipeline (`SWITCHBOARD_LOG_FORMAT=json`).

Each line carries the time (UTC, ISO 8601), level, logger, message, the turn's correlation id, tenant and
operator id (`inventory.log_context`), and the traceback when there is one. The message and traceback
were redacted when the record was made (`install_log_redaction`); the finished line passes the
redactor once more, so nothing a formatter adds can carry a secret either.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from inventory import log_context
from inventory.redaction import REDACTOR, Redactor


class JsonFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        context = log_context.current()
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in (
            ("correlation_id", context.correlation_id),
            ("tenant", context.tenant),
            ("operator_id", context.operator_id),
        ):
            if value is not None:
                document[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            document["exception"] = record.exc_text
        # ensure_ascii keeps one record on one line whatever the message holds (newlines are escaped too).
        return self._redactor.redact(json.dumps(document, ensure_ascii=True, default=str))


def configure_logging(*, level: int, json_lines: bool) -> None:
    """The process's one log handler, on stderr: JSON lines or key=value text."""
    handler = logging.StreamHandler()
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
