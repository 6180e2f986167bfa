"""A clinician's change of a person's prescription, stored as a decision the engine continues
from (CLINICAL.md, "Progression"); the rules live in `backchain.care`."""

from datetime import datetime

from backchain.care import PrescriptionChange, change_decision
from backchain.errors import ProgramError
from backchain.exercises import load_catalogue
from backchain.journal.state import load_journal
from backchain.programs.ladder import fits, rung
from backchain.programs.models import Decision
from backchain.store import Store, repository
from backchain.store import care as stored

__all__ = ["change_prescription"]


def change_prescription(
    store: Store,
    *,
    person_id: int,
    change: PrescriptionChange,
    by: str,
    now: datetime,
    audited: tuple[int, int] | None = None,
) -> Decision:
    """Change (or hold, or release) one exercise of the person's plan, made by `by` (the
    clinician's display name), from the next session on; returns the decision stored.

    It is stored after every decision so far, not tied to a session log, so a correction that
    decides earlier sessions again keeps it in its place (`corrections.replay`). In clinic
    mode `audited` is (the clinician's account, the person's account): the audit log records
    the change in the same transaction, so a change is never stored unrecorded.
    """
    with store.transaction() as session:
        repository.lock_person(session, person_id=person_id)
        journal = load_journal(session, person_id=person_id)
        state = journal.states.get(change.exercise)
        if state is None:
            raise ProgramError(
                f"'{change.exercise}' is not in this plan; it holds "
                f"{', '.join(sorted(journal.states))}."
            )
        catalogue = load_catalogue()
        decision = change_decision(change, by=by, state=state, catalogue=catalogue)
        version = rung(catalogue.get(change.exercise), decision.variation or state.variation)
        if not fits(version, journal.profile.equipment):
            kit = " or ".join(item.value.replace("_", " ") for item in version.equipment)
            raise ProgramError(
                f"{version.name} needs {kit}, which is not in their equipment; choose another "
                "version, or ask them to add it in their settings."
            )
        repository.add_decisions(
            session, person_id=person_id, decided_on=now.date(), decisions=[decision]
        )
        if audited is not None:
            actor, person = audited
            stored.audit(
                session,
                actor_id=actor,
                person_id=person,
                action="changed",
                detail=decision.reason,
                now=now,
            )
    return decision
