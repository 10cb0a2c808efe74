"""Several SMS providers behind one sender: each is tried in turn inside one time budget,
and a provider whose circuit is open (it kept failing, on any replica) is skipped.

Every attempt runs on its own short-lived thread so the request waits at most
SMS_TIMEOUT_SECONDS per provider and SMS_TOTAL_TIMEOUT_SECONDS in all, whatever an
SDK does with its sockets. An abandoned attempt ends by its provider's own timeout;
if it still delivers late, the user gets the same code twice, never a wrong one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Protocol

import redis

from app.adapters.sms.base import SmsDeliveryError, SmsSender
from app.services.clock import Clock
from app.stores.breaker import Verdict

log = logging.getLogger(__name__)


class BreakerStore(Protocol):
    """Circuit state shared by every replica (app/stores/breaker.py keeps it in Redis)."""

    def acquire(self, provider: str, now: float) -> Verdict: ...

    def report(self, provider: str, now: float, ok: bool) -> str: ...


class Routes:
    """Country routing: the longest matching prefix picks the first provider; the rest follow in order."""

    def __init__(self, names: Sequence[str], routes: Sequence[tuple[str, str]] = ()) -> None:
        self._names = list(names)
        self._routes = sorted(routes, key=lambda route: -len(route[0]))

    def order_for(self, to: str) -> list[str]:
        for prefix, name in self._routes:
            if to.startswith(prefix):
                return [name, *(other for other in self._names if other != name)]
        return list(self._names)


class FailoverSmsSender:
    name = "failover"

    def __init__(self, providers: Sequence[SmsSender], breaker: BreakerStore, clock: Clock, *,
                 attempt_timeout: float, total_timeout: float, routes: Sequence[tuple[str, str]] = (),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._providers = {provider.name: provider for provider in providers}
        self._routes = Routes(list(self._providers), routes)
        self._breaker = breaker
        self._clock = clock
        self._attempt_timeout = attempt_timeout
        self._total_timeout = total_timeout
        self._monotonic = monotonic

    def send(self, to: str, body: str) -> str:
        """Returns the name of the provider that took the message, or raises SmsDeliveryError."""
        deadline = self._monotonic() + self._total_timeout
        circuits = _Circuits(self._breaker, self._clock)
        failures: list[str] = []
        last_tried = ""
        for name in self._routes.order_for(to):
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                failures.append(f"{name}: not tried, SMS_TOTAL_TIMEOUT_SECONDS spent")
                continue
            if not circuits.allows(name):
                failures.append(f"{name}: skipped, circuit open")
                continue
            last_tried = name
            reason = self._attempt(self._providers[name], to, body, min(remaining, self._attempt_timeout))
            circuits.report(name, ok=reason is None)
            if reason is None:
                return name
            failures.append(f"{name}: {reason}")
            log.warning("sms provider failed", extra={"provider": name, "reason": reason})
        raise SmsDeliveryError("; ".join(failures), provider=last_tried)

    def _attempt(self, provider: SmsSender, to: str, body: str, timeout: float) -> str | None:
        """None when delivered, else why not."""
        try:
            _call_with_timeout(lambda: provider.send(to, body), timeout)
        except SmsDeliveryError as error:
            return str(error)
        except TimeoutError:
            return f"no answer within {timeout:.2f} s"
        except Exception as error:  # noqa: BLE001 - an adapter bug must not stop the next provider
            log.error("sms provider crashed", extra={"provider": provider.name}, exc_info=error)
            return f"crashed: {type(error).__name__}"
        return None



class _Circuits:
    """The breaker as seen by one send. If Redis fails, the breaker steps aside for the rest of
    the send: calling the providers beats failing the user, and a dead Redis must not eat the budget."""

    def __init__(self, breaker: BreakerStore, clock: Clock) -> None:
        self._breaker = breaker
        self._clock = clock
        self._available = True

    def allows(self, name: str) -> bool:
        if not self._available:
            return True
        try:
            return self._breaker.acquire(name, self._clock.now()).allowed
        except redis.RedisError as error:
            self._unavailable(name, error)
            return True

    def report(self, name: str, ok: bool) -> None:
        if not self._available:
            return
        try:
            state = self._breaker.report(name, self._clock.now(), ok)
        except redis.RedisError as error:
            self._unavailable(name, error)
            return
        if state == "opened":
            log.warning("sms circuit opened; provider skipped during its cool-off", extra={"provider": name})
        elif state == "reclosed":
            log.info("sms circuit closed; provider back in use", extra={"provider": name})

    def _unavailable(self, name: str, error: Exception) -> None:
        self._available = False
        log.warning("sms circuit state unavailable", extra={"provider": name, "reason": type(error).__name__})


def _call_with_timeout(call: Callable[[], object], timeout: float) -> object:
    outcome: Future[object] = Future()

    def run() -> None:
        try:
            outcome.set_result(call())
        except BaseException as error:  # noqa: BLE001 - handed over to the waiting request thread
            outcome.set_exception(error)

    threading.Thread(target=run, name="sms-attempt", daemon=True).start()
    return outcome.result(timeout=timeout)
