"""app/services/totp.py: RFC 6238 codes, the window of one step either side, the enrolment QR code."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pyotp

from app.services import totp

# RFC 6238 appendix B: the SHA-1 seed, and its 8-digit codes (ours are their last 6 digits).
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924",
               2000000000: "69279037", 20000000000: "65353130"}


def test_codes_follow_rfc_6238():
    for when, code in RFC_VECTORS.items():
        assert totp.matching_step(RFC_SECRET, code[-6:], when) == totp.current_step(when)


def test_the_step_before_and_after_match_and_no_further():
    secret = totp.new_secret()
    now = 1_800_000_015.0
    step = totp.current_step(now)
    app = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, app.at(now + 30 * offset), now) == step + offset
    for offset in (-2, 2):
        code = app.at(now + 30 * offset)
        if code not in {app.at(now + 30 * near) for near in (-1, 0, 1)}:  # equal once in a million
            assert totp.matching_step(secret, code, now) is None


def test_secrets_are_160_random_bits():
    secrets = {totp.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(len(base64.b32decode(secret)) == 20 for secret in secrets)


def test_a_used_step_is_remembered_past_the_last_moment_it_could_match():
    # Step s matches until step s+1 ends: (s + 2) * 30 seconds. Remembering it from any time within
    # step s-1 (the earliest it matches) must last until then.
    assert totp.step_memory_seconds() >= 3 * totp.PERIOD


def test_the_uri_is_what_authenticator_apps_read():
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, "ada@example.com", "Example Bank")
    parsed = pyotp.parse_uri(uri)
    assert (parsed.secret, parsed.name, parsed.issuer) == (secret, "ada@example.com", "Example Bank")
    assert (parsed.digits, parsed.interval) == (6, 30)


def test_the_qr_code_is_an_svg_element_with_a_title():
    svg = totp.qr_svg("otpauth://totp/x:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=x")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "viewBox" in root.attrib and "width" not in root.attrib  # scales with the box it is put in
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Authenticator app QR code"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None
