"""Working-day deadlines (办理期限) on mainland China's calendar.

A working day is Monday to Friday, minus statutory holidays, plus the weekend make-up days
(调休上班), as published by the State Council and shipped in `chinese_calendar`. The settings
SUBMISSIONS_HOLIDAYS and SUBMISSIONS_MAKEUP_WORKDAYS win over it, for a year the package does
not know yet or a local arrangement. For years the package does not cover, weekends alone are off.

A deadline is a date: the last working day on which the office answers, shown as "12月3日前".
"""

import datetime

import chinese_calendar
from django.conf import settings
from django.utils import timezone

# A sanity bound for officers' extensions: a deadline is days or weeks away, never years.
MAX_EXTENSION = datetime.timedelta(days=365)


def is_working_day(day):
    if day in settings.SUBMISSIONS_MAKEUP_WORKDAYS:
        return True
    if day in settings.SUBMISSIONS_HOLIDAYS:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no data for
        return day.weekday() < 5


def due_date(received_at, working_days=None):
    """The Nth working day after the (Beijing) day of receipt: the last day to answer on."""
    remaining = working_days or settings.SUBMISSION_DEADLINE_WORKING_DAYS
    day = timezone.localdate(received_at)
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def day_label(day, today=None):
    """A day as 12月3日, with the year when it is not this year's: 2027年1月5日."""
    if day is None:
        return ""
    today = today or timezone.localdate()
    prefix = f"{day.year}年" if day.year != today.year else ""
    return f"{prefix}{day.month}月{day.day}日"


def due_label(day, today=None):
    """A deadline as everyone sees it: 12月3日前 (that day included)."""
    return f"{day_label(day, today)}前" if day else ""
