"""Sessions saved before dates were bounded may sit at the very ends of the calendar (1 Jan 0001, 31 Dec 9999): shown
in a time zone ahead of or behind UTC, or given a reminder or a check-in deadline, their times fall outside what
Python's dates can hold, and every page of their pair answered 500. This moves each such session inside years
2-9998, keeping its length and everything attached to it, and says so in its note. Going back leaves them there.
"""

import datetime

from django.db import migrations
from django.db.models import Q

EARLIEST = datetime.datetime(2, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9998, 12, 31, tzinfo=datetime.UTC)


def move_into_the_calendar(apps, schema_editor):
    Session = apps.get_model("sessions_log", "Session")
    for session in Session.objects.filter(Q(start__lt=EARLIEST) | Q(end__gt=LATEST)):
        length = max(min(session.end - session.start, datetime.timedelta(days=1)), datetime.timedelta(0))
        was = session.start
        session.start = min(max(session.start, EARLIEST), LATEST - length)
        session.end = session.start + length
        session.change_note = (
            f"Moved from {was:%d %b} {was.year:04d} by an upgrade: Twoway cannot show that date. Reschedule it."
        )
        session.save(update_fields=["start", "end", "change_note"])


class Migration(migrations.Migration):
    dependencies = [("sessions_log", "0004_session_emails_to_outbox")]

    operations = [migrations.RunPython(move_into_the_calendar, migrations.RunPython.noop)]
