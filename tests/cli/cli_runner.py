"""Running the installed `backchain` command the way a user does, for the CLI tests."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BACKCHAIN = Path(sys.executable).parent / "backchain"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Run `backchain ARGS...` in a scratch folder that is also its home, with a plain environment."""

    def _run(
        *args: str, stdin: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        # Each folder is its own home, so each has its own default database.
        home = cwd or tmp_path
        return subprocess.run(
            [str(BACKCHAIN), *args],
            cwd=home,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "HOME": str(home)},
        )

    return _run
