"""Optional breached-password check (PASSWORD_BREACH_CHECK) against a local fake of the HIBP range API."""

import logging

from tests.security.pwned_api import FakeRangeApi, HangingServer, sha1_hex
from tests.support.servers import free_port

URL = "/api/v1/signup"
BREACHED = "correct horse battery staple 1"
FRESH = "a sentence nobody has leaked yet 7"
FAIL_OPEN_LOG = "password breach check unavailable"


def signup(client, password, n):
    return client.post(URL, json={"email": f"breach{n}@example.com", "password": password, "phone": f"+1415555{n:04d}"})


def breach_app(make_app, url):
    return make_app(PASSWORD_BREACH_CHECK="true", PASSWORD_BREACH_API_URL=url, PASSWORD_BREACH_TIMEOUT_SECONDS="0.3")


def test_breached_password_is_refused_with_a_reason(make_app):
    with FakeRangeApi({BREACHED: 1234}) as api:
        response = signup(breach_app(make_app, api.url).test_client(), BREACHED, 1)
    assert response.status_code == 422
    reasons = response.get_json()["errors"]["password"]
    assert any("data breach" in reason and "choose another" in reason for reason in reasons)


def test_unbreached_password_is_accepted_and_only_a_prefix_leaves(make_app):
    with FakeRangeApi({BREACHED: 1234}) as api:
        response = signup(breach_app(make_app, api.url).test_client(), FRESH, 2)
    assert response.status_code == 201
    [(path, headers)] = api.requests
    assert path == "/range/" + sha1_hex(FRESH)[:5]  # k-anonymity: 5 hex characters, nothing else
    assert headers.get("Add-Padding") == "true"


def test_zero_count_padding_lines_are_not_breaches(make_app):
    with FakeRangeApi({FRESH: 0}) as api:
        assert signup(breach_app(make_app, api.url).test_client(), FRESH, 3).status_code == 201


def test_check_is_off_by_default(client):
    with FakeRangeApi({BREACHED: 1}) as api:
        assert signup(client, BREACHED, 4).status_code == 201
    assert api.requests == []


def assert_failed_open(response, caplog, password):
    assert response.status_code == 201
    lines = [r for r in caplog.records if FAIL_OPEN_LOG in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    text = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert password not in text and sha1_hex(password) not in text


def test_unreachable_api_fails_open_with_a_log_line(make_app, caplog):
    caplog.set_level(logging.INFO)
    down = f"http://127.0.0.1:{free_port()}/range/"  # nothing listens there
    response = signup(breach_app(make_app, down).test_client(), BREACHED, 5)
    assert_failed_open(response, caplog, BREACHED)


def test_hanging_api_times_out_and_fails_open(make_app, caplog):
    caplog.set_level(logging.INFO)
    with HangingServer() as hanging:
        response = signup(breach_app(make_app, hanging.url).test_client(), BREACHED, 6)
    assert_failed_open(response, caplog, BREACHED)


def test_local_checks_run_first_so_common_passwords_never_leave(make_app):
    with FakeRangeApi({}) as api:
        assert signup(breach_app(make_app, api.url).test_client(), "password123", 7).status_code == 422
    assert api.requests == []


def test_a_password_reset_is_held_to_the_breach_check_too(make_app, sms, email):
    from tests.support.flow import AuthFlow, bearer

    with FakeRangeApi({BREACHED: 99}) as api:
        flow = AuthFlow(breach_app(make_app, api.url).test_client(), sms)
        user = flow.signup()
        token = flow.client.post("/api/v1/password/forgot", json={"email": user["email"]}).get_json()["reset_token"]
        body = {"email_code": email.last_code(user["email"]), "sms_code": sms.last_code(user["phone"])}
        refused = flow.client.post("/api/v1/password/reset", headers=bearer(token),
                                   json={**body, "new_password": BREACHED})
        assert refused.status_code == 422
        assert any("data breach" in reason for reason in refused.get_json()["errors"]["new_password"])
        # Nothing was spent: the same codes set a fresh password.
        assert flow.client.post("/api/v1/password/reset", headers=bearer(token),
                                json={**body, "new_password": FRESH}).status_code == 204
