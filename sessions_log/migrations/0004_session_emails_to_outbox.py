"""Session e-mails are outbox messages now (notifications.Message): the SessionEmail table goes.

Every session e-mail already sent becomes a sent outbox message carrying the key the outbox gives it today
(``session_<kind>:<session>:<recipient>:<sequence>``, and ``:<lead hours>`` for a reminder), so nothing is sent again
after the upgrade: the reminder beat finds each reminder's key taken. Nothing is rendered here, so those rows keep no
subject or body. A row recorded but never sent is not carried over (a reminder still due is queued again by the next
beat). Going back recreates an empty SessionEmail table.
"""

from django.db import migrations

from mentoring.notifications.history import sent_messages_insert


def _key(row: dict) -> str:
    key = f"session_{row['kind']}:{row['session_id']}:{row['recipient_id']}:{row['sequence']}"
    return f"{key}:{row['lead_hours']}" if row["kind"] == "reminder" else key


def sent_session_emails_to_outbox(apps, schema_editor):
    SessionEmail = apps.get_model("sessions_log", "SessionEmail")
    fields = ["session_id", "recipient_id", "recipient__email", "kind", "sequence", "lead_hours", "calendar_method"]
    rows = SessionEmail.objects.filter(sent_at__isnull=False).order_by("pk").values(*fields, "created_at", "sent_at")
    sent_messages_insert(
        apps.get_model("notifications", "Message"),
        rows.iterator(chunk_size=1000),
        kind=lambda row: f"session_{row['kind']}",
        key=_key,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("sessions_log", "0003_partnership_and_goal_moved"),
    ]

    operations = [
        migrations.RunPython(sent_session_emails_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="SessionEmail"),
    ]
