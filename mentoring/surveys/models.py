"""Surveys (assessments): each cohort's mid-point and end survey, the answers and the skill self-ratings.

Tables keep the ``mentoring_*`` names they had before each domain became an app of its own (``db_table``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentoring.programs.models import Cohort

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
        db_table = "mentoring_assessment"
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
        return reverse("surveys:answer", args=[self.pk])

    @property
    def latest_close_on(self):
        """The last closing day the cohort's dates allow."""
        if self.kind == AssessmentKind.END:
            grace = datetime.timedelta(days=END_ASSESSMENT_GRACE_DAYS)
            # A cohort saved before its dates were bounded may end near the calendar's last day: never overflow.
            return min(self.cohort.ends_on, datetime.date.max - grace) + grace
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
    # Each answer is the respondent's own: never readable, filterable or sortable in Django admin.
    private_fields = ("nps", *(name for name, _ in ASSESSMENT_STATEMENTS), "comment")

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
        db_table = "mentoring_assessmentresponse"
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

    private_fields = ("start_level", "level")

    response = models.ForeignKey(AssessmentResponse, on_delete=models.CASCADE, related_name="skill_ratings")
    skill = models.ForeignKey("accounts.Skill", on_delete=models.PROTECT, related_name="assessment_ratings")
    start_level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        db_table = "mentoring_assessmentskillrating"
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
