"""The plan as a calendar file to download: /calendar.ics, made afresh on every request.

Made from the stored plan each time, so a download after the plan changes carries the change;
the events keep their UIDs, so importing it again updates the calendar rather than adding copies.
"""

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import Response

from backchain.exercises import load_catalogue
from backchain.reports.calendar import CALENDAR_FILENAME, plan_calendar
from backchain.web.plan import JournalDep

__all__ = ["router"]

router = APIRouter(tags=["calendar"])

CALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"


@router.get("/calendar.ics", response_class=Response)
def calendar_file(state: JournalDep) -> Response:
    """The current plan's sessions (and desk breaks, when on) as an .ics attachment.

    With no program yet, `JournalDep` shows the friendly "No program yet" page instead.
    """
    body = plan_calendar(state.plan, catalogue=load_catalogue(), generated_at=datetime.now(UTC))
    headers = {
        "Content-Disposition": f'attachment; filename="{CALENDAR_FILENAME}"',
        "Cache-Control": "no-store",  # always the plan as it is now
    }
    return Response(body, media_type=CALENDAR_MEDIA_TYPE, headers=headers)
