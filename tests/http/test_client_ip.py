"""Client addresses are parsed, not compared as text (issue 20, findings 2, 3 and 9's limiter keys)."""

from __future__ import annotations

import itertools

import pytest

from app.http.client_ip import UNKNOWN_BUCKET, client_address, parse_address, rate_bucket
from app.stores.keyed_hash import KeyedHasher
from app.stores.keys import Keys
from tests.support.app_state import audit_rows
from tests.support.flow import PASSWORD, AuthFlow, bearer

LOGIN = "/api/v1/login"
_emails = itertools.count()
V6_FORMS = ["2001:db8:a::1", "2001:DB8:A::1", "2001:0db8:000a::1", "[2001:db8:a::1]", "[2001:db8:a::1]:8443",
            "2001:db8:a::1%eth0", "[2001:db8:a::1%eth0]:443"]
V4_FORMS = ["198.51.100.78", "198.51.100.78:80", "::ffff:198.51.100.78", "[::ffff:198.51.100.78]:443",
            "::FFFF:c633:644e"]
UNPARSEABLE = ["198.51.100.078", "unknown", "", "x" * 46, "[2001:db8::1", "198.51.100.78:http", "1.2.3.4.5",
               "198.51.100.78/24", "٣.٤.٥.٦"]


@pytest.mark.parametrize("form", V6_FORMS)
def test_every_spelling_of_an_ipv6_address_parses_to_it(form):
    assert str(parse_address(form)) == "2001:db8:a::1"


@pytest.mark.parametrize("form", V4_FORMS)
def test_ports_and_ipv4_mapped_ipv6_give_the_ipv4_address(form):
    assert str(parse_address(form)) == "198.51.100.78"


@pytest.mark.parametrize("text", UNPARSEABLE)
def test_what_is_not_an_address_does_not_parse(text):
    # 198.51.100.078: octal (198.51.100.64) or decimal (…78)? Neither is guessed.
    assert parse_address(text) is None


def test_ipv6_counts_per_prefix_and_ipv4_per_address():
    assert rate_bucket(parse_address("2001:db8:a::1"), 64) == "2001:db8:a::/64"
    assert rate_bucket(parse_address("2001:db8:a:0:ffff::9"), 64) == "2001:db8:a::/64"
    assert rate_bucket(parse_address("2001:db8:a:1::1"), 64) == "2001:db8:a:1::/64"
    assert rate_bucket(parse_address("2001:db8:a:1::1"), 56) == "2001:db8:a::/56"
    assert rate_bucket(parse_address("2001:db8:a::1"), 128) == "2001:db8:a::1/128"
    assert rate_bucket(parse_address("198.51.100.78"), 64) == "198.51.100.78"
    assert rate_bucket(None, 64) == UNKNOWN_BUCKET


def test_an_unparseable_hop_is_the_address_of_the_proxy_that_wrote_it():
    assert str(client_address("10.0.0.1", "198.51.100.078", 1)) == "10.0.0.1"
    # Two proxies: the outer one (203.0.113.5) wrote the client's hop, so it stands in.
    assert str(client_address("10.0.0.1", "junk, 203.0.113.5", 2)) == "203.0.113.5"
    assert str(client_address("10.0.0.1", "junk, also junk", 2)) == "10.0.0.1"
    # Fewer hops than trusted proxies: none is believed, as before.
    assert str(client_address("10.0.0.1", "203.0.113.5", 2)) == "10.0.0.1"
    assert str(client_address("10.0.0.1", "203.0.113.5", 0)) == "10.0.0.1"
    assert client_address("", None, 0) is None


def login_from(client, forwarded_for: str) -> int:
    """A failing login (401 unless limited), each for another email, so only per-IP limits can refuse it."""
    response = client.post(LOGIN, json={"email": f"nobody{next(_emails)}@example.com", "password": "x" * 10},
                           headers={"X-Forwarded-For": forwarded_for})
    return response.status_code


@pytest.mark.parametrize("forms", [V6_FORMS, V4_FORMS], ids=["ipv6", "ipv4"])
def test_each_spelling_of_one_client_lands_in_the_same_bucket(make_app, forms):
    client = make_app(TRUSTED_PROXY_COUNT="1", LOGIN_RATE_LIMIT_PER_IP="1/minute").test_client()
    assert login_from(client, forms[0]) == 401
    for form in forms[1:]:
        assert login_from(client, form) == 429, form
    assert login_from(client, "203.0.113.9") == 401  # another client still gets in


