"""The reference web login page, on its own origin, through the whole flow in headless Chromium."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.contract.spec import TEST_CODE, TEST_PHONE, TEST_PHONE_NUMBERS
from tests.support.flow import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
CODE_STEP_SCREENSHOT = "web-login-code-step.png"
SIGNED_IN_SCREENSHOT = "web-login-signed-in.png"


def _preflights(log: str) -> set[str]:
    """Paths the API answered an OPTIONS request for, from its JSON access log."""
    paths = set()
    for line in log.splitlines():
        if line.startswith("{") and '"method": "OPTIONS"' in line:
            paths.add(json.loads(line)["path"])
    return paths


def test_sign_up_to_log_out_from_another_origin(browser, live_server, site, artifacts, tmp_path):
    api = live_server(CORS_ORIGINS=site.origin, TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS,
                      SMS_BACKEND="file", SMS_OUTBOX_FILE=str(tmp_path / "outbox.jsonl"))
    site.start(api_base=api.url)
    context = browser.new_context(viewport={"width": 520, "height": 760})
    page = context.new_page()
    page.goto(site.origin + "/")

    # Sign up: a refused field shows the problem's detail and the field's message.
    page.get_by_role("button", name="Create an account").click()
    page.fill("#signup-email", "Browser.User@Example.com")
    page.fill("#signup-password", PASSWORD)
    page.fill("#signup-phone", "12")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#problem")).to_contain_text("One or more fields are invalid.")
    expect(page.locator("#problem")).to_contain_text("phone:")
    expect(page.locator("#signup-phone")).to_have_attribute("aria-invalid", "true")
    page.fill("#signup-phone", TEST_PHONE)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#status")).to_contain_text("Account created for browser.user@example.com")

    # Log in: the email is filled in already.
    expect(page.locator("#login-email")).to_have_value("browser.user@example.com")
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#step-code")).to_be_visible()
    expect(page.locator("#phone-hint")).to_have_text("+1******0100")

    # The code input is what phones autofill from an SMS.
    otp = page.locator("#otp")
    expect(otp).to_have_attribute("autocomplete", "one-time-code")
    expect(otp).to_have_attribute("inputmode", "numeric")

    # Send the code: the resend button counts down from resend_after.
    page.click("#send-code")
    expect(page.locator("#status")).to_contain_text("Code sent to +1******0100")
    expect(page.locator("#countdown")).to_contain_text("You can ask for a new code in")
    expect(page.locator("#send-code")).to_be_disabled()

    # A wrong code shows the problem's detail; the right one signs in.
    otp.fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#problem")).to_contain_text("4 attempts left")
    page.screenshot(path=str(artifacts / CODE_STEP_SCREENSHOT), full_page=True)
    otp.fill(TEST_CODE)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#step-me")).to_be_visible()
    expect(page.locator("#me-email")).to_have_text("browser.user@example.com")
    expect(page.locator("#me-phone")).to_have_text(TEST_PHONE)
    session = page.evaluate("sessionStorage.getItem('otp-auth.session')")
    assert set(json.loads(session)) == {"access_token", "refresh_token"}
    page.screenshot(path=str(artifacts / SIGNED_IN_SCREENSHOT), full_page=True)

    # Log out: the tokens are gone and the API refuses the old one.
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#status")).to_contain_text("You are logged out.")
    expect(page.locator("#step-login")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('otp-auth.session')") is None

    # Bearer tokens only: no cookie was ever set, and the browser preflighted the cross-origin calls.
    assert context.cookies() == []
    assert {"/api/v1/signup", "/api/v1/login", "/api/v1/send-otp", "/api/v1/validate-otp", "/api/v1/me",
            "/api/v1/logout"} <= _preflights(api.log_path.read_text())
    context.close()


def test_page_on_an_origin_the_api_does_not_allow_cannot_call_it(browser, live_server, site, tmp_path):
    api = live_server(CORS_ORIGINS="http://127.0.0.1:1", TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS)
    site.start(api_base=api.url)
    page = browser.new_page()
    page.goto(site.origin + "/")
    page.fill("#login-email", "someone@example.com")
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#problem")).to_contain_text("Cannot reach the service")
    # The preflight was refused, so the browser never sent the password.
    assert '"method": "POST"' not in api.log_path.read_text()


# Headless desktop Chromium has no SMS inbox: this stands in for Chrome on Android reading the
# code from an SMS that ends with "@<host> #<code>" (SMS_WEBOTP_DOMAIN).
FAKE_WEBOTP = """
window.OTPCredential = function () {};
window.__otpRequests = [];
navigator.credentials.get = function (options) {
  window.__otpRequests.push(options.otp);
  return Promise.resolve({ type: "otp", code: "CODE" });
};
""".replace("CODE", TEST_CODE)


def test_code_from_webotp_signs_in_without_typing(browser, live_server, site, tmp_path):
    api = live_server(CORS_ORIGINS=site.origin, TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS)
    site.start(api_base=api.url)
    page = browser.new_page()
    page.add_init_script(FAKE_WEBOTP)
    page.goto(site.origin + "/")
    page.get_by_role("button", name="Create an account").click()
    page.fill("#signup-email", "webotp@example.com")
    page.fill("#signup-password", PASSWORD)
    page.fill("#signup-phone", TEST_PHONE)
    page.get_by_role("button", name="Sign up").click()
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.click("#send-code")
    expect(page.locator("#step-me")).to_be_visible()
    expect(page.locator("#me-email")).to_have_text("webotp@example.com")
    assert page.evaluate("window.__otpRequests") == [{"transport": ["sms"]}]
