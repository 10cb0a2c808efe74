"""OTP guessing by someone who already has the password: how many codes can they try?

With the default settings (5 wrong codes per login, 20 per account per hour) an
attacker who logs in again and again gets exactly 20 guesses evaluated per hour,
whatever they do; docs/security.md turns that into odds.
"""

from tests.support.flow import AuthFlow

HOUR = 3600


def guess_for_an_hour(flow, user, clock, guesses):
    """Plays the attacker for one hour of clock time; returns how many guesses were evaluated."""
    start = clock.now()
    evaluated = 0
    for _ in range(40):  # far more logins than the limits allow
        pre = flow.login(user)
        if flow.send_otp(pre).status_code != 200:
            break
        real = flow.code_for(user)
        while True:
            guess = next(guesses)
            if guess == real:
                continue  # count the attacker's misses only
            answer = flow.validate(pre, guess).get_json()["code"]
            if answer == "rate_limited":
                # The account is locked: the right code is refused too, so a lucky 21st guess wins nothing.
                assert flow.validate(pre, real).get_json()["code"] == "rate_limited"
            if answer != "otp_invalid":
                assert answer in ("otp_attempts_exceeded", "rate_limited")
                break
            evaluated += 1
        clock.advance(1)
    clock.advance(start + HOUR - clock.now())
    return evaluated


def codes():
    n = 0
    while True:
        yield f"{n % 10**6:06d}"
        n += 1


def test_at_most_twenty_guesses_per_account_per_hour(make_app, sms, clock):
    flow = AuthFlow(make_app().test_client(), sms)
    user = flow.signup()
    guesses = codes()
    # Four hours of non-stop guessing: 20 evaluated each hour, never more.
    assert [guess_for_an_hour(flow, user, clock, guesses) for _ in range(4)] == [20, 20, 20, 20]



def test_five_guesses_per_login_across_resends(flow, clock):
    user = flow.signup()
    pre = flow.login(user)
    evaluated = 0
    for _ in range(5):  # five sends, the most a login gets
        flow.send_otp(pre)
        real = flow.code_for(user)
        answer = flow.validate(pre, "999999" if real != "999999" else "999998")
        if answer.get_json()["code"] == "otp_invalid":
            evaluated += 1
        clock.advance(30)
    assert evaluated == 5
    assert flow.validate(pre, flow.code_for(user)).get_json()["code"] == "otp_attempts_exceeded"
