"""A short soak in every test run (SOAK_SECONDS, 10 s here; `make soak` runs 60 s)."""

from __future__ import annotations

import os

from tests.reliability.soak import soak


def test_soak_mixed_flows_no_5xx_and_every_201_stored(stack, server):
    report = soak(stack, server, seconds=float(os.environ.get("SOAK_SECONDS", "10")), clients=12)
    print("soak:", report.summary())
    assert report.flows_completed > 0
    assert report.server_errors == {}
    assert report.users_in_database == report.signups_created
    # Memory is reported (run with -s, or `make soak`), not judged: a threshold would be machine-dependent.
    assert report.rss_start_kib and report.rss_end_kib
