"""What each endpoint costs in Redis round trips and SQL statements, counted, not timed.

These are behaviour: a change that adds a round trip or a query to a hot path
fails here, whatever the machine's speed. Counted in-process with bench.counters
(redis-py sends counted at the client, SQLAlchemy statement events).
"""

from __future__ import annotations

import pytest

from bench.costs import cost_table
from bench.fixtures import Fixtures
from tests.support.jwt_tokens import ed25519_pem, jwt_settings

# endpoint → (Redis round trips, SQL reads, SQL writes) per request.
# The one SQL write of refresh, logout, send-otp and validate-otp is their audit row.
EXPECTED = {
    "auth-check": (1, 0, 0),
    "me": (1, 1, 0),
    # The access token, then the user's sessions in one read-only script.
    "sessions": (2, 0, 0),
    # One script: rotation (or a repeat inside the grace), the new pair, the session's last use.
    "refresh": (1, 0, 1),
    "logout": (1, 0, 1),
    # Reserve (every limit, the per-IP cap and the SMS budget in one script) and finish.
    "send-otp": (2, 0, 1),
    "validate-otp": (1, 0, 1),
    # IP limit (checked before, counted after, so a 503 is not charged), account throttle,
    # clearing it, storing the pre-OTP token; the user is read once, then its last-login
    # stamp and the audit row are written in one commit.
    "login": (5, 1, 2),
    # IP limit (checked, then counted); the user and its audit row in one commit.
    "signup": (2, 0, 2),
}


# JWT access tokens cost what opaque ones do: the signature is checked locally, then the
# session's record is read in the same one round trip, so logout stays immediate for free.
FORMATS = {"opaque": {}, "jwt": jwt_settings(ed25519_pem())}


@pytest.fixture(params=sorted(FORMATS))
def costs(request, make_app, sms):  # type: ignore[no-untyped-def]
    app = make_app(**FORMATS[request.param])
    fixtures = Fixtures(app, lambda: sms.messages[-1][1])
    accounts = fixtures.accounts(8, "costs")
    return cost_table(fixtures, accounts, count=4, server_is_private=False, names=tuple(EXPECTED))


def test_each_endpoint_costs_what_it_should(costs):  # type: ignore[no-untyped-def]
    counted = {name: (row["redis_round_trips"], row["sql_reads"], row["sql_writes"]) for name, row in costs.items()}
    assert counted == EXPECTED


def test_token_and_otp_endpoints_read_no_sql(costs):  # type: ignore[no-untyped-def]
    assert costs["auth-check"]["sql_statements"] == 0
    assert costs["sessions"]["sql_statements"] == 0
    for name in ("refresh", "logout", "send-otp", "validate-otp"):
        # The pre-OTP token / token records carry what they need; only the audit row is written.
        assert costs[name]["sql_reads"] == 0, name
        assert costs[name]["sql_writes"] <= 1, name
