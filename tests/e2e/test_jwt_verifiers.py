"""JWT access tokens checked by Node.js's `jose` (from npm), which fetches the JWKS over HTTP from the
running service, as a service behind it would; and by PyJWT, a Python JOSE library other than the
service's. Both check signature, iss, aud and exp."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jwt as pyjwt
import pytest
import requests

from tests.support.jwt_tokens import AUDIENCE, ISSUER, ed25519_pem, jwt_settings, p256_pem, parts, verify
from tests.support.servers import in_ci

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("verify_jwt.mjs")
PHONE, CODE = "+15555550100", "123456"

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def _node() -> str:
    node = shutil.which("node")
    if node and (ROOT / "node_modules" / "jose" / "package.json").exists():
        return node
    reason = "node or the npm package jose is missing: `make test` installs it into node_modules/ with `npm ci`"
    if in_ci():
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def node_verdicts(node: str, base_url: str, *tokens: str, audience: str = AUDIENCE,
                  at: int | None = None) -> list[dict]:
    """jose's verdict on each token; `at` checks expiry as of that moment (no test waits for time to pass)."""
    env = {**os.environ, **({"VERIFY_AT": str(at)} if at is not None else {})}
    result = subprocess.run([node, str(SCRIPT), f"{base_url}/.well-known/jwks.json", ISSUER, audience, *tokens],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    return [json.loads(line) for line in result.stdout.splitlines()]


def sign_in(base_url: str, email: str) -> dict:
    http = requests.Session()
    created = http.post(f"{base_url}/api/v1/signup", json={"email": email, "password": "a long passphrase 7",
                                                          "phone": PHONE}, timeout=10)
    assert created.status_code == 201, created.text
    pre = http.post(f"{base_url}/api/v1/login", json={"email": email, "password": "a long passphrase 7"},
                    timeout=10).json()["pre_otp_token"]
    sent = http.post(f"{base_url}/api/v1/send-otp", headers={"Authorization": f"Bearer {pre}"}, timeout=10)
    assert sent.status_code == 200, sent.text  # a TEST_PHONE_NUMBERS entry: no SMS, the fixed code
    pair = http.post(f"{base_url}/api/v1/validate-otp", json={"otp": CODE},
                     headers={"Authorization": f"Bearer {pre}"}, timeout=10)
    assert pair.status_code == 200, pair.text
    return {**pair.json(), "user_id": created.json()["id"]}


@pytest.mark.parametrize("key", ["ed25519", "p256"])
def test_node_jose_and_pyjwt_verify_the_services_tokens(live_server, key):
    node = _node()
    pem = ed25519_pem() if key == "ed25519" else p256_pem()
    server = live_server(**jwt_settings(pem, AUTH_CHECK_FORWARD_JWT="true"), TEST_PHONE_NUMBERS=f"{PHONE}={CODE}")
    pair = sign_in(server.url, f"jwt-{key}@example.com")
    token = pair["access_token"]
    forwarded = requests.get(f"{server.url}/api/v1/auth/check", headers={"Authorization": f"Bearer {token}"},
                             timeout=10).headers["X-Jwt-Assertion"]
    header, claims, signature = parts(token)
    tampered = token.rsplit(".", 1)[0] + "." + ("A" if signature[0] != "A" else "B") + signature[1:]

    good, upstream, altered = node_verdicts(node, server.url, token, forwarded, tampered)
    assert good["ok"] and good["alg"] == ("EdDSA" if key == "ed25519" else "ES256")
    assert good["payload"]["sub"] == pair["user_id"] and good["payload"]["amr"] == ["pwd", "sms"]
    assert upstream["ok"] and upstream["payload"]["sid"] == good["payload"]["sid"]
    assert altered == {"ok": False, "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}
    assert node_verdicts(node, server.url, token, audience="another-api") == [
        {"ok": False, "code": "ERR_JWT_CLAIM_VALIDATION_FAILED"}]
    assert node_verdicts(node, server.url, token, at=claims["exp"] - 1)[0]["ok"]
    assert node_verdicts(node, server.url, token, at=claims["exp"]) == [{"ok": False, "code": "ERR_JWT_EXPIRED"}]

    # PyJWT, on the same JWKS fetched over HTTP.
    jwks = requests.get(f"{server.url}/.well-known/jwks.json", timeout=10).json()
    assert verify(token, jwks) == good["payload"] == claims


def doc_example(language: str) -> str:
    """The code block of `language` in docs/clients.md's "Verifying JWT access tokens"."""
    text = (ROOT / "docs" / "clients.md").read_text(encoding="utf-8")
    section = text.split("### Verifying JWT access tokens", 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_verification_examples_of_the_client_docs_run_as_printed(live_server):
    node = _node()
    server = live_server(**jwt_settings(ed25519_pem()), TEST_PHONE_NUMBERS=f"{PHONE}={CODE}")
    pair = sign_in(server.url, "jwt-docs@example.com")
    # Only the address changes: the docs' issuer and audience are the test server's.
    python_code = doc_example("python").replace("https://auth.example.com/.well-known", f"{server.url}/.well-known")
    js_code = doc_example("js").replace("https://auth.example.com/.well-known", f"{server.url}/.well-known")

    namespace: dict = {}
    exec(compile(python_code, "docs/clients.md (python)", "exec"), namespace)  # noqa: S102 - our own docs
    python_claims = namespace["claims_of"](pair["access_token"])

    runner = js_code + "\nconsole.log(JSON.stringify(await claimsOf(process.env.TOKEN)));\n"
    result = subprocess.run([node, "--input-type=module", "-e", runner], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "TOKEN": pair["access_token"]}, timeout=60, check=True)
    assert json.loads(result.stdout) == python_claims
    assert python_claims["sub"] == pair["user_id"] and python_claims["iss"] == ISSUER

    with pytest.raises(pyjwt.InvalidSignatureError):
        namespace["claims_of"](pair["access_token"][:-2] + ("AA" if pair["access_token"][-2:] != "AA" else "BA"))
