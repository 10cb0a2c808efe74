"""A gunicorn worker SIGKILLed in the middle of signups loses no committed account."""

from __future__ import annotations

from tests.reliability.kill import signups_through_a_worker_kill
from tests.reliability.load import CONNECTION_ERROR


def test_worker_killed_mid_signups_loses_no_committed_signup(stack, server):
    report = signups_through_a_worker_kill(stack, server)
    print("worker kill:", report.summary())

    assert report.killed_pid not in server.worker_pids()
    # Every 201 a client saw is in the database...
    assert report.created <= report.in_database
    # ...and an account without a 201 exists only where the connection died under the request.
    assert report.committed_without_201 <= report.hung_up
    # Nothing else went wrong: each attempt either succeeded or lost its connection.
    assert set(report.tally) <= {"201", CONNECTION_ERROR}, report.tally
    server.wait_until_all_workers_serve(timeout=60)  # gunicorn replaced the worker
