"""The HTTP server the bot listens with: aiohttp's, with room for a token our guard can refuse and one
quiet line for requests that are not HTTP we accept.

aiohttp rejects a header line above 8,190 bytes itself, before any handler runs, and logs each such
request (and every other unparsable one) as an error with a traceback that quotes the offending bytes:
for a bearer token, part of the token. Headers up to MAX_HEADER_BYTES reach the token guard, which
answers 401; beyond that aiohttp still answers 400, now logged in one line without the bytes.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

MAX_HEADER_BYTES = 16 * 1024  # twice the largest token the guard accepts: larger ones get its 401
_SERVER_LOG = "aiohttp.server"


def bot_runner(app: web.Application) -> web.AppRunner:
    """An AppRunner for the bot application (no access log: every refusal logs its own line)."""
    quiet_malformed_requests()
    return web.AppRunner(app, access_log=None, max_field_size=MAX_HEADER_BYTES)


class MalformedRequestFilter(logging.Filter):
    """Rewrites aiohttp's traceback for a request it could not parse into one line that quotes nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= error.code < 500:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = "refused a request that is not valid HTTP (%s, %s)"
            record.args = (error.__class__.__name__, error.code)
            record.exc_info = record.exc_text = None
        return True


def quiet_malformed_requests() -> None:
    logger = logging.getLogger(_SERVER_LOG)
    if not any(isinstance(existing, MalformedRequestFilter) for existing in logger.filters):
        logger.addFilter(MalformedRequestFilter())
