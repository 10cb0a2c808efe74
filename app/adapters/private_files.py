"""Files and folders only the service's own user can read (issue 20, finding 6).

The SQLite database, the embedded Redis's dump, the file SMS outbox (codes in
clear) and the development secret key live on disk; nobody else on the machine
has any business reading them. Our own files are created 0600 and folders
0700 here; files that libraries create (SQLite's -wal and -shm, redis-server's
dump, rewritten by rename on every save) get the process umask, which
create_app sets to 077. Files left readable by an earlier version are
tightened when they are ours.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Creates `path` empty (0600) if missing, so whoever opens it next finds it private."""
    private_folder(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    _tighten(path, 0o600)
    return path


def _tighten(path: Path, mode: int) -> None:
    status = path.stat()
    if status.st_uid == os.geteuid() and status.st_mode & 0o077:
        path.chmod(mode)
