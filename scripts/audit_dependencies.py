"""Dependency vulnerability audit (pip-audit) of the installed environment, for `make lint` and CI.

Exit 1 when a known vulnerability is found. When pip-audit cannot reach its
vulnerability data (offline machines, or a package mirror without PyPI's JSON
API, where every package comes back "not found on PyPI"), it says so plainly
and exits 0, because "could not look" is not "nothing found"; set
AUDIT_STRICT=1 to make that fatal instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

COMMAND = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off", "--skip-editable"]


def main() -> int:
    result = subprocess.run(COMMAND, capture_output=True, text=True, timeout=600, check=False)
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        return unreachable(result.stderr.strip().splitlines()[-1:] or ["no output"])
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    found = [(dep["name"], dep["version"], vuln) for dep in audited for vuln in dep.get("vulns", [])]
    for name, version, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
        print(f"pip-audit: {name} {version}: {vuln['id']} (fixed in: {fixes})")
    if found:
        return 1
    if not audited:
        return unreachable([f"none of {len(dependencies)} packages could be looked up"])
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: no known vulnerabilities in {len(audited)} packages ({skipped} could not be looked up)")
    return 0


def unreachable(reason: list[str]) -> int:
    print(f"pip-audit: vulnerability data source unreachable ({'; '.join(reason)}): dependency audit NOT performed")
    return 2 if os.environ.get("AUDIT_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
