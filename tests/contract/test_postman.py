"""Newman runs the Postman collection against a live gunicorn, so the walk-through that client
authors import stays true: every request's status, fields, headers and token hand-offs."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest

from tests.contract.spec import REPO_ROOT, TEST_PHONE_NUMBERS
from tests.support.servers import in_ci

NEWMAN = REPO_ROOT / "node_modules" / ".bin" / "newman"
COLLECTION = REPO_ROOT / "postman" / "otp-auth.postman_collection.json"
ENVIRONMENT = REPO_ROOT / "postman" / "otp-auth.postman_environment.json"

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


def _newman() -> str:
    if NEWMAN.exists() and shutil.which("node"):
        return str(NEWMAN)
    reason = "newman is not installed: `make test` installs it into node_modules/ with `npm ci` when npm is present"
    if in_ci():
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def _requests_in(items: list[dict]) -> int:
    return sum(_requests_in(item["item"]) if "item" in item else 1 for item in items)


def test_collection_passes_against_the_service(live_server, tmp_path, capsys):
    newman = _newman()
    server = live_server(TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS, SMS_BACKEND="file",
                         SMS_OUTBOX_FILE=str(tmp_path / "outbox.jsonl"))
    report = tmp_path / "newman.json"
    result = subprocess.run(
        [newman, "run", str(COLLECTION), "--environment", str(ENVIRONMENT),
         "--env-var", f"baseUrl={server.url}", "--env-var", f"email=postman-{uuid.uuid4().hex[:12]}@example.com",
         "--reporters", "cli,json", "--reporter-json-export", str(report),
         "--color", "off", "--disable-unicode", "--timeout-request", "10000"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr + "\n--- server log ---\n" + server.log_tail()

    stats = json.loads(report.read_text())["run"]["stats"]
    expected = _requests_in(json.loads(COLLECTION.read_text())["item"])
    with capsys.disabled():
        print(f"\nnewman: {stats['requests']['total']} requests, {stats['assertions']['total']} assertions, "
              f"{stats['assertions']['failed']} failed")
    assert stats["requests"] == {"total": expected, "pending": 0, "failed": 0}
    assert stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 3 * expected
