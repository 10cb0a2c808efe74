"""podman as these machines need it, set up privately for the image tests.

Nothing system-wide changes: containers.conf, storage.conf, image storage and
the stand-in base image live in one work folder (OTP_AUTH_IMAGE_WORK, default
/var/tmp/otp-auth-image), kept between runs so only the first run pays for
the base image and the dependency layer. `rm -rf` of that folder resets it.

- containers.conf: fixed ulimits (root here lacks CAP_SYS_RESOURCE, so podman's
  default of raising them fails with EPERM) and runc (crun refuses the
  machine's hybrid cgroups).
- No registry is reachable, so the official python image is replaced by a
  Debian bookworm made with debootstrap from the mirror apt already uses
  (python3 is 3.11 there too) and given to the Dockerfile's PYTHON_IMAGE.
- pip inside the build sees the host's CA bundle through a read-only mount and
  a pip.conf naming it, also mounted: neither ends up in a layer.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORK = Path(os.environ.get("OTP_AUTH_IMAGE_WORK", "/var/tmp/otp-auth-image"))
BASE_IMAGE = "localhost/otp-auth-base:bookworm"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Where the build's RUN steps see the host's bundle (not where Debian keeps its own).
CA_IN_BUILD = "/etc/pip-host-ca.crt"
BASE_PACKAGES = "python3,python3-venv,python-is-python3,ca-certificates"


def missing_tools() -> list[str]:
    return [tool for tool in ("podman", "runc", "debootstrap", "slirp4netns") if not shutil.which(tool)]


class Podman:
    """podman with this work folder's configuration; one object per test session."""

    def __init__(self, work: Path = WORK) -> None:
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        (work / "containers.conf").write_text(
            "[containers]\n"
            'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n'
            "[engine]\n"
            'runtime = "runc"\n'
        )
        (work / "storage.conf").write_text(
            "[storage]\n"
            'driver = "overlay"\n'
            f'runroot = "{work / "run"}"\n'
            f'graphroot = "{work / "storage"}"\n'
        )
        (work / "pip.conf").write_text(f"[global]\ncert = {CA_IN_BUILD}\n")
        self.env = {**os.environ, "CONTAINERS_CONF": str(work / "containers.conf"),
                    "CONTAINERS_STORAGE_CONF": str(work / "storage.conf")}

    def __call__(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["podman", *args], env=self.env, capture_output=True, text=True,
                                timeout=timeout, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"podman {' '.join(args[:3])} … exited {result.returncode}:\n"
                                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(["podman", *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)

    def has_image(self, name: str) -> bool:
        return self("image", "exists", name, check=False).returncode == 0

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One session at a time builds in this folder (another helper's run may share it)."""
        with open(self.work / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def ensure_base_image(self) -> str:
        """The stand-in base, made once and kept: debootstrap (about a minute) + podman import."""
        with self.locked():
            if not self.has_image(BASE_IMAGE):
                rootfs = self.work / "rootfs"
                shutil.rmtree(rootfs, ignore_errors=True)
                subprocess.run(["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", "bookworm",
                                str(rootfs), debian_mirror()], check=True, capture_output=True, timeout=900)
                tarball = self.work / "rootfs.tar"
                subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tarball), "."], check=True, timeout=300)
                self("import", str(tarball), BASE_IMAGE, timeout=300)
                shutil.rmtree(rootfs)
                tarball.unlink()
        return BASE_IMAGE

    def build(self, context: Path, dockerfile: Path, tag: str, base: str) -> str:
        """Builds the unmodified Dockerfile on `base`; returns the image ID."""
        iid = self.work / "last-build.iid"
        with self.locked():
            self("build", "--network", "host", "--file", str(dockerfile), "--tag", tag, "--iidfile", str(iid),
                 "--build-arg", f"PYTHON_IMAGE={base}",
                 "--volume", f"{HOST_CA_BUNDLE}:{CA_IN_BUILD}:ro",
                 "--volume", f"{self.work / 'pip.conf'}:/etc/pip.conf:ro",
                 str(context), timeout=900)
            return iid.read_text().strip()


def debian_mirror() -> str:
    """The first bookworm mirror in apt's sources (deb822 .sources files or sources.list)."""
    for path in sorted(Path("/etc/apt/sources.list.d").glob("*.sources")):
        for stanza in path.read_text().split("\n\n"):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, flags=re.MULTILINE))
            if "bookworm" in fields.get("Suites", "").split() and fields.get("URIs"):
                return fields["URIs"].split()[0]
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*.list"))]:
        if path.exists():
            found = re.search(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s", path.read_text(), flags=re.MULTILINE)
            if found:
                return found.group(1)
    raise AssertionError("no bookworm mirror in apt's sources: debootstrap needs one for the stand-in base image")
