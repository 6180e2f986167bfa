"""The person's training journal: each user action as one transaction, shared by the CLI and the
web app. The rules live in the domain packages; the journal loads, decides and saves.

    state        the person's stored state in one load, remembered while the data is unchanged
    core         starting a program, the day's session, logging, check-in, resume
    drafts       the session in progress, saved set by set, finished into a log
    corrections  a logged set or session corrected or removed, decisions made again
    settings     new training days, kit, minutes or weeks; erasing everything
    history      everything done and answered, for reading back
    care         a clinician's change or hold of a prescription
    accounts     clinic mode: accounts, one-time links, following, notes
"""

from backchain.journal.care import change_prescription
from backchain.journal.core import (
    NO_PROGRAM,
    Journal,
    Today,
    ToLog,
    check_in,
    find_journal,
    load_journal,
    log_session,
    resume,
    start_program,
    to_log,
    today,
    today_in,
)

__all__ = [
    "NO_PROGRAM",
    "Journal",
    "ToLog",
    "Today",
    "change_prescription",
    "check_in",
    "find_journal",
    "load_journal",
    "log_session",
    "resume",
    "start_program",
    "to_log",
    "today",
    "today_in",
]
