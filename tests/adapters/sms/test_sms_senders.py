"""Console and file SMS backends, and the factory that picks one by SMS_BACKEND."""

from __future__ import annotations

import io
import json
import multiprocessing
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.adapters.sms.base import SmsDeliveryError
from app.adapters.sms.console import ConsoleSmsSender
from app.adapters.sms.factory import build_sms_sender
from app.adapters.sms.file import FileSmsSender
from app.adapters.sms.twilio import TwilioSmsSender
from app.config import Settings

BODY = "493817 is your otp-auth code. It expires in 5 minutes."
PROCESSES, MESSAGES_EACH = 4, 100
# Longer than io.DEFAULT_BUFFER_SIZE, so an unlocked writer would need several write() calls per line.
LONG_BODY_CHARS = 20_000


def test_console_prints_recipient_and_message_to_its_stream() -> None:
    stream = io.StringIO()
    ConsoleSmsSender(stream).send("+919876543210", BODY)
    assert stream.getvalue() == f"[sms to +919876543210] {BODY}\n"


def test_console_defaults_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleSmsSender().send("+919876543210", BODY)
    assert BODY in capsys.readouterr().out


def test_file_appends_one_json_object_a_line(tmp_path: Path) -> None:
    outbox = tmp_path / "spool" / "outbox.jsonl"  # the folder is created on first use
    sender = FileSmsSender(str(outbox))
    before = datetime.now(UTC).replace(microsecond=0)
    sender.send("+919876543210", BODY)
    sender.send("+16502530000", "second ✓ message")

    lines = outbox.read_text(encoding="utf-8").splitlines()
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"to", "body", "sent_at"}
    assert (first["to"], first["body"]) == ("+919876543210", BODY)
    assert (second["to"], second["body"]) == ("+16502530000", "second ✓ message")
    for record in (first, second):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", record["sent_at"])
        assert datetime.fromisoformat(record["sent_at"]) >= before


def test_file_keeps_existing_lines(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    outbox.write_text('{"to": "+10000000000", "body": "old", "sent_at": "2030-01-01T00:00:00Z"}\n')
    FileSmsSender(str(outbox)).send("+919876543210", BODY)
    assert [json.loads(line)["body"] for line in outbox.read_text().splitlines()] == ["old", BODY]


def _write_many(path: str, writer: int) -> None:
    sender = FileSmsSender(path)
    for n in range(MESSAGES_EACH):
        sender.send(f"+9198765{writer:05d}", f"{writer}:{n}:" + "x" * LONG_BODY_CHARS)


def test_concurrent_writers_in_several_processes_never_interleave_lines(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.jsonl")
    # Fresh processes, each with its own file handle; the fork server imports this module once for all of them.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    workers = [context.Process(target=_write_many, args=(outbox, writer)) for writer in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    records = [json.loads(line) for line in Path(outbox).read_text().splitlines()]
    assert len(records) == PROCESSES * MESSAGES_EACH
    seen = {tuple(record["body"].split(":")[:2]) for record in records}
    assert seen == {(str(w), str(n)) for w in range(PROCESSES) for n in range(MESSAGES_EACH)}
    assert all(len(record["body"]) > LONG_BODY_CHARS for record in records)


@pytest.mark.parametrize("where", ["a directory", "under a file"])
def test_unwritable_outbox_is_a_delivery_error(tmp_path: Path, where: str) -> None:
    # Tests run as root here, so permissions cannot make a path unwritable; the file system's shape can.
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    path = tmp_path if where == "a directory" else blocker / "outbox.jsonl"
    with pytest.raises(SmsDeliveryError) as raised:
        FileSmsSender(str(path)).send("+919876543210", BODY)
    assert "493817" not in str(raised.value)


def test_factory_picks_the_backend_named_by_sms_backend(tmp_path: Path) -> None:
    assert isinstance(build_sms_sender(Settings.from_env({})), ConsoleSmsSender)

    outbox = tmp_path / "outbox.jsonl"
    file_sender = build_sms_sender(Settings.from_env({"SMS_BACKEND": "file", "SMS_OUTBOX_FILE": str(outbox)}))
    assert isinstance(file_sender, FileSmsSender)
    file_sender.send("+919876543210", BODY)
    assert json.loads(outbox.read_text())["body"] == BODY  # the configured path, not another

    twilio = build_sms_sender(Settings.from_env({
        "SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_FROM_NUMBER": "+15005550006",
    }))
    assert isinstance(twilio, TwilioSmsSender)
    assert {ConsoleSmsSender.name, FileSmsSender.name, twilio.name} == {"console", "file", "twilio"}
