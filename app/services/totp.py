"""Authenticator-app codes: RFC 6238 with SHA-1, 6 digits and 30-second steps (what every app supports).

A code is accepted for the current step and one step either side (clock drift);
which step matched is returned, so the caller can refuse that step and every
earlier one afterwards (a code works once).
"""

from __future__ import annotations

import hmac
import io
import math

import pyotp
import segno

DIGITS = 6
PERIOD = 30
WINDOW = 1  # steps accepted either side of the current one


def new_secret() -> str:
    """160 random bits in base32, the size RFC 4226 recommends for HMAC-SHA1."""
    return pyotp.random_base32(32)


def current_step(now: float) -> int:
    return math.floor(now / PERIOD)


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step within the window whose code is `code`, or None. Compares every candidate in
    constant time, with no early exit, so timing tells nothing about which step was near."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD)
    step = current_step(now)
    found: int | None = None
    for candidate in range(step - WINDOW, step + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            found = candidate if found is None else found
    return found


def step_memory_seconds() -> int:
    """How long a used step must be remembered: until no time within the window can accept it again."""
    return (2 * WINDOW + 2) * PERIOD


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as an SVG QR code, ready to put in a page (no XML declaration, scales with its box)."""
    out = io.BytesIO()
    # With its namespace, so the same text works inline in HTML, as an <img> data: URI or as a file.
    segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                    omitsize=True, title="Authenticator app QR code")
    return out.getvalue().decode()
