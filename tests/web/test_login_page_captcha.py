"""The reference web login page renders the CAPTCHA provider's widget (with CAPTCHA_SITE_KEY) and its
script when CAPTCHA_PROVIDER is set, and neither when it is not. (The provider's script cannot load
offline; tests/api/test_captcha.py runs the flow the page drives against a local siteverify fake.)"""

from __future__ import annotations

import pytest

from app.web import CAPTCHA_SCRIPTS
from tests.support.captcha_fake import SITE_KEY, FakeSiteverify


@pytest.mark.parametrize(("provider", "widget"), [("turnstile", "cf-turnstile"), ("hcaptcha", "h-captcha")])
def test_the_page_carries_the_configured_widget(make_app, provider, widget):
    with FakeSiteverify(provider) as fake:
        page = make_app(**fake.settings()).test_client().get("/login").get_data(as_text=True)
    marker = f'<div class="captcha {widget}" data-sitekey="{SITE_KEY}"></div>'
    # One widget on the "Forgot password?" form, one on the signup form, one by "Send code".
    assert page.count(marker) == 3
    forgot_button = page.index('<button class="primary" type="submit">Send the codes</button>')
    assert page.index(marker) < forgot_button < page.index(marker, forgot_button)
    assert page.index(marker, forgot_button) < page.index('<button class="primary" type="submit">Sign up</button>')
    assert page.count(f'<script src="{CAPTCHA_SCRIPTS[provider]}" async defer></script>') == 1
    assert "<!--captcha-" not in page


def test_the_site_key_is_escaped(make_app):
    with FakeSiteverify("turnstile") as fake:
        page = make_app(**fake.settings(CAPTCHA_SITE_KEY='k"><script>x</script>')).test_client().get("/login")
    assert 'data-sitekey="k&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in page.get_data(as_text=True)


def test_without_a_provider_the_page_has_no_widget(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'class="captcha' not in page and "api.js" not in page
