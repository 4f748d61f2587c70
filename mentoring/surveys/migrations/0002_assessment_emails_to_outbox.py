"""The "your survey is open" e-mails are outbox messages now (notifications.Message): the AssessmentEmail table goes.

Every row already claimed becomes a sent outbox message keyed ``assessment_open:<survey>:<person>``, the key the
outbox gives it today, so nobody is e-mailed about the same survey again after the upgrade. Nothing is rendered here,
so those rows keep no subject or body. A row recorded but never claimed is not carried over: the next beat queues
that person's e-mail again. Going back recreates an empty AssessmentEmail table.
"""

import uuid

from django.db import migrations

BATCH = 1000


def claimed_assessment_emails_to_outbox(apps, schema_editor):
    AssessmentEmail = apps.get_model("surveys", "AssessmentEmail")
    Message = apps.get_model("notifications", "Message")
    rows = (
        AssessmentEmail.objects.filter(sent_at__isnull=False)
        .order_by("pk")
        .values_list("assessment_id", "recipient_id", "recipient__email", "created_at", "sent_at")
    )
    messages = []
    for assessment_id, recipient_id, email, created_at, sent_at in rows.iterator(chunk_size=BATCH):
        messages.append(
            Message(
                kind="assessment_open",
                channel="email",
                recipient_id=recipient_id,
                address=email,
                message_id_header=f"<{uuid.uuid4().hex}@twoway.migrated>",
                key=f"assessment_open:{assessment_id}:{recipient_id}",
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
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(claimed_assessment_emails_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="AssessmentEmail"),
    ]
