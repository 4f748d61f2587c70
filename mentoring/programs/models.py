"""Programs, cohorts, enrollments and invitations.

A program owns default rules; a cohort copies them when it is created and may then change its own copy.
Both share the rule fields through the abstract ``CohortRules`` model, so the two lists can never drift apart.

Tables keep the ``mentoring_*`` names they had before each domain became an app of its own (``db_table``).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Mod
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

SESSION_MINUTES_MIN, SESSION_MINUTES_MAX = 30, 120
MAX_TIMEZONE_GAP = 26  # UTC-12 to UTC+14: no two places on Earth are further apart than this
MAX_REMINDER_LEAD_HOURS = 24 * 14


def validate_even(value: int) -> None:
    if value is not None and value % 2:
        raise ValidationError(
            "Use an even number of minutes, so the two halves of a session are equal (e.g. 60, not %(value)s).",
            params={"value": value},
            code="odd_session_length",
        )


def validate_reminder_lead_hours(value) -> None:
    if not isinstance(value, list) or not all(isinstance(h, int) and not isinstance(h, bool) for h in value):
        raise ValidationError("Reminder lead times must be a list of whole hours, e.g. 24, 1.", code="invalid")
    if any(h < 1 or h > MAX_REMINDER_LEAD_HOURS for h in value):
        raise ValidationError(
            "Each reminder lead time must be between 1 and %(max)s hours.",
            params={"max": MAX_REMINDER_LEAD_HOURS},
            code="out_of_range",
        )
    if len(set(value)) != len(value):
        raise ValidationError("Each reminder lead time may appear only once.", code="duplicate")


def default_reminder_lead_hours() -> list[int]:
    return [24, 1]


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class SameDepartment(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DISCOURAGED = "discouraged", "Discouraged (only when nothing better fits)"
    FORBIDDEN = "forbidden", "Forbidden"


class CohortRules(models.Model):
    """Rules a cohort runs by. A program holds the defaults; each cohort holds its own copy."""

    session_length_minutes = models.PositiveSmallIntegerField(
        "session length (minutes)",
        default=60,
        validators=[MinValueValidator(SESSION_MINUTES_MIN), MaxValueValidator(SESSION_MINUTES_MAX), validate_even],
        help_text="30 to 120 minutes, an even number: each partner mentors for half of it.",
    )
    cadence = models.CharField("meeting cadence", max_length=16, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    reciprocity_required = models.BooleanField(
        "reciprocity required", default=True, help_text="Both partners must be able to teach the other something."
    )
    same_department = models.CharField(
        "same-department pairs", max_length=16, choices=SameDepartment.choices, default=SameDepartment.DISCOURAGED
    )
    reverse_mentoring_weight = models.DecimalField(
        "reverse-mentoring weight",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="0 to 1: how strongly to favour pairs where the junior person teaches the senior one.",
    )
    max_timezone_gap_hours = models.PositiveSmallIntegerField(
        "maximum time-zone gap (hours)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TIMEZONE_GAP)],
        help_text="Leave empty for no limit.",
    )
    avoid_manager_pairs = models.BooleanField("never pair a person with their manager or direct report", default=True)
    reminder_lead_hours = models.JSONField(
        "reminder lead times (hours before a session)",
        default=default_reminder_lead_hours,
        blank=True,
        validators=[validate_reminder_lead_hours],
    )
    checkin_due_days = models.PositiveSmallIntegerField(
        "check-in due within (days)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Days after a session within which each partner should fill in the check-in.",
    )

    # Rules the matching engine reads: frozen once matches are published.
    MATCHING_RULE_FIELDS = (
        "reciprocity_required",
        "same_department",
        "reverse_mentoring_weight",
        "max_timezone_gap_hours",
        "avoid_manager_pairs",
    )
    # Rules published partnerships agree on (their agreement and session halves): frozen with the above.
    PARTNERSHIP_RULE_FIELDS = ("session_length_minutes", "cadence")
    RULE_FIELDS = (
        "session_length_minutes",
        "cadence",
        *MATCHING_RULE_FIELDS,
        "reminder_lead_hours",
        "checkin_due_days",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(session_length_minutes__gte=SESSION_MINUTES_MIN)
                & models.Q(session_length_minutes__lte=SESSION_MINUTES_MAX)
                & Exact(Mod("session_length_minutes", 2), 0),
                name="mentoring_%(class)s_session_length_30_120_even",
            ),
            models.CheckConstraint(
                condition=models.Q(reverse_mentoring_weight__gte=0, reverse_mentoring_weight__lte=1),
                name="mentoring_%(class)s_reverse_weight_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(max_timezone_gap_hours__isnull=True)
                | models.Q(max_timezone_gap_hours__lte=MAX_TIMEZONE_GAP),
                name="mentoring_%(class)s_timezone_gap_range",
            ),
            models.CheckConstraint(
                condition=models.Q(checkin_due_days__gte=1, checkin_due_days__lte=30),
                name="mentoring_%(class)s_checkin_due_1_30",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence__in=Cadence.values), name="mentoring_%(class)s_cadence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(same_department__in=SameDepartment.values),
                name="mentoring_%(class)s_same_department_valid",
            ),
        ]

    def rule_values(self) -> dict:
        """The rules as plain values, e.g. to copy a program's defaults into a new cohort."""
        values = {name: getattr(self, name) for name in self.RULE_FIELDS}
        values["reminder_lead_hours"] = list(values["reminder_lead_hours"])
        return values

    @property
    def reminder_lead_hours_display(self) -> str:
        if not self.reminder_lead_hours:
            return "none"
        return ", ".join(f"{h} h" for h in sorted(self.reminder_lead_hours, reverse=True))


