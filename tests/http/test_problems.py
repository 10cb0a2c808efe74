"""Every problem code, title and status is spelled once, in app/problems.py."""

from __future__ import annotations

import re
from pathlib import Path

from app.problems import ApiError, Problem, RateLimited, ServiceUnavailable

APP = Path(__file__).resolve().parents[2] / "app"
# `invalid_credentials` is also a result label of otp_auth_logins_total (docs/operations.md), not a problem.
METRIC_LABELS = {"invalid_credentials": {"metrics.py", "events.py", "login.py"}}


def test_codes_are_stable_slugs_each_with_one_status_and_title():
    codes = [problem.code for problem in Problem]
    assert len(set(codes)) == len(codes)
    for problem in Problem:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", problem.code)
        assert 400 <= problem.status <= 599 and problem.title and problem.detail


def test_no_code_is_spelled_outside_the_catalogue():
    spelled = []
    for path in [*APP.rglob("*.py"), *APP.rglob("*.lua")]:
        if path.name == "problems.py":
            continue
        text = path.read_text(encoding="utf-8")
        for problem in Problem:
            if re.search(rf"""["']{problem.code}["']""", text) and path.name not in METRIC_LABELS.get(
                    problem.code, set()):
                spelled.append(f"{path.relative_to(APP)}: {problem.code}")
    assert spelled == []


def test_an_error_takes_its_code_title_and_status_from_its_problem():
    error = RateLimited("Wait a little.", retry_after=0.2)
    assert (error.status, error.code, error.title, error.detail) == (429, "rate_limited", "Too many requests",
                                                                     "Wait a little.")
    assert error.retry_after == 1  # whole seconds, at least one
    assert ServiceUnavailable().detail == Problem.SERVICE_UNAVAILABLE.detail
    assert ApiError().code == "internal_error"
