"""The full sign-in flow as a client does it: login → send-otp → code from the
file outbox → validate-otp → auth/check. One flow counts as one sample.

Spec "flow": {"users": [{"email", "password", "phone"}], "outbox": path}. Each
connection plays its own users (no two flows share an account, so the
per-account limits never see parallel attempts).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from bench.loadgen import Client, Timings, encode


class Outbox:
    """Reads the codes the file SMS backend appended since the last look."""

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        # Codes sent before this run (earlier runs used the same accounts) are never handed out.
        self._offset = self._path.stat().st_size if self._path.exists() else 0
        self._codes: dict[str, str] = {}

    def take(self, phone: str) -> str | None:
        """The newest code sent to `phone` since the last take."""
        if self._path.exists():
            with self._path.open("rb") as outbox:
                outbox.seek(self._offset)
                chunk = outbox.read()
            complete = chunk[:chunk.rfind(b"\n") + 1]  # a line still being written waits for next time
            self._offset += len(complete)
            for line in complete.splitlines():
                message = json.loads(line)
                self._codes[message["to"]] = message["body"].split()[0]
        return self._codes.pop(phone, None)


def _json(method: str, path: str, body: dict[str, Any] | None = None, token: str = "") -> dict[str, Any]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {"method": method, "path": path, "headers": headers, "body": json.dumps(body) if body is not None else ""}


async def _one_flow(client: Client, port: int, user: dict[str, str], outbox: Outbox) -> int:
    """Returns 200 when every step succeeded, else the status (or 0) of the step that did not."""

    async def step(request: dict[str, Any], expected: int) -> tuple[int, dict[str, Any]]:
        status, body = await client.send(encode(port, **request))
        return status, (json.loads(body) if status == expected and body else {})

    status, login = await step(_json("POST", "/api/v1/login", {"email": user["email"], "password": user["password"]}),
                               200)
    if status != 200:
        return status
    pre = login["pre_otp_token"]
    status, _ = await step(_json("POST", "/api/v1/send-otp", token=pre), 200)
    if status != 200:
        return status
    code = outbox.take(user["phone"])
    if code is None:
        return 0
    status, pair = await step(_json("POST", "/api/v1/validate-otp", {"otp": code}, token=pre), 200)
    if status != 200:
        return status
    status, _ = await step(_json("GET", "/api/v1/auth/check", token=pair["access_token"]), 204)
    return 200 if status == 204 else status


async def run_flows(spec: dict[str, Any], timings: Timings, deadline: float) -> None:
    flow = spec["flow"]
    outbox = Outbox(flow["outbox"])
    concurrency = int(spec["concurrency"])
    users = flow["users"]
    if len(users) < concurrency:
        raise ValueError(f"the flow needs at least one user per connection ({concurrency}), got {len(users)}")
    timeout = float(spec.get("timeout", 30))

    async def player(mine: list[dict[str, str]]) -> None:
        client = Client(spec["port"], timeout)
        turn = 0
        try:
            while time.perf_counter() < deadline:
                user = mine[turn % len(mine)]
                turn += 1
                await timings.timed(_one_flow(client, spec["port"], user, outbox))
        finally:
            client.close()

    await asyncio.gather(*(player(users[i::concurrency]) for i in range(concurrency)))
