"""SMS texts: languages, fallback, operator overrides, and the locale chosen at signup or per request."""

import json

import pytest
from sqlalchemy import text

from app.config import ConfigError, Settings
from app.config.sms_templates import load_catalog
from app.extensions import db
from app.services.sms_text import SmsTexts
from tests.conftest import TEST_ENV
from tests.support.flow import bearer

BUNDLED = ["de", "en", "es", "fr", "hi", "pt"]


def texts(**options):
    return SmsTexts(load_catalog(options.pop("folder", "")), sender="Acme", **options)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "123456 is your Acme code. It expires in 5 minutes."),
        ("es", "123456 es tu código de Acme. Caduca en 5 minutos."),
        ("fr", "123456 est votre code Acme. Il expire dans 5 minutes."),
        ("de", "123456 ist Ihr Acme-Code. Er läuft in 5 Minuten ab."),
        ("hi", "123456 आपका Acme कोड है। यह 5 मिनट में समाप्त हो जाएगा।"),
        ("pt", "123456 é o seu código Acme. Expira em 5 minutos."),
    ],
)
def test_each_bundled_language(locale, expected):
    assert texts().render("123456", locale) == expected


def test_bundled_languages_and_a_one_minute_expiry():
    assert texts().locales == BUNDLED
    assert texts(ttl_seconds=60).render("123456", "en") == "123456 is your Acme code. It expires in 1 minute."
    assert texts(ttl_seconds=61).render("123456", "es").endswith("Caduca en 2 minutos.")


@pytest.mark.parametrize(
    ("saved", "accepted", "chosen"),
    [
        ("es-MX", [], "es"),  # a region falls back to its base language
        ("pt_br", [], "pt"),
        ("de", [("fr", 1.0)], "de"),  # the saved locale wins over Accept-Language
        ("zz", [("fr", 1.0)], "fr"),  # ... unless no template serves it
        (None, [("fr-CH", 1.0), ("es", 0.9)], "fr"),
        (None, [("es", 0.5), ("de", 0.9)], "de"),  # by q-value, not by position
        (None, [("it", 1.0), ("hi", 0.2)], "hi"),
        (None, [("fr", 0.0), ("*", 1.0)], "en"),  # q=0 means "not this"; * says nothing
        (None, [], "en"),
    ],
)
def test_choosing_the_language(saved, accepted, chosen):
    assert texts().choose(saved, accepted) == chosen


def test_the_default_locale_is_configurable():
    assert texts(default_locale="pt-PT").choose(None, [("it", 1.0)]) == "pt"


def write(folder, name, content):
    (folder / name).write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def test_operator_templates_override_and_add_languages(tmp_path):
    write(tmp_path, "en.json", {"message": "Acme: {code} ({minutes} min)"})
    write(tmp_path, "it.json", {"message": "{code} è il tuo codice {sender}.", "message_one": "{code}: 1 minuto"})
    write(tmp_path, "pt-BR.json", {"message": "Seu código {sender}: {code}"})
    catalog = texts(folder=str(tmp_path))
    assert catalog.locales == ["de", "en", "es", "fr", "hi", "it", "pt", "pt-BR"]
    assert catalog.render("123456", "en") == "Acme: 123456 (5 min)"
    assert catalog.render("123456", "it-CH") == "123456 è il tuo codice Acme."
    assert catalog.render("123456", "pt-BR") == "Seu código Acme: 123456"
    assert catalog.render("123456", "pt-PT") == "123456 é o seu código Acme. Expira em 5 minutos."


@pytest.mark.parametrize(
    ("name", "content", "fault"),
    [
        ("en.json", {"message": "{code.__class__}"}, "unknown placeholder"),
        ("en.json", {"message": "{code!r}"}, "unknown placeholder"),
        ("en.json", {"message": "Your code is ready"}, "must contain {code}"),
        ("en.json", {"message": "{code}", "extra": "x"}, "nothing else"),
        ("en.json", "{not json", "not valid JSON"),
        ("en.json", {"message": "{code"}, "en.json"),
        ("english.json", {"message": "{code}"}, "BCP 47"),
    ],
)
def test_a_broken_operator_template_stops_start_up_naming_the_setting(tmp_path, name, content, fault):
    write(tmp_path, name, content)
    with pytest.raises(ConfigError, match="SMS_TEMPLATES_DIR") as error:
        Settings.from_env({**TEST_ENV, "SMS_TEMPLATES_DIR": str(tmp_path)})
    assert fault in str(error.value)


