"""The reference web page's way back in: "Forgot password?" and "Lost your phone?", in headless
Chromium against a live API on another origin, the codes read from the file outboxes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.contract.spec import TEST_CODE, TEST_PHONE, TEST_PHONE_NUMBERS
from tests.support.flow import PASSWORD
from tests.support.http_client import HttpClient

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
EMAIL = "recovery@example.com"
NEW_PASSWORD = "a brand new passphrase 7"
NEW_PHONE = "+15555550102"  # a TEST_PHONE_NUMBERS entry: its code is TEST_CODE


def email_code(outbox: Path, to: str) -> str:
    """The code of the newest email to `to` in the file outbox (EMAIL_BACKEND=file)."""
    bodies = [json.loads(line)["body"] for line in outbox.read_text(encoding="utf-8").splitlines()
              if json.loads(line)["to"] == to]
    return str(re.findall(r"\b(\d{6})\b", bodies[-1])[0])


def test_forgot_password_then_lost_phone(browser, live_server, site, artifacts, tmp_path):
    emails = tmp_path / "emails.jsonl"
    server = live_server(CORS_ORIGINS=site.origin, TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS,
                         SMS_BACKEND="file", SMS_OUTBOX_FILE=str(tmp_path / "sms.jsonl"),
                         EMAIL_BACKEND="file", EMAIL_OUTBOX_FILE=str(emails))
    api = HttpClient(server.url)
    assert api.post("/api/v1/signup", json={"email": EMAIL, "password": PASSWORD, "phone": TEST_PHONE}).status_code \
        == 201
    site.start(api_base=server.url)
    page = browser.new_context(viewport={"width": 520, "height": 1100}).new_page()
    page.goto(site.origin + "/")

    # Forgot password: the address, then both codes and a new password.
    page.get_by_role("button", name="Forgot password?").click()
    page.fill("#forgot-email", EMAIL)
    page.get_by_role("button", name="Send the codes").click()
    expect(page.locator("#step-reset")).to_be_visible()
    page.fill("#reset-email-code", email_code(emails, EMAIL))
    page.fill("#reset-sms-code", TEST_CODE)
    page.fill("#reset-password", "password")  # a common one: refused, nothing spent
    page.get_by_role("button", name="Reset password").click()
    expect(page.locator("#problem")).to_contain_text("new_password")
    page.fill("#reset-password", NEW_PASSWORD)
    page.get_by_role("button", name="Reset password").click()
    expect(page.locator("#status")).to_contain_text("Your password was reset")
    expect(page.locator("#step-login")).to_be_visible()
    assert api.post("/api/v1/login", json={"email": EMAIL, "password": PASSWORD}).status_code == 401

    # Lost phone: log in with the new password, then move the account to a new number from the code step.
    page.fill("#login-email", EMAIL)
    page.fill("#login-password", NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Lost your phone?").click()
    page.fill("#new-phone", "12")
    page.get_by_role("button", name="Send the codes").click()
    expect(page.locator("#problem")).to_contain_text("phone")
    page.fill("#new-phone", NEW_PHONE)
    page.get_by_role("button", name="Send the codes").click()
    expect(page.locator("#change-phone-hint")).to_have_text("+1******0102")
    expect(page.locator("#change-email-hint")).to_have_text("r***@example.com")
    page.fill("#phone-email-code", email_code(emails, EMAIL))
    page.fill("#phone-sms-code", TEST_CODE)
    page.screenshot(path=str(artifacts / "web-phone-change.png"), full_page=True)
    page.get_by_role("button", name="Confirm the new phone").click()
    expect(page.locator("#status")).to_contain_text(f"Your phone number is now {NEW_PHONE}")
    login = api.post("/api/v1/login", json={"email": EMAIL, "password": NEW_PASSWORD}).get_json()
    assert login["phone_hint"] == "+1******0102"
