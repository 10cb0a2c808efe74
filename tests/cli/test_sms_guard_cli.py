"""`flask sms-guard status | unblock PREFIX | allow PREFIX` on a range the guard blocked through the app."""

from __future__ import annotations

from tests.security.test_sms_guard import GUARD, MIN_SENDS, RANGE, Client, pump, pumped_number
from tests.support.app_state import audit_rows
from tests.support.flow import AuthFlow


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def blocked_app(make_app, sms):  # type: ignore[no-untyped-def]
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    pump(flow, MIN_SENDS)
    assert Client(flow).send(pumped_number())[0].status_code == 503
    return app, flow


def test_status_shows_counts_conversion_and_the_block(make_app, sms, clock):
    app, flow = blocked_app(make_app, sms)
    client = Client(flow)
    _, pre, user = client.send("+14155550142")
    client.verify(pre, user)
    clock.advance(60)
    result = run(app, "sms-guard", "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"mode block: a prefix with {MIN_SENDS}+ sends in 3600s and under 20% verified")
    assert lines[2].split() == ["+44", "740", str(MIN_SENDS), "0", "0%", "block", "for", "1740s"]
    assert lines[3].split() == ["+1", "415", "1", "1", "100%", "-"]


def test_unblock_lifts_the_block_and_resets_the_counts(make_app, sms):
    app, flow = blocked_app(make_app, sms)
    result = run(app, "sms-guard", "unblock", RANGE)
    assert result.exit_code == 0 and "block lifted" in result.output
    assert Client(flow).send(pumped_number())[0].status_code == 200
    assert [row.details for row in audit_rows(app) if row.event == "sms_guard_unblocked"] == [
        {"destination": RANGE, "by": "admin"}]
    assert "nothing was counted" in run(app, "sms-guard", "unblock", "+33 6").output


def test_allow_exempts_the_range_for_the_days_given(make_app, sms, clock):
    app, flow = blocked_app(make_app, sms)
    result = run(app, "sms-guard", "allow", "+44  740", "--days", "2")
    assert result.exit_code == 0 and f"{RANGE}: allowed for 2 day(s)" in result.output
    assert [answer.status_code for answer in pump(flow, MIN_SENDS + 2)] == [200] * (MIN_SENDS + 2)
    assert f"allowed {RANGE} for 172800s more" in run(app, "sms-guard", "status").output
    clock.advance(2 * 86400 + 1)
    assert [answer.status_code for answer in pump(flow, MIN_SENDS + 1)] == [200] * MIN_SENDS + [503]


def test_a_malformed_prefix_is_refused(app):
    result = run(app, "sms-guard", "allow", "+44740")
    assert result.exit_code != 0 and "is not a prefix like '+44 740'" in result.output
