"""The redactor removes every configured secret in the forms it travels in, and credential-shaped text
whoever configured it, while leaving ordinary operator text alone."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from inventory.redaction import REDACTED, Redactor, install_log_redaction

SECRET = 'Zq8~v.Kp/4+w=Rj"s&Ln 2'  # characters that URL- and JSON-encoding both change
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJib3QifQ.c2lnbmF0dXJlLWJ5dGVz"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----"


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(SECRET, id="as configured"),
        pytest.param(quote(SECRET, safe=""), id="url-encoded"),
        pytest.param(quote(SECRET), id="url-encoded keeping slashes"),
        pytest.param(json.dumps(SECRET)[1:-1], id="json-escaped"),
    ],
)
def test_a_learned_secret_is_removed_in_each_form_it_travels_in(form: str) -> None:
    redactor = Redactor([SECRET])
    cleaned = redactor.redact(f"Entra said: bad credential {form} for app 42")
    assert cleaned == f"Entra said: bad credential {REDACTED} for app 42"


def test_a_secret_inside_a_form_body_is_removed_even_when_it_was_never_learned() -> None:
    body = urlencode({"grant_type": "client_credentials", "client_id": "app-1", "client_secret": "unknown-value-123"})
    cleaned = Redactor().redact(f"refused: {body}")
    assert "unknown-value-123" not in cleaned
    assert "client_id=app-1" in cleaned
    assert f"client_secret={REDACTED}" in cleaned


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        pytest.param('{"client_secret": "abc123xyz"}', "abc123xyz", id="json field"),
        pytest.param('{\\"password\\": \\"hunter22\\"}', "hunter22", id="json inside a json string"),
        pytest.param("access_token=opaque.value.1", "opaque.value.1", id="access token parameter"),
        pytest.param("Authorization: Bearer sim.AbCdEf0123456789", "sim.AbCdEf0123456789", id="bearer header"),
        pytest.param(f"token was {JWT} today", JWT, id="bare jwt"),
        pytest.param(f"key file:\n{PEM}\nend", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", id="pem private key"),
    ],
)
def test_credential_shaped_text_is_removed_whoever_configured_it(text: str, leak: str) -> None:
    cleaned = Redactor().redact(text)
    assert leak not in cleaned
    assert REDACTED in cleaned


def test_ordinary_operator_text_passes_unchanged() -> None:
    text = "Adele Vance holds +1 206 555 0100 (policy US-Local); the token bucket has 3 left"
    assert Redactor(["not-in-this-text"]).redact(text) == text


def test_secrets_too_short_to_be_real_are_not_learned_so_words_are_not_blanked() -> None:
    redactor = Redactor(["to", "adele"])
    assert redactor.redact("assign to adele") == "assign to adele"


def test_a_secret_that_contains_another_is_removed_whole() -> None:
    redactor = Redactor(["abcdef", "abcdef-ghijkl"])
    assert redactor.redact("x abcdef-ghijkl y") == f"x {REDACTED} y"


def test_learning_again_keeps_what_was_learned_before() -> None:
    redactor = Redactor(["first-secret-1"])
    redactor.learn(["second-secret-2"])
    assert redactor.redact("first-secret-1 second-secret-2") == f"{REDACTED} {REDACTED}"


@pytest.fixture
def redacting_log_records() -> Iterator[Redactor]:
    previous = logging.getLogRecordFactory()
    redactor = Redactor([SECRET])
    logging.setLogRecordFactory(logging.LogRecord)  # an app built by an earlier test installed its own
    install_log_redaction(redactor)
    try:
        yield redactor
    finally:
        logging.setLogRecordFactory(previous)


def test_log_records_are_redacted_as_they_are_made_in_message_arguments_and_tracebacks(
    redacting_log_records: Redactor, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("tests.redaction")
    with caplog.at_level(logging.INFO, logger="tests.redaction"):
        logger.info("token request failed: %s", f"secret={SECRET}")
        try:
            raise RuntimeError(f"upstream echoed {quote(SECRET, safe='')}")
        except RuntimeError:
            logger.exception("sync failed")
    assert "token request failed" in caplog.text
    assert "RuntimeError: upstream echoed" in caplog.text
    assert SECRET not in caplog.text
    assert quote(SECRET, safe="") not in caplog.text


def test_installing_log_redaction_twice_wraps_the_record_factory_once(redacting_log_records: Redactor) -> None:
    installed = logging.getLogRecordFactory()
    install_log_redaction(redacting_log_records)
    assert logging.getLogRecordFactory() is installed
