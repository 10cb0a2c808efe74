"""Concurrency: of many requests racing for one thing, exactly one wins."""

from concurrent.futures import ThreadPoolExecutor

from tests.support.flow import bearer


def test_twenty_concurrent_right_codes_one_winner(app, flow):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    code = flow.code_for(user)

    def validate(_):
        return app.test_client().post("/api/v1/validate-otp", headers=bearer(pre), json={"otp": code}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(validate, range(20)))
    assert statuses.count(200) == 1
    assert set(statuses) <= {200, 401}


def test_concurrent_wrong_codes_never_exceed_the_limit(app, flow):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    wrong = f"{(int(flow.code_for(user)) + 1) % 1_000_000:06d}"

    def guess(_):
        response = app.test_client().post("/api/v1/validate-otp", headers=bearer(pre), json={"otp": wrong})
        return response.get_json()["code"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(guess, range(20)))
    # Five wrong codes are judged, the sixth attempt revokes the token, the rest find
    # no token: never more than OTP_MAX_ATTEMPTS guesses, however many race.
    assert codes.count("otp_invalid") == 5
    assert codes.count("otp_attempts_exceeded") == 1
    assert codes.count("invalid_token") == 14


def test_concurrent_signups_one_email(app):
    body = {"email": "race@example.com", "password": "a long enough password", "phone": "+14155550142"}

    def signup(_):
        return app.test_client().post("/api/v1/signup", json=body).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(signup, range(10)))
    assert statuses.count(201) == 1
    assert statuses.count(409) == 9


def test_concurrent_refresh_one_winner_without_a_grace(app_and_flow):
    app, flow = app_and_flow(REFRESH_REUSE_GRACE_SECONDS="0")
    pair = flow.signed_in()

    def refresh(_):
        return (
            app.test_client().post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code
        )

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(refresh, range(10)))
    assert statuses.count(200) == 1
    assert statuses.count(401) == 9


def test_concurrent_sends_inside_one_cooldown_one_winner(app, flow, sms):
    user = flow.signup()
    pre = flow.login(user)

    def send(_):
        return app.test_client().post("/api/v1/send-otp", headers=bearer(pre)).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(send, range(10)))
    assert statuses.count(200) == 1
    assert statuses.count(429) == 9
    assert len(sms.messages) == 1


def test_twenty_concurrent_uses_of_one_recovery_code_one_winner(app, flow):
    """Twenty logins (so the pre-OTP token decides nothing) race to spend one recovery code."""
    pair = flow.signed_in()
    response = flow.client.post("/api/v1/factors/recovery-codes", headers=bearer(pair["access_token"]))
    code = response.get_json()["recovery_codes"][0]
    logins = [flow.login(pair["user"]) for _ in range(20)]

    def spend(pre):
        return app.test_client().post("/api/v1/validate-otp", headers=bearer(pre),
                                      json={"recovery_code": code}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(spend, logins))
    assert statuses.count(200) == 1
    assert statuses.count(401) == 19
    left = flow.client.get("/api/v1/factors", headers=bearer(pair["access_token"])).get_json()
    assert left["recovery_codes_left"] == 9
