"""Partnerships (published pairs), their agreement and their goals: the pair's own expectations.

Tables keep the ``mentoring_*`` names they had before each domain became an app of its own (``db_table``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.programs.models import Cadence, Cohort


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

    private_fields = ("end_reason",)

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
        db_table = "mentoring_partnership"
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

    # What the pair agreed: never readable, filterable or sortable in Django admin (mentoring.core.admin).
    private_fields = ("outcomes_a", "outcomes_b", "boundaries", "confidentiality")

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
        db_table = "mentoring_agreement"
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

    private_fields = ("snapshot",)

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentoring_agreementversion"
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
        db_table = "mentoring_agreementsignature"
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

    private_fields = ("title", "notes", "progress", "outcome")

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
        db_table = "mentoring_goal"
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
