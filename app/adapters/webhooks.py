"""The event webhook: one signed JSON POST per event, per the Standard Webhooks specification.

Signed with the `standardwebhooks` package: `webhook-id` is the event id (receivers drop
repeats by it), `webhook-timestamp` the time of this attempt, `webhook-signature`
`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the key of EVENT_WEBHOOK_SECRET.
"""

from __future__ import annotations

import json

import requests
from standardwebhooks import Webhook

from app.services.clock import to_datetime
from app.services.event_record import Event


class SignedWebhook:
    def __init__(self, url: str, secret: str, timeout: float) -> None:
        self._url = url
        self._signer = Webhook(secret)
        self._timeout = timeout
        self._http = requests.Session()

    def post(self, event: Event, now: float) -> str | None:
        """None when the receiver accepted the event (2xx), else why not, in a few words."""
        body = json.dumps(event.body(), separators=(",", ":"))
        headers = {
            "content-type": "application/json",
            "user-agent": "otp-auth-webhooks",
            "webhook-id": event.id,
            "webhook-timestamp": str(int(now)),
            "webhook-signature": self._signer.sign(event.id, to_datetime(int(now)), body),
        }
        try:
            # Bounded connect and read waits: a slow receiver holds this worker at most this long.
            response = self._http.post(self._url, data=body.encode(), headers=headers,
                                       timeout=(self._timeout, self._timeout), allow_redirects=False)
        except requests.RequestException as error:
            return type(error).__name__
        response.close()
        return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"

    def close(self) -> None:
        self._http.close()
