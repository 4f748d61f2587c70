"""The community that outlasts a cohort: the alumni network and the calls for volunteers sent to it.

Joining the alumni network is opt-in (a row here); leaving deletes the row, so the directory shows exactly the
people who said yes.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Activity(models.TextChoices):
    """What an alumnus may volunteer for; a call for volunteers names one of them."""

    WORKSHOP = "workshop", "Host a workshop"
    CIRCLE = "circle", "Facilitate a circle"
    MATCH_AGAIN = "match_again", "Be matched again"
    SPEAK = "speak", "Speak at an event"


# The AlumniMember field that says whether a member volunteers for each activity.
ACTIVITY_FIELDS = {
    Activity.WORKSHOP: "hosts_workshops",
    Activity.CIRCLE: "facilitates_circles",
    Activity.MATCH_AGAIN: "matches_again",
    Activity.SPEAK: "speaks_at_events",
}


class AlumniMember(models.Model):
    """A former participant who joined the alumni network, and what they volunteer for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alumni_member")
    joined_at = models.DateTimeField(default=timezone.now)
    hosts_workshops = models.BooleanField("host a workshop", default=False)
    facilitates_circles = models.BooleanField("facilitate a circle", default=False)
    matches_again = models.BooleanField("be matched again", default=False)
    speaks_at_events = models.BooleanField("speak at an event", default=False)

    class Meta:
        ordering = ["user__full_name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} (alumni network)"

    @property
    def volunteers_for(self) -> list[str]:
        return [activity.label for activity, name in ACTIVITY_FIELDS.items() if getattr(self, name)]


class VolunteerCall(models.Model):
    """A program admin asks chosen alumni to help with one thing on one day."""

    activity = models.CharField(max_length=16, choices=Activity.choices)
    title = models.CharField(max_length=120, help_text="e.g. Lunch talk: what I learned from my partner")
    details = models.TextField(max_length=2000, help_text="What you ask of them, where and for how long.")
    happens_on = models.DateField("date")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(activity__in=Activity.values), name="volunteer_call_activity"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:volunteer_call", args=[self.pk])


class InviteStatus(models.TextChoices):
    INVITED = "invited", "No answer yet"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class VolunteerInvite(models.Model):
    call = models.ForeignKey(VolunteerCall, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_invites")
    status = models.CharField(max_length=16, choices=InviteStatus.choices, default=InviteStatus.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="volunteer_invite_once_per_call"),
            models.CheckConstraint(condition=models.Q(status__in=InviteStatus.values), name="volunteer_invite_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.call} ({self.get_status_display()})"
