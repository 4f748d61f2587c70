"""A proposal may offer up to three times. Each proposal already waiting for an answer keeps working: its one time
becomes its one offered time. Going back drops the offered times; the session's own start stays as it is.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def one_offered_time_per_proposal(apps, schema_editor):
    Session = apps.get_model("sessions_log", "Session")
    OfferedTime = apps.get_model("sessions_log", "OfferedTime")
    proposals = Session.objects.filter(status="proposed").values_list("pk", "start", "end").order_by("pk")
    OfferedTime.objects.bulk_create(
        (OfferedTime(session_id=pk, start=start, end=end) for pk, start, end in proposals.iterator()),
        batch_size=BATCH,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('sessions_log', '0005_sessions_within_the_calendar'),
    ]

    operations = [
        migrations.CreateModel(
            name='OfferedTime',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.DateTimeField()),
                ('end', models.DateTimeField()),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offered_times', to='sessions_log.session')),
            ],
            options={
                'ordering': ['session', 'start', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('session', 'start'), name='offered_time_once_per_session'), models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='offered_time_ends_after_start')],
            },
        ),
        migrations.RunPython(one_offered_time_per_proposal, migrations.RunPython.noop),
    ]
