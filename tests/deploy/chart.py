"""Renders helm/otp-auth with Helm's own Go engine (helm-python-sdk) and
hands the tests the objects it produced, as a `helm install` would send them."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from tests.support.jwt_tokens import ed25519_pem

ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = ROOT / "helm" / "otp-auth"
RELEASE = "demo"
NAMESPACE = "auth"
API = f"{RELEASE}-otp-auth"  # the API's Deployment, Service, PDB (the workers' end in -worker)
WORKER = f"{RELEASE}-otp-auth-worker"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest schemas on hand.
KUBE_VERSIONS = ("1.25.0", "1.33.0")

DB_URL = "postgresql://otp:pw@postgres.db.svc:5432/otp"
REDIS_URL = "redis://:pw@redis-master.cache.svc:6379/0"
IAM_ROLE = "arn:aws:iam::123456789012:role/otp-auth-sns"

# The app's plain settings, each with a value other than its default: what
# `config` takes (values.schema.json lists exactly these names).
CONFIG_SAMPLES: dict[str, str] = {
    "INSTANCE_DIR": "/tmp/instance",
    "LOG_LEVEL": "debug",
    "REDIS_SOCKET_TIMEOUT_SECONDS": "0.8",
    "REDIS_CONNECT_TIMEOUT_SECONDS": "0.7",
    "DATABASE_CONNECT_TIMEOUT_SECONDS": "3",
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": "4",
    "OTP_LENGTH": "8",
    "OTP_TTL_SECONDS": "240",
    "OTP_MAX_ATTEMPTS": "4",
    "OTP_ACCOUNT_MAX_FAILURES": "15",
    "OTP_ACCOUNT_FAILURE_WINDOW_SECONDS": "1800",
    "OTP_RESEND_COOLDOWN_SECONDS": "45",
    "OTP_MAX_SENDS_PER_LOGIN": "4",
    "OTP_MAX_SENDS_PER_PHONE_PER_HOUR": "8",
    "OTP_SEND_ON_LOGIN": "true",
    "PRE_OTP_TOKEN_TTL_SECONDS": "480",
    "ACCESS_TOKEN_TTL_SECONDS": "600",
    "REFRESH_TOKEN_TTL_SECONDS": "86400",
    "LOGIN_MAX_FAILURES": "6",
    "LOGIN_FAILURE_WINDOW_SECONDS": "600",
    "LOGIN_RATE_LIMIT_PER_IP": "20/minute",
    "SIGNUP_RATE_LIMIT_PER_IP": "10/hour",
    "TRUSTED_PROXY_COUNT": "2",
    "PASSWORD_MIN_LENGTH": "10",
    "PASSWORD_MAX_LENGTH": "100",
    "ARGON2_TIME_COST": "3",
    "ARGON2_MEMORY_COST_KIB": "32768",
    "ARGON2_PARALLELISM": "2",
    "SMS_TIMEOUT_SECONDS": "4",
    "SMS_TOTAL_TIMEOUT_SECONDS": "8",
    "SMS_BREAKER_FAILURE_THRESHOLD": "3",
    "SMS_BREAKER_WINDOW_SECONDS": "120",
    "SMS_BREAKER_COOLDOWN_SECONDS": "60",
    "SMS_SENDER_NAME": "Example",
    "SMS_DEFAULT_LOCALE": "nl",  # a language only EVERY_SETTING's sms.templates has
    "SMS_WEBOTP_DOMAIN": "app.example.com",
    "SMS_ANDROID_APP_HASH": "FA+9qCX9VSu",
    "TWILIO_API_BASE_URL": "https://twilio-proxy.example.com",
    "DEFAULT_PHONE_REGION": "US",
    "SMS_ALLOWED_COUNTRIES": "US,CA,IN",
    "CORS_ORIGINS": "https://app.example.com",
    "WEB_LOGIN_PATH": "/sign-in",
    "SEND_OTP_RATE_LIMIT_PER_IP": "15/hour",
    "SMS_MAX_PER_HOUR": "500",
    "PASSWORD_BREACH_CHECK": "true",
    "PASSWORD_BREACH_API_URL": "https://hibp-proxy.example.com/range/",
    "PASSWORD_BREACH_TIMEOUT_SECONDS": "1",
    "IPV6_RATE_LIMIT_PREFIX": "56",
    "HSTS_MAX_AGE_SECONDS": "31536000",
    "SMTP_TIMEOUT_SECONDS": "3",
    "REFRESH_REUSE_GRACE_SECONDS": "5",
    "NOTIFY_NEW_SIGN_IN": "false",
    "EVENTS_STREAM_MAXLEN": "2000000",
    "EVENTS_BATCH_SIZE": "500",
    "EVENTS_CLAIM_IDLE_SECONDS": "120",
    "EVENT_WEBHOOK_URL": "https://hooks.example.com/otp-auth",
    "EVENT_WEBHOOK_MAX_AGE_SECONDS": "172800",
    "EVENT_WEBHOOK_TIMEOUT_SECONDS": "3",
    "REMEMBER_DEVICE_DAYS": "14",
    "RECOVERY_CODES_LOW_AT": "2",
    "PASSWORD_RESET_MAX_PER_HOUR": "4",
    "RECOVERY_RATE_LIMIT_PER_IP": "12/hour",
    "SMS_GUARD_MODE": "record",
    "SMS_GUARD_MIN_SENDS": "80",
    "SMS_GUARD_MIN_CONVERSION": "0.3",
    "SMS_GUARD_WINDOW_SECONDS": "7200",
    "SMS_GUARD_BLOCK_SECONDS": "1800",
    "SMS_GUARD_MAX_COUNTRIES_PER_IP": "5",
    "SMS_GUARD_ALLOWED_PREFIXES": "+44 740,+1 212",
    "CAPTCHA_PROVIDER": "turnstile",
    "CAPTCHA_SITE_KEY": "0x4AAAAAAAexample",
    "CAPTCHA_TIMEOUT_SECONDS": "2",
    "CAPTCHA_FAIL_OPEN": "true",
    "CAPTCHA_VERIFY_URL": "https://captcha-proxy.example.com/siteverify",
}
EVENT_WEBHOOK_SECRET = "whsec_" + "c2VjcmV0LW9mLXRoZS1ldmVudC13ZWJob29rLXRlc3Q="  # 32 bytes

# Every setting of the app set through the chart's values (tests/deploy/test_chart.py
# checks that each one reaches the app with a value other than its default).
EVERY_SETTING: dict[str, Any] = {
    "secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "secretKey": "e" * 48,
                "redisSentinelPassword": "sentinel-pw", "twilioAccountSid": "AC" + "2" * 32,
                "twilioAuthToken": "token", "smsWebhookSecret": "w" * 40,
                "testPhoneNumbers": "+15555550100=12345678", "secretKeyFallbacks": "o" * 40,
                "jwtSigningKeys": ed25519_pem(),
                "smtpUsername": "mailer", "smtpPassword": "smtp-pw",
                "eventWebhookSecret": EVENT_WEBHOOK_SECRET, "captchaSecret": "captcha-secret"},
    "email": {"backend": "smtp", "outboxFile": "/tmp/mail.jsonl", "from": "Example <no-reply@example.com>",
              "smtp": {"host": "smtp.example.com", "port": 465, "tls": "tls"}},
    "sms": {
        "backend": "webhook",
        "backends": ["webhook", "twilio", "sns", "file"],
        "routes": {"+91": "sns", "+1": "twilio"},
        "outboxFile": "/tmp/outbox.jsonl",
        "twilio": {"fromNumber": "+14155550100", "messagingServiceSid": "MG" + "1" * 32},
        "sns": {"region": "ap-south-1", "endpointUrl": "https://sns.ap-south-1.amazonaws.com",
                "smsType": "Promotional", "senderId": "Example", "originationNumber": "+14155550199"},
        "webhook": {"url": "https://sms-gateway.example.com/send"},
        "templates": {"nl": {"message": "{code} is je {sender}-code. Hij verloopt over {minutes} minuten.",
                             "message_one": "{code} is je {sender}-code. Hij verloopt over 1 minuut."}},
    },
    "redis": {"keyPrefix": "auth:", "sentinel": {"hosts": ["sentinel-0:26379", "sentinel-1:26379"],
                                                 "masterName": "otpmaster"}},
    "jwt": {"accessTokenFormat": "jwt", "issuer": "https://auth.example.com", "audience": "example-api",
            "jwksMaxAgeSeconds": 120, "authCheck": {"forwardJwt": True, "header": "X-Auth-Jwt", "ttlSeconds": 30}},
    "config": CONFIG_SAMPLES,
    "worker": {"port": 9200},
}

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
            "hosts": [{"host": "auth.example.com"}],
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
    "sms-failover": {
        "secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "twilioAccountSid": "AC" + "1" * 32,
                    "twilioAuthToken": "token"},
        "sms": {"backends": ["twilio", "sns"], "routes": {"+91": "sns"},
                "twilio": {"messagingServiceSid": "MG" + "0" * 32},
                "sns": {"region": "us-east-1", "senderId": "OtpAuth"}},
        # SNS credentials from the pods' identity (IRSA), not from a Secret.
        "serviceAccount": {"annotations": {"eks.amazonaws.com/role-arn": IAM_ROLE}},
        "config": {"SMS_TOTAL_TIMEOUT_SECONDS": "8", "SMS_BREAKER_FAILURE_THRESHOLD": "3"},
        "prometheusRule": {"enabled": True, "labels": {"release": "prometheus"}},
    },
    "every-setting": EVERY_SETTING,
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


def app_environment(objs: list[dict[str, Any]], files: Path | None = None) -> dict[str, str]:
    """The environment the API container starts with: ConfigMap, Secret, then env entries.

    With `files`, the ConfigMaps the container mounts are written under it and
    settings that name a path inside them point there instead.
    """
    pod = find(objs, "Deployment", API)["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env: dict[str, str] = {}
    for source in container["envFrom"]:
        if "configMapRef" in source:
            env.update(_named(objs, "ConfigMap", source["configMapRef"]["name"])["data"])
        else:
            name = source["secretRef"]["name"]
            rendered = [o for o in objs if o["kind"] == "Secret" and o["metadata"]["name"] == name]
            env.update(secret_data(rendered[0]) if rendered else EXISTING_SECRET_DATA)
    env.update({item["name"]: item["value"] for item in container["env"] if "value" in item})
    return localized(env, mount_config_maps(objs, pod, container, files)) if files else env


def mount_config_maps(objs: list[dict[str, Any]], pod: dict[str, Any], container: dict[str, Any],
                      root: Path) -> dict[str, Path]:
    """Writes each ConfigMap the container mounts under `root`, as the kubelet
    would at its mount path; returns {mount path: the folder written}."""
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    folders = {}
    for mount in container.get("volumeMounts", []):
        source = volumes[mount["name"]].get("configMap")
        if source is None:
            continue
        folder = root / mount["mountPath"].lstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        for key, text in _named(objs, "ConfigMap", source["name"])["data"].items():
            (folder / key).write_text(text, encoding="utf-8")
        folders[mount["mountPath"]] = folder
    return folders


def localized(env: dict[str, str], folders: dict[str, Path]) -> dict[str, str]:
    """`env` with values that are paths inside a mount pointing into its local folder."""
    def local(value: str) -> str:
        for mount_path, folder in folders.items():
            if value == mount_path or value.startswith(mount_path.rstrip("/") + "/"):
                return str(folder) + value[len(mount_path.rstrip("/")):]
        return value
    return {name: local(value) for name, value in env.items()}


def _named(objs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)
