"""Console and file email backends, and the factory that picks one by EMAIL_BACKEND."""

from __future__ import annotations

import io
import json
import multiprocessing
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.adapters.email.base import EmailMessage, EmailSendError
from app.adapters.email.console import ConsoleEmailSender
from app.adapters.email.factory import build_email_sender
from app.adapters.email.file import FileEmailSender
from app.config import Settings

MESSAGE = EmailMessage("ana@example.com", "Réinitialisez votre mot de passe", "Votre code : 493817\nÀ bientôt.")
PROCESSES, MESSAGES_EACH = 4, 50


def test_console_prints_recipient_subject_and_body():
    stream = io.StringIO()
    ConsoleEmailSender(stream).send(MESSAGE)
    assert stream.getvalue() == (f"[email to ana@example.com] Subject: {MESSAGE.subject}\n{MESSAGE.body}\n"
                                 "[end of email]\n")


def test_console_defaults_to_standard_output(capsys: pytest.CaptureFixture[str]):
    ConsoleEmailSender().send(MESSAGE)
    assert "493817" in capsys.readouterr().out


def test_file_appends_one_json_object_a_line_readable_by_its_owner_only(tmp_path: Path):
    outbox = tmp_path / "spool" / "email.jsonl"
    sender = FileEmailSender(str(outbox))
    sender.send(MESSAGE)
    sender.send(EmailMessage("bo@example.com", "Hi", "Second"))
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [set(line) for line in lines] == [{"to", "subject", "body", "sent_at"}] * 2
    assert (lines[0]["to"], lines[0]["subject"], lines[0]["body"]) == (MESSAGE.to, MESSAGE.subject, MESSAGE.body)
    sent_at = datetime.strptime(lines[0]["sent_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - sent_at).total_seconds()) < 60
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600


def test_file_that_cannot_be_written_is_a_send_error(tmp_path: Path):
    folder = tmp_path / "not-a-folder"
    folder.write_text("a file where the outbox's folder should be")
    with pytest.raises(EmailSendError, match="cannot write outbox"):
        FileEmailSender(str(folder / "email.jsonl")).send(MESSAGE)


def _write_many(path: str, worker: int) -> None:
    sender = FileEmailSender(path)
    for n in range(MESSAGES_EACH):
        sender.send(EmailMessage(f"w{worker}@example.com", "s", f"{worker}-{n} " + "x" * 20_000))


def test_processes_appending_at_once_never_interleave_lines(tmp_path: Path):
    outbox = str(tmp_path / "email.jsonl")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(outbox, n)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    lines = [json.loads(line) for line in Path(outbox).read_text(encoding="utf-8").splitlines()]
    assert len(lines) == PROCESSES * MESSAGES_EACH


@pytest.mark.parametrize(("env", "name"), [
    ({}, "console"),
    ({"EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": "/tmp/x.jsonl"}, "file"),
    ({"EMAIL_BACKEND": "smtp", "SMTP_HOST": "mail.example.com", "EMAIL_FROM": "a <a@example.com>"}, "smtp"),
])
def test_the_factory_picks_the_backend_email_backend_names(env, name):
    assert build_email_sender(Settings.from_env(env)).name == name
