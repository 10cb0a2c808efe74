"""Per-client-IP request limits (Flask-Limiter on the app's Redis).

One Limiter per app, so several apps in one process (tests, tools) never share
counters. Limits are attached by endpoint name, which keeps the views free of
rate-limit plumbing. A client is counted by its rate-limit bucket (its parsed
address, or its IPv6 prefix: app/http/client_ip.py), which appears in the
limiter's keys only as a keyed hash, like every other key naming a client.
"""

from __future__ import annotations

import math
import time

import redis
from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded

from app.config import Settings
from app.container import services
from app.http.client_ip import client_bucket
from app.http.errors import problem_response
from app.problems import RateLimited
from app.services.rate_limits import RateLimitRule
from app.stores.keyed_hash import KeyedHasher
from app.stores.keys import Keys

EXTENSION_KEY = "otp_auth.ip_limiter"


# The rule each limited endpoint's refusals are counted under. /send-otp's per-IP cap
# (send_otp_per_ip) is not here: it is checked inside the send's own Lua script, so that a
# failed send gives the client its attempt back (app/stores/otp.py).
IP_RULES = {"auth.signup": RateLimitRule.SIGNUP_PER_IP, "auth.login": RateLimitRule.LOGIN_PER_IP,
            "recovery.password_forgot": RateLimitRule.RECOVERY_PER_IP,
            "recovery.phone_change": RateLimitRule.RECOVERY_PER_IP}


def ip_limits(settings: Settings) -> dict[str, str]:
    """endpoint → limit string."""
    return {"auth.signup": settings.SIGNUP_RATE_LIMIT_PER_IP, "auth.login": settings.LOGIN_RATE_LIMIT_PER_IP,
            "recovery.password_forgot": settings.RECOVERY_RATE_LIMIT_PER_IP,
            "recovery.phone_change": settings.RECOVERY_RATE_LIMIT_PER_IP}


def install_ip_limits(app: Flask, settings: Settings, client: redis.Redis) -> None:
    keys = Keys(settings.REDIS_KEY_PREFIX, KeyedHasher(settings.SECRET_KEY))
    limiter = Limiter(
        key_func=lambda: keys.ip_subject(client_bucket()),
        strategy="moving-window",
        storage_uri="redis://",
        # flask-limiter annotates storage_options as str | int values, yet hands them to the limits
        # storage as keyword arguments, and its Redis storage takes a connection_pool.
        # The storage's own key_prefix (default "LIMITS") starts each key: ours keeps them in the namespace.
        storage_options={"connection_pool": client.connection_pool,  # type: ignore[dict-item]
                         "key_prefix": keys.ip_limiter()},
        headers_enabled=False,
        on_breach=count_ip_limit_breach,
    )
    limiter.init_app(app)
    for endpoint, limit in ip_limits(settings).items():
        # Flask types a view as sync or async; flask-limiter's decorator keeps whichever it gets,
        # but mypy cannot carry that union through its ParamSpec signature.
        limited = limiter.limit(limit, deduct_when=_served)(app.view_functions[endpoint])
        app.view_functions[endpoint] = limited  # type: ignore[assignment]
    _skip_check_of_unlimited_requests(app, limiter)
    app.extensions[EXTENSION_KEY] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def count_ip_limit_breach(_limit: object) -> None:
    """Flask-Limiter's on_breach hook: counts a per-IP refusal under its rule (login_per_ip, ...)."""
    services().events.rate_limited(IP_RULES[request.endpoint or ""])


def _too_many_requests(_error: RateLimitExceeded) -> Response:
    return problem_response(
        RateLimited("Too many requests from this client; wait and try again.", retry_after=seconds_until_reset())
    )


def _served(response: Response) -> bool:
    """Only answers the service stood behind count: a client retrying through an outage
    (503) must not find itself locked out once the outage ends."""
    return response.status_code < 500


def _skip_check_of_unlimited_requests(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter also checks every request in a before_request hook, to apply default and
    application-wide limits. There are none here: the only limits are on the views wrapped above,
    and those wrappers check for themselves. The hook cost about 15% of the CPU of a token check
    (docs/benchmarks.md), so it goes, as long as nothing configures limits that only it applies."""
    manager = limiter.limit_manager
    if not manager.default_limits and not manager.application_limits:
        app.before_request_funcs[None].remove(limiter._check_request_limit)


def seconds_until_reset() -> int:
    """For the 429 body: when the limit that was just hit lets the client in again."""
    limiter: Limiter | None = current_app.extensions.get(EXTENSION_KEY)
    current = limiter.current_limit if limiter else None
    if current is None:
        return 1
    return max(1, math.ceil(current.reset_at - time.time()))
