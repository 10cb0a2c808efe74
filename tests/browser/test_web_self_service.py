"""The reference web page after sign-in: "Your sessions" with an end button, and "Change password",
in headless Chromium against a live API on another origin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.contract.spec import TEST_CODE, TEST_PHONE, TEST_PHONE_NUMBERS
from tests.support.flow import PASSWORD, bearer
from tests.support.http_client import HttpClient

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
EMAIL = "sessions@example.com"
NEW_PASSWORD = "a brand new passphrase 7"
SESSIONS_SCREENSHOT = "web-self-service.png"


def sign_in_elsewhere(api: HttpClient, password: str = PASSWORD) -> dict:
    """Another device (a script with its own user agent) signs in to the same account."""
    headers = {"User-Agent": "curl/8.5.0"}
    pre = api.post("/api/v1/login", json={"email": EMAIL, "password": password}, headers=headers).get_json()
    token = bearer(pre["pre_otp_token"])
    assert api.post("/api/v1/send-otp", headers={**token, **headers}).status_code == 200
    pair = api.post("/api/v1/validate-otp", json={"otp": TEST_CODE}, headers={**token, **headers})
    assert pair.status_code == 200
    return pair.get_json()


def test_sessions_and_password_change_after_sign_in(browser, live_server, site, artifacts, tmp_path):
    server = live_server(CORS_ORIGINS=site.origin, TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS,
                         SMS_BACKEND="file", SMS_OUTBOX_FILE=str(tmp_path / "outbox.jsonl"))
    api = HttpClient(server.url)
    assert api.post("/api/v1/signup", json={"email": EMAIL, "password": PASSWORD, "phone": TEST_PHONE}).status_code \
        == 201
    laptop = sign_in_elsewhere(api)
    site.start(api_base=server.url)
    context = browser.new_context(viewport={"width": 520, "height": 1100})
    page = context.new_page()
    page.goto(site.origin + "/")
    page.fill("#login-email", EMAIL)
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.click("#send-code")
    page.fill("#otp", TEST_CODE)
    page.get_by_role("button", name="Verify").click()

    # Your sessions: this browser first (newest), marked, without an end button; the other device with one.
    sessions = page.locator("#sessions li")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(0)).to_contain_text("This device")
    expect(sessions.nth(0).get_by_role("button")).to_have_count(0)
    expect(sessions.nth(1)).to_contain_text("curl/8.5.0")
    page.screenshot(path=str(artifacts / SESSIONS_SCREENSHOT), full_page=True)

    # End it: the list shrinks and that device's tokens stop working.
    sessions.nth(1).get_by_role("button", name="End").click()
    expect(page.locator("#status")).to_contain_text("That session has ended.")
    expect(sessions).to_have_count(1)
    assert api.get("/api/v1/me", headers=bearer(laptop["access_token"])).status_code == 401
    assert api.post("/api/v1/token/refresh", json={"refresh_token": laptop["refresh_token"]}).status_code == 401

    # End all others: a new sign-in elsewhere, then the button.
    phone = sign_in_elsewhere(api)
    page.reload()
    expect(sessions).to_have_count(2)
    page.get_by_role("button", name="End all other sessions").click()
    expect(page.locator("#status")).to_contain_text("Every other session has ended.")
    expect(sessions).to_have_count(1)
    assert api.get("/api/v1/me", headers=bearer(phone["access_token"])).status_code == 401

    # Change password: a wrong current password shows the problem; the right one changes it.
    other = sign_in_elsewhere(api)
    page.fill("#current-password", "not the password")
    page.fill("#new-password", NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#problem")).to_contain_text("The password is not right.")
    page.fill("#new-password", "short")
    page.fill("#current-password", PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#problem")).to_contain_text("new_password:")
    expect(page.locator("#new-password")).to_have_attribute("aria-invalid", "true")
    page.fill("#new-password", NEW_PASSWORD)
    page.fill("#current-password", PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#status")).to_contain_text("Password changed.")
    expect(sessions).to_have_count(1)  # the other device was signed out
    assert api.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 401
    assert api.post("/api/v1/login", json={"email": EMAIL, "password": NEW_PASSWORD}).status_code == 200
    expect(page.locator("#me-email")).to_have_text(EMAIL)  # this browser is still signed in

    # An access token that stopped working is refreshed once and the call made again.
    stale = "x" * 43
    page.evaluate("""stale => {
        const session = JSON.parse(sessionStorage.getItem('otp-auth.session'));
        session.access_token = stale;
        sessionStorage.setItem('otp-auth.session', JSON.stringify(session));
    }""", stale)
    page.reload()
    expect(sessions).to_have_count(1)
    expect(sessions.nth(0)).to_contain_text("This device")
    assert stale not in page.evaluate("sessionStorage.getItem('otp-auth.session')")
    assert context.cookies() == []
    context.close()
    api.close()
