"""The programs models move here from the single ``mentoring`` app, keeping their tables.

Only Django's picture of the models moves (state operations); the tables were made by the ``mentoring`` app's
migrations and keep their names, rows and constraints. The content types follow, so permissions granted on them stay.
"""


from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.math
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import mentoring.programs.models

MODELS = ['program', 'cohort', 'enrollment', 'invitation']


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="mentoring", model__in=MODELS).update(app_label="programs")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="programs", model__in=MODELS).update(app_label="mentoring")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mentoring", "0004_assessments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Program',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('session_length_minutes', models.PositiveSmallIntegerField(default=60, help_text='30 to 120 minutes, an even number: each partner mentors for half of it.', validators=[django.core.validators.MinValueValidator(30), django.core.validators.MaxValueValidator(120), mentoring.programs.models.validate_even], verbose_name='session length (minutes)')),
                        ('cadence', models.CharField(choices=[('weekly', 'Weekly'), ('biweekly', 'Every two weeks'), ('monthly', 'Monthly')], default='biweekly', max_length=16, verbose_name='meeting cadence')),
                        ('reciprocity_required', models.BooleanField(default=True, help_text='Both partners must be able to teach the other something.', verbose_name='reciprocity required')),
                        ('same_department', models.CharField(choices=[('allowed', 'Allowed'), ('discouraged', 'Discouraged (only when nothing better fits)'), ('forbidden', 'Forbidden')], default='discouraged', max_length=16, verbose_name='same-department pairs')),
                        ('reverse_mentoring_weight', models.DecimalField(decimal_places=2, default=Decimal('0.50'), help_text='0 to 1: how strongly to favour pairs where the junior person teaches the senior one.', max_digits=3, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('1'))], verbose_name='reverse-mentoring weight')),
                        ('max_timezone_gap_hours', models.PositiveSmallIntegerField(blank=True, help_text='Leave empty for no limit.', null=True, validators=[django.core.validators.MaxValueValidator(26)], verbose_name='maximum time-zone gap (hours)')),
                        ('avoid_manager_pairs', models.BooleanField(default=True, verbose_name='never pair a person with their manager or direct report')),
                        ('reminder_lead_hours', models.JSONField(blank=True, default=mentoring.programs.models.default_reminder_lead_hours, validators=[mentoring.programs.models.validate_reminder_lead_hours], verbose_name='reminder lead times (hours before a session)')),
                        ('checkin_due_days', models.PositiveSmallIntegerField(default=3, help_text='Days after a session within which each partner should fill in the check-in.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)], verbose_name='check-in due within (days)')),
                        ('name', models.CharField(max_length=120)),
                        ('purpose', models.TextField(help_text='Why the program exists and what participants get from it.', max_length=2000)),
                        ('confidentiality_statement', models.TextField(help_text='Every participant accepts this before they enroll.', max_length=4000)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_program',
                        'ordering': ['name'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Cohort',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('session_length_minutes', models.PositiveSmallIntegerField(default=60, help_text='30 to 120 minutes, an even number: each partner mentors for half of it.', validators=[django.core.validators.MinValueValidator(30), django.core.validators.MaxValueValidator(120), mentoring.programs.models.validate_even], verbose_name='session length (minutes)')),
                        ('cadence', models.CharField(choices=[('weekly', 'Weekly'), ('biweekly', 'Every two weeks'), ('monthly', 'Monthly')], default='biweekly', max_length=16, verbose_name='meeting cadence')),
                        ('reciprocity_required', models.BooleanField(default=True, help_text='Both partners must be able to teach the other something.', verbose_name='reciprocity required')),
                        ('same_department', models.CharField(choices=[('allowed', 'Allowed'), ('discouraged', 'Discouraged (only when nothing better fits)'), ('forbidden', 'Forbidden')], default='discouraged', max_length=16, verbose_name='same-department pairs')),
                        ('reverse_mentoring_weight', models.DecimalField(decimal_places=2, default=Decimal('0.50'), help_text='0 to 1: how strongly to favour pairs where the junior person teaches the senior one.', max_digits=3, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('1'))], verbose_name='reverse-mentoring weight')),
                        ('max_timezone_gap_hours', models.PositiveSmallIntegerField(blank=True, help_text='Leave empty for no limit.', null=True, validators=[django.core.validators.MaxValueValidator(26)], verbose_name='maximum time-zone gap (hours)')),
                        ('avoid_manager_pairs', models.BooleanField(default=True, verbose_name='never pair a person with their manager or direct report')),
                        ('reminder_lead_hours', models.JSONField(blank=True, default=mentoring.programs.models.default_reminder_lead_hours, validators=[mentoring.programs.models.validate_reminder_lead_hours], verbose_name='reminder lead times (hours before a session)')),
                        ('checkin_due_days', models.PositiveSmallIntegerField(default=3, help_text='Days after a session within which each partner should fill in the check-in.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)], verbose_name='check-in due within (days)')),
                        ('name', models.CharField(help_text='e.g. Spring 2027', max_length=120)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('enrolling', 'Enrolling'), ('matching', 'Matching'), ('active', 'Active'), ('closed', 'Closed')], default='draft', max_length=16)),
                        ('enrollment_opens_on', models.DateField(verbose_name='enrollment opens on')),
                        ('enrollment_closes_on', models.DateField(verbose_name='enrollment closes on')),
                        ('starts_on', models.DateField(verbose_name='starts on')),
                        ('ends_on', models.DateField(verbose_name='ends on')),
                        ('capacity', models.PositiveIntegerField(help_text='Places for participants; later enrollments join the waitlist.', validators=[django.core.validators.MinValueValidator(1)])),
                        ('status_changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cohorts', to='programs.program')),
                    ],
                    options={
                        'db_table': 'mentoring_cohort',
                        'ordering': ['-starts_on', 'name'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Enrollment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('applied', 'Applied'), ('approved', 'Approved'), ('waitlisted', 'Waitlisted'), ('withdrawn', 'Withdrawn'), ('alumni', 'Alumni')], default='applied', max_length=16)),
                        ('goals', models.TextField(blank=True, help_text='What do you want to learn or share?', max_length=2000, verbose_name='your goals for this program')),
                        ('availability', models.TextField(blank=True, help_text='When can you meet, and how often? e.g. Tuesday and Thursday mornings, twice a month.', max_length=1000, verbose_name='your availability')),
                        ('confidentiality_accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('applied_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('waitlisted_at', models.DateTimeField(blank=True, help_text='When the person joined the waitlist: the waitlist is served in this order.', null=True)),
                        ('status_changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('profile_reminder_sent_on', models.DateField(blank=True, null=True)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to='programs.cohort')),
                        ('enrolled_by', models.ForeignKey(blank=True, help_text='The program admin who enrolled this person directly, if any.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_enrollment',
                        'ordering': ['applied_at', 'pk'],
                        'indexes': [models.Index(fields=['cohort', 'status'], name='enrollment_cohort_status')],
                        'constraints': [models.UniqueConstraint(fields=('cohort', 'user'), name='enrollment_once_per_cohort'), models.CheckConstraint(condition=models.Q(('status__in', ['applied', 'approved', 'waitlisted', 'withdrawn', 'alumni'])), name='enrollment_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'waitlisted'), _negated=True), ('waitlisted_at__isnull', False), _connector='OR'), name='enrollment_waitlisted_has_time')],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                        ('token', models.CharField(default=mentoring.programs.models.new_invitation_token, editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='programs.cohort')),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_invitation',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.UniqueConstraint(models.F('cohort'), django.db.models.functions.text.Lower('email'), name='invitation_once_per_cohort_email')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.CheckConstraint(condition=models.Q(('session_length_minutes__gte', 30), ('session_length_minutes__lte', 120), django.db.models.lookups.Exact(django.db.models.functions.math.Mod('session_length_minutes', 2), 0)), name='mentoring_program_session_length_30_120_even'),
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.CheckConstraint(condition=models.Q(('reverse_mentoring_weight__gte', 0), ('reverse_mentoring_weight__lte', 1)), name='mentoring_program_reverse_weight_0_1'),
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.CheckConstraint(condition=models.Q(('max_timezone_gap_hours__isnull', True), ('max_timezone_gap_hours__lte', 26), _connector='OR'), name='mentoring_program_timezone_gap_range'),
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.CheckConstraint(condition=models.Q(('checkin_due_days__gte', 1), ('checkin_due_days__lte', 30)), name='mentoring_program_checkin_due_1_30'),
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.CheckConstraint(condition=models.Q(('cadence__in', ['weekly', 'biweekly', 'monthly'])), name='mentoring_program_cadence_valid'),
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.CheckConstraint(condition=models.Q(('same_department__in', ['allowed', 'discouraged', 'forbidden'])), name='mentoring_program_same_department_valid'),
                ),
                migrations.AddConstraint(
                    model_name='program',
                    constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), name='program_name_ci_unique'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('session_length_minutes__gte', 30), ('session_length_minutes__lte', 120), django.db.models.lookups.Exact(django.db.models.functions.math.Mod('session_length_minutes', 2), 0)), name='mentoring_cohort_session_length_30_120_even'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('reverse_mentoring_weight__gte', 0), ('reverse_mentoring_weight__lte', 1)), name='mentoring_cohort_reverse_weight_0_1'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('max_timezone_gap_hours__isnull', True), ('max_timezone_gap_hours__lte', 26), _connector='OR'), name='mentoring_cohort_timezone_gap_range'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('checkin_due_days__gte', 1), ('checkin_due_days__lte', 30)), name='mentoring_cohort_checkin_due_1_30'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('cadence__in', ['weekly', 'biweekly', 'monthly'])), name='mentoring_cohort_cadence_valid'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('same_department__in', ['allowed', 'discouraged', 'forbidden'])), name='mentoring_cohort_same_department_valid'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.UniqueConstraint(models.F('program'), django.db.models.functions.text.Lower('name'), name='cohort_name_ci_unique_per_program'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('capacity__gte', 1)), name='cohort_capacity_positive'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('enrollment_closes_on__gte', models.F('enrollment_opens_on'))), name='cohort_enrollment_closes_after_opens'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_on__gt', models.F('starts_on'))), name='cohort_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'enrolling', 'matching', 'active', 'closed'])), name='cohort_status_valid'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
