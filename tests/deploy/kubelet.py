"""Runs a container of the rendered chart with podman the way a kubelet would.

The flags come from the pod spec Helm rendered, not from a copy of it: the
security contexts, the emptyDir mounts, the memory limit, the environment
(ConfigMap, Secret, env entries) and the command. A field this translation
does not know fails the test, so a new security setting or volume in the
chart is never silently left out of the image test.
"""

from __future__ import annotations

from typing import Any

from tests.deploy import chart

# The pod's own network namespace (slirp4netns): the host's loopback, where
# the test's PostgreSQL and Redis listen, is this address inside it.
HOST_FROM_CONTAINER = "10.0.2.2"
NETWORK = "slirp4netns:allow_host_loopback=true"

_SECURITY_FIELDS = {"runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile",
                    "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities"}


def workload(objs: list[dict[str, Any]], kind: str, name: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """(pod spec, its one container) of the release's Deployment (the API's unless `name` says
    another, e.g. chart.WORKER) or hook Job."""
    suffix = name or (chart.API if kind == "Deployment" else "")
    pod = chart.find(objs, kind, suffix)["spec"]["template"]["spec"]
    assert len(pod["containers"]) == 1, "one container per pod: teach kubelet.py about sidecars"
    return pod, pod["containers"][0]


def environment(objs: list[dict[str, Any]], container: dict[str, Any]) -> dict[str, str]:
    """envFrom (ConfigMaps and Secrets of the release) then env entries, as the kubelet merges them."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref_kind, ref = ("ConfigMap", source["configMapRef"]) if "configMapRef" in source \
            else ("Secret", source["secretRef"])
        found = chart.find([o for o in objs if o["metadata"]["name"] == ref["name"]], ref_kind)
        env.update(found["data"] if ref_kind == "ConfigMap" else chart.secret_data(found))
    for item in container.get("env", []):
        assert "value" in item, f"{item['name']}: valueFrom is not translated"
        env[item["name"]] = item["value"]
    return env


def security_flags(pod: dict[str, Any], container: dict[str, Any]) -> list[str]:
    merged = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    unknown = set(merged) - _SECURITY_FIELDS
    assert not unknown, f"securityContext fields the image test does not apply: {unknown}"
    user, group = merged["runAsUser"], merged["runAsGroup"]
    assert merged["runAsNonRoot"] and user != 0
    flags = [f"--user={user}:{group}"]
    if merged.get("fsGroup") is not None:
        flags.append(f"--group-add={merged['fsGroup']}")
    if merged.get("readOnlyRootFilesystem"):
        flags.append("--read-only")
    if merged.get("allowPrivilegeEscalation") is False:
        flags.append("--security-opt=no-new-privileges")
    flags += [f"--cap-drop={cap}" for cap in merged.get("capabilities", {}).get("drop", [])]
    assert not merged.get("capabilities", {}).get("add"), "capabilities.add is not translated"
    # RuntimeDefault is podman's default seccomp profile: nothing to add.
    assert merged.get("seccompProfile", {"type": "RuntimeDefault"})["type"] == "RuntimeDefault"
    return flags


def volume_flags(pod: dict[str, Any], container: dict[str, Any]) -> list[str]:
    """An emptyDir becomes a tmpfs of its size limit, writable by everyone like a fresh emptyDir."""
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    flags = []
    # Parents first (/tmp before /tmp/metrics), as the kubelet orders nested mounts.
    for mount in sorted(container.get("volumeMounts", []), key=lambda m: m["mountPath"]):
        volume = volumes[mount["name"]]
        assert "emptyDir" in volume, f"volume {mount['name']}: only emptyDir is translated"
        size = volume["emptyDir"].get("sizeLimit", "64Mi").replace("Mi", "m").replace("Gi", "g")
        flags.append(f"--tmpfs={mount['mountPath']}:rw,mode=1777,size={size}")
    return flags


def resource_flags(container: dict[str, Any]) -> list[str]:
    limit = container.get("resources", {}).get("limits", {}).get("memory")
    return [f"--memory={limit.replace('Mi', 'm').replace('Gi', 'g')}"] if limit else []


def run_args(objs: list[dict[str, Any]], kind: str, image: str, name: str | None = None,
             publish: int | None = None, command: list[str] | None = None, workload_name: str = "") -> list[str]:
    """`podman run` arguments (after `run`) for the release's `kind` pod, image and command included;
    `command` runs another command with the same spec (a one-off, as `kubectl run --overrides`)."""
    pod, container = workload(objs, kind, workload_name)
    env = environment(objs, container)
    args = ["--network", NETWORK, *security_flags(pod, container), *volume_flags(pod, container),
            *resource_flags(container)]
    if name:
        args.append(f"--name={name}")
    if publish:
        args.append(f"--publish=127.0.0.1:{publish}:{container['ports'][0]['containerPort']}")
    for key, value in sorted(env.items()):
        args += ["--env", f"{key}={value}"]
    # The image has no ENTRYPOINT, so a pod's command (the hook Job's) simply replaces CMD.
    return [*args, image, *(command or [*container.get("command", []), *container.get("args", [])])]


def grace_seconds(objs: list[dict[str, Any]]) -> int:
    """terminationGracePeriodSeconds: how long SIGTERM has before SIGKILL."""
    pod, _ = workload(objs, "Deployment")
    return int(pod["terminationGracePeriodSeconds"])
