"""The cohort model moved from the ``mentoring`` app to ``programs``: the foreign keys follow in Django's picture only
(the table they point at is the same)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0002_publishing_in_background'),
        ('programs', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='matchrun',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='match_runs', to='programs.cohort'),
                ),
                migrations.AlterField(
                    model_name='pairrule',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pair_rules', to='programs.cohort'),
                ),
            ],
            database_operations=[],
        ),
    ]
