"""Every date a person types is bounded, so no year 1 or 9999 reaches the database or date arithmetic.

The windows are generous for real use and small enough that adding a cohort's grace period, a session's length
or a time-zone offset can never overflow Python's dates.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

# Sessions (and later workshops and events) are planned from today up to two years ahead.
MEETING_HORIZON = datetime.timedelta(days=2 * 365)
# Cohorts and surveys: a few years either side of today.
PLANNING_PAST = datetime.timedelta(days=3 * 365)
PLANNING_FUTURE = datetime.timedelta(days=5 * 365)


def meeting_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=1), today + MEETING_HORIZON


def planning_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - PLANNING_PAST, today + PLANNING_FUTURE


def outside_message(earliest: datetime.date, latest: datetime.date) -> str:
    return f"Pick a date between {date_format(earliest, 'j F Y')} and {date_format(latest, 'j F Y')}."


class BoundedDateField(forms.DateField):
    """A date field whose value must fall in ``window()`` (a function, so "today" is the day the form is used).

    ``keep`` is a value that always passes (an existing record's stored date, which may be older than the window
    allows for new entries). The browser's date picker gets the same bounds as ``min`` and ``max``."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *args, window=planning_window, keep: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.window, self.keep = window, keep
        earliest, latest = window()
        self.widget.attrs.update({"min": earliest.isoformat(), "max": latest.isoformat()})

    def validate(self, value) -> None:
        super().validate(value)
        if value in self.empty_values or value == self.keep:
            return
        earliest, latest = self.window()
        if not earliest <= value <= latest:
            raise forms.ValidationError(outside_message(earliest, latest), code="out_of_range")
