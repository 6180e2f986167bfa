"""Reports: files made from a person's stored data for other programs and people.

Each is a pure function of domain values (a plan, logs, scores) returning the file's bytes; the
CLI and the web only fetch the values and write or send the bytes: the .ics calendar
(`calendar`) and the PDF report for a date range (`pdf`, charts from `progress_charts`).
"""

from backchain.reports.calendar import plan_calendar

__all__ = ["plan_calendar"]
