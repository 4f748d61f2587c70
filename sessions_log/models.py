"""Sessions of a partnership, their two halves, private notes, check-ins and the calendar e-mail outbox.

Times are stored in UTC. A session's two halves are created with it and always have equal planned length;
who mentors first alternates from one session of a pair to the next.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

# A cancellation this close to the start counts as "cancelled late".
LATE_CANCEL_HOURS = 24
# A check-in can be filled until this many days after the session, and edited for this many days after it was sent.
CHECKIN_OPEN_DAYS = 30
CHECKIN_EDITABLE_DAYS = 7
# The teaching balance is judged over this many most recent held sessions, and a pair is flagged when one
# partner mentored for more than this share of the minutes (60/40).
BALANCE_WINDOW_SESSIONS = 3
BALANCE_MAX_SHARE = 0.6


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@twoway"


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held"
    NOT_HELD = "not_held", "Not held"


# Sessions that still occupy time in both partners' calendars: they count for overlaps.
OPEN_STATUSES = (SessionStatus.PROPOSED, SessionStatus.ACCEPTED)
# Sessions whose outcome has been logged.
LOGGED_STATUSES = (SessionStatus.HELD, SessionStatus.NOT_HELD)


class NotHeldReason(models.TextChoices):
    NO_SHOW = "no_show", "Someone did not come"
    CANCELLED_LATE = "cancelled_late", "Cancelled at the last minute"
    OTHER = "other", "Something else"


class NoShow(models.TextChoices):
    MEMBER_A = "a", "Member A"
    MEMBER_B = "b", "Member B"
    BOTH = "both", "Both"


class SessionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def held(self):
        return self.filter(status=SessionStatus.HELD)

    def upcoming(self, now=None):
        return self.open().filter(end__gt=now or timezone.now())

    def for_user(self, user):
        return self.filter(models.Q(partnership__member_a=user) | models.Q(partnership__member_b=user))

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)


class Session(models.Model):
    """One meeting of a partnership. It has two halves: in one A mentors B, in the other B mentors A."""

    # What the pair wrote: never readable, filterable or sortable in Django admin (mentoring.core.admin).
    private_fields = ("agenda", "decline_reason", "cancel_reason")

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="sessions")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    location = models.CharField(
        "place or video link", max_length=300, help_text="A meeting room, a café, or the link to a video call."
    )
    agenda = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.PROPOSED)
    change_note = models.CharField(
        "note with the last change", max_length=300, blank=True, help_text="e.g. why another time was proposed."
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    cancelled_late = models.BooleanField(default=False)
    not_held_reason = models.CharField(max_length=16, choices=NotHeldReason.choices, blank=True)
    no_show = models.CharField("who did not come", max_length=4, choices=NoShow.choices, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(null=True, blank=True)
    # The calendar identity: the UID never changes and SEQUENCE rises with every change, so calendar
    # programs update (or cancel) the same event instead of adding a new one.
    calendar_uid = models.CharField(max_length=100, unique=True, default=new_calendar_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    invitation_sent = models.BooleanField(
        default=False, help_text="Whether a calendar invitation went out, so a cancellation must follow it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="session_ends_after_start"),
            models.CheckConstraint(condition=models.Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=models.Q(no_show="") | models.Q(status=SessionStatus.NOT_HELD, no_show__in=NoShow.values),
                name="session_no_show_only_when_not_held",
            ),
            models.CheckConstraint(
                condition=models.Q(not_held_reason="")
                | models.Q(status=SessionStatus.NOT_HELD, not_held_reason__in=NotHeldReason.values),
                name="session_not_held_reason_only_when_not_held",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "start"], name="session_partnership_start"),
            models.Index(fields=["status", "start"], name="session_status_start"),
        ]

    def __str__(self) -> str:
        return f"Session of {self.partnership} at {self.start:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("sessions_log:session_detail", args=[self.pk])

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_logged(self) -> bool:
        return self.status in LOGGED_STATUSES

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def is_upcoming(self) -> bool:
        return self.is_open and self.end > timezone.now()

    @property
    def awaits_log(self) -> bool:
        """Accepted (or never answered) and its time has come: one of the partners should log what happened."""
        return self.is_open and self.has_started

    @property
    def location_is_link(self) -> bool:
        return self.location.startswith(("https://", "http://"))

    def no_show_people(self) -> list:
        p = self.partnership
        return {"a": [p.member_a], "b": [p.member_b], "both": [p.member_a, p.member_b]}.get(self.no_show, [])


# A proposal offers one to this many times; the partner picks one of them (or declines them all).
MAX_OFFERED_TIMES = 3


class OfferedTime(models.Model):
    """One of the times a proposal offers. The session's own start and end are the first offered time until the
    partner picks one; then they are the picked time. A proposal from before offered times existed has one."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="offered_times")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["session", "start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start"], name="offered_time_once_per_session"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="offered_time_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Offered time {self.start:%Y-%m-%d %H:%M} UTC for session {self.session_id}"


