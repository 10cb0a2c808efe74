"""Newman runs the Postman collection against a live gunicorn, so the walk-through that client
authors import stays true: every request's status, fields, headers and token hand-offs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

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
    """The collection's requests, plus the outbox reads (`pm.sendRequest`) their pre-request scripts make."""
    total = 0
    for item in items:
        if "item" in item:
            total += _requests_in(item["item"])
            continue
        scripts = [line for event in item.get("event", []) if event["listen"] == "prerequest"
                   for line in event["script"]["exec"]]
        total += 1 + sum(line.count("pm.sendRequest(") for line in scripts)
    return total


@contextmanager
def outbox_reader(outbox: Path) -> Iterator[str]:
    """GET /?to=ADDRESS -> {"code"}: the code of the newest email to ADDRESS in the file outbox
    (EMAIL_BACKEND=file), for the collection's recovery folders; the way a person reads it off the mail."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            to = parse_qs(urlparse(self.path).query).get("to", [""])[0]
            lines = outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []
            bodies = [message["body"] for message in map(json.loads, lines) if message["to"] == to]
            codes = re.findall(r"\b(\d{6})\b", bodies[-1]) if bodies else []
            payload = json.dumps({"code": codes[0] if codes else ""}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_collection_passes_against_the_service(live_server, tmp_path, capsys):
    newman = _newman()
    emails = tmp_path / "emails.jsonl"
    server = live_server(TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS, SMS_BACKEND="file",
                         SMS_OUTBOX_FILE=str(tmp_path / "outbox.jsonl"), EMAIL_BACKEND="file",
                         EMAIL_OUTBOX_FILE=str(emails))
    report = tmp_path / "newman.json"
    with outbox_reader(emails) as outbox_url:
        result = _run_newman(newman, server.url, outbox_url, report)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr + "\n--- server log ---\n" + server.log_tail()

    stats = json.loads(report.read_text())["run"]["stats"]
    expected = _requests_in(json.loads(COLLECTION.read_text())["item"])
    with capsys.disabled():
        print(f"\nnewman: {stats['requests']['total']} requests, {stats['assertions']['total']} assertions, "
              f"{stats['assertions']['failed']} failed")
    assert stats["requests"] == {"total": expected, "pending": 0, "failed": 0}
    assert stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 3 * expected
    folders = [item["name"] for item in json.loads(COLLECTION.read_text())["item"]]
    assert {"Password reset", "Phone change"} <= set(folders)


def _run_newman(newman: str, base_url: str, outbox_url: str, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [newman, "run", str(COLLECTION), "--environment", str(ENVIRONMENT),
         "--env-var", f"baseUrl={base_url}", "--env-var", f"email=postman-{uuid.uuid4().hex[:12]}@example.com",
         "--env-var", f"outboxUrl={outbox_url}",
         "--reporters", "cli,json", "--reporter-json-export", str(report),
         "--color", "off", "--disable-unicode", "--timeout-request", "10000"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=180,
    )
