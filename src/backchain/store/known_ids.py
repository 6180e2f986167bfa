"""An import names only exercises and versions Backchain knows: an unknown id would pass the
export schema, be stored, and then break every page and command that shows it."""

from collections.abc import Iterator

from backchain.datafile import quoted
from backchain.errors import ImportRefusedError
from backchain.exercises import load_catalogue
from backchain.programs.ladder import ladder
from backchain.programs.models import Prescription, SessionDraft, SessionLog
from backchain.store.schema import ExportFile, PersonEntry

__all__ = ["check_exercises"]

# Where a person's entry names an exercise: (what it is, for the message; the path in the file;
# the exercise id; the version id, or None where only the exercise is named).
_Named = tuple[str, str, str, str | None]


def check_exercises(document: ExportFile) -> None:
    """Refuse, naming where, an exercise or version the packaged catalogue does not have."""
    versions = {exercise.id: {r.id for r in ladder(exercise)} for exercise in load_catalogue()}
    for number, person in enumerate(document.people):
        for what, path, exercise, variation in _named_exercises(person):
            if exercise not in versions:
                problem = f"names an exercise Backchain does not know ({quoted(exercise)})"
            elif variation is not None and variation not in versions[exercise]:
                problem = (
                    f"names a version of {exercise} Backchain does not know ({quoted(variation)})"
                )
            else:
                continue
            raise ImportRefusedError(
                f"Cannot import: {what} (people[{number}].{path}) {problem}; nothing was changed."
            )


def _named_exercises(person: PersonEntry) -> Iterator[_Named]:
    for p, plan in enumerate(person.plans):
        for w, week in enumerate(plan.weeks):
            for s, planned in enumerate(week.sessions):
                where = f"plans[{p}].weeks[{w}].sessions[{s}]"
                what = f"the planned session of {planned.date}"
                yield from _prescribed(what, where, planned.exercises)
        if plan.desk_break is not None:
            what, where = "the plan's desk break", f"plans[{p}].desk_break"
            yield from _prescribed(what, where, plan.desk_break.exercises)
    for n, log in enumerate(person.session_logs):
        yield from _done(f"the session log of {log.date}", f"session_logs[{n}]", log)
    for n, draft in enumerate(person.drafts):
        yield from _done(f"the session in progress on {draft.date}", f"drafts[{n}]", draft)
    for n, decision in enumerate(person.decisions):
        if decision.exercise is not None:
            what = f"the decision of {decision.decided_on}"
            yield what, f"decisions[{n}]", decision.exercise, decision.variation


def _prescribed(what: str, where: str, exercises: tuple[Prescription, ...]) -> Iterator[_Named]:
    for n, p in enumerate(exercises):
        yield what, f"{where}.exercises[{n}]", p.exercise, p.variation


def _done(what: str, where: str, day: SessionLog | SessionDraft) -> Iterator[_Named]:
    for n, logged in enumerate(day.exercises):
        yield what, f"{where}.exercises[{n}]", logged.exercise, logged.variation
    for n, skip in enumerate(day.skipped):
        yield what, f"{where}.skipped[{n}]", skip.exercise, None
