"""Reports: files made from a person's stored data for other programs and people.

Each is a pure function of domain values (a plan, logs, scores) returning the file's bytes; the
CLI and the web only fetch the values and write or send the bytes. Today: the .ics calendar.
"""

from backchain.reports.calendar import plan_calendar

__all__ = ["plan_calendar"]
