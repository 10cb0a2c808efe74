"""A local stand-in for Twilio's Messages API, so the real `twilio` SDK can be tested offline.

It answers `POST /2010-04-01/Accounts/{sid}/Messages.json` (HTTP basic auth,
form body `To`, `From` or `MessagingServiceSid`, `Body`) the way Twilio does,
records every request, and can change behaviour while it runs:

    with FakeTwilio() as fake:
        app = make_app(**fake.env())        # or TwilioSmsSender(..., api_base_url=fake.url)
        fake.set_mode("fail_500")           # ok | fail_500 | fail_400 | hang | slow
        fake.set_mode("slow", seconds=2)

`hang` holds each request until `release()`, the next `set_mode()` or
`close()`; `slow` answers normally after the given delay. Both wait on an
event, so switching modes or closing never leaves a request stuck.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

MODES = ("ok", "fail_500", "fail_400", "hang", "slow")
_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
_HANG_LIMIT_SECONDS = 60.0  # a hung request never outlives a forgotten close() by much


@dataclass
class RecordedRequest:
    method: str
    path: str
    auth: tuple[str, str] | None
    form: dict[str, str]
    headers: dict[str, str]
    status: int | None = None  # None while the fake is still holding the request


@dataclass
class _State:
    mode: str = "ok"
    seconds: float = 0.0
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)


class FakeTwilio:
    def __init__(self, account_sid: str = "AC" + "f" * 32, auth_token: str = "fake-twilio-auth-token",
                 from_number: str = "+15005550006") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self._state = _State()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-twilio", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self, **overrides: str) -> dict[str, str]:
        """Settings that point the app's Twilio backend at this fake."""
        return {
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM_NUMBER": self.from_number,
            "TWILIO_API_BASE_URL": self.url,
            **overrides,
        }

    def set_mode(self, mode: str, *, seconds: float = 0.0) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        with self._state.lock:
            self._state.release.set()  # requests held under the old mode answer now
            self._state.mode, self._state.seconds = mode, seconds
            self._state.release = threading.Event()

    def release(self) -> None:
        """Lets held (`hang` / `slow`) requests answer now, and later ones at once until the next set_mode."""
        with self._state.lock:
            self._state.release.set()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def messages(self) -> list[dict[str, str]]:
        """Form bodies of the requests the fake accepted (answered 201)."""
        return [r.form for r in self.requests if r.status == 201]

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    state = fake._state

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            recorded = RecordedRequest("POST", self.path, _basic_auth(self.headers.get("Authorization")), form,
                                       dict(self.headers.items()))
            with state.lock:
                state.requests.append(recorded)
                mode, seconds, release = state.mode, state.seconds, state.release
            if mode == "hang":
                release.wait(_HANG_LIMIT_SECONDS)
            elif mode == "slow":
                release.wait(seconds)
            status, body = self._answer(mode, recorded)
            recorded.status = status
            self._reply(status, body)

        def do_GET(self) -> None:  # noqa: N802
            self._reply(405, _error(20004, "Method not allowed", 405))

        def _answer(self, mode: str, request: RecordedRequest) -> tuple[int, dict[str, object]]:
            match = _PATH.match(request.path.split("?", 1)[0])
            if not match:
                return 404, _error(20404, f"The requested resource {request.path} was not found", 404)
            if request.auth != (fake.account_sid, fake.auth_token) or match["sid"] != fake.account_sid:
                return 401, _error(20003, "Authenticate", 401)
            if mode == "fail_500":
                return 500, _error(20500, "Internal Server Error", 500)
            if mode == "fail_400":
                return 400, _error(21211, f"Invalid 'To' Phone Number: {request.form.get('To', '')}", 400)
            form = request.form
            if not form.get("To"):
                return 400, _error(21604, "A 'To' phone number is required.", 400)
            if not form.get("Body"):
                return 400, _error(21602, "Message body is required.", 400)
            if not (form.get("From") or form.get("MessagingServiceSid")):
                return 400, _error(21603, "A 'From' or 'MessagingServiceSid' parameter is required", 400)
            return 201, _message(fake.account_sid, form)

        def _reply(self, status: int, body: dict[str, object]) -> None:
            payload = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep test output clean

    return Handler


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def _error(code: int, message: str, status: int) -> dict[str, object]:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def _message(account_sid: str, form: dict[str, str]) -> dict[str, object]:
    """A Message resource as Twilio returns it on 201 Created."""
    sid = "SM" + uuid.uuid4().hex
    now = formatdate(usegmt=True)
    service = form.get("MessagingServiceSid")
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": form["Body"],
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": service,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if service else "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        "to": form["To"],
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }
