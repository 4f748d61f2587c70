"""The partnerships models move here from the single ``mentoring`` app, keeping their tables.

Only Django's picture of the models moves (state operations); the tables were made by the ``mentoring`` app's
migrations and keep their names, rows and constraints. The content types follow, so permissions granted on them stay.
"""


import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ['partnership', 'agreement', 'agreementversion', 'agreementsignature', 'goal']


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="mentoring", model__in=MODELS).update(app_label="partnerships")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="partnerships", model__in=MODELS).update(app_label="mentoring")


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
                    name='Partnership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('ended', 'Ended')], default='active', max_length=16)),
                        ('is_one_way', models.BooleanField(default=False, help_text='Published as a fallback although only one partner has something the other wants.', verbose_name='one-way fallback')),
                        ('score', models.FloatField(blank=True, null=True)),
                        ('a_teaches_b', models.JSONField(blank=True, default=list, verbose_name='what A teaches B')),
                        ('b_teaches_a', models.JSONField(blank=True, default=list, verbose_name='what B teaches A')),
                        ('explanation', models.TextField(blank=True)),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('ended_at', models.DateTimeField(blank=True, null=True)),
                        ('end_reason', models.CharField(blank=True, max_length=300)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='partnerships', to='programs.cohort')),
                        ('member_a', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('member_b', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_partnership',
                        'ordering': ['cohort', 'started_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Goal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('notes', models.TextField(blank=True, help_text='Only you and your partner see these.', max_length=2000)),
                        ('progress', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='progress (%)')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('achieved', 'Achieved')], default='open', max_length=16)),
                        ('achieved_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, choices=[('achieved', 'Achieved'), ('partly', 'Partly achieved'), ('not', 'Not achieved')], help_text="Set at the cohort's end.", max_length=16, verbose_name='final outcome')),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to=settings.AUTH_USER_MODEL)),
                        ('skill', models.ForeignKey(blank=True, help_text='One of the skills you want to learn, if the goal is about one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='goals', to='accounts.skill')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to='partnerships.partnership')),
                    ],
                    options={
                        'db_table': 'mentoring_goal',
                        'ordering': ['partnership', 'owner', 'created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Agreement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('cadence', models.CharField(choices=[('weekly', 'Weekly'), ('biweekly', 'Every two weeks'), ('monthly', 'Monthly')], max_length=16, verbose_name='meeting cadence')),
                        ('outcomes_a', models.TextField(blank=True, max_length=2000, verbose_name='desired outcomes of member A')),
                        ('outcomes_b', models.TextField(blank=True, max_length=2000, verbose_name='desired outcomes of member B')),
                        ('channel', models.CharField(help_text='Where you reach each other between sessions.', max_length=120, verbose_name='communication channel')),
                        ('response_time', models.CharField(choices=[('same_day', 'The same working day'), ('one_day', 'Within one working day'), ('two_days', 'Within two working days'), ('one_week', 'Within a week')], max_length=16, verbose_name='response time')),
                        ('boundaries', models.TextField(blank=True, help_text='Leave empty if there are none.', max_length=2000, verbose_name='boundaries (topics off limits)')),
                        ('confidentiality', models.TextField(max_length=4000, verbose_name='confidentiality pledge')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('partnership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='agreement', to='partnerships.partnership')),
                    ],
                    options={
                        'db_table': 'mentoring_agreement',
                    },
                ),
                migrations.CreateModel(
                    name='AgreementSignature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField()),
                        ('signed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to='partnerships.agreement')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_agreementsignature',
                        'ordering': ['agreement', 'version', 'signed_at'],
                        'constraints': [models.UniqueConstraint(fields=('agreement', 'user', 'version'), name='agreement_signature_once')],
                    },
                ),
                migrations.CreateModel(
                    name='AgreementVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('snapshot', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='partnerships.agreement')),
                        ('edited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'mentoring_agreementversion',
                        'ordering': ['agreement', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('agreement', 'number'), name='agreement_version_once')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='partnership',
                    constraint=models.CheckConstraint(condition=models.Q(('member_a__lt', models.F('member_b'))), name='partnership_a_before_b'),
                ),
                migrations.AddConstraint(
                    model_name='partnership',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('cohort', 'member_a', 'member_b'), name='partnership_active_pair_once'),
                ),
                migrations.AddConstraint(
                    model_name='partnership',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('ended_at__isnull', True), ('status', 'active')), models.Q(('ended_at__isnull', False), ('status', 'ended')), _connector='OR'), name='partnership_ended_has_end_time'),
                ),
                migrations.AddIndex(
                    model_name='goal',
                    index=models.Index(fields=['partnership', 'owner'], name='goal_partnership_owner'),
                ),
                migrations.AddConstraint(
                    model_name='goal',
                    constraint=models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='goal_progress_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='goal',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'achieved'])), name='goal_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='goal',
                    constraint=models.CheckConstraint(condition=models.Q(('outcome', ''), ('outcome__in', ['achieved', 'partly', 'not']), _connector='OR'), name='goal_outcome_valid'),
                ),
                migrations.AddConstraint(
                    model_name='goal',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('outcome', '')), models.Q(models.Q(('outcome', ''), _negated=True), ('closed_at__isnull', False)), _connector='OR'), name='goal_closed_has_outcome_and_time'),
                ),
                migrations.AddConstraint(
                    model_name='agreement',
                    constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='agreement_version_positive'),
                ),
                migrations.AddConstraint(
                    model_name='agreement',
                    constraint=models.CheckConstraint(condition=models.Q(('cadence__in', ['weekly', 'biweekly', 'monthly'])), name='agreement_cadence_valid'),
                ),
                migrations.AddConstraint(
                    model_name='agreement',
                    constraint=models.CheckConstraint(condition=models.Q(('response_time__in', ['same_day', 'one_day', 'two_days', 'one_week'])), name='agreement_response_time_valid'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
