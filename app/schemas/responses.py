"""Response bodies, built from service results."""

from __future__ import annotations

from typing import Any

from app.models import User
from app.services.clock import isoformat_z, to_datetime
from app.services.factors import FactorSummary, TotpEnrolment
from app.services.login import LoginResult
from app.services.otp import SendResult
from app.services.ports import SessionRecord
from app.services.recovery_requests import Opened
from app.services.tokens import TokenPair


def user_body(user: User) -> dict[str, Any]:
    return {"id": str(user.id), "email": user.email, "phone": user.phone, "created_at": isoformat_z(user.created_at),
            "email_verified": bool(user.email_verified)}


def login_body(result: LoginResult) -> dict[str, Any]:
    if result.signed_in is not None:  # a remembered device: no second step
        return {**token_pair_body(result.signed_in), "otp_required": False}
    body: dict[str, Any] = {
        "pre_otp_token": result.pre_otp_token,
        "token_type": "Bearer",
        "expires_in": result.expires_in,
        "otp_required": True,
        "phone_hint": result.phone_hint,
        "factors": list(result.factors),
    }
    if result.otp_sent is not None:
        body["otp_sent"] = result.otp_sent
    return body


def sent_body(result: SendResult) -> dict[str, Any]:
    return {"sent_to": result.sent_to, "expires_in": result.expires_in, "resend_after": result.resend_after}


def token_pair_body(pair: TokenPair) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
        "refresh_expires_in": pair.refresh_expires_in,
    }
    if pair.device_token:
        body["device_token"] = pair.device_token
    return body


def factors_body(summary: FactorSummary) -> dict[str, Any]:
    return {"sms": {"phone_hint": summary.phone_hint}, "totp": {"enabled": summary.totp_enabled},
            "recovery_codes_left": summary.recovery_codes_left}


def totp_enrolment_body(enrolment: TotpEnrolment) -> dict[str, Any]:
    return {"secret": enrolment.secret, "otpauth_uri": enrolment.otpauth_uri, "qr_svg": enrolment.qr_svg}


def sessions_body(sessions: list[SessionRecord], current: str) -> dict[str, Any]:
    return {"sessions": [
        {
            "id": record.id,
            "created_at": isoformat_z(to_datetime(record.created_at)),
            "last_used_at": isoformat_z(to_datetime(record.last_used_at)),
            "ip": record.ip or None,
            "user_agent": record.user_agent or None,
            "current": record.id == current,
        }
        for record in sessions
    ]}


def reset_body(opened: Opened) -> dict[str, Any]:
    return {"reset_token": opened.token, "token_type": "Bearer", "expires_in": opened.expires_in}


def change_body(opened: Opened) -> dict[str, Any]:
    return {"change_token": opened.token, "token_type": "Bearer", "expires_in": opened.expires_in,
            "sent_to": {"email": opened.email_hint, "phone": opened.phone_hint}}
