"""The reference web page with second factors, in headless Chromium: set up an authenticator app from
its QR code, create recovery codes, then sign in with the app's code and with a recovery code."""

from __future__ import annotations

import base64
import time
from urllib.parse import unquote

import pyotp
import pytest
from playwright.sync_api import expect

from tests.contract.spec import TEST_CODE, TEST_PHONE, TEST_PHONE_NUMBERS
from tests.support.flow import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
SETUP_SCREENSHOT = "web-factors-setup.png"
CODE_STEP_SCREENSHOT = "web-factors-code-step.png"


def _log_in(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#step-code")).to_be_visible()


def test_authenticator_app_and_recovery_codes(browser, live_server, site, artifacts, tmp_path):
    api = live_server(CORS_ORIGINS=site.origin, TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS)
    site.start(api_base=api.url)
    page = browser.new_context(viewport={"width": 520, "height": 1100}).new_page()
    page.goto(site.origin + "/")
    page.get_by_role("button", name="Create an account").click()
    page.fill("#signup-email", "factors@example.com")
    page.fill("#signup-password", PASSWORD)
    page.fill("#signup-phone", TEST_PHONE)
    page.get_by_role("button", name="Sign up").click()

    # First sign-in by SMS: the account has no other factor, so none is offered.
    _log_in(page)
    expect(page.locator("#other-factors")).to_be_hidden()
    page.click("#send-code")
    page.fill("#otp", TEST_CODE)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#factors-summary")).to_contain_text("authenticator app off; 0 recovery codes left")

    # Set up the app: the QR code is an image of the otpauth URI, the key is shown for typing.
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.locator("#totp-setup")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    qr = page.locator("#totp-qr")
    expect(qr).to_have_attribute("src", __import__("re").compile(r"^data:image/svg\+xml"))
    assert "<svg" in unquote(qr.get_attribute("src"))
    assert page.evaluate("document.getElementById('totp-qr').naturalWidth") > 0  # the browser drew it
    page.screenshot(path=str(artifacts / SETUP_SCREENSHOT), full_page=True)
    app = pyotp.TOTP(secret)
    page.fill("#totp-code", "000000" if app.now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#problem")).to_contain_text("code")
    page.fill("#totp-code", app.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#status")).to_contain_text("Your authenticator app is on")
    expect(page.locator("#factors-summary")).to_contain_text("authenticator app on")

    page.get_by_role("button", name="Create recovery codes").click()
    codes = page.locator("#recovery-list li")
    expect(codes).to_have_count(10)
    recovery = codes.nth(0).inner_text()
    expect(page.locator("#factors-summary")).to_contain_text("10 recovery codes left")
    page.get_by_role("button", name="Log out").click()

    # Signing in again asks for the app's code first, and offers the other factors.
    _log_in(page)
    expect(page.locator("#factor-totp")).to_be_visible()
    expect(page.locator("#factor-sms")).to_be_hidden()
    expect(page.get_by_role("button", name="a code by SMS")).to_be_visible()
    expect(page.get_by_role("button", name="a recovery code")).to_be_visible()
    page.screenshot(path=str(artifacts / CODE_STEP_SCREENSHOT), full_page=True)
    # The code that turned the app on is spent; the next step's is inside the window and newer.
    page.fill("#otp", app.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#step-me")).to_be_visible()
    expect(page.locator("#me-email")).to_have_text("factors@example.com")
    page.get_by_role("button", name="Log out").click()

    # A recovery code, typed in capitals with a space: it works once.
    _log_in(page)
    page.get_by_role("button", name="a recovery code").click()
    expect(page.locator("#recovery-code")).to_be_visible()
    page.fill("#recovery-code", recovery.upper().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#factors-summary")).to_contain_text("9 recovery codes left")
    page.get_by_role("button", name="Log out").click()
    _log_in(page)
    page.get_by_role("button", name="a recovery code").click()
    page.fill("#recovery-code", recovery)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#problem")).to_contain_text("4 attempts left")
    assert base64.b32decode(secret)  # the key shown is the base32 secret the QR code carries
