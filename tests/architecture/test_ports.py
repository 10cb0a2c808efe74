"""The real collaborators the container wires in implement the Protocols their consumers own.

The type checker proves this too; this check needs no tool and names the method that drifted."""

from __future__ import annotations

import inspect

import pytest

from app.adapters.factor_records import SqlFactorRecords
from app.adapters.sms.failover import BreakerStore
from app.http.request_scope import FlaskRequestScope
from app.observability.sms_budget import SmsBudgetMonitor
from app.services import factor_ports, ports
from app.services.audit import AuditTrail
from app.stores.breaker import RedisBreakerStore
from app.stores.login_throttle import RedisLoginThrottle
from app.stores.otp import RedisOtpStore
from app.stores.second_step import RedisSecondStepStore
from app.stores.tokens import RedisTokenStore

IMPLEMENTATIONS = [
    (ports.OtpStore, RedisOtpStore),
    (ports.TokenStore, RedisTokenStore),
    (ports.LoginThrottle, RedisLoginThrottle),
    (ports.SmsBudget, SmsBudgetMonitor),
    (ports.AuditSink, AuditTrail),
    (ports.AuditHistory, AuditTrail),
    (ports.RequestScope, FlaskRequestScope),
    (BreakerStore, RedisBreakerStore),
    (factor_ports.SecondStepStore, RedisSecondStepStore),
    (factor_ports.FactorRecords, SqlFactorRecords),
]


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(cls).items()
            if inspect.isfunction(member) and not name.startswith("_")}


@pytest.mark.parametrize(("port", "implementation"), IMPLEMENTATIONS, ids=lambda item: item.__name__)
def test_the_implementation_has_every_method_of_the_port_with_its_parameters(port, implementation):
    wanted = _methods(port)
    assert wanted, f"{port.__name__} declares no method"
    offered = _methods(implementation)
    for name, signature in wanted.items():
        assert name in offered, f"{implementation.__name__} lacks {name}()"
        assert list(offered[name].parameters) == list(signature.parameters), (
            f"{implementation.__name__}.{name}{offered[name]} differs from {port.__name__}.{name}{signature}")
        defaults = {key: value.default for key, value in signature.parameters.items()}
        assert {key: value.default for key, value in offered[name].parameters.items()} == defaults, name
