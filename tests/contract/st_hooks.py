"""Schemathesis hooks for the contract run (loaded by the CLI through schemathesis.toml).

- Part of the well-formed sign-ups use a TEST_PHONE_NUMBERS entry, and part of the
  well-formed code checks send that entry's fixed code as an SMS answer, so the stateful run can get
  from signup through login and send-otp to a real validate-otp success. The rest
  stay as generated, so the phone and code validators are still fuzzed.
- Every call is tallied (operation, phase, status; the bearer token only as a hash)
  to the file named by OTP_AUTH_ST_TALLY, so the test can print the request count
  and check that the stateful chain really completed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading

import schemathesis
from hypothesis import strategies as st

# Must match the TEST_PHONE_NUMBERS the test gives the server.
TEST_PHONES = ("+15555550100", "+15555550101", "+15555550102")
TEST_CODE = "123456"

_lock = threading.Lock()


def _is_positive(case: schemathesis.Case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def _with_body(case: schemathesis.Case, **fields: str | None) -> schemathesis.Case:
    """Sets the fields that are not None; the case is freshly drawn, so it may be changed in place."""
    for name, value in fields.items():
        if value is not None:
            case.body[name] = value
    return case


@schemathesis.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> st.SearchStrategy:
    operation = context.operation
    if operation is None or not _is_positive(case) or not isinstance(case.body, dict):
        return st.just(case)
    # The stateful run mostly walks the happy path; the other phases mostly fuzz.
    known = 3 if case.meta.phase.name == "stateful" else 1
    if operation.path == "/api/v1/signup":
        phones = st.sampled_from((None, *TEST_PHONES * known))
        return phones.map(lambda phone: _with_body(case, phone=phone))
    if operation.path == "/api/v1/validate-otp":
        # The fixed code answers the SMS factor: a drawn case becomes {"otp": code} (recovery codes and
        # authenticator codes of the other shapes cannot be right for an account that has none).
        return st.sampled_from((None, *(TEST_CODE,) * known)).map(lambda code: _sms_answer(case, code))
    return st.just(case)


def _sms_answer(case: schemathesis.Case, code: str | None) -> schemathesis.Case:
    if code is not None:
        case.body.clear()
        case.body["otp"] = code
    return case


def _token_hash(case: schemathesis.Case) -> str | None:
    value = (case.headers or {}).get("Authorization")
    if not isinstance(value, str) or not value.startswith("Bearer "):
        return None
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@schemathesis.hook
def after_call(context: schemathesis.HookContext, case: schemathesis.Case, response: schemathesis.Response) -> None:
    path = os.environ.get("OTP_AUTH_ST_TALLY")
    if not path:
        return
    record = {
        "operation": f"{case.method.upper()} {case.operation.path}",
        "phase": str(case.meta.phase.name) if case.meta is not None else None,
        "status": response.status_code,
        "token": _token_hash(case),
    }
    with _lock, open(path, "a", encoding="utf-8") as tally:
        tally.write(json.dumps(record) + "\n")
