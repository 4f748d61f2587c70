"""The surveys models move here from the single ``mentoring`` app, keeping their tables.

Only Django's picture of the models moves (state operations); the tables were made by the ``mentoring`` app's
migrations and keep their names, rows and constraints. The content types follow, so permissions granted on them stay.
"""


import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ['assessment', 'assessmentresponse', 'assessmentskillrating', 'assessmentemail']


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="mentoring", model__in=MODELS).update(app_label="surveys")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="surveys", model__in=MODELS).update(app_label="mentoring")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mentoring", "0004_assessments"),
        ('accounts', '0004_merge_department_variants'),
        ('programs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Assessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('midpoint', 'Mid-point survey'), ('end', 'End survey')], max_length=16)),
                        ('opens_on', models.DateField(verbose_name='opens on')),
                        ('closes_on', models.DateField(help_text='Answers are accepted until the end of this day.', verbose_name='closes on')),
                        ('closed_at', models.DateTimeField(blank=True, help_text='When a program admin closed it before the end of its closing day.', null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='programs.cohort')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_assessment',
                        'ordering': ['cohort', 'opens_on', 'kind'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='surveys.assessment')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_assessmentemail',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nps', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(10)], verbose_name='How likely are you to recommend this mentoring program to a colleague?')),
                        ('met_as_agreed', models.PositiveSmallIntegerField(choices=[(1, 'Strongly disagree'), (2, 'Disagree'), (3, 'Neither agree nor disagree'), (4, 'Agree'), (5, 'Strongly agree')], verbose_name='My partner and I met as we agreed.')),
                        ('learned_used', models.PositiveSmallIntegerField(choices=[(1, 'Strongly disagree'), (2, 'Disagree'), (3, 'Neither agree nor disagree'), (4, 'Agree'), (5, 'Strongly agree')], verbose_name='I learned something I now use at work.')),
                        ('taught_used', models.PositiveSmallIntegerField(choices=[(1, 'Strongly disagree'), (2, 'Disagree'), (3, 'Neither agree nor disagree'), (4, 'Agree'), (5, 'Strongly agree')], verbose_name='I taught my partner something they now use.')),
                        ('two_way_better', models.PositiveSmallIntegerField(choices=[(1, 'Strongly disagree'), (2, 'Disagree'), (3, 'Neither agree nor disagree'), (4, 'Agree'), (5, 'Strongly agree')], verbose_name='Teaching each other worked better than one-way mentoring would have.')),
                        ('comment', models.TextField(blank=True, max_length=2000)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.assessment')),
                        ('respondent', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_responses', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_assessmentresponse',
                        'ordering': ['assessment', 'created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentSkillRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start_level', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                        ('level', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='skill_ratings', to='surveys.assessmentresponse')),
                        ('skill', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessment_ratings', to='accounts.skill')),
                    ],
                    options={
                        'db_table': 'mentoring_assessmentskillrating',
                        'ordering': ['response', 'skill__name'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(fields=('cohort', 'kind'), name='assessment_once_per_cohort_kind'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='assessment_closes_after_opens'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['midpoint', 'end'])), name='assessment_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentemail',
                    constraint=models.UniqueConstraint(fields=('assessment', 'recipient'), name='assessment_email_once'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresponse',
                    constraint=models.UniqueConstraint(fields=('assessment', 'respondent'), name='assessment_response_once'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('nps__gte', 0), ('nps__lte', 10)), name='assessment_response_nps_0_10'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('met_as_agreed__gte', 1), ('met_as_agreed__lte', 5)), name='assessment_response_met_as_agreed_1_5'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('learned_used__gte', 1), ('learned_used__lte', 5)), name='assessment_response_learned_used_1_5'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('taught_used__gte', 1), ('taught_used__lte', 5)), name='assessment_response_taught_used_1_5'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('two_way_better__gte', 1), ('two_way_better__lte', 5)), name='assessment_response_two_way_better_1_5'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentskillrating',
                    constraint=models.UniqueConstraint(fields=('response', 'skill'), name='assessment_rating_once_per_skill'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentskillrating',
                    constraint=models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 5), ('start_level__gte', 1), ('start_level__lte', 5)), name='assessment_rating_levels_1_5'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
