"""JWT access tokens in `make bench`: /auth/check and /me with JWTs beside opaque tokens, under the
same load in the same run, and the CPU of verifying one JWT locally, which is what a service that
verifies tokens itself pays per request instead of a call to /auth/check.

    python -m bench.jwt_bench          # the local verification figures only (seconds)
"""

from __future__ import annotations

import statistics
import time
from contextlib import ExitStack
from typing import Any

from app.config.signing_keys import generate_pem, read_keys
from app.services.jwt_codec import AccessClaims, JwtCodec
from bench.endpoints import ENDPOINTS, REUSED
from bench.fixtures import Fixtures
from bench.servers import Gunicorn, WorkerConfig
from bench.session import SERVICE_APP, Session

TARGETS = ("auth-check", "me")
ISSUER, AUDIENCE = "https://auth.example.com", "example-api"


def jwt_env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "ACCESS_TOKEN_FORMAT": "jwt", "JWT_SIGNING_KEYS": generate_pem(), "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": AUDIENCE}


def compare_formats(session: Session, opaque_service: Gunicorn, config: WorkerConfig, concurrency: int,
                    seconds: float, warmup: float) -> None:
    """Loads each target with opaque tokens and then with JWTs (a second server on the same Redis
    and database, issuing JWTs); records are named `<target> [opaque|jwt]`."""
    with ExitStack() as stack:
        env = jwt_env(session.env)
        fixtures = Fixtures.start(env)
        stack.callback(fixtures.close)
        service = Gunicorn(SERVICE_APP, config, env, session.folder / "gunicorn-jwt.log")
        stack.callback(service.stop)
        service.wait_ready("/healthz")
        for name in TARGETS:
            for label, server, maker in (("opaque", opaque_service, session.fixtures), ("jwt", service, fixtures)):
                requests = ENDPOINTS[name].requests(maker, session.accounts, REUSED)
                record = session.load(server, name, concurrency, seconds, warmup, requests=requests)
                record.update(target=f"{name} [{label}]", phase="formats")


def local_verification(tokens: int = 2000, batches: int = 7) -> dict[str, dict[str, float]]:
    """Median µs of CPU to verify one token (signature, iss, aud, exp), and to sign one, per key type."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    p256 = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    figures = {}
    for alg, pem in (("EdDSA (Ed25519)", generate_pem()), ("ES256 (P-256)", p256)):
        codec = JwtCodec(read_keys(pem), ISSUER, AUDIENCE)
        now = time.time()
        claims = [AccessClaims("7f1d3c9e-0b8a-4d2e-9c6f-1a2b3c4d5e6f", f"{i:032x}", f"jti-{i:018d}", int(now),
                               int(now) + 900, ("pwd", "sms")) for i in range(tokens)]
        signing, verifying = [], []
        for _ in range(batches):
            began = time.process_time()
            signed = [codec.sign(c) for c in claims]
            signing.append(1e6 * (time.process_time() - began) / tokens)
            began = time.process_time()
            verified = [codec.verify(t, now) for t in signed]
            verifying.append(1e6 * (time.process_time() - began) / tokens)
            assert all(verified), "a token did not verify"
        figures[alg] = {"verify_us": round(statistics.median(verifying), 1),
                        "sign_us": round(statistics.median(signing), 1), "token_bytes": len(signed[0])}
    return figures


def table(results: dict[str, Any]) -> list[str]:
    """The generated section of docs/benchmarks.md (empty when the run had no JWT part)."""
    runs = [r for r in results.get("runs", []) if r.get("phase") == "formats"]
    local = results.get("jwt_local_verification")
    if not runs and not local:
        return []
    lines = ["", "### JWT access tokens", "",
             "The same endpoints with opaque tokens and with JWTs (`ACCESS_TOKEN_FORMAT=jwt`), one after the other "
             "on the primary config; the JWT server verifies the signature locally, then reads the session's record "
             "in the same one Redis round trip as an opaque token.", "",
             "| endpoint | tokens | connections | req/s | p50 ms | p99 ms | server CPU ms/req |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for run in runs:
        name, _, label = run["target"].partition(" [")
        lat = run["latency_ms"]
        lines.append(f"| {name} | {label.rstrip(']')} | {run['concurrency']} | {run['rps']:.0f} | {lat['p50']:.1f} | "
                     f"{lat['p99']:.1f} | {run['server_cpu_ms_per_request']:.2f} |")
    if local:
        lines += ["", "Local verification, as a service that verifies tokens itself pays it (joserfc, "
                  "signature + `iss` + `aud` + `exp`), CPU per token, median of batches:", "",
                  "| algorithm | verify µs/token | sign µs/token | token bytes |", "|---|---:|---:|---:|"]
        lines += [f"| {alg} | {f['verify_us']:.0f} | {f['sign_us']:.0f} | {f['token_bytes']} |"
                  for alg, f in local.items()]
    return lines


if __name__ == "__main__":
    for algorithm, figure in local_verification().items():
        print(f"{algorithm:<16} verify {figure['verify_us']:6.1f} µs/token  sign {figure['sign_us']:6.1f} µs/token  "
              f"{figure['token_bytes']} bytes")
