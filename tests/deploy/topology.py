"""The chart's topology on one machine: N gunicorn replicas of the image's
command with the environment the chart renders, one shared Redis, one
database, migrations run once the way the hook Job runs them, and nginx
round-robin in front (standing in for the Service / Ingress).

Used by tests/deploy/test_topology.py and by `make cluster-up` (scripts/cluster.py).
Every port is picked at run time; nginx gets its own config, pid and temp
paths under the work directory and never touches the system's service.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy import chart
from tests.deploy.dockerfile import image_command
from tests.support.servers import free_port, redis_server_binary
from tests.support.waiting import answers, wait_until

BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0




@dataclass
class Process:
    """A child process with its own log file; `detach` lets `cluster-up` exit and leave it running."""

    name: str
    args: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    detach: bool = False
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT, cwd=chart.ROOT,
                                         env={**os.environ, **self.env}, start_new_session=self.detach)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Graceful by default: SIGTERM is what the kubelet sends a pod."""
        if not self.running():
            return
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def chart_environment(outbox: Path, config: dict[str, str]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(API pod env, migration Job env, migration command) as the chart renders them.

    The URLs are placeholders the caller replaces; the SMS backend is the
    outbox file every replica shares, as the defaults of the chart configure it.
    """
    values = {
        "secrets": {"databaseUrl": chart.DB_URL, "redisUrl": chart.REDIS_URL, "secretKey": secrets.token_urlsafe(48)},
        "sms": {"backend": "file", "outboxFile": str(outbox)},
        # One worker per replica on a 2-core machine; the chart's pods scale the same way.
        "gunicorn": {"workers": 1, "threads": 4, "gracefulTimeout": 10},
        # Every request of a test comes from 127.0.0.1: lift the per-IP signup limit for it.
        "config": {"SIGNUP_RATE_LIMIT_PER_IP": "10000/hour", **config},
    }
    objs = chart.objects(values)
    job = chart.find(objs, "Job", "-migrate")["spec"]["template"]["spec"]["containers"][0]
    hook_secret = next(o for o in objs if o["kind"] == "Secret"
                       and o["metadata"]["name"] == job["envFrom"][0]["secretRef"]["name"])
    job_env = {**{e["name"]: e["value"] for e in job["env"]}, **chart.secret_data(hook_secret)}
    return chart.app_environment(objs), job_env, list(job["command"])


class LocalCluster:
    def __init__(self, workdir: Path, database_url: str, replicas: int = 3,
                 config: dict[str, str] | None = None, detach: bool = False) -> None:
        """`config`: extra app settings, passed as the chart's `config` value;
        `detach`: the processes outlive this one (`make cluster-up`)."""
        self.workdir = workdir
        self.detach = detach
        self.config = config or {}
        self.database_url = database_url
        self.replica_count = replicas
        self.outbox = workdir / "sms-outbox.jsonl"
        self.redis: Process | None = None
        self.replicas: list[Process] = []
        self.replica_ports: list[int] = []
        self.nginx: Process | None = None
        self.port = 0
        self.drained: set[int] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalCluster:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            redis_url = self._start_redis()
            pod_env, job_env, migrate = chart_environment(self.outbox, self.config)
            urls = {"DATABASE_URL": self.database_url, "REDIS_URL": redis_url}
            self._migrate(migrate, {**job_env, **urls})
            self._start_replicas({**pod_env, **urls})
            self._start_nginx()
        except BaseException:
            self.close()
            raise
        return self

    def _start_redis(self) -> str:
        port = free_port()
        data = self.workdir / "redis"
        data.mkdir(exist_ok=True)
        self.redis = Process("redis", [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no", "--dir", str(data)],
                             self.workdir / "redis.log", detach=self.detach).start()
        wait_until(lambda: _redis_ping(port), "redis-server", START_TIMEOUT)
        return f"redis://127.0.0.1:{port}/0"

    def _migrate(self, command: list[str], env: dict[str, str]) -> None:
        """Once, before any replica starts: what the pre-install/pre-upgrade hook Job does."""
        with (self.workdir / "migrate.log").open("ab") as log:
            done = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=chart.ROOT, stdout=log,
                                  stderr=subprocess.STDOUT, env={**os.environ, **env}, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"migrations failed, see {self.workdir / 'migrate.log'}")

    def metrics_dir(self, index: int) -> Path:
        """The replica's own PROMETHEUS_MULTIPROC_DIR: what the chart's per-pod emptyDir is to a pod."""
        return self.workdir / f"metrics-{index}"

    def _start_replicas(self, env: dict[str, str]) -> None:
        command = image_command()
        assert env["PROMETHEUS_MULTIPROC_DIR"], "the chart sets the metrics folder"
        for index in range(self.replica_count):
            port = free_port()
            args = [str(BIN / command[0]), *command[1:-1], "--bind", f"127.0.0.1:{port}", command[-1]]
            replica_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir(index))}
            self.replicas.append(Process(f"replica-{index}", args, self.workdir / f"replica-{index}.log",
                                         replica_env, detach=self.detach).start())
            self.replica_ports.append(port)
        for index, port in enumerate(self.replica_ports):
            wait_until(lambda port=port: answers(f"http://127.0.0.1:{port}/readyz"), f"replica {index}", START_TIMEOUT)

    def _start_nginx(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.port = free_port()
        (self.workdir / "nginx-tmp").mkdir(exist_ok=True)
        conf = self._write_nginx_config()
        self.nginx = Process("nginx", [binary, "-p", str(self.workdir), "-c", str(conf),
                                       "-e", str(self.workdir / "nginx-error.log")],
                             self.workdir / "nginx.log", detach=self.detach).start()
        wait_until(lambda: answers(f"{self.url}/healthz"), "nginx", START_TIMEOUT)

    def _write_nginx_config(self) -> Path:
        conf = self.workdir / "nginx.conf"
        upstreams = [(port, index in self.drained) for index, port in enumerate(self.replica_ports)]
        conf.write_text(nginx_config(self.workdir, self.port, upstreams))
        return conf

    def replica_address(self, index: int) -> str:
        return f"127.0.0.1:{self.replica_ports[index]}"

    def stop_replica(self, index: int) -> None:
        """SIGTERM while the proxy still sends it traffic (a crash-like stop, but graceful)."""
        self.replicas[index].stop()

    def drain_replica(self, index: int) -> None:
        """A pod deletion in Kubernetes' order: out of the endpoints first (what
        the chart's preStop sleep waits for), in-flight requests done, then SIGTERM."""
        assert self.nginx is not None and self.nginx.proc is not None
        error_log = self.workdir / "nginx-error.log"
        exited = error_log.read_text().count("exited with code")
        self.drained.add(index)
        self._write_nginx_config()
        self.nginx.proc.send_signal(signal.SIGHUP)
        # The old worker exits once its proxied requests are answered; new workers skip the replica.
        wait_until(lambda: error_log.read_text().count("exited with code") > exited, "nginx reload", 30)
        self.replicas[index].stop()

    def processes(self) -> list[Process]:
        return [p for p in (self.nginx, *self.replicas, self.redis) if p is not None]

    def close(self) -> None:
        for process in self.processes():
            process.stop()

    def state(self) -> dict[str, object]:
        return {"url": self.url, "outbox": str(self.outbox), "database_url": self.database_url,
                "pids": {p.name: p.pid for p in self.processes() if p.running()},
                "replicas": [self.replica_address(i) for i in range(len(self.replicas))]}

    def save_state(self) -> Path:
        path = self.workdir / "state.json"
        path.write_text(json.dumps(self.state(), indent=2))
        return path


def nginx_config(workdir: Path, port: int, upstreams: list[tuple[int, bool]]) -> str:
    """Round-robin over (port, drained) upstreams; a drained one is marked down."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s{' down' if down else ''};"
                        for p, down in upstreams)
    return f"""# Generated by tests/deploy/topology.py: round-robin over the replicas, like a Service.
{user}
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log notice;
events {{ worker_connections 256; }}
http {{
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {workdir}/nginx-tmp/body;
    proxy_temp_path {workdir}/nginx-tmp/proxy;
    fastcgi_temp_path {workdir}/nginx-tmp/fastcgi;
    uwsgi_temp_path {workdir}/nginx-tmp/uwsgi;
    scgi_temp_path {workdir}/nginx-tmp/scgi;
    upstream otp_auth {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://otp_auth;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Which replica answered: only nginx sets this, the app never does.
            add_header X-Served-By $upstream_addr always;
        }}
    }}
}}
"""


def _redis_ping(port: int) -> bool:
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()
