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
    """Run `backchain ARGS...` in a scratch folder with a plain environment."""

    def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BACKCHAIN), *args],
            cwd=tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "HOME": str(tmp_path)},
        )

    return _run
