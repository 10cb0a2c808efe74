"""A requests session that answers like Flask's test client (`.status_code`, `.get_json()`, `.headers`),
so AuthFlow and the fault probes drive a real gunicorn the same way they drive the test client."""

from __future__ import annotations

from typing import Any

import requests

# Only a hang guard: a request to a server under test must come back at all.
HANG_GUARD_SECONDS = 30.0


class HttpResponse:
    def __init__(self, response: requests.Response) -> None:
        self.raw = response
        self.status_code = response.status_code
        self.headers = response.headers

    def get_json(self) -> Any:
        return self.raw.json() if self.raw.content else None


class HttpClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.open("POST", path, **kwargs)

    def open(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        kwargs.setdefault("timeout", HANG_GUARD_SECONDS)
        return HttpResponse(self.session.request(method, self.base_url + path, **kwargs))

    def close(self) -> None:
        self.session.close()
