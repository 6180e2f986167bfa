"""Backchain's exceptions.

    BackchainError            anything the user can act on; the message says what to do
    ├── ConfigError           a BACKCHAIN_* setting in the environment is not valid
    ├── CatalogueError        the exercise data file is broken, or an id is unknown
    │   └── LessonError       the lessons data file is broken, or a lesson id is unknown
    ├── ScreeningError        screening answers (or a clearance) are missing, unknown or out of range
    ├── ScoringError          questionnaire answers are missing, of the wrong count or out of range
    │   └── WordingError      a questionnaire wording file is missing, unreadable or malformed
    ├── ProgramError          a profile or session log is invalid, or no plan can fit it
    │   └── PlanBlockedError  screening says not to train; the message is the screening's own
    ├── StoreError            the database cannot be opened, or data is missing
    │   ├── StoreBusyError    another change holds the database for longer than Backchain waits
    │   └── ImportRefusedError  an import file is malformed or from a newer version; nothing changed
    └── MotionError           the motion coach cannot analyse what it was given
        └── VideoError        a video is missing, unreadable, corrupt or has no frames

Adapters (CLI, web) turn these into a one-line message or an HTTP response; nothing else
should reach the user as a traceback.
"""

__all__ = [
    "BackchainError",
    "CatalogueError",
    "ConfigError",
    "ImportRefusedError",
    "LessonError",
    "MotionError",
    "PlanBlockedError",
    "ProgramError",
    "ScoringError",
    "ScreeningError",
    "StoreBusyError",
    "StoreError",
    "VideoError",
    "WordingError",
]


class BackchainError(Exception):
    """A problem the user can fix; `str(error)` is the one-line message to show."""


class CatalogueError(BackchainError):
    pass


class ConfigError(BackchainError):
    """A `BACKCHAIN_*` environment variable has a value Backchain cannot use."""


class LessonError(CatalogueError):
    """The lesson data file is broken, or a lesson id is unknown."""


class ScreeningError(BackchainError):
    pass


class ScoringError(BackchainError):
    pass


class WordingError(ScoringError):
    """A wording file is missing, unreadable or not in its questionnaire's format."""


class ProgramError(BackchainError):
    pass


class PlanBlockedError(ProgramError):
    pass


class StoreError(BackchainError):
    pass


class StoreBusyError(StoreError):
    """The database stayed locked by another change for longer than Backchain waits; nothing
    was saved, and trying again in a moment works."""


class ImportRefusedError(StoreError):
    pass


class MotionError(BackchainError):
    pass


class VideoError(MotionError):
    pass