class Program(CohortRules):
    """A mentoring initiative, e.g. "Reverse mentoring 2027": owns cohorts and their default rules."""

    name = models.CharField(max_length=120)
    purpose = models.TextField(max_length=2000, help_text="Why the program exists and what participants get from it.")
    confidentiality_statement = models.TextField(
        max_length=4000, help_text="Every participant accepts this before they enroll."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CohortRules.Meta):
        db_table = "mentoring_program"
        ordering = ["name"]
        constraints = [
            *CohortRules.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                name="program_name_ci_unique",
                violation_error_message="A program with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.pk])

    def validate_constraints(self, exclude=None):
        if Program.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": f"A program called “{self.name}” already exists."})
        # The name is checked above, for its field. The unique constraint's own check would refuse a twin committed
        # in between with a message for no field; a twin committed later stops the insert (services: unique_or).
        super().validate_constraints(exclude={*(exclude or ()), "name"})


class CohortStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENROLLING = "enrolling", "Enrolling"
    MATCHING = "matching", "Matching"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# Every move a cohort may make; anything else is refused. Reopening enrollment from matching is allowed
# as long as no matches are published (the service checks that).
COHORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CohortStatus.DRAFT: (CohortStatus.ENROLLING,),
    CohortStatus.ENROLLING: (CohortStatus.MATCHING,),
    CohortStatus.MATCHING: (CohortStatus.ENROLLING, CohortStatus.ACTIVE),
    CohortStatus.ACTIVE: (CohortStatus.CLOSED,),
    CohortStatus.CLOSED: (),
}

# Statuses whose matching rules may still change (unless matches are already published).
RULES_EDITABLE_STATUSES = (CohortStatus.DRAFT, CohortStatus.ENROLLING, CohortStatus.MATCHING)


class CohortQuerySet(models.QuerySet):
    def enrolling(self):
        return self.filter(status=CohortStatus.ENROLLING)

    def open_for_enrollment(self, on=None):
        """Enrolling cohorts whose enrollment window contains the given day (default: today)."""
        day = on or timezone.localdate()
        return self.enrolling().filter(enrollment_opens_on__lte=day, enrollment_closes_on__gte=day)

    def active(self):
        return self.filter(status=CohortStatus.ACTIVE)


