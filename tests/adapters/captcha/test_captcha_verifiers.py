"""The Turnstile and hCaptcha verifiers against local fakes of their siteverify endpoints, with
each provider's real request format: success, a refused token, an error status, a provider that
never answers."""

from __future__ import annotations

import pytest

from app.adapters.captcha.base import CaptchaUnavailable
from app.adapters.captcha.factory import build_captcha_verifier
from app.adapters.captcha.hcaptcha import HCaptchaVerifier
from app.adapters.captcha.turnstile import TurnstileVerifier
from app.config import Settings
from tests.security.pwned_api import HangingServer
from tests.support.captcha_fake import PASS, SECRET, SITE_KEY, FakeSiteverify

VERIFIERS = {"turnstile": TurnstileVerifier, "hcaptcha": HCaptchaVerifier}


@pytest.fixture(params=sorted(VERIFIERS))
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_solved_token_passes_with_the_providers_request_format(provider):
    with FakeSiteverify(provider) as fake:
        verifier = VERIFIERS[provider](SECRET, SITE_KEY, 2.0, fake.url)
        verdict = verifier.verify(PASS, "203.0.113.9")
    assert verdict.success and verdict.error_codes == ()
    [form] = fake.forms
    assert fake.content_types == ["application/x-www-form-urlencoded"]
    assert form["secret"] == SECRET and form["response"] == PASS and form["remoteip"] == "203.0.113.9"
    if provider == "turnstile":
        assert len(form["idempotency_key"]) == 36  # a UUID: a retried call is answered alike
        assert "sitekey" not in form
    else:
        assert form["sitekey"] == SITE_KEY


def test_a_wrong_token_is_refused_with_the_providers_error_code(provider):
    with FakeSiteverify(provider) as fake:
        verdict = VERIFIERS[provider](SECRET, SITE_KEY, 2.0, fake.url).verify("forged", "")
        assert "remoteip" not in fake.forms[0]  # no address known: none sent
    assert not verdict.success and verdict.error_codes == ("invalid-input-response",)


def test_a_wrong_secret_is_a_refusal_not_an_outage(provider):
    with FakeSiteverify(provider) as fake:
        verdict = VERIFIERS[provider]("not-the-secret", SITE_KEY, 2.0, fake.url).verify(PASS, "")
    assert not verdict.success and "invalid-input-secret" in verdict.error_codes


@pytest.mark.parametrize("status", [500, 502, 429])
def test_an_error_status_is_unavailable(provider, status):
    with FakeSiteverify(provider) as fake:
        fake.status = status
        with pytest.raises(CaptchaUnavailable, match=f"HTTP {status}"):
            VERIFIERS[provider](SECRET, SITE_KEY, 2.0, fake.url).verify(PASS, "")


def test_a_provider_that_never_answers_is_unavailable_after_the_timeout(provider):
    with HangingServer() as server, pytest.raises(CaptchaUnavailable, match="Timeout"):
        VERIFIERS[provider](SECRET, SITE_KEY, 0.2, server.url).verify(PASS, "")


def test_nothing_listening_is_unavailable(provider):
    with FakeSiteverify(provider) as fake:
        url = fake.url
    with pytest.raises(CaptchaUnavailable, match="ConnectionError"):
        VERIFIERS[provider](SECRET, SITE_KEY, 1.0, url).verify(PASS, "")


def test_the_factory_builds_the_named_provider_with_its_own_siteverify_url(provider):
    settings = Settings.from_env({"CAPTCHA_PROVIDER": provider, "CAPTCHA_SECRET": SECRET,
                                  "CAPTCHA_SITE_KEY": SITE_KEY})
    verifier = build_captcha_verifier(settings)
    assert isinstance(verifier, VERIFIERS[provider]) and verifier.site_key == SITE_KEY
    assert settings.captcha_verify_url.startswith("https://")
    assert build_captcha_verifier(Settings.from_env({})) is None
