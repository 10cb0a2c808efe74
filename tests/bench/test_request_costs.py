"""What each endpoint costs in Redis round trips and SQL statements, counted, not timed.

These are behaviour: a change that adds a round trip or a query to a hot path
fails here, whatever the machine's speed. Counted in-process with bench.counters
(redis-py sends counted at the client, SQLAlchemy statement events).
"""

from __future__ import annotations

import pytest

from bench.costs import cost_table
from bench.fixtures import Fixtures

# endpoint → (Redis round trips, SQL reads, SQL writes) per request.
EXPECTED = {
    "auth-check": (1, 0, 0),
    "me": (1, 1, 0),
    "refresh": (1, 0, 0),
    "logout": (1, 0, 0),
    "send-otp": (2, 0, 0),
    "validate-otp": (1, 0, 0),
    # IP limit, account throttle, clearing it, storing the pre-OTP token; the user is read once, its
    # last-login stamp written once (nothing is read back after the commit).
    "login": (4, 1, 1),
    # IP limit; one INSERT.
    "signup": (1, 0, 1),
}


@pytest.fixture
def costs(make_app, sms):  # type: ignore[no-untyped-def]
    app = make_app()
    fixtures = Fixtures(app, lambda: sms.messages[-1][1])
    accounts = fixtures.accounts(8, "costs")
    return cost_table(fixtures, accounts, count=4, server_is_private=False, names=tuple(EXPECTED))


def test_each_endpoint_costs_what_it_should(costs):  # type: ignore[no-untyped-def]
    counted = {name: (row["redis_round_trips"], row["sql_reads"], row["sql_writes"]) for name, row in costs.items()}
    assert counted == EXPECTED


def test_token_and_otp_endpoints_never_touch_sql(costs):  # type: ignore[no-untyped-def]
    for name in ("auth-check", "refresh", "logout", "send-otp", "validate-otp"):
        assert costs[name]["sql_statements"] == 0, name
        assert costs[name]["sql_commits"] == 0, name
