"""Keeping MediaPipe's native log lines off the terminal.

Light on purpose (no MediaPipe import): the CLI enters it before the model is loaded.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["hidden_native_logs"]


@contextmanager
def hidden_native_logs() -> Iterator[TextIO]:
    """MediaPipe and TensorFlow Lite log from C++ straight to file descriptor 2, where a user
    would take them for errors. Point it at /dev/null meanwhile; yield the real stderr."""
    sys.stderr.flush()
    real = os.dup(2)
    try:
        with Path(os.devnull).open("wb") as null:
            os.dup2(null.fileno(), 2)
        with os.fdopen(os.dup(real), "w", encoding="utf-8", errors="replace") as stream:
            yield stream
    finally:
        sys.stderr.flush()
        os.dup2(real, 2)
        os.close(real)
