"""Property-based abuse of every endpoint, through the Flask test client on real Redis and databases.

Whatever arrives (arbitrary JSON, odd Unicode, huge, deep or malformed bodies,
strange content types and header values), the service never answers 5xx, and
every error it gives is RFC 9457 problem JSON. The app trusts one proxy, so
forged X-Forwarded-For values reach the rate limiter too.

Examples per endpoint: FUZZ_EXAMPLES (default 50; 120 under CI).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.captcha_fake import PASS, FakeSiteverify
from tests.support.factors import enrolled, recovery_codes
from tests.support.flow import AuthFlow
from tests.support.servers import in_ci

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (120 if in_ci() else 50))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a shared 2-core machine: timing is not what this test is about
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "request_id"}
ENDPOINTS = [
    ("POST", "/api/v1/signup"),
    ("POST", "/api/v1/login"),
    ("POST", "/api/v1/send-otp"),
    ("POST", "/api/v1/validate-otp"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/token/refresh"),
    ("POST", "/api/v1/logout"),
    ("GET", "/api/v1/auth/check"),
    ("GET", "/api/v1/sessions"),
    ("DELETE", "/api/v1/sessions"),
    ("DELETE", "/api/v1/sessions/xsession_idx"),  # the route as test_any_route_or_path spells it: an unknown id
    ("POST", "/api/v1/password/change"),
    ("DELETE", "/api/v1/me"),
    ("GET", "/api/v1/factors"),
    ("POST", "/api/v1/factors/totp"),
    ("POST", "/api/v1/factors/totp/confirm"),
    ("DELETE", "/api/v1/factors/totp"),
    ("POST", "/api/v1/factors/recovery-codes"),
    ("POST", "/api/v1/email/verification"),
    ("POST", "/api/v1/email/verify"),
    ("POST", "/api/v1/password/forgot"),
    ("POST", "/api/v1/password/reset"),
    ("POST", "/api/v1/phone/change"),
    ("POST", "/api/v1/phone/confirm"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
]
FIELDS = ["email", "password", "phone", "otp", "refresh_token", "current_password", "new_password", "factor",
          "recovery_code", "code", "remember_device", "device_token", "email_code", "sms_code", "captcha_token"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

# What an HTTP server can hand over in a header value: latin-1 text without control characters.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=300)
# Any code point, NUL and lone surrogates included: JSON can carry them all as \u escapes. Known troublemakers
# (NUL, lone surrogates, BOM, bidi override, case-folding oddities) go into most strings, not left to luck.
NASTY = ["\x00", "\ud800", "\udfff", "\ufeff", "\u202e", "\u0130", "\U0001d552", "'--"]


def weighted(*choices):
    """Like one_of, but `weighted((2, a), (1, b))` picks a twice as often (one_of flattens and evens out).
    Hypothesis leans towards the first entry, so the most telling one goes first."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


