"""Programs, cohorts, enrollments and invitations.

A program owns default rules; a cohort copies them when it is created and may then change its own copy.
Both share the rule fields through the abstract ``CohortRules`` model, so the two lists can never drift apart.
"""

import datetime
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
                name="%(app_label)s_%(class)s_session_length_30_120_even",
            ),
            models.CheckConstraint(
                condition=models.Q(reverse_mentoring_weight__gte=0, reverse_mentoring_weight__lte=1),
                name="%(app_label)s_%(class)s_reverse_weight_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(max_timezone_gap_hours__isnull=True)
                | models.Q(max_timezone_gap_hours__lte=MAX_TIMEZONE_GAP),
                name="%(app_label)s_%(class)s_timezone_gap_range",
            ),
            models.CheckConstraint(
                condition=models.Q(checkin_due_days__gte=1, checkin_due_days__lte=30),
                name="%(app_label)s_%(class)s_checkin_due_1_30",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence__in=Cadence.values), name="%(app_label)s_%(class)s_cadence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(same_department__in=SameDepartment.values),
                name="%(app_label)s_%(class)s_same_department_valid",
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
        ordering = ["name"]
        constraints = [
            *CohortRules.Meta.constraints,
            models.UniqueConstraint(Lower("name"), name="program_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.pk])

    def validate_constraints(self, exclude=None):
        if Program.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": f"A program called “{self.name}” already exists."})
        super().validate_constraints(exclude=exclude)


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
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CohortQuerySet.as_manager()

    class Meta(CohortRules.Meta):
        ordering = ["-starts_on", "name"]
        constraints = [
            *CohortRules.Meta.constraints,
            models.UniqueConstraint("program", Lower("name"), name="cohort_name_ci_unique_per_program"),
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
        super().validate_constraints(exclude=exclude)

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
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint("cohort", Lower("email"), name="invitation_once_per_cohort_email"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.cohort.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:invitation_accept", args=[self.token])


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class PartnershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PartnershipStatus.ACTIVE)

    def for_user(self, user):
        return self.filter(models.Q(member_a=user) | models.Q(member_b=user))


class Partnership(models.Model):
    """A published pair in a cohort. Both members teach each other; neither is "the" mentor.

    ``member_a`` always has the lower user id, so a pair has exactly one row whichever way it was found.
    The match's explanation is copied here at publishing time: it is what the two were told.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="partnerships")
    member_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE)
    is_one_way = models.BooleanField(
        "one-way fallback",
        default=False,
        help_text="Published as a fallback although only one partner has something the other wants.",
    )
    score = models.FloatField(null=True, blank=True)
    a_teaches_b = models.JSONField("what A teaches B", default=list, blank=True)
    b_teaches_a = models.JSONField("what B teaches A", default=list, blank=True)
    explanation = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_a__lt=models.F("member_b")), name="partnership_a_before_b"
            ),
            models.UniqueConstraint(
                fields=["cohort", "member_a", "member_b"],
                condition=models.Q(status="active"),
                name="partnership_active_pair_once",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", ended_at__isnull=True)
                | models.Q(status="ended", ended_at__isnull=False),
                name="partnership_ended_has_end_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_a} ⇄ {self.member_b}"

    @property
    def members(self) -> tuple:
        return (self.member_a, self.member_b)

    def has_member(self, user) -> bool:
        return user.pk in (self.member_a_id, self.member_b_id)

    def partner_of(self, user):
        if user.pk == self.member_a_id:
            return self.member_b
        if user.pk == self.member_b_id:
            return self.member_a
        raise ValueError("That person is not in this partnership.")

    def teaches(self, user) -> list[str]:
        """What ``user`` teaches their partner, from the match explanation."""
        return self.a_teaches_b if user.pk == self.member_a_id else self.b_teaches_a


# --- Agreements and goals: the pair's own expectations -------------------------------------------


class ResponseTime(models.TextChoices):
    SAME_DAY = "same_day", "The same working day"
    ONE_DAY = "one_day", "Within one working day"
    TWO_DAYS = "two_days", "Within two working days"
    ONE_WEEK = "one_week", "Within a week"


class Agreement(models.Model):
    """The expectations a partnership signs, in its current version.

    Each save that changes anything raises ``version`` and stores a snapshot in ``AgreementVersion``;
    a signature belongs to one version, so an edit by one partner asks the other to sign again, and the
    page can show what changed since each partner last signed.
    """

    # The fields a version snapshot holds, in the order the page lists them.
    SNAPSHOT_FIELDS = (
        "cadence",
        "outcomes_a",
        "outcomes_b",
        "channel",
        "response_time",
        "boundaries",
        "confidentiality",
    )

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="agreement")
    version = models.PositiveIntegerField(default=1)
    cadence = models.CharField("meeting cadence", max_length=16, choices=Cadence.choices)
    outcomes_a = models.TextField("desired outcomes of member A", max_length=2000, blank=True)
    outcomes_b = models.TextField("desired outcomes of member B", max_length=2000, blank=True)
    channel = models.CharField(
        "communication channel", max_length=120, help_text="Where you reach each other between sessions."
    )
    response_time = models.CharField("response time", max_length=16, choices=ResponseTime.choices)
    boundaries = models.TextField(
        "boundaries (topics off limits)", max_length=2000, blank=True, help_text="Leave empty if there are none."
    )
    confidentiality = models.TextField("confidentiality pledge", max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(condition=models.Q(cadence__in=Cadence.values), name="agreement_cadence_valid"),
            models.CheckConstraint(
                condition=models.Q(response_time__in=ResponseTime.values), name="agreement_response_time_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement of {self.partnership} (version {self.version})"

    def snapshot(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}

    def outcomes_of(self, user) -> str:
        return self.outcomes_a if user.pk == self.partnership.member_a_id else self.outcomes_b


class AgreementVersion(models.Model):
    """What an agreement said in one version: kept so a partner can see what changed since they signed."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.agreement_id}"


class AgreementSignature(models.Model):
    """A partner's signature of one version; signing also accepts that version's confidentiality pledge."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "version", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user", "version"], name="agreement_signature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} signed version {self.version}"


GOALS_PER_PERSON_MAX = 5


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT = "not", "Not achieved"


class GoalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=GoalStatus.OPEN)


class Goal(models.Model):
    """One of a partner's 1-5 goals for a partnership; progress comes from check-ins or by hand."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    skill = models.ForeignKey(
        "accounts.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        help_text="One of the skills you want to learn, if the goal is about one.",
    )
    notes = models.TextField(max_length=2000, blank=True, help_text="Only you and your partner see these.")
    progress = models.PositiveSmallIntegerField(
        "progress (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    achieved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        "final outcome", max_length=16, choices=GoalOutcome.choices, blank=True, help_text="Set at the cohort's end."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "owner", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="goal_progress_0_100"),
            models.CheckConstraint(condition=models.Q(status__in=GoalStatus.values), name="goal_status_valid"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=GoalOutcome.values), name="goal_outcome_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="", closed_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(closed_at__isnull=False)),
                name="goal_closed_has_outcome_and_time",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "owner"], name="goal_partnership_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_achieved(self) -> bool:
        return self.status == GoalStatus.ACHIEVED

    @property
    def is_closed(self) -> bool:
        return bool(self.outcome)


# --- Assessments: the program's mid-point and end surveys ------------------------------------------

# The end survey may stay open this many days after the cohort's last day, for answers after the last session.
END_ASSESSMENT_GRACE_DAYS = 30
NPS_QUESTION = "How likely are you to recommend this mentoring program to a colleague?"


class AssessmentKind(models.TextChoices):
    MIDPOINT = "midpoint", "Mid-point survey"
    END = "end", "End survey"


class AssessmentState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Assessment(models.Model):
    """A cohort's mid-point or end survey (NPS, four statements, skill self-rating), open for whole days.

    It is open from ``opens_on`` to the end of ``closes_on`` (the server's time zone, like the cohort's own
    dates) unless a program admin closed it early (``closed_at``). Who may answer: see
    ``mentoring.assessment_selectors.may_answer``.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=16, choices=AssessmentKind.choices)
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("closes on", help_text="Answers are accepted until the end of this day.")
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a program admin closed it before the end of its closing day."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "opens_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind"], name="assessment_once_per_cohort_kind"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="assessment_closes_after_opens"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("programs:assessment_answer", args=[self.pk])

    @property
    def latest_close_on(self):
        """The last closing day the cohort's dates allow."""
        if self.kind == AssessmentKind.END:
            return self.cohort.ends_on + datetime.timedelta(days=END_ASSESSMENT_GRACE_DAYS)
        return self.cohort.ends_on

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "The survey cannot close before it opens."
        if self.cohort_id and self.opens_on and not self.cohort.starts_on <= self.opens_on <= self.cohort.ends_on:
            errors["opens_on"] = (
                f"The survey must open while the cohort runs: between {self.cohort.starts_on:%d %b %Y} "
                f"and {self.cohort.ends_on:%d %b %Y}."
            )
        if self.cohort_id and self.closes_on and self.closes_on > self.latest_close_on and "closes_on" not in errors:
            if self.kind == AssessmentKind.END:
                errors["closes_on"] = (
                    f"The end survey must close within {END_ASSESSMENT_GRACE_DAYS} days of the cohort's end, "
                    f"by {self.latest_close_on:%d %b %Y}."
                )
            else:
                errors["closes_on"] = (
                    f"The mid-point survey must close by the cohort's end, {self.latest_close_on:%d %b %Y}."
                )
        if errors:
            raise ValidationError(errors)

    def state(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.closed_at is not None or today > self.closes_on:
            return AssessmentState.CLOSED
        if today < self.opens_on:
            return AssessmentState.SCHEDULED
        return AssessmentState.OPEN

    @property
    def is_open(self) -> bool:
        return self.state() == AssessmentState.OPEN

    @property
    def has_opened(self) -> bool:
        return self.opens_on <= timezone.localdate()

    @property
    def days_left(self) -> int:
        """Whole days after today until it closes: 0 on its closing day."""
        return (self.closes_on - timezone.localdate()).days

    @property
    def closed_on(self) -> datetime.date:
        """The day it stopped taking answers (or will)."""
        return timezone.localdate(self.closed_at) if self.closed_at else self.closes_on


class LikertAnswer(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEUTRAL = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


# (field, statement) of the four Likert statements, in the order the form asks them.
ASSESSMENT_STATEMENTS = (
    ("met_as_agreed", "My partner and I met as we agreed."),
    ("learned_used", "I learned something I now use at work."),
    ("taught_used", "I taught my partner something they now use."),
    ("two_way_better", "Teaching each other worked better than one-way mentoring would have."),
)


def _likert_field(statement: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(statement, choices=LikertAnswer.choices)


class AssessmentResponse(models.Model):
    """One participant's answers to one survey; editable until the survey closes.

    Each answer is its own small integer column, so a report counts every answer of every response with
    conditional counts in one query. Nobody but the respondent reads a response: reports show totals only,
    and the comment reaches program admins without a name once enough people answered.
    """

    STATEMENTS = ASSESSMENT_STATEMENTS

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_responses"
    )
    nps = models.PositiveSmallIntegerField(NPS_QUESTION, validators=[MaxValueValidator(10)])
    met_as_agreed = _likert_field(ASSESSMENT_STATEMENTS[0][1])
    learned_used = _likert_field(ASSESSMENT_STATEMENTS[1][1])
    taught_used = _likert_field(ASSESSMENT_STATEMENTS[2][1])
    two_way_better = _likert_field(ASSESSMENT_STATEMENTS[3][1])
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "respondent"], name="assessment_response_once"),
            models.CheckConstraint(condition=models.Q(nps__gte=0, nps__lte=10), name="assessment_response_nps_0_10"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"assessment_response_{name}_1_5",
                )
                for name, _ in ASSESSMENT_STATEMENTS
            ],
        ]

    def __str__(self) -> str:
        # Never the answers: this string shows up in Django admin and logs.
        return f"Answer of {self.respondent} to {self.assessment_id}"


