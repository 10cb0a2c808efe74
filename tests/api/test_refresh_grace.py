"""Refresh races: a repeat inside REFRESH_REUSE_GRACE_SECONDS gets a fresh pair of the same session;
after it, the reuse revokes the chain (API.md, "Self-service for a signed-in user")."""

from __future__ import annotations

import threading

from tests.support.app_state import audit_rows
from tests.support.flow import bearer


def refresh(client, token: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/token/refresh", json={"refresh_token": token})


def test_two_concurrent_refreshes_of_one_token_both_succeed_in_the_same_session(app, flow):
    pair = flow.signed_in()
    session_id = flow.session_id(pair["access_token"])
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def tab(index: int) -> None:
        client = app.test_client()
        barrier.wait()  # both requests leave together, as two tabs waking up would
        answers[index] = refresh(client, pair["refresh_token"])

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [200, 200]
    bodies = [answer.get_json() for answer in answers]
    assert bodies[0]["access_token"] != bodies[1]["access_token"]
    assert bodies[0]["refresh_token"] != bodies[1]["refresh_token"]
    for body in bodies:
        # Each tab goes on with its own pair, in the one session the user signed in with.
        assert flow.session_id(body["access_token"]) == session_id
        assert refresh(flow.client, body["refresh_token"]).status_code == 200
    assert len(flow.sessions(bodies[0]["access_token"])) == 1


def test_a_reuse_after_the_grace_revokes_the_whole_chain(app, flow, clock):
    pair = flow.signed_in()
    other = flow.signed_in(pair["user"])
    first = refresh(flow.client, pair["refresh_token"]).get_json()
    assert refresh(flow.client, pair["refresh_token"]).status_code == 200  # inside the grace
    clock.advance(10)  # REFRESH_REUSE_GRACE_SECONDS, the default

    late = refresh(flow.client, pair["refresh_token"])
    assert late.status_code == 401 and late.get_json()["code"] == "invalid_token"
    for token in (pair["access_token"], first["access_token"]):
        assert flow.client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert refresh(flow.client, first["refresh_token"]).status_code == 401
    # Only that session: the user's other device is still signed in.
    assert [s["current"] for s in flow.sessions(other["access_token"])] == [True]
    events = [row.event for row in audit_rows(app, pair["user"]["id"])]
    assert events[-3:] == ["refresh", "refresh", "refresh_reuse"]
    assert audit_rows(app, pair["user"]["id"])[-2].details == {"grace": True}


def test_the_grace_is_counted_from_the_first_use_and_follows_the_setting(app_and_flow, clock):
    _, flow = app_and_flow(REFRESH_REUSE_GRACE_SECONDS="3")
    pair = flow.signed_in()
    assert refresh(flow.client, pair["refresh_token"]).status_code == 200
    clock.advance(2)
    assert refresh(flow.client, pair["refresh_token"]).status_code == 200
    clock.advance(1)  # 3 s after the first use, however recent the repeat
    assert refresh(flow.client, pair["refresh_token"]).status_code == 401


def test_no_grace_when_it_is_zero(app_and_flow):
    _, flow = app_and_flow(REFRESH_REUSE_GRACE_SECONDS="0")
    pair = flow.signed_in()
    assert refresh(flow.client, pair["refresh_token"]).status_code == 200
    assert refresh(flow.client, pair["refresh_token"]).status_code == 401
    assert flow.client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401


def test_a_session_ended_meanwhile_gets_no_grace(flow):
    pair = flow.signed_in()
    fresh = refresh(flow.client, pair["refresh_token"]).get_json()
    assert flow.client.post("/api/v1/logout", headers=bearer(fresh["access_token"])).status_code == 204
    assert refresh(flow.client, pair["refresh_token"]).status_code == 401


def test_no_grace_when_it_is_zero_even_for_a_request_whose_clock_read_came_first(app_and_flow, clock):
    # Each request reads its clock before its script runs, so under a race the loser can carry an
    # earlier time than the winner's first use (a negative age); with no grace it still revokes.
    _, flow = app_and_flow(REFRESH_REUSE_GRACE_SECONDS="0")
    pair = flow.signed_in()
    assert refresh(flow.client, pair["refresh_token"]).status_code == 200
    clock.advance(-0.25)
    late = refresh(flow.client, pair["refresh_token"])
    assert late.status_code == 401 and late.get_json()["code"] == "invalid_token"
    assert flow.client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