plain_text = st.text(st.characters(exclude_categories=()), max_size=100)
nasty_text = st.lists(st.sampled_from(NASTY) | st.text(max_size=8), min_size=1, max_size=4).map("".join)
any_text = weighted((2, nasty_text), (1, plain_text))
json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text
json_value = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(any_text, inner, max_size=5), max_leaves=20
)
FIELD_VALUES = {  # mostly strings (what the schema expects, so the value travels on), sometimes any JSON
    "email": weighted((2, any_text.map(lambda t: t + "@example.com")), (1, st.emails()), (1, json_value)),
    "password": weighted((3, any_text), (1, json_value)),
    "phone": weighted((2, any_text), (1, st.from_regex(r"\A\+[1-9][0-9]{6,14}\Z")), (1, json_value)),
    "otp": weighted((2, any_text), (1, st.from_regex(r"\A[0-9]{6}\Z")), (1, json_value)),
    "refresh_token": weighted((3, any_text), (1, json_value)),
    "factor": weighted((2, st.sampled_from(["sms", "totp"])), (1, any_text), (1, json_value)),
    "recovery_code": weighted((2, st.from_regex(r"\A[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}\Z")),
                              (2, any_text), (1, json_value)),
    "code": weighted((2, any_text), (1, st.from_regex(r"\A[0-9]{6}\Z")), (1, json_value)),
    "remember_device": weighted((2, st.booleans()), (1, json_value)),
    "device_token": weighted((2, any_text), (1, json_value)),
    "current_password": weighted((3, any_text), (1, json_value)),
    "new_password": weighted((3, any_text), (1, json_value)),
    "email_code": weighted((2, st.from_regex(r"\A[0-9]{6}\Z")), (1, any_text), (1, json_value)),
    "sms_code": weighted((2, st.from_regex(r"\A[0-9]{6}\Z")), (1, any_text), (1, json_value)),
    "captcha_token": weighted((2, any_text), (1, st.text(min_size=4000, max_size=4200)), (1, json_value)),
}
# The fields each endpoint takes; a body with them (fuzzed values) gets past the schema into the services.
REQUIRED = {
    "/api/v1/signup": ["email", "password", "phone"],
    "/api/v1/login": ["email", "password"],
    "/api/v1/validate-otp": ["otp"],
    "/api/v1/token/refresh": ["refresh_token"],
    "/api/v1/factors/totp/confirm": ["code"],
    "/api/v1/password/change": ["current_password", "new_password"],
    "/api/v1/me": ["password"],
    "/api/v1/email/verify": ["code"],
    "/api/v1/password/forgot": ["email"],
    "/api/v1/password/reset": ["email_code", "sms_code", "new_password"],
    "/api/v1/phone/change": ["phone"],
    "/api/v1/phone/confirm": ["email_code", "sms_code"],
}
raw_json_tricks = st.sampled_from([
    "{", "[1,]", "NaN", "-Infinity", "1e99999", "9" * 5000, '"\\ud800"', '{"email": "\\u0000"}',
    '{"password": "\\udfff\\ud800"}', '{"email": 1, "email": "a@b.co"}', "\ufeff{}", "null", "[]", '""',
])
deep = st.integers(500, 30000).map(lambda n: "[" * n + "]" * n)  # fits in 64 KiB, far past the parser's stack
huge = st.integers(64 * 1024 - 64, 64 * 1024 + 64).map(lambda n: '{"email": "' + "a" * n + '"}')


def body_for(path: str):
    fields = REQUIRED.get(path, [])
    shaped = st.fixed_dictionaries(
        {name: FIELD_VALUES[name] for name in fields},
        optional={name: FIELD_VALUES[name] for name in FIELD_VALUES if name not in fields},
    ) if fields else st.just({})
    # ensure_ascii=False puts lone surrogates in raw: "surrogatepass" sends them as the invalid UTF-8 a hostile
    # client could send; ensure_ascii=True sends them as \u escapes instead.
    dumped = st.tuples(shaped, st.sampled_from([True, True, False])).map(
        lambda pair: json.dumps(pair[0], ensure_ascii=pair[1]).encode("utf-8", "surrogatepass")
    )
    anything_else = st.one_of(
        json_value.map(json.dumps), raw_json_tricks, deep, huge, st.text(max_size=500), st.binary(max_size=500),
        st.just(""),
    )
    return weighted((2, dumped), (1, anything_else))  # most bodies have the endpoint's shape, so they reach services


content_type = weighted(
    (2, st.just("application/json")),
    (1, st.sampled_from(["application/json; charset=utf-8", "APPLICATION/JSON", "text/plain",
                         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data",
                         "application/problem+json", "application/json; charset=latin-1", ""])),
    (1, header_text),
)


@pytest.fixture
def fuzz_client(make_app, sms, clock):
    """An app with generous IP limits (so requests reach the services) and one trusted proxy; its user has
    every factor, so answers of each kind reach the code that judges them."""
    app = make_app(TRUSTED_PROXY_COUNT="1", LOGIN_RATE_LIMIT_PER_IP="100000/minute",
                   SIGNUP_RATE_LIMIT_PER_IP="100000/minute", SEND_OTP_RATE_LIMIT_PER_IP="100000/minute",
                   RECOVERY_RATE_LIMIT_PER_IP="100000/minute")
    client = app.test_client()
    flow = AuthFlow(client, sms)
    session = enrolled(flow, clock)
    recovery_codes(flow, session)
    tokens = [flow.login(session["user"]), session["access_token"], session["refresh_token"]]
    # A live reset token and change token, so fuzzed answers reach the scripts that judge them.
    tokens.append(client.post("/api/v1/password/forgot", json={"email": session["user"]["email"]})
                  .get_json()["reset_token"])
    tokens.append(client.post("/api/v1/phone/change", headers={"Authorization": f"Bearer {session['access_token']}"},
                              json={"phone": "+14155550188"}).get_json()["change_token"])
    return client, tokens


