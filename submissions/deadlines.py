"""Working-day deadlines: weekends and configured holidays do not count, make-up days do."""

import datetime

from django.conf import settings
from django.utils import timezone


def is_working_day(day):
    if day in settings.SUBMISSIONS_MAKEUP_WORKDAYS:
        return True
    if day in settings.SUBMISSIONS_HOLIDAYS:
        return False
    return day.weekday() < 5


def due_at(received_at, working_days=None):
    """The end (local midnight) of the Nth working day after the day of receipt."""
    remaining = working_days or settings.SUBMISSION_DEADLINE_WORKING_DAYS
    day = timezone.localtime(received_at).date()
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    next_midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(next_midnight)
