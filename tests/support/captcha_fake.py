"""A local stand-in for a CAPTCHA provider's siteverify endpoint (Cloudflare Turnstile's or hCaptcha's).

It checks what the real one checks (a form-encoded POST with the secret and the widget's token, the
fields each provider documents) and answers in the provider's JSON. Tokens are made up by the tests:
`PASS` passes, anything else fails with `invalid-input-response`. `status` makes it answer an error
status instead; `HangingServer` (tests/security/pwned_api.py) stands for one that never answers.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from tests.support.local_http import LocalHttpServer

PASS = "XXXX.DUMMY.TOKEN.XXXX"
SECRET = "0x4AAAAAAA-test-secret"
SITE_KEY = "0x4AAAAAAA-test-sitekey"
# The form fields each provider's documentation names (anything else would be refused here).
FIELDS = {"turnstile": {"secret", "response", "remoteip", "idempotency_key"},
          "hcaptcha": {"secret", "response", "remoteip", "sitekey"}}


class FakeSiteverify(LocalHttpServer):
    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.status = 200
        self.forms: list[dict[str, str]] = []
        self.content_types: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {key: values[-1] for key, values in parse_qs(raw, keep_blank_values=True).items()}
                fake.forms.append(form)
                fake.content_types.append(self.headers.get("Content-Type", ""))
                self._answer(fake.status, fake.verdict(form, self.headers.get("Content-Type", "")))

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode() if status == 200 else b"upstream error"
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    def verdict(self, form: dict[str, str], content_type: str) -> dict:
        errors: list[str] = []
        if not content_type.startswith("application/x-www-form-urlencoded"):
            errors.append("bad-request")
        if set(form) - FIELDS[self.provider]:
            errors.append("bad-request")
        if form.get("secret") != SECRET:
            errors.append("invalid-input-secret")
        if self.provider == "hcaptcha" and form.get("sitekey") not in (None, SITE_KEY):
            errors.append("sitekey-secret-mismatch")
        if not form.get("response"):
            errors.append("missing-input-response")
        elif form["response"] != PASS:
            errors.append("invalid-input-response")
        body: dict = {"success": not errors, "error-codes": errors}
        if not errors:
            body.update({"challenge_ts": "2026-11-30T23:00:00.000Z", "hostname": "localhost"})
            if self.provider == "hcaptcha":
                body["credit"] = False
        return body

    @property
    def url(self) -> str:
        return f"{self.origin}/siteverify"

    def settings(self, **extra: str) -> dict[str, str]:
        """The app settings that point the CAPTCHA step at this fake."""
        return {"CAPTCHA_PROVIDER": self.provider, "CAPTCHA_SECRET": SECRET, "CAPTCHA_SITE_KEY": SITE_KEY,
                "CAPTCHA_VERIFY_URL": self.url, **extra}

