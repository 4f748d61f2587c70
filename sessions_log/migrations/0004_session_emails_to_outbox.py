"""Session e-mails are outbox messages now (notifications.Message): the SessionEmail table goes.

Every session e-mail already sent becomes a sent outbox message carrying the key the outbox gives it today
(``session_<kind>:<session>:<recipient>:<sequence>``, and ``:<lead hours>`` for a reminder), so nothing is sent again
after the upgrade: the reminder beat finds each reminder's key taken. Nothing is rendered here, so those rows keep no
subject or body. A row recorded but never sent is not carried over (a reminder still due is queued again by the next
beat). Going back recreates an empty SessionEmail table.
"""

import uuid

from django.db import migrations

BATCH = 1000


def sent_session_emails_to_outbox(apps, schema_editor):
    SessionEmail = apps.get_model("sessions_log", "SessionEmail")
    Message = apps.get_model("notifications", "Message")
    rows = (
        SessionEmail.objects.filter(sent_at__isnull=False)
        .order_by("pk")
        .values_list(
            "session_id", "recipient_id", "recipient__email", "kind", "sequence", "lead_hours",
            "calendar_method", "created_at", "sent_at",
        )
    )
    messages = []
    for session_id, recipient_id, email, kind, sequence, lead_hours, method, created_at, sent_at in rows.iterator(
        chunk_size=BATCH
    ):
        key = f"session_{kind}:{session_id}:{recipient_id}:{sequence}"
        messages.append(
            Message(
                kind=f"session_{kind}",
                channel="email",
                recipient_id=recipient_id,
                address=email,
                calendar_method=method,
                message_id_header=f"<{uuid.uuid4().hex}@twoway.migrated>",
                key=f"{key}:{lead_hours}" if kind == "reminder" else key,
                state="sent",
                attempts=1,
                created_at=created_at,
                send_after=created_at,
                sent_at=sent_at,
            )
        )
        if len(messages) == BATCH:
            Message.objects.bulk_create(messages)
            messages = []
    Message.objects.bulk_create(messages)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("sessions_log", "0003_partnership_and_goal_moved"),
    ]

    operations = [
        migrations.RunPython(sent_session_emails_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="SessionEmail"),
    ]
