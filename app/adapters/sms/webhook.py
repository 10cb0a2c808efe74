"""Generic HTTP webhook: POSTs `{"to", "body", "sent_at"}` to the operator's own SMS gateway.

Each request is signed so the receiver can tell it came from this service and
was not replayed (docs/sms.md shows the check):

    X-OtpAuth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import requests

from app.adapters.sms.base import SmsDeliveryError
from app.services.clock import isoformat_z, to_datetime

SIGNATURE_HEADER = "X-OtpAuth-Signature"


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class WebhookSmsSender:
    name = "webhook"

    def __init__(self, url: str, secret: str, *, timeout_seconds: float = 5.0,
                 now: Callable[[], float] = time.time) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout_seconds
        self._now = now
        # requests makes one attempt unless told otherwise; failover is the retry.
        self._session = requests.Session()

    def send(self, to: str, body: str) -> None:
        now = self._now()
        sent_at = isoformat_z(to_datetime(now), "milliseconds")
        payload = json.dumps({"to": to, "body": body, "sent_at": sent_at}, ensure_ascii=False).encode()
        timestamp = int(now)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: f"t={timestamp},v1={signature(self._secret, timestamp, payload)}",
        }
        try:
            # A redirect would re-send the code somewhere the operator did not name.
            response = self._session.post(self._url, data=payload, headers=headers, timeout=self._timeout,
                                          allow_redirects=False)
        except requests.RequestException as error:
            raise SmsDeliveryError(f"webhook unreachable: {type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise SmsDeliveryError(f"webhook answered HTTP {response.status_code}")
