"""Users, roles, the skill catalogue and skill profiles."""

import datetime
import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone

MAX_SKILLS_PER_LIST = 10


@cache
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            "%(value)s is not a known time zone; use a name like Europe/Berlin.",
            params={"value": value},
            code="unknown_timezone",
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("Users need an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone is an employee; program admin and leader are extra, additive roles."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_program_admin = models.BooleanField(
        "program admin", default=False, help_text="Runs programs and cohorts, the skill catalogue and roles."
    )
    is_leader = models.BooleanField("leader", default=False, help_text="Sees program reports (aggregates only).")
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Times are shown to you in this zone.",
    )
    is_staff = models.BooleanField(default=False, help_text="May sign in to Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]

    @property
    def role_names(self) -> list[str]:
        roles = ["Employee"]
        if self.is_program_admin:
            roles.append("Program admin")
        if self.is_leader:
            roles.append("Leader")
        return roles


class SkillCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "skill categories"

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_retired=False)


class Skill(models.Model):
    name = models.CharField(max_length=80)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    description = models.CharField(max_length=300, blank=True)
    is_retired = models.BooleanField(
        "retired", default=False, help_text="Retired skills stay on profiles but can no longer be chosen."
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="skill_name_ci_unique",
                violation_error_message="A skill with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude=None):
        # A friendlier message than the generic constraint one, on the name field.
        if Skill.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": f"A skill called “{self.name}” already exists."})
        # The name is checked above, for its field. The unique constraint's own check would refuse a twin committed
        # in between with a message for no field; a twin committed later stops the insert (services: unique_or).
        super().validate_constraints(exclude={*(exclude or ()), "name"})


class SeniorityBand(models.IntegerChoices):
    ENTRY = 1, "1 · Entry level"
    ASSOCIATE = 2, "2 · Associate"
    PROFESSIONAL = 3, "3 · Professional"
    SENIOR = 4, "4 · Senior professional"
    LEAD = 5, "5 · Lead / manager"
    SENIOR_MANAGER = 6, "6 · Senior manager"
    DIRECTOR = 7, "7 · Director"
    EXECUTIVE = 8, "8 · Executive"


class MeetingMode(models.TextChoices):
    REMOTE = "remote", "Remote"
    IN_PERSON = "in_person", "In person"
    EITHER = "either", "Either"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class TimeOfDay(models.TextChoices):
    MORNING = "morning", "Morning"
    MIDDAY = "midday", "Around lunch"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class SkillProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    job_title = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True)
    seniority = models.PositiveSmallIntegerField("seniority band", choices=SeniorityBand.choices, null=True)
    manager = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="direct_reports")
    location = models.CharField(max_length=120, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="Comma-separated, e.g. English, German")
    bio = models.TextField("short bio", max_length=1000, blank=True)
    goals = models.TextField(max_length=1000, blank=True, help_text="What you hope to get out of two-way mentoring.")
    meeting_mode = models.CharField(
        "meeting preference", max_length=16, choices=MeetingMode.choices, default=MeetingMode.EITHER
    )
    preferred_weekdays = models.JSONField(default=list, blank=True)
    preferred_times = models.JSONField("preferred time of day", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seniority__isnull=True) | models.Q(seniority__gte=1, seniority__lte=8),
                name="profile_seniority_1_8",
            )
        ]

    def __str__(self) -> str:
        return f"Skill profile of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    def clean(self) -> None:
        if self.manager_id and self.manager_id == self.user_id:
            raise ValidationError({"manager": "You cannot be your own manager."})

    @property
    def weekday_labels(self) -> list[str]:
        return [Weekday(d).label for d in self.preferred_weekdays if d in Weekday.values]

    @property
    def time_labels(self) -> list[str]:
        return [TimeOfDay(t).label for t in self.preferred_times if t in TimeOfDay.values]

    def completeness(self, offered_count: int | None = None, wanted_count: int | None = None) -> "Completeness":
        """What is filled in and what is still missing, as a person reads it."""
        if offered_count is None:
            offered_count = self.user.offered_skills.count()
        if wanted_count is None:
            wanted_count = self.user.wanted_skills.count()
        checks = [
            ("job title", bool(self.job_title)),
            ("department", bool(self.department)),
            ("seniority band", self.seniority is not None),
            ("location", bool(self.location)),
            ("short bio", bool(self.bio.strip())),
            ("at least one skill you offer", offered_count > 0),
            ("at least one skill you want to learn", wanted_count > 0),
            ("preferred weekdays", bool(self.preferred_weekdays)),
        ]
        return Completeness(
            done=sum(1 for _, ok in checks if ok), total=len(checks), missing=[n for n, ok in checks if not ok]
        )


class Completeness:
    def __init__(self, *, done: int, total: int, missing: list[str]):
        self.done, self.total, self.missing = done, total, missing

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)

    @property
    def is_complete(self) -> bool:
        return not self.missing


LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class SkillLevel(models.IntegerChoices):
    AWARE = 1, "1 · Aware"
    BEGINNER = 2, "2 · Beginner"
    PRACTITIONER = 3, "3 · Practitioner"
    ADVANCED = 4, "4 · Advanced"
    EXPERT = 5, "5 · Expert"


class OfferedSkill(models.Model):
    """A skill a person can teach, at their level."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="offered_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="offered_by")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, validators=LEVEL_VALIDATORS)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="offered_skill_once_per_user"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="offered_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.user} offers {self.skill} ({self.level})"


class WantedSkill(models.Model):
    """A skill a person wants to learn: where they are and where they want to get."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="wanted_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="wanted_by")
    current_level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, validators=LEVEL_VALIDATORS)
    target_level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, validators=LEVEL_VALIDATORS)
    why = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="wanted_skill_once_per_user"),
            models.CheckConstraint(
                condition=models.Q(current_level__gte=1, current_level__lte=5), name="wanted_current_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__gt=models.F("current_level"), target_level__lte=5),
                name="wanted_target_above_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} wants {self.skill} ({self.current_level}→{self.target_level})"


# A large file is checked and imported by a Celery worker (settings.IMPORT_BACKGROUND_ROWS). The worker writes the
# row's heartbeat (with its progress) this often; an import with no sign of life for STALE_AFTER has lost its worker
# (or its queued message), and the sweeper asks again, at most RECOVERY_ATTEMPTS times before giving up.
IMPORT_HEARTBEAT_EVERY = datetime.timedelta(seconds=2)
IMPORT_STALE_AFTER = datetime.timedelta(minutes=2)
IMPORT_RECOVERY_ATTEMPTS = 3


class EmployeeImport(models.Model):
    """One uploaded employee file: checked and previewed, then imported on confirmation (or not at all).

    The decoded file is kept so that the confirmation re-checks exactly what was previewed, and so that a worker
    on another host can check and import a large one (the database is what web and workers share; there is no
    shared media volume). The rows also serve as the import history.

    A small file is checked in the upload's request and imported in the confirmation's. A file of more than
    IMPORT_BACKGROUND_ROWS rows (``in_background``) is checked by a worker (checking → previewed or invalid), then,
    once confirmed, imported by one (queued → running → committed; invalid when the data changed since the
    preview; failed when it stopped for another reason). Either way the import itself is one transaction.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        PREVIEWED = "previewed", "Waiting for confirmation"
        INVALID = "invalid", "Has errors"
        QUEUED = "queued", "Waiting to be imported"
        RUNNING = "running", "Being imported"
        COMMITTED = "committed", "Imported"
        FAILED = "failed", "Stopped"
        CANCELLED = "cancelled", "Cancelled"

    IN_PROGRESS = (Status.CHECKING, Status.QUEUED, Status.RUNNING)

    file_name = models.CharField(max_length=255)
    content = models.TextField(help_text="The uploaded file, decoded as UTF-8.")
    sha256 = models.CharField("SHA-256 of the file", max_length=64, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    create_count = models.PositiveIntegerField("people to create", default=0)
    update_count = models.PositiveIntegerField("people to update", default=0)
    unchanged_count = models.PositiveIntegerField("people unchanged", default=0)
    error_count = models.PositiveIntegerField("errors", default=0)
    errors = models.JSONField(default=list, blank=True, help_text="Each error: row, column, message, value.")
    preview = models.JSONField(default=dict, blank=True, help_text="What the preview page shows.")
    committed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    committed_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField("people created", default=0)
    updated = models.PositiveIntegerField("people updated", default=0)
    # Background work (large files): who confirmed is committed_by from the start, committed_at is when it committed.
    in_background = models.BooleanField(
        default=False, help_text="Checked and imported by a worker: the file has more than IMPORT_BACKGROUND_ROWS rows."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="When a program admin asked to import it.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last started on it.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="0-100 %")
    stage = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    recoveries = models.PositiveSmallIntegerField(default=0, help_text="Times the sweeper recovered a lost worker.")
    failure = models.TextField(blank=True, help_text="Why the last background check or import wrote nothing.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="employee_import_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:import_detail", args=[self.pk])

    @property
    def is_in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def is_checked(self) -> bool:
        """The check has finished at least once, so there is a preview to show."""
        return bool(self.preview)

    @property
    def last_sign_of_life(self) -> datetime.datetime | None:
        return self.heartbeat_at or self.started_at or self.confirmed_at or self.created_at

    @property
    def looks_lost(self) -> bool:
        """Being checked or imported, and no worker has shown a sign of life for a while: asking again is safe (the
        import is one transaction, claimed once). The sweeper asks again by itself; this lets an admin do it too."""
        last = self.last_sign_of_life
        return bool(self.is_in_progress and last and last < dj_timezone.now() - IMPORT_STALE_AFTER)

    @property
    def seconds(self) -> float | None:
        """How long the worker took to import it."""
        if self.in_background and self.started_at and self.committed_at:
            return (self.committed_at - self.started_at).total_seconds()
        return None
