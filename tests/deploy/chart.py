"""Renders helm/otp-auth with Helm's own Go engine (helm-python-sdk) and
hands the tests the objects it produced, as a `helm install` would send them."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = ROOT / "helm" / "otp-auth"
RELEASE = "demo"
NAMESPACE = "auth"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest schemas on hand.
KUBE_VERSIONS = ("1.25.0", "1.33.0")

DB_URL = "postgresql://otp:pw@postgres.db.svc:5432/otp"
REDIS_URL = "redis://:pw@redis-master.cache.svc:6379/0"

# The value sets the tests render: the defaults (with only the two store URLs,
# as docs/deploy.md's first install) and the production variations.
SCENARIOS: dict[str, dict[str, Any]] = {
    "defaults": {"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL}},
    "ingress-tls": {
        "secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "secretKey": "k" * 48,
                    "twilioAccountSid": "AC" + "1" * 32, "twilioAuthToken": "token"},
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
            "hosts": [{"host": "auth.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
            "tls": [{"secretName": "auth-example-tls", "hosts": ["auth.example.com"]}],
        },
        "sms": {"backend": "twilio", "twilio": {"fromNumber": "+14155550100"}},
        "networkPolicy": {
            "allowExternal": False,
            "ingressFrom": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}],
        },
    },
    "autoscaling": {
        "secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL},
        "autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 12,
                        "targetMemoryUtilizationPercentage": 80},
        "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
        "gunicorn": {"workers": 3, "threads": 2},
        "config": {"OTP_TTL_SECONDS": "240", "LOGIN_RATE_LIMIT_PER_IP": "60/minute"},
    },
    "existing-secret-sentinel": {
        "secrets": {"existingSecret": "otp-auth-prod"},
        "redis": {"sentinel": {"hosts": ["redis-node-0.redis-headless:26379", "redis-node-1.redis-headless:26379",
                                         "redis-node-2.redis-headless:26379"], "masterName": "mymaster"}},
        "sms": {"backend": "twilio", "twilio": {"messagingServiceSid": "MG" + "0" * 32}},
        "image": {"repository": "registry.example.com/otp-auth", "digest": "sha256:" + "a" * 64},
    },
}

# What the Secret named by existingSecret holds in the tests that need its data.
EXISTING_SECRET_DATA = {
    "SECRET_KEY": "s" * 48,
    "DATABASE_URL": DB_URL,
    "REDIS_URL": "redis://:pw@ignored/0",
    "REDIS_SENTINEL_PASSWORD": "sentinel-pw",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "token",
}


def render(values: dict[str, Any], *, upgrade: bool = False) -> dict[str, str]:
    """Template path → rendered text; raises helm's HelmValuesError/HelmRenderError."""
    with helm.Chart.load(CHART_DIR) as chart:
        return chart.render(copy.deepcopy(values), name=RELEASE, namespace=NAMESPACE,
                            is_install=not upgrade, is_upgrade=upgrade)


def objects(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Kubernetes object of the release, hooks and test pods included."""
    found = []
    for path, text in sorted(render(values).items()):
        if path.endswith("NOTES.txt"):
            continue
        found.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return found


def find(objs: list[dict[str, Any]], kind: str, name_suffix: str = "") -> dict[str, Any]:
    matches = [o for o in objs if o["kind"] == kind and o["metadata"]["name"].endswith(name_suffix)]
    assert len(matches) == 1, f"expected one {kind} *{name_suffix}, found {[o['metadata']['name'] for o in matches]}"
    return matches[0]


def kinds(objs: list[dict[str, Any]]) -> set[str]:
    return {o["kind"] for o in objs}


def pods(objs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every pod the release can start (Deployment, hook Job, test Pod) as
    {"kind", "metadata", "spec"}, by the name of the object that starts it."""
    found = {}
    for o in objs:
        if o["kind"] in ("Deployment", "Job"):
            found[o["metadata"]["name"]] = {"kind": o["kind"], **o["spec"]["template"]}
        elif o["kind"] == "Pod":
            found[o["metadata"]["name"]] = {"kind": "Pod", "metadata": o["metadata"], "spec": o["spec"]}
    return found


def secret_data(secret: dict[str, Any]) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def app_environment(objs: list[dict[str, Any]]) -> dict[str, str]:
    """The environment the API container starts with: ConfigMap, Secret, then env entries."""
    deployment = find(objs, "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env: dict[str, str] = {}
    for source in container["envFrom"]:
        if "configMapRef" in source:
            env.update(_named(objs, "ConfigMap", source["configMapRef"]["name"])["data"])
        else:
            name = source["secretRef"]["name"]
            rendered = [o for o in objs if o["kind"] == "Secret" and o["metadata"]["name"] == name]
            env.update(secret_data(rendered[0]) if rendered else EXISTING_SECRET_DATA)
    env.update({item["name"]: item["value"] for item in container["env"] if "value" in item})
    return env


def _named(objs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)
