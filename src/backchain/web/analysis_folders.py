"""Where analyses keep their files: one folder per running server, locked while it runs.

Each server's folder sits under one parent in the temp folder (`analysis_parent()`). A folder
whose lock is free belongs to a server that was killed; the next server to start deletes it,
annotated videos and all (`remove_abandoned`).
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

__all__ = ["FOLDER_PREFIX", "LOCK_NAME", "ServerFolder", "analysis_parent", "remove_abandoned"]

FOLDER_PREFIX = "server-"  # each server's folder under `analysis_parent()`: server-<pid>-<random>
LOCK_NAME = "owner.lock"  # in a server's folder, locked while it runs and holding its pid


def analysis_parent() -> Path:
    """Where every Backchain server of this user keeps its folder: one parent per user, since
    the temp folder may be shared (Windows gives each user a temp folder of their own)."""
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    return Path(tempfile.gettempdir()) / f"backchain-analysis{user}"


class ServerFolder:
    """One server's folder under `parent`, locked until `close()` deletes it.

    The lock is the operating system's (`flock`, per open file, so two apps in one process do
    not share it), and the OS lets go of it when the process ends however it ends: an unlocked
    folder belongs to no running server (see `remove_abandoned`).
    """

    def __init__(self, parent: Path) -> None:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=parent))
        self._lock = (self.path / LOCK_NAME).open("w+b")
        _try_lock(self._lock)  # a new file in a new folder: no one else can hold it
        self._lock.write(str(os.getpid()).encode())  # written only while locked: see `_abandoned`
        self._lock.flush()

    def close(self) -> None:
        self._lock.close()  # first: Windows cannot delete an open file
        shutil.rmtree(self.path, ignore_errors=True)


def remove_abandoned(parent: Path) -> list[Path]:
    """Delete the folders (annotated videos and all) that killed servers left; returns them."""
    removed = []
    for folder in sorted(parent.glob(f"{FOLDER_PREFIX}*")):
        if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _abandoned(folder: Path) -> bool:
    """Its lock is free though its owner wrote to it, so the owner is gone. A lock file that is
    missing or empty is one being set up right now: that folder is left alone."""
    try:
        with (folder / LOCK_NAME).open("rb") as lock:
            return _try_lock(lock) and bool(lock.read())
    except OSError:
        return False


def _try_lock(file: IO[bytes]) -> bool:
    """Lock an open file without waiting; False when another open file holds the lock."""
    try:
        if sys.platform == "win32":
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
