"""The SMS-pumping guard, simulated through the app on real Redis: a ring spreads its sends over
many client IPs and many numbers of one expensive range and never verifies a code; an ordinary
population verifies most of its codes. docs/security.md ("SMS pumping") documents the numbers."""

from __future__ import annotations

import itertools

from app.services.otp import GUARD_REFUSAL
from app.services.phone_prefix import guard_prefix
from app.stores.keys import KeyNames
from tests.support.app_state import audit_rows, sample
from tests.support.flow import AuthFlow, bearer

SEND = "/api/v1/send-otp"
MIN_SENDS = 12
GUARD = {"SMS_GUARD_MIN_SENDS": str(MIN_SENDS), "SMS_GUARD_MIN_CONVERSION": "0.2",
         "SMS_GUARD_WINDOW_SECONDS": "3600", "SMS_GUARD_BLOCK_SECONDS": "1800",
         # Every simulated client has an address of its own; the per-IP caps are other tests' business.
         "SIGNUP_RATE_LIMIT_PER_IP": "1000/hour", "LOGIN_RATE_LIMIT_PER_IP": "1000/minute"}
RANGE = "+44 740"
_numbers = itertools.count(100000)
_hosts = itertools.count(1)


def pumped_number() -> str:
    return f"+447400{next(_numbers)}"


class Client:
    """One simulated client: signs up a number, logs in and asks for a code, from its own address."""

    def __init__(self, flow: AuthFlow) -> None:
        host = next(_hosts)
        self.flow = flow
        self.environ = {"REMOTE_ADDR": f"10.{host // 65536 % 256}.{host // 256 % 256}.{host % 256}"}

    def send(self, phone: str) -> tuple[object, str, dict]:
        client = self.flow.client
        user = {"email": f"guard{phone[1:]}@example.com", "password": "correct horse battery staple", "phone": phone}
        assert client.post("/api/v1/signup", json=user, environ_base=self.environ).status_code == 201
        login = client.post("/api/v1/login", json={"email": user["email"], "password": user["password"]},
                            environ_base=self.environ)
        pre = login.get_json()["pre_otp_token"]
        return client.post(SEND, headers=bearer(pre), environ_base=self.environ), pre, user

    def verify(self, pre: str, user: dict) -> None:
        answer = self.flow.client.post("/api/v1/validate-otp", headers=bearer(pre), environ_base=self.environ,
                                       json={"otp": self.flow.code_for(user)})
        assert answer.status_code == 200


def pump(flow: AuthFlow, times: int) -> list:
    return [Client(flow).send(pumped_number())[0] for _ in range(times)]


def test_a_pumped_range_is_blocked_after_min_sends_and_the_block_expires(make_app, sms, clock):
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    assert guard_prefix(pumped_number()) == RANGE
    answers = pump(flow, MIN_SENDS)
    assert [answer.status_code for answer in answers] == [200] * MIN_SENDS
    # The send that reached SMS_GUARD_MIN_SENDS with nothing verified decided the block: the next is refused.
    sent = len(sms.messages)
    refused, _, _ = Client(flow).send(pumped_number())
    assert refused.status_code == 503
    problem = refused.get_json()
    assert problem["code"] == "sms_unavailable" and problem["detail"] == GUARD_REFUSAL
    assert problem["retry_after"] == int(refused.headers["Retry-After"]) == 1800
    assert len(sms.messages) == sent == MIN_SENDS
    assert sample(app, "otp_auth_sms_guard_sent_total", prefix=RANGE) == MIN_SENDS
    assert sample(app, "otp_auth_sms_guard_blocks_total", prefix=RANGE, mode="block") == 1
    assert sample(app, "otp_auth_sms_guard_refused_total", prefix=RANGE) == 1
    [event] = [row for row in audit_rows(app) if row.event == "sms_guard_blocked"]
    assert event.details == {"destination": RANGE, "mode": "block", "sent": MIN_SENDS, "verified": 0,
                             "block_seconds": 1800}
    # Other ranges go on; the blocked one waits out the block on the service's clock.
    assert Client(flow).send("+14155550123")[0].status_code == 200
    clock.advance(1000)
    assert Client(flow).send(pumped_number())[0].status_code == 503
    clock.advance(800)
    # The block is over, but the window (an hour) still holds the unverified sends: one more text re-blocks.
    assert Client(flow).send(pumped_number())[0].status_code == 200
    assert Client(flow).send(pumped_number())[0].status_code == 503
    # Once the window has moved past them, the range starts afresh.
    clock.advance(3600)
    assert [answer.status_code for answer in pump(flow, MIN_SENDS - 1)] == [200] * (MIN_SENDS - 1)


