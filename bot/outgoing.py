"""Cards on their way to Teams: the last point where a secret in upstream text can be stopped."""

from __future__ import annotations

import json
from typing import Any

from botbuilder.core import CardFactory
from botbuilder.schema import Attachment

from cards.elements import Card
from inventory.redaction import REDACTOR


def card_attachment(card: Card) -> Attachment:
    return CardFactory.adaptive_card(redacted_card(card))


def redacted_card(card: Card) -> Card:
    text = json.dumps(card, separators=(",", ":"))
    cleaned = REDACTOR.redact(text)
    if cleaned == text:
        return card
    redacted: Card = json.loads(cleaned)
    return redacted


def redacted_json(value: Any) -> str:
    """An invoke answer's body as compact JSON, redacted."""
    return REDACTOR.redact(json.dumps(value, separators=(",", ":")))
