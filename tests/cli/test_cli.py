"""Admin commands (`flask --app app ...`) against SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from app.extensions import db
from app.models import User
from app.startup import CONFIG_ERROR_EXIT_CODE
from tests.conftest import TEST_ENV
from tests.support.app_state import audit_rows
from tests.support.flow import bearer
from tests.support.servers import RedisProcess

ROOT = Path(__file__).resolve().parents[2]


def run(app, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_users_show(app, flow):
    user = flow.signup()
    result = run(app, "users", "show", user["email"].upper())
    assert result.exit_code == 0, result.output
    assert f"id            {user['id']}" in result.output
    assert f"phone         {user['phone']}" in result.output
    assert "last_login_at -" in result.output and "disabled_at   -" in result.output
    assert "argon2" not in result.output


def test_unknown_emails_are_an_error(app):
    for args in (("users", "show"), ("users", "disable"), ("users", "enable"), ("users", "delete"),
                 ("sessions", "revoke", "--user"), ("sessions", "list", "--user"), ("events", "--user")):
        result = run(app, *args, "nobody@example.com")
        assert result.exit_code == 1, args
        assert "no account with email nobody@example.com" in result.output


def test_sessions_revoke_ends_every_session(app, client, flow):
    first = flow.signed_in()
    second = flow.signed_in(first["user"])
    ids = [flow.session_id(pair["access_token"]) for pair in (first, second)]
    result = run(app, "sessions", "revoke", "--user", first["user"]["email"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 session(s) revoked"
    for pair in (first, second):
        assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
        assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    last = audit_rows(app, first["user"]["id"])[-1]
    assert last.event == "session_ended"
    assert last.details["by"] == "admin"
    assert sorted(last.details["sessions"]) == sorted(ids)


def test_sessions_list_shows_the_live_sessions_newest_first(app, client, flow, clock):
    client.environ_base["HTTP_USER_AGENT"] = "curl/8.5.0"
    first = flow.signed_in()
    clock.advance(60)
    second = flow.signed_in(first["user"])
    result = run(app, "sessions", "list", "--user", first["user"]["email"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == [flow.session_id(p["access_token"]) for p in (second, first)]
    assert "ip=127.0.0.1" in lines[0] and 'ua="curl/8.5.0"' in lines[0]
    assert lines[-1] == "2 session(s)"


def test_users_delete_erases_the_account_like_delete_me(app, client, flow):
    pair = flow.signed_in()
    user = pair["user"]
    assert run(app, "users", "delete", user["email"], input="n\n").exit_code == 1  # asked, and refused
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200

    result = run(app, "users", "delete", user["email"], "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"deleted {user['id']}; 1 session(s) ended"
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
    assert run(app, "users", "show", user["email"]).exit_code == 1
    rows = audit_rows(app, user["id"])  # the sign-in's events land after the deletion's own row
    deleted = [row for row in rows if row.event == "account_deleted"]
    assert len(deleted) == 1 and deleted[0].details == {"by": "admin", "sessions": 1}
    assert all(row.ip is None and row.user_agent is None for row in rows)
    assert flow.signup(email=user["email"])["id"] != user["id"]


def test_users_commands_find_an_account_under_the_form_stored_before_the_email_rule(app, flow):
    user = flow.signup()
    old_form = f"old-{uuid.uuid4().hex[:6]}@b\u00fccher.de"  # trimmed and lower-cased only, as before issue 20
    with app.app_context():
        db.session.get(User, uuid.UUID(user["id"])).email = old_form
        db.session.commit()
    assert run(app, "users", "show", old_form.upper()).exit_code == 0
    result = run(app, "users", "delete", old_form, "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"deleted {user['id']}; 0 session(s) ended"
    with app.app_context():
        assert db.session.get(User, uuid.UUID(user["id"])) is None


def test_events_lists_the_newest_first_and_obeys_limit(app, flow, clock):
    user = flow.signup()
    clock.advance(60)
    flow.login(user)
    drained = run(app, "events", "drain", "--once")  # the worker's batch steps, until the stream is settled
    assert drained.exit_code == 0 and drained.output.strip() == "settled 2 event(s)", drained.output
    result = run(app, "events", "--user", user["email"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines] == ["login_ok", "signup"]
    assert "ip=127.0.0.1" in lines[0]

    limited = run(app, "events", "--user", user["email"], "--limit", "1")
    assert limited.output.splitlines() == lines[:1]
    assert run(app, "events").exit_code == 2  # neither --user nor a subcommand


def test_events_purge_deletes_only_old_events(app, flow, clock):
    old = flow.signup()
    clock.advance(timedelta(days=91).total_seconds())
    recent = flow.signup()
    assert run(app, "events", "drain", "--once").exit_code == 0
    result = run(app, "events", "purge", "--older-than", "90d")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("deleted 1 event(s) older than ")
    assert audit_rows(app, old["id"]) == []
    assert [row.event for row in audit_rows(app, recent["id"])] == ["signup"]
    assert run(app, "events", "purge", "--older-than", "ninety days").exit_code == 2
    assert run(app, "events", "purge").exit_code == 2


def test_check_config_prints_settings_without_secrets(app):
    result = run(app, "check-config")
    assert result.exit_code == 0, result.output
    assert "database: ok" in result.output and "redis: ok" in result.output
    assert result.output.rstrip().endswith("configuration ok")
    settings = app.extensions["otp_auth"].settings
    assert f"SECRET_KEY = set ({len(settings.SECRET_KEY)} characters)" in result.output
    assert settings.SECRET_KEY not in result.output
    assert "TWILIO_AUTH_TOKEN = unset" in result.output
    assert "OTP_TTL_SECONDS = 300" in result.output


def test_check_config_hides_passwords_in_urls_and_test_codes(make_app):
    app = make_app(TEST_PHONE_NUMBERS="+15555550100=123456", TWILIO_AUTH_TOKEN="twilio-secret-value")
    output = run(app, "check-config").output
    assert "TEST_PHONE_NUMBERS = +15555550100" in output and "123456" not in output
    assert "twilio-secret-value" not in output

    from app.cli.config_check import _without_password

    assert _without_password("redis://:hunter2@cache:6380/0") == "redis://:***@cache:6380/0"
    assert _without_password("postgresql://app:hunter2@db/auth") == "postgresql://app:***@db/auth"
    assert _without_password("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_check_config_fails_when_a_dependency_does_not_answer(make_app):
    server = RedisProcess().start()
    try:
        app = make_app(REDIS_URL=server.url)
        server.stop()
        result = run(app, "check-config")
    finally:
        server.close()
    assert result.exit_code == 1
    assert "redis: fail" in result.output
    assert "not ready: redis did not answer" in result.output


def test_check_config_names_a_bad_setting_in_one_line(tmp_path):
    env = {**os.environ, **TEST_ENV, "APP_ENV": "production", "SECRET_KEY": "short",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "check-config"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == CONFIG_ERROR_EXIT_CODE
    assert done.stderr.strip() == (
        "otp-auth: configuration error: SECRET_KEY must be set to at least 32 characters when APP_ENV=production")


def test_users_disable_and_enable_through_the_command_line(app, flow):
    user = flow.signup()
    disabled = run(app, "users", "disable", user["email"])
    assert disabled.exit_code == 0, disabled.output
    assert disabled.output.startswith(f"disabled {user['email']} since ")
    assert "0 session(s) revoked" in disabled.output
    with app.app_context():
        assert db.session.get(User, uuid.UUID(user["id"])).disabled_at is not None
    assert "disabled_at   -" not in run(app, "users", "show", user["email"]).output

    enabled = run(app, "users", "enable", user["email"])
    assert enabled.exit_code == 0 and enabled.output.strip() == f"enabled {user['email']}"
    assert "disabled_at   -" in run(app, "users", "show", user["email"]).output
    assert [row.event for row in audit_rows(app, user["id"])] == ["signup", "user_disabled", "user_enabled"]


def test_users_verify_email_marks_the_address_verified_with_an_event(app, flow):
    session = flow.signed_in()
    user = session["user"]
    result = run(app, "users", "verify-email", user["email"])
    assert result.exit_code == 0 and result.output.strip() == f"verified {user['email']}"
    me = flow.client.get("/api/v1/me", headers=bearer(session["access_token"])).get_json()
    assert me["email_verified"] is True
    assert "email_verified" in run(app, "users", "show", user["email"]).output
    assert [(row.event, row.details) for row in audit_rows(app, user["id"]) if row.event == "email_verified"] == [
        ("email_verified", {"by": "cli"})]
    assert run(app, "users", "verify-email", "nobody@example.com").exit_code == 1


def test_events_lists_the_recovery_events(app, flow, email, sms):
    user = flow.signup()
    token = flow.client.post("/api/v1/password/forgot", json={"email": user["email"]}).get_json()["reset_token"]
    body = {"email_code": email.last_code(user["email"]), "sms_code": sms.last_code(user["phone"]),
            "new_password": "a listed new passphrase"}
    assert flow.client.post("/api/v1/password/reset", headers=bearer(token),
                            json={**body, "email_code": "000000" if body["email_code"] != "000000" else "111111"}
                            ).status_code == 401
    assert flow.client.post("/api/v1/password/reset", headers=bearer(token), json=body).status_code == 204
    assert run(app, "events", "drain", "--once").exit_code == 0
    listed = [line.split()[1] for line in run(app, "events", "--user", user["email"]).output.splitlines()]
    assert listed[:3] == ["password_reset", "password_reset_failed", "password_reset_requested"]