def test_an_unparseable_forwarded_address_is_never_a_new_client(make_app):
    client = make_app(TRUSTED_PROXY_COUNT="1", LOGIN_RATE_LIMIT_PER_IP="1/minute").test_client()
    assert login_from(client, "198.51.100.078") == 401  # counted as the proxy (REMOTE_ADDR 127.0.0.1)
    for text in UNPARSEABLE[1:]:
        assert login_from(client, text) == 429, text
    assert login_from(client, "127.0.0.1") == 429
    assert login_from(client, "198.51.100.78") == 401


def test_forty_logins_from_one_ipv6_64_are_limited(make_app):
    client = make_app(TRUSTED_PROXY_COUNT="1").test_client()  # the default 30/minute
    answers = [login_from(client, f"2001:db8:1:2:{n:x}::{n + 1:x}") for n in range(40)]
    assert answers == [401] * 30 + [429] * 10
    assert login_from(client, "2001:db8:1:3::1") == 401  # the next /64 is another client


def test_a_wider_prefix_can_be_configured(make_app):
    client = make_app(TRUSTED_PROXY_COUNT="1", IPV6_RATE_LIMIT_PREFIX="56",
                      LOGIN_RATE_LIMIT_PER_IP="1/minute").test_client()
    assert login_from(client, "2001:db8:1:200::1") == 401
    assert login_from(client, "2001:db8:1:2ff::1") == 429
    assert login_from(client, "2001:db8:1:300::1") == 401


def test_the_send_window_counts_an_ipv6_client_per_prefix(make_app, sms):
    client = make_app(SEND_OTP_RATE_LIMIT_PER_IP="1/hour").test_client()
    flow = AuthFlow(client, sms)
    first, second = flow.login(flow.signup()), flow.login(flow.signup())

    def send(pre: str, address: str) -> int:
        return client.post("/api/v1/send-otp", headers=bearer(pre), environ_base={"REMOTE_ADDR": address}).status_code

    assert send(first, "2001:db8:5:6::1") == 200
    assert send(second, "2001:db8:5:6:ffff::2") == 429
    assert send(second, "::ffff:192.0.2.1") == 200


def test_limiter_keys_hold_a_keyed_hash_of_the_client_never_its_address(make_app):
    app = make_app(TRUSTED_PROXY_COUNT="1")
    client = app.test_client()
    assert login_from(client, "203.0.113.77") == 401
    assert login_from(client, "2001:db8:77::1") == 401
    settings = app.extensions["otp_auth"].settings
    names = [key.decode() for key in app.extensions["otp_auth"].redis.scan_iter(f"{settings.REDIS_KEY_PREFIX}*")]
    limiter_keys = [name for name in names if "iplimit" in name]
    assert limiter_keys
    assert not [name for name in names if "203.0.113" in name or "2001:db8" in name]
    keys = Keys(settings.REDIS_KEY_PREFIX, KeyedHasher(settings.SECRET_KEY))
    for bucket in ("203.0.113.77", "2001:db8:77::/64"):
        assert any(keys.ip_subject(bucket) in name for name in limiter_keys), bucket


# A 46-character X-Forwarded-For: one more than auth_events.ip holds.
LONG_FORWARDED = ["2001:0db8:0000:0000:0000:0000:0000:0001%eth0123", "x" * 46,
                  "[2001:0db8:0000:0000:0000:ffff:0000:0001]:6553"]


@pytest.mark.parametrize("forwarded", LONG_FORWARDED)
def test_an_overlong_forwarded_address_is_never_stored_and_every_audit_row_is_written(make_app, sms, forwarded):
    app = make_app(TRUSTED_PROXY_COUNT="1")
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded}
    identity = AuthFlow(client, sms).new_identity()
    signup = client.post("/api/v1/signup", json=identity, headers=headers)
    assert signup.status_code == 201, signup.get_json()
    right = client.post(LOGIN, json={"email": identity["email"], "password": PASSWORD}, headers=headers)
    assert right.status_code == 200, right.get_json()
    wrong = client.post(LOGIN, json={"email": identity["email"], "password": "not " + PASSWORD}, headers=headers)
    assert wrong.status_code == 401
    rows = audit_rows(app, signup.get_json()["id"])
    assert [row.event for row in rows] == ["signup", "login_ok", "login_failed"]
    stored = {row.ip for row in rows}
    expected = parse_address(forwarded) or parse_address("127.0.0.1")
    assert stored == {str(expected)}
