"""Every setting of the app can be set through the chart, from the right place:
secrets from the Secret, plain settings from the ConfigMap, the pod-local
metrics folder from the container's env. And the SMS and metrics values behave."""

from __future__ import annotations

import dataclasses
import json
import runpy

import helm_python as helm
import pytest

from app.config import Settings
from app.config.sms_templates import load_catalog
from app.observability import gunicorn_hooks
from tests.deploy import chart
from tests.deploy.chart import (
    CHART_DIR,
    CONFIG_SAMPLES,
    DB_URL,
    EVERY_SETTING,
    REDIS_URL,
    ROOT,
    SCENARIOS,
    find,
    objects,
)

SETTINGS = {f.name for f in dataclasses.fields(Settings)}
# Settings the chart renders but lets nobody change, and why. Hopefully short.
FIXED = {
    # The chart deploys production only: development and test mean console SMS,
    # an embedded Redis and a SECRET_KEY made up on the spot.
    "APP_ENV": "production",
}
# Credentials: only ever in the Secret (the chart's or existingSecret).
SECRET_SETTINGS = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_SENTINEL_PASSWORD", "TWILIO_ACCOUNT_SID",
                   "TWILIO_AUTH_TOKEN", "SMS_WEBHOOK_SECRET", "TEST_PHONE_NUMBERS", "SECRET_KEY_FALLBACKS",
                   "JWT_SIGNING_KEYS",
                   "SMTP_USERNAME", "SMTP_PASSWORD", "EVENT_WEBHOOK_SECRET", "CAPTCHA_SECRET"}
# Per pod, so in the Deployment's env, not the ConfigMap the migration Job shares.
POD_SETTINGS = {"PROMETHEUS_MULTIPROC_DIR"}
GUNICORN = {"GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT",
            "GUNICORN_KEEPALIVE", "GUNICORN_REQUEST_READ_TIMEOUT"}
MINIMAL = SCENARIOS["defaults"]


def api_pod(objs: list[dict]) -> tuple[dict, dict]:
    pod = find(objs, "Deployment", chart.API)["spec"]["template"]["spec"]
    return pod, pod["containers"][0]


def test_every_setting_of_the_app_reaches_it_through_the_values(tmp_path):
    settings = Settings.from_env(chart.app_environment(objects(EVERY_SETTING), tmp_path))
    defaults = Settings()
    left_at_default = sorted(name for name in SETTINGS if getattr(settings, name) == getattr(defaults, name))
    assert left_at_default == []
    # The ones the chart fixes are the same whatever the values.
    minimal = chart.app_environment(objects(MINIMAL))
    for name, value in FIXED.items():
        assert getattr(settings, name) == value and minimal[name] == value


def test_each_setting_has_one_place_and_one_value_that_sets_it():
    objs = objects(EVERY_SETTING)
    configmap = set(find(objs, "ConfigMap", "demo-otp-auth")["data"])
    secret = set(chart.secret_data(find(objs, "Secret", "demo-otp-auth")))
    env = {item["name"] for item in api_pod(objs)[1]["env"]} - GUNICORN
    assert secret == SECRET_SETTINGS
    assert env == POD_SETTINGS
    assert configmap == SETTINGS - SECRET_SETTINGS - POD_SETTINGS
    assert not CONFIG_SAMPLES.keys() - configmap

    # `config` takes the plain settings without a value of their own, and no other name.
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    assert set(schema["properties"]["config"]["propertyNames"]["enum"]) == set(CONFIG_SAMPLES)
    with helm.Chart.load(CHART_DIR) as loaded:
        for name in sorted(SETTINGS - set(CONFIG_SAMPLES)):
            with pytest.raises(helm.HelmValuesError, match=f"invalid propertyName '{name}'"):
                loaded.validate_schema({**MINIMAL, "config": {name: "x"}})


