"""The Helm chart, rendered by Helm's engine for the default values and the
production variations, linted, and validated against Kubernetes' own schemas."""

from __future__ import annotations

import dataclasses
import re
import runpy

import helm_python as helm
import kubernetes_validate
import pytest

from app.config import Settings
from tests.deploy import chart
from tests.deploy.chart import CHART_DIR, DB_URL, REDIS_URL, ROOT, SCENARIOS, find, objects, pods

SETTING_NAMES = {f.name for f in dataclasses.fields(Settings)}
# Custom resources: no schema in kubernetes-validate; checked field by field below.
CRD_KINDS = {"ServiceMonitor", "PodMonitor", "PrometheusRule"}


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> tuple[str, list[dict]]:
    return request.param, objects(SCENARIOS[request.param])


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_lint_is_clean_in_strict_mode(name):
    report = helm.lint(CHART_DIR, SCENARIOS[name], strict=True, namespace=chart.NAMESPACE)
    assert report["errors"] == []
    # Severity 1 is informational ("icon is recommended"); warnings fail strict lint.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("kube_version", chart.KUBE_VERSIONS)
def test_every_object_is_valid_kubernetes(scenario, kube_version):
    _, objs = scenario
    checked = 0
    for obj in objs:
        if obj["kind"] in CRD_KINDS:
            continue
        try:
            kubernetes_validate.validate(obj, kube_version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{obj['kind']} {obj['metadata']['name']}: {error.message}")
        checked += 1
    assert checked >= 8


def test_default_install_has_the_expected_objects():
    objs = objects(SCENARIOS["defaults"])
    assert sorted(o["kind"] for o in objs) == sorted([
        "ConfigMap", "Deployment", "Deployment", "Job", "NetworkPolicy", "Pod", "PodDisruptionBudget",
        "PodDisruptionBudget", "Secret", "Secret", "Service", "ServiceAccount",
    ])
    assert find(objs, "Deployment", chart.API)["spec"]["replicas"] == 2
    assert find(objs, "Deployment", chart.WORKER)["spec"]["replicas"] == 2
    assert find(objs, "ConfigMap")["data"]["APP_ENV"] == "production"


def test_every_pod_is_locked_down(scenario):
    _, objs = scenario
    specs = {name: pod["spec"] for name, pod in pods(objs).items()}
    assert len(specs) == 4  # API, event workers, migration Job, helm test
    for name, spec in specs.items():
        assert spec["automountServiceAccountToken"] is False, name
        pod_ctx = spec["securityContext"]
        assert pod_ctx["runAsNonRoot"] is True and pod_ctx["runAsUser"] == 10001, name
        assert pod_ctx["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for container in spec["containers"]:
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, name
            assert ctx["readOnlyRootFilesystem"] is True, name
            assert ctx["capabilities"] == {"drop": ["ALL"]}, name
            assert container["resources"]["limits"]["memory"], name
    for name in (n for n in specs if not n.endswith("test-readyz")):
        # gunicorn and Python write temporary files: /tmp is the one writable path.
        mounts = {m["mountPath"]: m["name"] for m in specs[name]["containers"][0]["volumeMounts"]}
        volumes = {v["name"]: v for v in specs[name]["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], name


def test_service_account_token_is_never_mounted():
    objs = objects(SCENARIOS["defaults"])
    assert find(objs, "ServiceAccount")["automountServiceAccountToken"] is False


def test_probes_and_ports_match_the_app_and_gunicorn(client):
    objs = objects(SCENARIOS["defaults"])
    container = find(objs, "Deployment", chart.API)["spec"]["template"]["spec"]["containers"][0]
    gunicorn_port = int(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"].rsplit(":", 1)[1])
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"http": gunicorn_port}
    assert gunicorn_port == 8080

    probes = {kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/healthz"
    assert probes["readinessProbe"]["path"] == "/readyz"
    for probe in probes.values():
        assert probe["port"] == "http"
        # The path is a real route of the app and answers 200 when the stores are up.
        assert client.get(probe["path"]).status_code == 200

    service = find(objs, "Service")
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    test_pod = find(objs, "Pod", "test-readyz")
    assert f"http://{service['metadata']['name']}:80/readyz" in test_pod["spec"]["containers"][0]["command"][2]


def test_the_app_accepts_the_configuration_the_chart_renders(scenario, tmp_path):
    _, objs = scenario
    env = chart.app_environment(objs, tmp_path)
    configmap_keys = set(find(objs, "ConfigMap", "demo-otp-auth")["data"])
    assert configmap_keys <= SETTING_NAMES, configmap_keys - SETTING_NAMES
    for secret in (o for o in objs if o["kind"] == "Secret"):
        assert set(secret["data"]) <= SETTING_NAMES
    gunicorn_conf = (ROOT / "gunicorn.conf.py").read_text()
    for name in (n for n in env if n.startswith("GUNICORN_")):
        assert f'"{name}"' in gunicorn_conf, f"{name} is set by the chart but not read by gunicorn.conf.py"

    settings = Settings.from_env(env)
    assert settings.APP_ENV == "production"
    assert settings.REDIS_URL or settings.REDIS_SENTINELS


def test_the_migration_job_gets_the_same_settings_as_the_pods(scenario, tmp_path):
    name, objs = scenario
    job = find(objs, "Job", "-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["command"] == ["flask", "--app", "app", "db", "upgrade"]
    assert pod["restartPolicy"] == "Never"
    job_env = {item["name"]: item["value"] for item in container["env"]}
    assert job_env == find(objs, "ConfigMap", "demo-otp-auth")["data"]
    # Files it reads (sms.templates) come from hook copies made before it, like its Secret.
    for volume in (v for v in pod["volumes"] if "configMap" in v):
        copy = find(objs, "ConfigMap", volume["configMap"]["name"])
        assert int(copy["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"])
    job_env = chart.localized(job_env, chart.mount_config_maps(objs, pod, container, tmp_path))

    secret_name = container["envFrom"][0]["secretRef"]["name"]
    if name == "existing-secret-sentinel":
        assert secret_name == "otp-auth-prod"
        return
    # The chart's Secret is created after pre-install hooks: the Job reads a hook copy made just before it.
    hook_secret = next(o for o in objs if o["kind"] == "Secret" and o["metadata"]["name"] == secret_name)
    assert int(hook_secret["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"])
    app_secret = find(objs, "Secret", "demo-otp-auth")
    assert set(chart.secret_data(hook_secret)) == set(chart.secret_data(app_secret))
    Settings.from_env({**job_env, **chart.secret_data(hook_secret)})


def test_selectors_use_name_and_instance_only(scenario):
    _, objs = scenario
    selector = {"app.kubernetes.io/name": "otp-auth", "app.kubernetes.io/instance": chart.RELEASE}
    deployment = find(objs, "Deployment", chart.API)
    assert deployment["spec"]["selector"]["matchLabels"] == selector
    assert find(objs, "Service")["spec"]["selector"] == selector
    assert find(objs, "PodDisruptionBudget", chart.API)["spec"]["selector"]["matchLabels"] == selector
    for constraint in deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]:
        assert constraint["labelSelector"]["matchLabels"] == selector
    # Worker, migration and test pods must not count as API pods (Service endpoints, PDB, spread).
    for name, pod in pods(objs).items():
        labels = pod["metadata"]["labels"]
        assert (selector.items() <= labels.items()) == (name == chart.API), name
        for key in ("app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart"):
            assert key in labels, (name, key)


def test_topology_spread_and_graceful_shutdown():
    objs = objects(SCENARIOS["defaults"])
    pod = find(objs, "Deployment", chart.API)["spec"]["template"]["spec"]
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} == {
        "kubernetes.io/hostname", "topology.kubernetes.io/zone"}
    env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
    pre_stop = int(pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"][1])
    assert int(env["GUNICORN_GRACEFUL_TIMEOUT"]) + pre_stop < pod["terminationGracePeriodSeconds"]


def test_checksums_roll_the_pods_when_config_or_secret_change():
    base = SCENARIOS["defaults"]

    def checksums(values):
        annotations = find(objects(values), "Deployment", chart.API)["spec"]["template"]["metadata"]["annotations"]
        return annotations["checksum/config"], annotations["checksum/secret"]

    config, secret = checksums(base)
    assert checksums(base) == (config, secret)  # stable across renders
    changed_config = checksums({**base, "config": {"LOG_LEVEL": "debug"}})
    assert changed_config[0] != config and changed_config[1] == secret
    changed_secret = checksums({"secrets": {"databaseUrl": DB_URL + "2", "redisUrl": REDIS_URL}})
    assert changed_secret[0] == config and changed_secret[1] != secret


def test_secret_key_is_the_given_one_or_a_long_random_one():
    given = "g" * 40
    objs = objects({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "secretKey": given}})
    assert chart.secret_data(find(objs, "Secret", "demo-otp-auth"))["SECRET_KEY"] == given
    generated = chart.secret_data(find(objects(SCENARIOS["defaults"]), "Secret", "demo-otp-auth"))["SECRET_KEY"]
    assert len(generated) == 64 and generated.isalnum()


def test_existing_secret_replaces_the_charts_secret():
    objs = objects(SCENARIOS["existing-secret-sentinel"])
    assert [o for o in objs if o["kind"] == "Secret"] == []
    refs = [c["envFrom"] for pod in pods(objs).values() for c in pod["spec"]["containers"] if "envFrom" in c]
    assert len(refs) == 3  # API, workers, migration Job
    assert all({"secretRef": {"name": "otp-auth-prod"}} in envfrom for envfrom in refs)
    data = find(objs, "ConfigMap")["data"]
    assert data["REDIS_SENTINELS"] == ("redis-node-0.redis-headless:26379,redis-node-1.redis-headless:26379,"
                                       "redis-node-2.redis-headless:26379")
    assert data["REDIS_SENTINEL_MASTER"] == "mymaster"
    image = find(objs, "Deployment", chart.API)["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "registry.example.com/otp-auth@sha256:" + "a" * 64


def test_ingress_with_tls_and_external_auth_example():
    objs = objects(SCENARIOS["ingress-tls"])
    ingress = find(objs, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"] == [{"secretName": "auth-example-tls", "hosts": ["auth.example.com"]}]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "demo-otp-auth", "port": {"name": "http"}}
    notes = chart.render(SCENARIOS["ingress-tls"])["otp-auth/templates/NOTES.txt"]
    assert "https://auth.example.com/api/v1/" in notes
    assert 'auth-url: "http://demo-otp-auth.auth.svc.cluster.local:80/api/v1/auth/check"' in notes
    values_text = (CHART_DIR / "values.yaml").read_text()
    assert "nginx.ingress.kubernetes.io/auth-url:" in values_text and "/api/v1/auth/check" in values_text


def test_network_policy_admits_only_the_ingress_controller_when_asked():
    objs = objects(SCENARIOS["ingress-tls"])
    policy = find(objs, "NetworkPolicy")["spec"]
    sources = policy["ingress"][0]["from"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}} in sources
    egress_ports = {p["port"] for rule in policy["egress"] for p in rule["ports"]}
    assert {53, 5432, 6379, 26379, 443} <= egress_ports


def test_autoscaling_replaces_the_fixed_replica_count():
    objs = objects(SCENARIOS["autoscaling"])
    assert "replicas" not in find(objs, "Deployment", chart.API)["spec"]
    hpa = find(objs, "HorizontalPodAutoscaler")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 12)
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "demo-otp-auth"}
    assert {m["resource"]["name"] for m in hpa["metrics"]} == {"cpu", "memory"}
    monitor = find(objs, "ServiceMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s",
                                             "scrapeTimeout": "10s"}]
    assert monitor["spec"]["selector"]["matchLabels"] == find(objs, "Service")["spec"]["selector"]


@pytest.mark.parametrize(("values", "message"), [
    ({"secrets": {"redisUrl": REDIS_URL}}, "secrets.databaseUrl is required"),
    ({"secrets": {"databaseUrl": DB_URL}}, "secrets.redisUrl is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "generateSecretKey": False}},
     "secrets.secretKey is required when secrets.generateSecretKey=false"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL},
      "sms": {"backend": "twilio", "twilio": {"fromNumber": "+14155550100"}}}, "secrets.twilioAccountSid is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "twilioAccountSid": "AC" + "1" * 32},
      "sms": {"backend": "twilio", "twilio": {"fromNumber": "+14155550100"}}}, "secrets.twilioAuthToken is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "twilioAccountSid": "AC" + "1" * 32,
                  "twilioAuthToken": "token"}, "sms": {"backend": "twilio"}},
     "sms.backend=twilio needs sms.twilio.fromNumber"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL}, "terminationGracePeriodSeconds": 20},
     "gunicorn.gracefulTimeout must be less than terminationGracePeriodSeconds"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL},
      "sms": {"backend": "file", "backends": ["twilio", "file"], "twilio": {"fromNumber": "+14155550100"}}},
     "secrets.twilioAccountSid is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL}, "sms": {"backend": "sns"}},
     "sms.sns.region is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL, "smsWebhookSecret": "w" * 32},
      "sms": {"backend": "webhook"}}, "sms.webhook.url is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL},
      "sms": {"backend": "webhook", "webhook": {"url": "https://gw.example.com/sms"}}},
     "secrets.smsWebhookSecret is required"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL}, "sms": {"backend": "file", "routes": {"+91": "sns"}}},
     "sms.routes sends +91 to sns, which is not one of sms.backends (file)"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL}, "config": {"SMS_TOTAL_TIMEOUT_SECONDS": "30"}},
     "config.SMS_TOTAL_TIMEOUT_SECONDS (10 when unset) must be less than gunicorn.timeout"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL}, "metrics": {"multiprocDir": "/tmp/"}},
     "metrics.multiprocDir must be a folder of its own"),
    ({"secrets": {"databaseUrl": DB_URL, "redisUrl": REDIS_URL},
      "config": {"CAPTCHA_PROVIDER": "turnstile", "CAPTCHA_SITE_KEY": "0x4AAAAAAA"}},
     "secrets.captchaSecret is required with config.CAPTCHA_PROVIDER"),
])
def test_missing_required_values_fail_with_a_clear_message(values, message):
    with pytest.raises(helm.HelmRenderError, match=re.escape(message)):
        chart.render(values)