class SessionHalf(models.Model):
    """One half of a session: one partner mentors, the other is mentee and chooses the topic."""

    private_fields = ("topic",)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="halves")
    order = models.PositiveSmallIntegerField(choices=[(1, "First half"), (2, "Second half")])
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=200, blank=True)
    topic_skill = models.ForeignKey(
        "accounts.Skill", on_delete=models.SET_NULL, null=True, blank=True, related_name="session_halves"
    )
    topic_set_at = models.DateTimeField(null=True, blank=True)
    planned_minutes = models.PositiveSmallIntegerField()
    actual_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="session_half_once_per_order"),
            models.CheckConstraint(condition=models.Q(order__in=[1, 2]), name="session_half_order_1_2"),
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("mentee")), name="session_half_mentor_is_not_mentee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_order_display()}: {self.mentor} mentors {self.mentee}"

    @property
    def topic_label(self) -> str:
        return self.topic or (self.topic_skill.name if self.topic_skill_id else "")

    @property
    def minutes(self) -> int:
        """What counts for the teaching balance: the logged minutes, or the plan until the session is logged."""
        return self.planned_minutes if self.actual_minutes is None else self.actual_minutes


class SessionNote(models.Model):
    """A partner's private note on a session. Only the two partners can ever read it."""

    private_fields = ("text",)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "author"], name="session_note_once_per_author")]

    def __str__(self) -> str:
        # Never the text: this string shows up in Django admin and logs.
        return f"Note by {self.author} on session {self.session_id}"


class CheckIn(models.Model):
    """The feedback one partner gives after a held session.

    The free text stays with its author unless ``shared_with_program_team``; the rating is only ever reported
    as an aggregate; ``contact_requested`` is a private signal to the program team.
    """

    FREE_TEXT_FIELDS = ("learned", "taught", "next_time")
    # Never readable, filterable or sortable in Django admin (mentoring.core.admin).
    private_fields = (*FREE_TEXT_FIELDS, "usefulness")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    usefulness = models.PositiveSmallIntegerField(
        "how useful was the session? (1-5)", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    learned = models.TextField("what I learned", max_length=2000, blank=True)
    taught = models.TextField("what I taught", max_length=2000, blank=True)
    next_time = models.TextField("what would make the next one better", max_length=2000, blank=True)
    contact_requested = models.BooleanField(
        "I would like the program team to contact me",
        default=False,
        help_text="Only the program team sees this; your partner does not.",
    )
    shared_with_program_team = models.BooleanField(
        "share my answers with the program team",
        default=False,
        help_text="Otherwise your written answers stay with you; only the rating counts, and only in totals.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="checkin_once_per_session_author"),
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5), name="checkin_usefulness_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in by {self.author} on session {self.session_id}"

    @property
    def editable_until(self):
        return self.created_at + datetime.timedelta(days=CHECKIN_EDITABLE_DAYS)

    @property
    def is_editable(self) -> bool:
        return timezone.now() < self.editable_until


class CheckInGoalProgress(models.Model):
    """Progress toward one of the author's goals, as reported in a check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="goal_progress")
    goal = models.ForeignKey("partnerships.Goal", on_delete=models.CASCADE, related_name="checkin_reports")
    progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["checkin", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "goal"], name="checkin_goal_once"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="checkin_goal_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.progress}% on goal {self.goal_id}"


class EmailKind(models.TextChoices):
    """What a session e-mail is about; its outbox kind is ``session_<kind>`` (templates/emails/session_<kind>_*)."""

    PROPOSAL = "proposal", "New time proposed"
    DECLINED = "declined", "Proposal declined"
    INVITATION = "invitation", "Calendar invitation"
    UPDATE = "update", "Calendar update"
    CANCELLATION = "cancellation", "Cancellation"
    REMINDER = "reminder", "Reminder"
