"""Stop `make` early, with a clear message, when the Python it found is too old."""

import sys

REQUIRED = (3, 11)

if sys.version_info < REQUIRED:
    found = ".".join(map(str, sys.version_info[:3]))
    sys.exit(
        f"Backchain needs Python {REQUIRED[0]}.{REQUIRED[1]} or newer, found {found}. "
        "Install a newer Python or run make with PYTHON=/path/to/python3.11."
    )