def test_sentinel_makes_the_redis_url_optional():
    objs = objects({"secrets": {"databaseUrl": DB_URL}, "redis": {"sentinel": {"hosts": ["sentinel:26379"]}}})
    assert "REDIS_URL" not in chart.secret_data(find(objs, "Secret", "demo-otp-auth"))
    assert Settings.from_env(chart.app_environment(objs)).REDIS_SENTINELS == (("sentinel", 26379),)


GOOD = SCENARIOS["defaults"]["secrets"]


@pytest.mark.parametrize(("bad", "key"), [
    ({"replicaCount": 0}, "replicaCount"),
    ({"replicaCount": "two"}, "replicaCount"),
    ({"replicas": 3}, "replicas"),
    ({"securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": False,
                          "capabilities": {"drop": ["ALL"]}}}, "readOnlyRootFilesystem"),
    ({"securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                          "capabilities": {"drop": ["NET_RAW"]}}}, "drop"),
    ({"podSecurityContext": {"runAsNonRoot": False}}, "runAsNonRoot"),
    ({"service": {"type": "Internal", "port": 80}}, "type"),
    ({"sms": {"backend": "console"}}, "backend"),
    ({"config": {"SECRET_KEY": "x" * 40}}, "SECRET_KEY"),
    ({"config": {"log_level": "debug"}}, "log_level"),
    ({"redis": {"sentinel": {"hosts": ["sentinel-without-port"]}}}, "hosts"),
    ({"image": {"repository": "otp-auth", "pullPolicy": "Sometimes"}}, "pullPolicy"),
    ({"gunicorn": {"workers": 0, "threads": 4, "timeout": 30, "gracefulTimeout": 20, "keepalive": 5,
                    "requestReadTimeout": 10}}, "workers"),
    ({"ingress": {"enabled": True, "hosts": [{"host": "a.example.com", "paths": [{"path": "api",
                                                                               "pathType": "Prefix"}]}]}}, "path"),
    ({"secrets": {**GOOD, "secretKey": "too-short"}}, "secretKey"),
    ({"secrets": {**GOOD, "databaseUrl": "mysql://db/otp"}}, "databaseUrl"),
    ({"config": {"TEST_PHONE_NUMBERS": "+15555550100=123456"}}, "TEST_PHONE_NUMBERS"),  # a secret now
    ({"sms": {"backend": "file", "backends": ["twilio", "console"]}}, "backends"),
    ({"sms": {"backend": "file", "backends": ["sns", "sns"]}}, "backends"),
    ({"sms": {"backend": "file", "routes": {"91": "sns"}}}, "91"),
    ({"sms": {"backend": "file", "webhook": {"url": "http://gw.example.com/sms"}}}, "url"),
    ({"sms": {"backend": "file", "sns": {"smsType": "transactional"}}}, "smsType"),
    ({"sms": {"backend": "file", "templates": {"nl": {"message": "no placeholder"}}}}, "message"),
    ({"secrets": {**GOOD, "smsWebhookSecret": "too-short"}}, "smsWebhookSecret"),
    ({"metrics": {"multiprocDir": "metrics"}}, "multiprocDir"),
    ({"prometheusRule": {"enabled": "yes"}}, "enabled"),
])
def test_the_values_schema_rejects_bad_values(bad, key):
    values = {"secrets": GOOD, **bad}
    with helm.Chart.load(CHART_DIR) as loaded:
        with pytest.raises(helm.HelmValuesError, match=key):
            loaded.validate_schema(values)
    # A real install checks the schema before rendering anything.
    with pytest.raises(helm.HelmError, match=key):
        chart.render(values)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_values_schema_accepts_the_documented_scenarios(name):
    with helm.Chart.load(CHART_DIR) as loaded:
        loaded.validate_schema(SCENARIOS[name])


def test_every_value_is_documented():
    """Each key in values.yaml has a comment above it, or sits inside a block documented as a whole (`# --`)."""
    undocumented = []
    whole_block_indent: int | None = None
    previous, comment_start = "", ""
    for line in (CHART_DIR / "values.yaml").read_text().splitlines():
        stripped = line.strip()
        key = re.match(r"^(\s*)(- )?([A-Za-z][\w.-]*):", line)
        if key:
            indent = len(key.group(1))
            if whole_block_indent is not None and indent <= whole_block_indent:
                whole_block_indent = None
            if whole_block_indent is None:
                if not previous.startswith("#"):
                    undocumented.append(stripped)
                elif comment_start.startswith("# --"):
                    whole_block_indent = indent
        if stripped.startswith("#") and not previous.startswith("#"):
            comment_start = stripped
        if stripped:
            previous = stripped
    assert undocumented == []