def test_an_ordinary_population_is_never_blocked(make_app, sms, clock):
    """Most codes verified (4 of 5 here; real sign-ins do better), to the pumped range and others:
    no block, no decision recorded, whatever the volume."""
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    numbers = {RANGE: pumped_number, "+1 415": lambda: f"+1415555{next(_numbers) % 10000:04d}"}
    for step in range(5 * MIN_SENDS):
        for prefix, number in numbers.items():
            client = Client(flow)
            answer, pre, user = client.send(number())
            assert answer.status_code == 200, (prefix, step, answer.get_json())
            if step % 5:
                client.verify(pre, user)
        clock.advance(30)
    for prefix in numbers:
        assert sample(app, "otp_auth_sms_guard_sent_total", prefix=prefix) == 5 * MIN_SENDS
        assert sample(app, "otp_auth_sms_guard_verified_total", prefix=prefix) == 4 * MIN_SENDS
        assert sample(app, "otp_auth_sms_guard_blocks_total", prefix=prefix, mode="block") == 0
    assert not [row for row in audit_rows(app) if row.event == "sms_guard_blocked"]


def test_record_mode_blocks_nothing_and_records_the_same_decision(make_app, sms):
    app = make_app(**GUARD, SMS_GUARD_MODE="record")
    flow = AuthFlow(app.test_client(), sms)
    answers = pump(flow, MIN_SENDS + 5)
    assert [answer.status_code for answer in answers] == [200] * (MIN_SENDS + 5)
    assert sample(app, "otp_auth_sms_guard_blocks_total", prefix=RANGE, mode="record") == 1
    assert sample(app, "otp_auth_sms_guard_refused_total", prefix=RANGE) == 0
    [event] = [row for row in audit_rows(app) if row.event == "sms_guard_blocked"]
    assert event.details == {"destination": RANGE, "mode": "record", "sent": MIN_SENDS, "verified": 0,
                             "block_seconds": 1800}
    svc = app.extensions["otp_auth"]
    assert svc.redis.get(KeyNames(svc.settings.REDIS_KEY_PREFIX).sms_guard_block(RANGE)).startswith(b"record:")


def test_test_numbers_and_allowed_ranges_are_exempt(make_app, sms):
    reviewer = "+447400999999"
    app = make_app(**GUARD, SMS_GUARD_ALLOWED_PREFIXES="+44 740", TEST_PHONE_NUMBERS=f"{reviewer}=123456")
    flow = AuthFlow(app.test_client(), sms)
    assert [answer.status_code for answer in pump(flow, MIN_SENDS + 3)] == [200] * (MIN_SENDS + 3)
    assert sample(app, "otp_auth_sms_guard_sent_total", prefix=RANGE) == 0
    guarded = make_app(**GUARD, TEST_PHONE_NUMBERS=f"{reviewer}=123456", OTP_MAX_SENDS_PER_PHONE_PER_HOUR="100",
                       SEND_OTP_RATE_LIMIT_PER_IP="100/hour")
    flow = AuthFlow(guarded.test_client(), sms)
    user = flow.signup(phone=reviewer)
    for _ in range(MIN_SENDS + 3):
        assert flow.send_otp(flow.login(user)).status_code == 200
    assert sample(guarded, "otp_auth_sms_guard_sent_total", prefix=RANGE) == 0
    # The range itself is still guarded in that app.
    assert [answer.status_code for answer in pump(flow, MIN_SENDS + 1)] == [200] * MIN_SENDS + [503]


def test_a_failed_send_gives_its_count_back(make_app, sms):
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    sms.fail_next = 3
    assert [answer.status_code for answer in pump(flow, 3)] == [503] * 3
    assert [answer.status_code for answer in pump(flow, MIN_SENDS)] == [200] * MIN_SENDS
    assert Client(flow).send(pumped_number())[0].status_code == 503


def test_an_ip_asking_codes_for_many_countries_is_flagged_once(make_app, sms):
    app = make_app(**GUARD, SMS_GUARD_MAX_COUNTRIES_PER_IP="2", SEND_OTP_RATE_LIMIT_PER_IP="100/hour")
    flow = AuthFlow(app.test_client(), sms)
    client = Client(flow)
    for phone in ("+14155550199", "+447400123123", "+33612345678", "+4915112345678", "+14155550198"):
        assert client.send(phone)[0].status_code == 200
    assert sample(app, "otp_auth_sms_guard_ip_flags_total") == 1
    [event] = [row for row in audit_rows(app) if row.event == "sms_guard_ip_countries"]
    assert event.ip == client.environ["REMOTE_ADDR"] and event.details["countries"] == 3


def test_mode_off_counts_and_blocks_nothing(make_app, sms):
    app = make_app(**GUARD, SMS_GUARD_MODE="off")
    flow = AuthFlow(app.test_client(), sms)
    assert [answer.status_code for answer in pump(flow, MIN_SENDS + 2)] == [200] * (MIN_SENDS + 2)
    assert sample(app, "otp_auth_sms_guard_sent_total", prefix=RANGE) == 0
    svc = app.extensions["otp_auth"]
    assert not list(svc.redis.scan_iter(match=KeyNames(svc.settings.REDIS_KEY_PREFIX).sms_guard("*")))
