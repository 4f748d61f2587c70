"""The partnership and goal models moved from the ``mentoring`` app to ``partnerships``: the foreign keys follow in
Django's picture only (the tables they point at are the same)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0001_initial'),
        ('sessions_log', '0002_session_reminders'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='checkingoalprogress',
                    name='goal',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checkin_reports', to='partnerships.goal'),
                ),
                migrations.AlterField(
                    model_name='session',
                    name='partnership',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='partnerships.partnership'),
                ),
            ],
            database_operations=[],
        ),
    ]