def test_new_secrets_can_come_from_an_existing_secret():
    values = {"secrets": {"existingSecret": "otp-auth-prod"},
              "sms": {"backend": "webhook", "webhook": {"url": "https://gw.example.com/sms"}}}
    objs = objects(values)  # no secrets.smsWebhookSecret asked for: SMS_WEBHOOK_SECRET is the Secret's
    assert [o for o in objs if o["kind"] == "Secret"] == []
    assert {"secretRef": {"name": "otp-auth-prod"}} in api_pod(objs)[1]["envFrom"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_metrics_of_all_workers_share_a_pod_local_empty_dir(name):
    objs = objects(SCENARIOS[name])
    pod, container = api_pod(objs)
    path = {item["name"]: item.get("value") for item in container["env"]}["PROMETHEUS_MULTIPROC_DIR"]
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    assert path == "/tmp/metrics"
    assert "emptyDir" in volumes[mounts[path]]  # one per pod, gone with it
    assert mounts[path] != mounts["/tmp"]  # a volume of its own
    # gunicorn (the image's config) runs the hooks that clear it and drop dead workers' gauges.
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["on_starting"] is gunicorn_hooks.on_starting
    assert conf["child_exit"] is gunicorn_hooks.child_exit
    # The migration Job and the test pod serve no metrics.
    for other in (o for o in chart.pods(objs).values() if o["kind"] != "Deployment"):
        for item in other["spec"]["containers"][0].get("env", []):
            assert item["name"] != "PROMETHEUS_MULTIPROC_DIR"


def test_twilio_then_sns_failover_with_the_pods_aws_identity():
    values = SCENARIOS["sms-failover"]
    objs = objects(values)
    settings = Settings.from_env(chart.app_environment(objs))
    assert settings.sms_backends == ("twilio", "sns")
    assert settings.SMS_ROUTES == (("+91", "sns"),)
    assert (settings.SNS_REGION, settings.SNS_SENDER_ID, settings.SNS_SMS_TYPE) == ("us-east-1", "OtpAuth",
                                                                                    "Transactional")
    assert (settings.SMS_TOTAL_TIMEOUT_SECONDS, settings.SMS_BREAKER_FAILURE_THRESHOLD) == (8.0, 3)
    assert "SMS_OUTBOX_FILE" not in find(objs, "ConfigMap", "demo-otp-auth")["data"]

    # IRSA: the role is an annotation of the pods' ServiceAccount; EKS mounts its
    # own web-identity token, so the Kubernetes API token stays unmounted.
    account = find(objs, "ServiceAccount")
    assert account["metadata"]["annotations"] == values["serviceAccount"]["annotations"]
    assert api_pod(objs)[0]["serviceAccountName"] == account["metadata"]["name"]
    assert api_pod(objs)[0]["automountServiceAccountToken"] is False
    assert not [name for name in chart.app_environment(objs) if name.startswith("AWS_")]
    notes = chart.render(values)["otp-auth/templates/NOTES.txt"]
    assert "AWS credentials" not in notes and "file SMS backend" not in notes

    # Without an identity the install notes say where the credentials come from.
    unannotated = chart.render({**values, "serviceAccount": {"create": True}})["otp-auth/templates/NOTES.txt"]
    assert "eks.amazonaws.com/role-arn" in unannotated and "AWS_ACCESS_KEY_ID" in unannotated


def test_the_webhook_backend_gets_its_url_and_secret():
    values = {"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "smsWebhookSecret": "w" * 40},
              "sms": {"backend": "webhook", "webhook": {"url": "https://gw.example.com/sms"}}}
    objs = objects(values)
    assert find(objs, "ConfigMap", "demo-otp-auth")["data"]["SMS_WEBHOOK_URL"] == "https://gw.example.com/sms"
    assert chart.secret_data(find(objs, "Secret", "demo-otp-auth"))["SMS_WEBHOOK_SECRET"] == "w" * 40
    settings = Settings.from_env(chart.app_environment(objs))
    assert settings.sms_backends == ("webhook",) and settings.SMS_WEBHOOK_SECRET == "w" * 40


def test_sms_templates_are_files_the_pods_and_the_migration_job_read(tmp_path):
    objs = objects(EVERY_SETTING)
    folder = chart.app_environment(objs, tmp_path)["SMS_TEMPLATES_DIR"]
    catalog = load_catalog(folder)
    nl = EVERY_SETTING["sms"]["templates"]["nl"]
    assert (catalog["nl"].message, catalog["nl"].message_one) == (nl["message"], nl["message_one"])
    assert "en" in catalog  # the bundled languages stay

    pod, container = api_pod(objs)
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == "/etc/otp-auth/sms-templates")
    assert mount["readOnly"] is True
    job_pod = find(objs, "Job", "-migrate")["spec"]["template"]["spec"]
    job_volume = next(v for v in job_pod["volumes"] if "configMap" in v)
    app_data = find(objs, "ConfigMap", "demo-otp-auth-sms-templates")["data"]
    assert find(objs, "ConfigMap", job_volume["configMap"]["name"])["data"] == app_data
    assert json.loads(app_data["nl.json"]) == nl

    # New texts roll the pods, which read them at start.
    def config_checksum(values):
        deployment = find(objects(values), "Deployment", chart.API)
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    reworded = {**EVERY_SETTING, "sms": {**EVERY_SETTING["sms"], "templates": {"nl": {"message": "Code: {code}"}}}}
    assert config_checksum(reworded) != config_checksum(EVERY_SETTING)
    assert not [o for o in objects(MINIMAL) if o["metadata"]["name"].endswith("sms-templates")]


def test_jwt_access_tokens_take_their_keys_from_the_secret(tmp_path):
    from tests.support.jwt_tokens import ed25519_pem

    values = {**MINIMAL, "jwt": {"accessTokenFormat": "jwt", "issuer": "https://auth.example.com"}}
    with pytest.raises(helm.HelmRenderError, match="secrets.jwtSigningKeys is required"):
        objects(values)
    with pytest.raises(helm.HelmRenderError, match="secrets.jwtSigningKeys is required"):
        objects({**MINIMAL, "jwt": {"authCheck": {"forwardJwt": True}}})
    pem = ed25519_pem()
    objs = objects({**values, "secrets": {**MINIMAL["secrets"], "jwtSigningKeys": pem}})
    assert chart.secret_data(find(objs, "Secret", "demo-otp-auth"))["JWT_SIGNING_KEYS"] == pem
    settings = Settings.from_env(chart.app_environment(objs, tmp_path))
    assert settings.issues_jwts and settings.JWT_ISSUER == "https://auth.example.com" and settings.JWT_SIGNING_KEYS
    # With existingSecret the keys are that Secret's JWT_SIGNING_KEYS: nothing to ask for here.
    existing = objects({"secrets": {"existingSecret": "otp-auth-prod"}, "jwt": {"accessTokenFormat": "jwt"}})
    assert [o for o in existing if o["kind"] == "Secret"] == []
    # The default stays opaque tokens and needs no key.
    assert chart.app_environment(objects(MINIMAL))["ACCESS_TOKEN_FORMAT"] == "opaque"