def headers_strategy(tokens: list[str]):
    authorization = st.one_of(
        st.sampled_from(tokens).map(lambda t: f"Bearer {t}"),
        header_text.map(lambda t: f"Bearer {t}"),
        header_text,
    )
    return st.fixed_dictionaries({}, optional={
        "Authorization": authorization,
        "X-Request-ID": header_text,
        "X-Forwarded-For": header_text,
        "Origin": header_text,
        "Accept": header_text,
    })


def assert_well_behaved(response, method: str) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400 and method != "HEAD":
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert PROBLEM_FIELDS <= set(problem)
        assert problem["status"] == response.status_code
        if response.status_code in (429, 503):
            assert int(response.headers["Retry-After"]) == problem["retry_after"] >= 1


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_endpoint_never_5xx_and_errors_are_problem_json(fuzz_client, method, path):
    client, tokens = fuzz_client

    @FUZZ
    @given(data=body_for(path), ctype=content_type, headers=headers_strategy(tokens),
           verb=weighted((3, st.just(method)), (1, st.sampled_from(METHODS))))
    def attack(data, ctype, headers, verb):
        response = client.open(path, method=verb, data=data, headers={**headers, "Content-Type": ctype})
        assert_well_behaved(response, verb)

    attack()


@pytest.mark.parametrize("path", ["/api/v1/signup", "/api/v1/send-otp"])
def test_the_captcha_token_never_5xx(make_app, sms, path):
    """With the CAPTCHA step on (a local siteverify fake), whatever arrives as captcha_token is a 422 or
    goes through; only the fake's own token passes."""
    with FakeSiteverify("hcaptcha") as siteverify:
        app = make_app(**siteverify.settings(SIGNUP_RATE_LIMIT_PER_IP="100000/minute",
                                             LOGIN_RATE_LIMIT_PER_IP="100000/minute",
                                             SEND_OTP_RATE_LIMIT_PER_IP="100000/minute"))
        client = app.test_client()
        flow = AuthFlow(client, sms)
        user = flow.new_identity()
        client.post("/api/v1/signup", json={**user, "captcha_token": PASS})
        pre = flow.login(user)

        @FUZZ
        @given(token=FIELD_VALUES["captcha_token"], identity=st.builds(flow.new_identity))
        def attack(token, identity):
            body = {**identity, "captcha_token": token} if path.endswith("signup") else {"captcha_token": token}
            response = client.post(path, json=body, headers={"Authorization": f"Bearer {pre}"})
            assert_well_behaved(response, "POST")
            if not strict_json(token):  # Infinity went out as JSON no parser must accept: 400 invalid_json
                assert (response.status_code, response.get_json()["code"]) == (400, "invalid_json")
                return
            assert response.status_code in (422, 429) or token == PASS, (token, response.status_code)

        attack()


def strict_json(value: object) -> bool:
    """Whether `value` serializes to JSON as RFC 8259 has it (no Infinity, which Python's encoder writes)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def test_any_route_or_path(fuzz_client):
    """Every route the app has (those added later too: metrics, docs, ...) and paths it does not have."""
    client, tokens = fuzz_client
    routes = sorted({rule.rule.replace("<", "x").replace(">", "x") for rule in client.application.url_map.iter_rules()})
    adapter = client.application.url_map.bind("localhost")
    for method, path in ENDPOINTS:  # each fuzzed endpoint is routed (a concrete path may fill in a variable)
        adapter.match(path, method=method)
    path_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="?#"), max_size=80)

    @FUZZ
    @given(path=st.sampled_from(routes) | path_text.map(lambda p: "/" + p) | path_text.map(lambda p: "/api/v1/" + p),
           data=body_for(""), ctype=content_type, headers=headers_strategy(tokens), verb=st.sampled_from(METHODS))
    def attack(path, data, ctype, headers, verb):
        response = client.open(path, method=verb, data=data, headers={**headers, "Content-Type": ctype})
        assert_well_behaved(response, verb)

    attack()
