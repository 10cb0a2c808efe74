"""The CAPTCHA step (CAPTCHA_PROVIDER): a request that may send SMS proves a person solved the widget.

Request schemas that need it derive from app/schemas/captcha.py's `CaptchaSchema`, which calls
`CaptchaCheck.require` once the other fields are valid: a missing or refused `captcha_token` is a
422 naming it; a provider that does not answer refuses the request with 503 (CAPTCHA_FAIL_OPEN=false,
the default) or lets it through, logged and counted either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.adapters.captcha.base import CaptchaUnavailable, CaptchaVerifier
from app.observability.guard_metrics import GuardMetrics
from app.problems import ServiceUnavailable

log = logging.getLogger(__name__)

MISSING = "Solve the CAPTCHA and send its token as captcha_token."
REFUSED = "The CAPTCHA was not solved or has expired; solve it again."
UNAVAILABLE_RETRY_SECONDS = 5


class CaptchaRefused(ValueError):
    """The token is missing or the provider refused it; the message is for the person."""


class CaptchaCheck:
    def __init__(self, *, verifier: CaptchaVerifier | None, fail_open: bool, client_ip: Callable[[], str],
                 metrics: GuardMetrics | None = None) -> None:
        self._verifier = verifier
        self._fail_open = fail_open
        self._client_ip = client_ip
        self._metrics = metrics

    def require(self, token: str | None) -> None:
        """Raises CaptchaRefused (→ 422 captcha_token) or ServiceUnavailable; returns when the step is off,
        the token passed, or the provider is down and CAPTCHA_FAIL_OPEN lets the request through."""
        verifier = self._verifier
        if verifier is None:
            return
        if not token:
            self._count("missing")
            raise CaptchaRefused(MISSING)
        try:
            verdict = verifier.verify(token, self._client_ip())
        except CaptchaUnavailable as error:
            result = "fail_open" if self._fail_open else "unavailable"
            log.warning("captcha provider unavailable", extra={"provider": verifier.name, "reason": str(error),
                                                              "result": result})
            self._count(result)
            if self._fail_open:
                return
            raise ServiceUnavailable("The CAPTCHA could not be checked just now; try again shortly.",
                                     retry_after=UNAVAILABLE_RETRY_SECONDS) from None
        if not verdict.success:
            log.info("captcha refused", extra={"provider": verifier.name, "error_codes": list(verdict.error_codes)})
            self._count("failed")
            raise CaptchaRefused(REFUSED)
        self._count("ok")

    def _count(self, result: str) -> None:
        if self._metrics and self._verifier:
            self._metrics.captcha.labels(self._verifier.name, result).inc()