class AssessmentSkillRating(models.Model):
    """A respondent's own rating of where they stand now in one skill they want to learn.

    ``start_level`` is where they started: their skill profile's current level for that skill when they first
    rated it in this cohort (the end survey reuses the mid-point's), so a later profile edit does not move it.
    """

    response = models.ForeignKey(AssessmentResponse, on_delete=models.CASCADE, related_name="skill_ratings")
    skill = models.ForeignKey("accounts.Skill", on_delete=models.PROTECT, related_name="assessment_ratings")
    start_level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        ordering = ["response", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["response", "skill"], name="assessment_rating_once_per_skill"),
            models.CheckConstraint(
                condition=models.Q(start_level__gte=1, start_level__lte=5, level__gte=1, level__lte=5),
                name="assessment_rating_levels_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Skill rating {self.pk} of answer {self.response_id}"


class AssessmentEmail(models.Model):
    """The "your survey is open" e-mail to one participant: claimed by the task that sends it, so it goes out once.

    ``sent_at`` is set when the task claims the row; a row whose person answered (or whose survey closed) before
    it went out is claimed without sending.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="emails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "recipient"], name="assessment_email_once"),
        ]

    def __str__(self) -> str:
        return f"Survey e-mail to {self.recipient} ({self.assessment_id})"