class Cohort(CohortRules):
    """One round of a program with dates, capacity and its own copy of the rules."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120, help_text="e.g. Spring 2027")
    status = models.CharField(max_length=16, choices=CohortStatus.choices, default=CohortStatus.DRAFT)
    enrollment_opens_on = models.DateField("enrollment opens on")
    enrollment_closes_on = models.DateField("enrollment closes on")
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on")
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Places for participants; later enrollments join the waitlist."
    )
    auto_close_inactive_days = models.PositiveSmallIntegerField(
        "end inactive pairs after (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(14), MaxValueValidator(365)],
        help_text="Leave empty to never end pairs automatically. Otherwise 14 to 365: a pair with nothing scheduled, "
        "logged or answered for this many days is warned by e-mail, then ended 7 days later unless either partner "
        "acts.",
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CohortQuerySet.as_manager()

    class Meta(CohortRules.Meta):
        db_table = "mentoring_cohort"
        ordering = ["-starts_on", "name"]
        constraints = [
            *CohortRules.Meta.constraints,
            models.UniqueConstraint(
                "program",
                Lower("name"),
                name="cohort_name_ci_unique_per_program",
                violation_error_message="This program already has a cohort with this name.",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="cohort_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(enrollment_closes_on__gte=models.F("enrollment_opens_on")),
                name="cohort_enrollment_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(status__in=CohortStatus.values), name="cohort_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:cohort_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.enrollment_opens_on
            and self.enrollment_closes_on
            and self.enrollment_closes_on < self.enrollment_opens_on
        ):
            errors["enrollment_closes_on"] = "Enrollment cannot close before it opens."
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = "The cohort must end after it starts."
        if self.starts_on and self.enrollment_opens_on and self.starts_on < self.enrollment_opens_on:
            errors["starts_on"] = "The cohort cannot start before enrollment opens."
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        if (
            self.program_id
            and Cohort.objects.filter(program_id=self.program_id, name__iexact=self.name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": f"This program already has a cohort called “{self.name}”."})
        # The name is checked above, for its field. The unique constraint's own check would refuse a twin committed
        # in between with a message for no field; a twin committed later stops the insert (services: unique_or).
        super().validate_constraints(exclude={*(exclude or ()), "name"})

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return COHORT_TRANSITIONS[self.status]

    def can_move_to(self, status: str) -> bool:
        return status in COHORT_TRANSITIONS[self.status]

    @property
    def is_enrolling(self) -> bool:
        return self.status == CohortStatus.ENROLLING

    @property
    def is_closed(self) -> bool:
        return self.status == CohortStatus.CLOSED

    def is_open_for_enrollment(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.is_enrolling and self.enrollment_opens_on <= day <= self.enrollment_closes_on

    @property
    def accepts_participants(self) -> bool:
        """Program admins may still approve, waitlist and add people."""
        return self.status in RULES_EDITABLE_STATUSES

    @property
    def allows_withdrawal(self) -> bool:
        """Participants may withdraw themselves until matching starts."""
        return self.status in (CohortStatus.DRAFT, CohortStatus.ENROLLING)


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    WAITLISTED = "waitlisted", "Waitlisted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ALUMNI = "alumni", "Alumni"


# Enrollments that hold one of the cohort's places.
PLACE_HOLDING_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED)
# Enrollments still in the running (not withdrawn, not finished).
CURRENT_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)
# Enrollments of the people who take part in a cohort: approved, or alumni once it closed.
PARTICIPANT_STATUSES = (EnrollmentStatus.APPROVED, EnrollmentStatus.ALUMNI)


class EnrollmentQuerySet(models.QuerySet):
    def holding_places(self):
        return self.filter(status__in=PLACE_HOLDING_STATUSES)

    def current(self):
        return self.filter(status__in=CURRENT_STATUSES)

    def approved(self):
        return self.filter(status=EnrollmentStatus.APPROVED)

    def waitlist(self):
        """Waitlisted enrollments in the order they are promoted: first come, first served."""
        return self.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlisted_at", "pk")


class Enrollment(models.Model):
    """A person's participation in a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED)
    goals = models.TextField(
        "your goals for this program", max_length=2000, blank=True, help_text="What do you want to learn or share?"
    )
    availability = models.TextField(
        "your availability",
        max_length=1000,
        blank=True,
        help_text="When can you meet, and how often? e.g. Tuesday and Thursday mornings, twice a month.",
    )
    confidentiality_accepted_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    waitlisted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person joined the waitlist: the waitlist is served in this order."
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The program admin who enrolled this person directly, if any.",
    )
    profile_reminder_sent_on = models.DateField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        db_table = "mentoring_enrollment"
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="enrollment_once_per_cohort"),
            models.CheckConstraint(
                condition=models.Q(status__in=EnrollmentStatus.values), name="enrollment_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EnrollmentStatus.WAITLISTED) | models.Q(waitlisted_at__isnull=False),
                name="enrollment_waitlisted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"], name="enrollment_cohort_status")]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort.name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("programs:enrollment_detail", args=[self.pk])

    @property
    def has_accepted_confidentiality(self) -> bool:
        return self.confidentiality_accepted_at is not None

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def can_withdraw_self(self) -> bool:
        return self.is_current and self.cohort.allows_withdrawal


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True)


class Invitation(models.Model):
    """An e-mail invitation to enroll in a cohort; the link works once the invitee has an account."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        db_table = "mentoring_invitation"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint("cohort", Lower("email"), name="invitation_once_per_cohort_email"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.cohort.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:invitation_accept", args=[self.token])
