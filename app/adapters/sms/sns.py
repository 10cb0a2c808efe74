"""Amazon SNS direct-to-phone SMS through boto3, with bounded timeouts and a single attempt.

Credentials come from boto3's usual chain (environment, web identity on EKS,
instance profile...). Failover to the next provider is the retry, so botocore
makes one attempt only.
"""

from __future__ import annotations

import logging
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.adapters.sms.base import SmsDeliveryError

# botocore logs whole requests (the message, hence the code) at DEBUG.
logging.getLogger("botocore").setLevel(logging.WARNING)


def _string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


class SnsSmsSender:
    name = "sns"

    def __init__(
        self,
        *,
        region: str,
        endpoint_url: str = "",
        sender_id: str = "",
        sms_type: str = "Transactional",
        origination_number: str = "",
        timeout_seconds: float = 5.0,
    ) -> None:
        config = Config(
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
            retries={"total_max_attempts": 1, "mode": "standard"},
        )
        self._client = boto3.session.Session().client(
            "sns", region_name=region, endpoint_url=endpoint_url or None, config=config
        )
        attributes = {"AWS.SNS.SMS.SMSType": _string(sms_type)}
        if sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = _string(sender_id)
        if origination_number:
            attributes["AWS.MM.SMS.OriginationNumber"] = _string(origination_number)
        self._attributes: dict[str, Any] = attributes

    def send(self, to: str, body: str) -> None:
        try:
            self._client.publish(PhoneNumber=to, Message=body, MessageAttributes=self._attributes)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
            code = error.response.get("Error", {}).get("Code", "?")
            raise SmsDeliveryError(f"sns refused the message (HTTP {status}, {code})") from None
        except BotoCoreError as error:
            raise SmsDeliveryError(f"sns unreachable: {type(error).__name__}") from None
