"""The circuit breaker: its Redis state machine, and the failover sender obeying it."""

import uuid

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from app.adapters.sms.base import SmsDeliveryError
from app.adapters.sms.failover import FailoverSmsSender
from app.services.clock import ManualClock
from app.stores.breaker import BreakerPolicy, RedisBreakerStore
from app.stores.keys import KeyNames
from app.stores.scripts import Scripts
from tests.adapters.sms.fakes import ScriptedSender
from tests.support.servers import free_port

POLICY = BreakerPolicy(failure_threshold=3, window=60, cooloff=30, probe_lease=6)


@pytest.fixture
def client(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def store(client):
    return RedisBreakerStore(Scripts(client), KeyNames(f"t{uuid.uuid4().hex[:10]}:"), POLICY)


@pytest.fixture
def clock():
    return ManualClock()


def fail(store, clock, times, provider="twilio"):
    return [store.report(provider, clock.now(), ok=False) for _ in range(times)]


def test_opens_after_threshold_failures_inside_the_window(store, clock):
    assert fail(store, clock, 2) == ["closed", "closed"]
    assert store.acquire("twilio", clock.now()).state == "closed"
    assert fail(store, clock, 1) == ["opened"]
    verdict = store.acquire("twilio", clock.now())
    assert not verdict.allowed and verdict.retry_in == 30
    assert store.acquire("sns", clock.now()).state == "closed"  # one circuit per provider


def test_failures_spread_beyond_the_window_do_not_open_it(store, clock):
    for _ in range(5):
        fail(store, clock, 1)
        clock.advance(31)
    assert store.acquire("twilio", clock.now()).state == "closed"


def test_half_open_lets_exactly_one_probe_through(store, clock):
    fail(store, clock, 3)
    clock.advance(29)
    assert store.acquire("twilio", clock.now()).state == "open"
    clock.advance(1)
    assert store.acquire("twilio", clock.now()).state == "probe"
    assert store.acquire("twilio", clock.now()).state == "open"  # another replica while the probe runs
    clock.advance(POLICY.probe_lease)
    assert store.acquire("twilio", clock.now()).state == "probe"  # the first probe never reported


def test_a_successful_probe_closes_the_circuit(store, clock):
    fail(store, clock, 3)
    clock.advance(30)
    assert store.acquire("twilio", clock.now()).state == "probe"
    assert store.report("twilio", clock.now(), ok=True) == "reclosed"
    assert store.acquire("twilio", clock.now()).state == "closed"
    assert fail(store, clock, 2) == ["closed", "closed"]  # the failure count started afresh


def test_a_failed_probe_opens_it_for_another_cooloff(store, clock):
    fail(store, clock, 3)
    clock.advance(30)
    assert store.acquire("twilio", clock.now()).state == "probe"
    assert store.report("twilio", clock.now(), ok=False) == "open"
    assert store.acquire("twilio", clock.now()).retry_in == 30
    clock.advance(30)
    assert store.acquire("twilio", clock.now()).state == "probe"


def test_every_key_is_namespaced_and_expires(store, client, clock):
    fail(store, clock, 2, provider="sns")
    fail(store, clock, 3)
    clock.advance(30)
    store.acquire("twilio", clock.now())
    keys = [*store.keys("twilio"), *store.keys("sns")]
    present = [key for key in keys if client.exists(key)]
    assert len(present) == 2  # twilio's state, sns's failure window
    for key in present:
        assert client.ttl(key) > 0


def failover(store, clock, *providers, **options):
    options = {"attempt_timeout": 2, "total_timeout": 5, **options}
    return FailoverSmsSender(list(providers), store, clock, **options)


def test_failover_skips_an_open_provider_and_probes_it_after_the_cooloff(store, clock):
    first, second = ScriptedSender("twilio"), ScriptedSender("sns")
    sender = failover(store, clock, first, second)
    first.failing = True
    for _ in range(3):
        assert sender.send("+14155550123", "code") == "sns"
    assert first.calls == 3
    assert sender.send("+14155550123", "code") == "sns"
    assert first.calls == 3  # skipped while open
    clock.advance(30)
    first.failing = False
    assert sender.send("+14155550123", "code") == "twilio"  # the probe, and it worked
    assert sender.send("+14155550123", "code") == "twilio"
    assert first.calls == 5


def test_when_every_circuit_is_open_the_send_fails_fast(store, clock):
    first, second = ScriptedSender("twilio"), ScriptedSender("sns")
    first.failing = second.failing = True
    sender = failover(store, clock, first, second)
    for _ in range(3):
        with pytest.raises(SmsDeliveryError):
            sender.send("+14155550123", "code")
    with pytest.raises(SmsDeliveryError, match="twilio: skipped, circuit open; sns: skipped, circuit open"):
        sender.send("+14155550123", "code")
    assert (first.calls, second.calls) == (3, 3)


def test_without_redis_the_breaker_steps_aside_and_providers_are_still_called(clock):
    dead = redis.Redis(port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2, retry=Retry(NoBackoff(), 0))
    store = RedisBreakerStore(Scripts(dead), KeyNames("t:"), POLICY)
    first, second = ScriptedSender("twilio"), ScriptedSender("sns")
    first.failing = True
    sender = failover(store, clock, first, second)
    assert sender.send("+14155550123", "code") == "sns"
    assert first.calls == 1
    assert sender.send("+14155550123", "code") == "sns"
    assert first.calls == 2
