"""Keeping pairs alive: each partner's fit check after the first held session, and every follow-up action taken on
a pair (by a program admin, or automatically for an inactive pair), which the at-risk list shows as its history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FitAnswer(models.TextChoices):
    YES = "yes", "Yes, let's go on"
    NOT_SURE = "not_sure", "Not sure yet"
    NO = "no", "No, I'd rather not"


class FitCheck(models.Model):
    """One partner's private answer to "shall we go on?" after the pair's first held session.

    The partner never sees it. Program admins see the answer; the words only when ``share_words``. Leaders see
    neither. A partner may change their answer: the row is updated, so each partner has at most one.
    """

    private_fields = ("words",)

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="fit_checks")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField("shall we go on?", max_length=16, choices=FitAnswer.choices)
    words = models.TextField(
        "anything you would like to add", max_length=2000, blank=True, help_text="Optional. Your partner never sees it."
    )
    share_words = models.BooleanField(
        "share my words with the program admin",
        default=False,
        help_text="Otherwise only your answer reaches the program admin, never your words.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partnership", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "author"], name="fit_check_once_per_partner"),
            models.CheckConstraint(condition=models.Q(answer__in=FitAnswer.values), name="fit_check_answer_valid"),
        ]

    def __str__(self) -> str:
        # Never the words: this string shows up in Django admin and logs.
        return f"Fit check by {self.author} on {self.partnership_id}: {self.answer}"

    @property
    def is_no(self) -> bool:
        return self.answer == FitAnswer.NO


class ActionKind(models.TextChoices):
    NUDGE = "nudge", "Nudge sent"
    CHECKIN_REQUEST = "checkin_request", "Asked both for a check-in"
    REMATCH_OFFER = "rematch_offer", "Re-match offered"
    END = "end", "Ended with notice"
    AUTO_WARNING = "auto_warning", "Warned: inactive (automatic)"
    AUTO_END = "auto_end", "Ended: inactive (automatic)"


# What a program admin does by hand (an automatic action has no ``by``).
ADMIN_ACTIONS = (ActionKind.NUDGE, ActionKind.CHECKIN_REQUEST, ActionKind.REMATCH_OFFER, ActionKind.END)


class FollowupAction(models.Model):
    """Something done about a pair: who (None: done automatically), when, what, which pair.

    ``key`` makes an action once-only: the form's one-time token for a program admin's click (a double submit
    writes one row), or the inactivity it answers for the automatic warning and ending (two beats write one row).
    """

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="followup_actions"
    )
    kind = models.CharField(max_length=32, choices=ActionKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True, help_text="The message sent, or the reason given.")
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "kind", "created_at"], name="followup_action_pair_kind")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ActionKind.values), name="followup_action_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.partnership_id}"

    @property
    def is_automatic(self) -> bool:
        return self.by_id is None
