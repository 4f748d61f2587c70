"""Match runs: every run of the engine for a cohort, kept with its parameters, its proposal and who ran and
published it; and the pair rules (locks and exclusions) a program admin sets, which every later run keeps.

The engine (matching/engine.py) knows nothing of these: services.py turns a cohort into engine inputs and the
engine's result into these rows.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from matching.results import FLAG_LABELS


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Proposal ready"
    PUBLISHING = "publishing", "Publishing"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a later run"


class MatchRunKind(models.TextChoices):
    FULL = "full", "Matching"
    REMATCH = "rematch", "Re-match after a pair ended"


# A run the engine is working on; then also one being published: either way its page follows a progress bar and
# nothing else may start in its cohort.
MATCHING_IN_PROGRESS = (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING)
IN_PROGRESS = (*MATCHING_IN_PROGRESS, MatchRunStatus.PUBLISHING)
# A run queued, running or publishing for this long has lost its worker (tasks are killed after 5 minutes).
LOST_AFTER = datetime.timedelta(minutes=15)
# A worker's task writes the run's heartbeat this often; a run whose heartbeat is older than STALE_AFTER has lost
# its worker (or its message), and the sweeper recovers it, at most RECOVERY_ATTEMPTS times before giving up.
HEARTBEAT_EVERY = settings.MATCH_RUN_HEARTBEAT_EVERY
STALE_AFTER = settings.MATCH_RUN_STALE_AFTER
RECOVERY_ATTEMPTS = 3


class MatchRunQuerySet(models.QuerySet):
    def in_progress(self):
        return self.filter(status__in=IN_PROGRESS)


class MatchRun(models.Model):
    """One run of the engine for a cohort: its parameters, its progress, then the proposal an admin reviews."""

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="match_runs")
    number = models.PositiveIntegerField(help_text="1, 2, 3 … within the cohort.")
    kind = models.CharField(max_length=16, choices=MatchRunKind.choices, default=MatchRunKind.FULL)
    status = models.CharField(max_length=16, choices=MatchRunStatus.choices, default=MatchRunStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0-100 %")
    stage = models.CharField(max_length=200, blank=True)
    # What the run was asked to do: the cohort's rules, locks and exclusions, how many people, and why.
    parameters = models.JSONField(default=dict, blank=True)
    candidate_count = models.PositiveIntegerField(default=0)
    # What it found (totals follow the admin's changes to the proposal).
    total_score = models.IntegerField(null=True, blank=True)
    matched_people = models.PositiveIntegerField(null=True, blank=True)
    unmatched_count = models.PositiveIntegerField(null=True, blank=True)
    supply_demand = models.JSONField(default=list, blank=True)
    solver = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    # Changes an admin made to the proposal, oldest first: {"at", "by", "text"}.
    changes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Publishing is a Celery task: who asked is published_by from the start, published_at is set when it commits.
    publish_requested_at = models.DateTimeField(null=True, blank=True)
    publish_error = models.TextField(blank=True, help_text="Why the last attempt to publish published nothing.")
    # Written by the worker while it matches or publishes; read by the sweeper (matching.services.sweeping).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    recoveries = models.PositiveSmallIntegerField(default=0, help_text="Times the sweeper recovered a lost worker.")

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="match_run_number_once_per_cohort"),
            # One run at a time per cohort: a second click while one is queued, running or publishing is refused.
            models.UniqueConstraint(
                fields=["cohort"],
                condition=models.Q(status__in=["queued", "running", "publishing"]),
                name="match_run_one_in_progress_per_cohort",
            ),
            models.CheckConstraint(condition=models.Q(status__in=MatchRunStatus.values), name="match_run_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=MatchRunKind.values), name="match_run_kind_valid"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="match_run_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"Run #{self.number} of {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("matching:run_detail", args=[self.cohort_id, self.number])

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def is_proposal(self) -> bool:
        """A finished proposal the admin may still change and publish."""
        return self.status == MatchRunStatus.DONE

    @property
    def is_publishing(self) -> bool:
        return self.status == MatchRunStatus.PUBLISHING

    @property
    def publish_looks_lost(self) -> bool:
        """Publishing, and no worker has shown a sign of life for a while: asking again is safe (nothing publishes
        twice). The sweeper asks again by itself; this lets an admin do it too."""
        last_sign = self.heartbeat_at or self.publish_requested_at
        return bool(self.is_publishing and last_sign and last_sign < timezone.now() - STALE_AFTER)

    @property
    def pair_count(self) -> int:
        """Pairs in the proposal (the totals follow the admin's changes)."""
        return (self.matched_people or 0) // 2

    @property
    def has_result(self) -> bool:
        return self.status in (
            MatchRunStatus.DONE,
            MatchRunStatus.PUBLISHING,
            MatchRunStatus.PUBLISHED,
            MatchRunStatus.SUPERSEDED,
        )

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchPair(models.Model):
    """A pair in a run's proposal. ``user_a`` has the lower user id; the lists follow them."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField()
    a_teaches_b = models.JSONField(default=list, blank=True)
    b_teaches_a = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="Keys of matching.results.FLAG_LABELS.")
    is_locked = models.BooleanField(default=False, help_text="Kept as it is by later runs.")
    is_manual = models.BooleanField(default=False, help_text="Paired by hand by a program admin.")
    is_one_way = models.BooleanField(default=False, help_text="Only one of the two teaches the other.")

    class Meta:
        ordering = ["run", "-score", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(user_a__lt=models.F("user_b")), name="match_pair_a_before_b"),
            models.UniqueConstraint(fields=["run", "user_a"], name="match_pair_a_once_per_run"),
            models.UniqueConstraint(fields=["run", "user_b"], name="match_pair_b_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.user_a} ⇄ {self.user_b} ({self.score} points)"

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS.get(flag, flag) for flag in self.flags]


class MatchUnmatched(models.Model):
    """Someone a run's proposal leaves without a partner, why, what would help, and the fallbacks."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    suggestions = models.JSONField(default=list, blank=True)
    # [{"kind": "one_way"|"trio", "partner_ids": [user ids], "learns": [...], "teaches": [...], "points": n,
    #   "description": "Fallback (…) …"}]
    fallbacks = models.JSONField(default=list, blank=True)
    allowed_partners = models.PositiveIntegerField(default=0)
    from_broken_pair = models.BooleanField(default=False, help_text="Unmatched because an admin broke their pair.")

    class Meta:
        ordering = ["run", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="match_unmatched_once_per_run")]

    def __str__(self) -> str:
        return f"{self.user} unmatched in run {self.run_id}"

    @property
    def plain_suggestions(self) -> list[str]:
        """Suggestions other than the fallbacks, which the page shows on their own, clearly marked."""
        return [s for s in self.suggestions if not s.startswith("Fallback")]


class PairRuleKind(models.TextChoices):
    LOCK = "lock", "Locked pair"
    EXCLUDE = "exclude", "Never pair"


class PairRule(models.Model):
    """A program admin's decision about two people in a cohort, kept by every later run of it."""

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="pair_rules")
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=PairRuleKind.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "kind", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(user_a__lt=models.F("user_b")), name="pair_rule_a_before_b"),
            models.UniqueConstraint(fields=["cohort", "user_a", "user_b"], name="pair_rule_once_per_pair"),
            models.CheckConstraint(condition=models.Q(kind__in=PairRuleKind.values), name="pair_rule_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user_a} ⇄ {self.user_b}"

    @property
    def is_lock(self) -> bool:
        return self.kind == PairRuleKind.LOCK
