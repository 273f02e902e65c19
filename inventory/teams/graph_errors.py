"""Turning a Graph refusal into a sentence an operator can act on.

Graph's own error text names the problem but not the fix; the fix for a 403 is always "an admin of
that tenant grants permission X and consents". So every request states which application permission
it needs (`permissions`), and a 403 quotes it together with the tenant.
"""

from __future__ import annotations

import json
import re
from typing import Any

from inventory.errors import NotFound, TeamsError, TeamsPermissionError

_MAX_QUOTED = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class TeamsNotFound(TeamsError, NotFound):
    """404 from Graph: the number, account, operation or policy does not exist in that tenant."""


def graph_error_message(body: bytes) -> str | None:
    """Graph's `{"error": {"code", "message"}}` text, cleaned and shortened; None when absent."""
    try:
        document: Any = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    error = document.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("code")
    else:
        # The token endpoint answers in OAuth2's shape: {"error": "...", "error_description": "..."}.
        message = document.get("error_description") or error
    if not isinstance(message, str) or not message.strip():
        return None
    return quote_safely(message)


def quote_safely(text: str) -> str:
    """One line, bounded length: safe to put on a card or in a log line."""
    flat = _CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= _MAX_QUOTED else flat[: _MAX_QUOTED - 3] + "..."


def error_for_status(
    status: int,
    *,
    what: str,
    tenant: str,
    permission: str,
    graph_message: str | None,
    attempts: int = 1,
) -> TeamsError:
    """The TeamsError (or subclass) for a final, non-success HTTP status."""
    said = f" Teams said: {graph_message}" if graph_message else ""
    if status == 403:
        return TeamsPermissionError(
            f"Teams refused to let Switchboard {what} in tenant '{tenant}' (403 Forbidden). "
            f"The app registration needs the application permission {permission}, and an administrator "
            f"of '{tenant}' must grant admin consent for it (Entra admin center > App registrations > "
            f"API permissions).{said}",
            status=status,
        )
    if status == 401:
        return TeamsError(
            f"Teams did not accept Switchboard's access token for tenant '{tenant}' (401 Unauthorized) while "
            f"trying to {what}. Check the tenant's entra_tenant_id, client_id and its secret or certificate.{said}",
            status=status,
        )
    if status == 404:
        return TeamsNotFound(
            f"Teams does not know that in tenant '{tenant}' (404) while trying to {what}.{said}", status=status
        )
    if status == 400:
        return TeamsError(
            f"Teams rejected the request to {what} in tenant '{tenant}' (400 Bad Request).{said}", status=status
        )
    if status == 429 or status >= 500:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return TeamsError(
            f"Teams is busy or unavailable (HTTP {status}){tries} while trying to {what} in tenant '{tenant}'. "
            f"Try again in a few minutes.{said}",
            status=status,
            retryable=True,
        )
    return TeamsError(f"Teams answered HTTP {status} while trying to {what} in tenant '{tenant}'.{said}", status=status)


def unreadable_response(*, what: str, tenant: str, problem: str) -> TeamsError:
    """A 2xx whose body is not the JSON we expected (truncated, HTML from a proxy, wrong shape)."""
    return TeamsError(
        f"Teams sent a response Switchboard could not read while trying to {what} in tenant '{tenant}' "
        f"({problem}). Nothing was concluded from it; try again, and if it persists check any proxy in between.",
        retryable=True,
    )


def network_failure(error: BaseException, *, what: str, tenant: str, idempotent: bool) -> TeamsError:
    """The connection broke or timed out; for a write, Teams may have received it anyway."""
    kind = "timed out" if isinstance(error, TimeoutError) else f"failed ({type(error).__name__})"
    if idempotent:
        return TeamsError(
            f"The connection to Teams {kind} while trying to {what} in tenant '{tenant}'.", retryable=True
        )
    # A lost POST may have reached Teams: retrying blindly could assign twice, so the operator syncs first.
    return TeamsError(
        f"The connection to Teams {kind} while trying to {what} in tenant '{tenant}'. Teams may or may not have "
        "received the request; run a sync to see the current state before trying again.",
        retryable=True,
    )


def retry_after_too_long(seconds: float, *, what: str, tenant: str, status: int) -> TeamsError:
    """Graph asked for a longer pause than Switchboard waits within one request."""
    return TeamsError(
        f"Teams asks Switchboard to wait {seconds:.0f} s before trying to {what} again in tenant "
        f"'{tenant}'. Try again later.",
        status=status,
        retryable=True,
    )


def gave_up(last: TeamsError, *, what: str, tenant: str, attempts: int, elapsed: float) -> TeamsError:
    """The next retry would end past the call's deadline; `last` is the latest attempt's failure."""
    return TeamsError(
        f"Gave up trying to {what} in tenant '{tenant}' after {attempts} attempt(s) ({elapsed:.0f} s): {last}",
        status=last.status,
        retryable=True,
    )
