"""Twilio Programmable Messaging through the official SDK, with a bounded timeout."""

from __future__ import annotations

import logging

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.adapters.sms.base import SmsDeliveryError

# The SDK logs request parameters (the message body, hence the code) at INFO.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


class TwilioSmsSender:
    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str = "",
        messaging_service_sid: str = "",
        timeout_seconds: float = 5.0,
        api_base_url: str = "https://api.twilio.com",
    ) -> None:
        http_client = TwilioHttpClient(timeout=timeout_seconds, max_retries=0)
        self._client = Client(account_sid, auth_token, http_client=http_client)
        # Lets tests (and egress proxies) point the SDK at another host.
        self._client.api.base_url = api_base_url.rstrip("/")
        self._sender = (
            {"messaging_service_sid": messaging_service_sid} if messaging_service_sid else {"from_": from_number}
        )

    def send(self, to: str, body: str) -> None:
        try:
            self._client.messages.create(to=to, body=body, **self._sender)
        except TwilioException as error:
            status = getattr(error, "status", "?")
            code = getattr(error, "code", "?")
            raise SmsDeliveryError(f"twilio refused the message (HTTP {status}, code {code})") from None
        except requests.RequestException as error:
            raise SmsDeliveryError(f"twilio unreachable: {type(error).__name__}") from None
        except ValueError:
            # A success status with a body that is not JSON (a proxy's error page): the SDK
            # cannot read it, and we cannot count it as delivered.
            raise SmsDeliveryError("twilio answered with a body that is not JSON") from None
