"""Secrets never leave the process: one redaction applied where text leaves (logs, cards, the CLI).

Upstream error text is the usual leak: a token endpoint that echoes the request puts the client
secret into its error, and that error would reach the operator's card and the log. The redactor
knows every configured secret (in the forms it travels in: as is, URL-encoded, JSON-escaped) and
also removes what looks like a credential whoever configured it: `client_secret=...`, bearer tokens,
JWTs and PEM private keys.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

REDACTED = "<redacted>"
_MIN_SECRET_LENGTH = 6  # shorter "secrets" would blank ordinary words; real ones are 32+ characters
_CREDENTIAL_FIELD = re.compile(
    r"(?i)((?:client_secret|client_assertion|password|access_token|refresh_token|id_token|assertion)"
    r"(?:\\?[\"'])?\s*[:=]\s*(?:\\?[\"'])?)[^\s&\"'\\,;}]+"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL)
# Words without which none of the patterns above can match (compared lower-cased). Plain substring tests:
# a case-insensitive regex alternation costs about 300 us over a 5 KB card, these about 20 us.
_QUICK = ("secret", "assertion", "password", "token", "bearer", "eyj", "private key")


class Redactor:
    """Removes known secrets and credential-shaped text from any string."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: tuple[str, ...] = ()
        self.learn(secrets)

    def learn(self, secrets: Iterable[str]) -> None:
        """Add secrets (configuration may be loaded more than once; each is kept once)."""
        forms = set(self._secrets)
        for secret in secrets:
            if secret and len(secret) >= _MIN_SECRET_LENGTH:
                forms.update({secret, quote(secret, safe=""), quote(secret), json.dumps(secret)[1:-1]})
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = tuple(sorted(forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        lowered = text.lower()
        if not any(word in lowered for word in _QUICK):  # the common case: nothing credential-shaped
            return text
        text = _PRIVATE_KEY.sub(REDACTED, text)
        text = _JWT.sub(REDACTED, text)
        text = _BEARER.sub(lambda match: match.group(1) + REDACTED, text)
        return _CREDENTIAL_FIELD.sub(lambda match: match.group(1) + REDACTED, text)


# The process's one redactor: the composition roots teach it the configured secrets at start.
REDACTOR = Redactor()


def install_log_redaction(redactor: Redactor = REDACTOR) -> None:
    """Redact every log record as it is made, whichever handler or formatter writes it later."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        cleaned = redactor.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text; set it here so a secret in an exception's message is removed too.
            record.exc_text = redactor.redact(logging.Formatter().formatException(record.exc_info))
        return record

    make_record.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