def test_missing_templates_dir_and_unserved_default_locale_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="SMS_TEMPLATES_DIR: .* is not a directory"):
        Settings.from_env({**TEST_ENV, "SMS_TEMPLATES_DIR": str(tmp_path / "missing")})
    with pytest.raises(ConfigError, match="SMS_DEFAULT_LOCALE 'it' has no template"):
        Settings.from_env({**TEST_ENV, "SMS_DEFAULT_LOCALE": "it"})


@pytest.mark.parametrize(
    ("options", "tail"),
    [
        ({}, "expires in 5 minutes."),
        ({"webotp_domain": "app.example.com"}, "expires in 5 minutes.\n\n@app.example.com #123456"),
        ({"android_app_hash": "FA+9qCX9VSu"}, "expires in 5 minutes.\n\nFA+9qCX9VSu"),
        ({"webotp_domain": "app.example.com", "android_app_hash": "FA+9qCX9VSu"},
         "expires in 5 minutes.\n\nFA+9qCX9VSu\n@app.example.com #123456"),
    ],
)
def test_autofill_lines_end_the_message(options, tail):
    body = SmsTexts(load_catalog(), **options).render("123456", "en")
    assert body.endswith(tail)
    assert len(body.encode()) <= 140  # SMS Retriever's limit, with the default English text and sender


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SMS_WEBOTP_DOMAIN", "https://app.example.com"),
        ("SMS_WEBOTP_DOMAIN", "app.example.com/login"),
        ("SMS_ANDROID_APP_HASH", "tooshort"),
        ("SMS_ANDROID_APP_HASH", "FA+9qCX9VSu!"),
    ],
)
def test_bad_autofill_settings_are_config_errors(setting, value):
    with pytest.raises(ConfigError, match=setting):
        Settings.from_env({**TEST_ENV, setting: value})


# Through the API: the locale saved at signup and Accept-Language on send-otp.


def stored_locale(app, email):
    with app.app_context():
        return db.session.execute(text("SELECT locale FROM users WHERE email = :e"), {"e": email}).scalar()


def test_signup_saves_the_locale_and_the_code_arrives_in_that_language(app, client, flow, sms):
    user = {**flow.new_identity(), "locale": "es-mx"}
    response = client.post("/api/v1/signup", json=user)
    assert response.status_code == 201
    assert set(response.get_json()) == {"id", "email", "phone", "created_at", "email_verified"}  # no locale in it
    assert stored_locale(app, user["email"]) == "es-MX"
    pre = flow.login(user)
    response = client.post("/api/v1/send-otp", headers={**bearer(pre), "Accept-Language": "de"})
    assert response.status_code == 200
    assert "es tu código de otp-auth" in sms.messages[-1][1]


def test_without_a_saved_locale_accept_language_decides(flow, sms):
    user = flow.signup()
    pre = flow.login(user)
    headers = {**bearer(pre), "Accept-Language": "it-IT, fr;q=0.8, en;q=0.5"}
    assert flow.client.post("/api/v1/send-otp", headers=headers).status_code == 200
    assert "est votre code otp-auth" in sms.messages[-1][1]


def test_no_locale_and_no_accept_language_means_the_default(flow, sms):
    flow.signed_in(flow.signup(locale=None))
    assert "is your otp-auth code" in sms.messages[-1][1]


@pytest.mark.parametrize("locale", ["zz", "it", "not a tag", 42, ""])
def test_an_unsupported_or_malformed_locale_is_422(client, flow, locale):
    response = client.post("/api/v1/signup", json={**flow.new_identity(), "locale": locale})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["locale"]


def test_send_on_login_uses_the_login_requests_accept_language(make_app, sms):
    from tests.support.flow import AuthFlow

    client = make_app(OTP_SEND_ON_LOGIN="true").test_client()
    flow = AuthFlow(client, sms)
    user = flow.signup()
    response = client.post("/api/v1/login", json={"email": user["email"], "password": user["password"]},
                           headers={"Accept-Language": "pt-BR"})
    assert response.get_json()["otp_sent"] is True
    assert "é o seu código otp-auth" in sms.messages[-1][1]


def test_operator_templates_and_autofill_reach_the_sms(make_app, sms, tmp_path):
    from tests.support.flow import AuthFlow

    write(tmp_path, "en.json", {"message": "Code {code} for {sender}"})
    client = make_app(SMS_TEMPLATES_DIR=str(tmp_path), SMS_SENDER_NAME="Acme", SMS_WEBOTP_DOMAIN="Login.Acme.test",
                      SMS_ANDROID_APP_HASH="FA+9qCX9VSu").test_client()
    flow = AuthFlow(client, sms)
    user = flow.signup()
    assert flow.send_otp(flow.login(user)).status_code == 200
    code = flow.code_for(user)
    assert sms.messages[-1][1] == f"Code {code} for Acme\n\nFA+9qCX9VSu\n@login.acme.test #{code}"
