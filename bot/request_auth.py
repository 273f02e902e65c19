"""Who may talk to the bot: the guard, then botbuilder's own validation, with one outcome each.

A request either authenticates (botbuilder's AuthenticateRequestResult), or is refused with 401 (the
token is not valid: one concise log line, no traceback) or 503 (the issuer's keys could not be
fetched in time, so we cannot tell yet). In insecure development mode there is no token to check.
"""

from __future__ import annotations

import logging
import time

from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

from bot.bearer_token import TokenRules, token_problem
from bot.signing_keys import SigningKeysUnavailable

log = logging.getLogger(__name__)


class Refusal(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class RequestAuthenticator:
    def __init__(self, authentication: BotFrameworkAuthentication, app_id: str) -> None:
        self._authentication = authentication
        self._rules = TokenRules(app_id) if app_id else None

    @property
    def enabled(self) -> bool:
        return self._rules is not None

    async def authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult | str:
        """What CloudAdapter.process_activity takes: the authenticated result, or (development) no header."""
        if self._rules is None:
            return ""  # botbuilder treats an empty header as anonymous when no app id is configured
        problem = token_problem(header, self._rules, time.time())
        if problem:
            log.info("refused a request: %s", problem)
            raise Refusal(401, "The Bot Framework token is not valid.")
        try:
            result: AuthenticateRequestResult = await self._authentication.authenticate_request(activity, header)
        except SigningKeysUnavailable as error:
            log.warning("could not check a token: the issuer's signing keys are unavailable (%s)", error)
            raise Refusal(503, "The bot cannot check tokens right now; retry shortly.") from None
        except Exception as error:
            # botbuilder signals every invalid token by raising (PermissionError, jwt errors, bare
            # Exception for endorsements); none of them is our failure, so none deserves a traceback.
            log.info("refused a request: the token failed Bot Framework validation (%s)", error.__class__.__name__)
            raise Refusal(401, "The Bot Framework token is not valid.") from None
        return result
