"""What an incoming activity must look like before botbuilder reads it.

botbuilder trusts the shapes below (it answers a missing recipient or a numeric id with a traceback
and a 500), and the bot answers to `serviceUrl` with its own credentials: an activity that names a
clear-text or malformed address could make the bot send its token there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_TEXT_FIELDS = ("id", "channelId", "replyToId", "name", "text", "locale", "timestamp", "localTimestamp")
_ACCOUNTS = ("from", "recipient")


@dataclass(frozen=True)
class ServiceUrlRule:
    """Which answer addresses are acceptable: https always; plain http only on loopback, and only in
    development mode or under the one test channel address an operator configured."""

    loopback_http: bool = False
    test_channel_url: str = ""

    def problem(self, service_url: str) -> str | None:
        """Checked once the sender is authenticated (an anonymous sender learns only that it is refused)."""
        parts = urlsplit(service_url)
        host = parts.hostname
        if parts.scheme == "https":
            return None
        if host in _LOOPBACK_HOSTS and (
            self.loopback_http or (self.test_channel_url and service_url.startswith(self.test_channel_url))
        ):
            return None
        return "The activity's 'serviceUrl' must use https."


def activity_problem(body: Any) -> str | None:
    """Why `body` is not an activity we can handle (None when it is)."""
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        return "The body is not a Bot Framework activity (no type)."
    for field in _TEXT_FIELDS:
        if body.get(field) is not None and not isinstance(body[field], str):
            return f"The activity's '{field}' must be a string."
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not _is_id(conversation.get("id")):
        return "The activity has no conversation id."
    for field in _ACCOUNTS:
        account = body.get(field)
        if not isinstance(account, dict) or not _is_id(account.get("id")):
            return f"The activity's '{field}' must be an account with an id."
        for key in ("name", "aadObjectId", "role"):
            if account.get(key) is not None and not isinstance(account[key], str):
                return f"The activity's '{field}.{key}' must be a string."
    for field in ("membersAdded", "membersRemoved"):
        members = body.get(field)
        if members is not None and not (
            isinstance(members, list) and all(isinstance(m, dict) and _is_id(m.get("id")) for m in members)
        ):
            return f"The activity's '{field}' must be a list of accounts with ids."
    if body.get("channelData") is not None and not isinstance(body["channelData"], dict):
        return "The activity's 'channelData' must be an object."
    if body.get("entities") is not None and not (
        isinstance(body["entities"], list) and all(isinstance(e, dict) for e in body["entities"])
    ):
        return "The activity's 'entities' must be a list of objects."
    if body.get("attachments") is not None and not (
        isinstance(body["attachments"], list) and all(isinstance(a, dict) for a in body["attachments"])
    ):
        return "The activity's 'attachments' must be a list of objects."
    service_url = body.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url:
        return "The activity has no 'serviceUrl' to answer to."
    return _url_problem(service_url)


def _url_problem(service_url: str) -> str | None:
    try:
        parts = urlsplit(service_url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is no number
    except ValueError:
        return "The activity's 'serviceUrl' is not a URL."
    if not host or parts.scheme not in {"http", "https"}:
        return "The activity's 'serviceUrl' is not an http(s) URL."
    return None


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 1024
