"""The "your survey is open" e-mails are outbox messages now (notifications.Message): the AssessmentEmail table goes.

Every row already claimed becomes a sent outbox message keyed ``assessment_open:<survey>:<person>``, the key the
outbox gives it today, so nobody is e-mailed about the same survey again after the upgrade. Nothing is rendered here,
so those rows keep no subject or body. A row recorded but never claimed is not carried over: the next beat queues
that person's e-mail again. Going back recreates an empty AssessmentEmail table.
"""

from django.db import migrations

from mentoring.notifications.history import sent_messages_insert


def claimed_assessment_emails_to_outbox(apps, schema_editor):
    AssessmentEmail = apps.get_model("surveys", "AssessmentEmail")
    fields = ["assessment_id", "recipient_id", "recipient__email", "created_at", "sent_at"]
    sent_messages_insert(
        apps.get_model("notifications", "Message"),
        AssessmentEmail.objects.filter(sent_at__isnull=False).order_by("pk").values(*fields).iterator(chunk_size=1000),
        kind=lambda row: "assessment_open",
        key=lambda row: f"assessment_open:{row['assessment_id']}:{row['recipient_id']}",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(claimed_assessment_emails_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="AssessmentEmail"),
    ]
