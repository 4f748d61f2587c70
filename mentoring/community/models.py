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


# --- Success stories ------------------------------------------------------------------------------------------

# A pair may write its story once it has met this often.
STORY_MIN_HELD_SESSIONS = 3


class StoryStatus(models.TextChoices):
    DRAFT = "draft", "Waiting for both partners to approve"
    IN_REVIEW = "in_review", "Waiting for the program team"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=StoryStatus.PUBLISHED)


class Story(models.Model):
    """What the two partners of a pair learned from each other, in their own words.

    Both partners are named in it, so both approve its text (each version: an edit asks again); then the program
    team publishes it. Either partner can withdraw it at any time.
    """

    # The pair's own words until both approve and it is published: never read in Django admin.
    private_fields = ("learned_a", "learned_b", "quote")

    partnership = models.OneToOneField("partnerships.Partnership", on_delete=models.CASCADE, related_name="story")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    learned_a = models.TextField("what A learned from B", max_length=2000)
    learned_b = models.TextField("what B learned from A", max_length=2000)
    quote = models.CharField(max_length=300, blank=True, help_text="Optional: one sentence you would like quoted.")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=StoryStatus.choices, default=StoryStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-updated_at", "-pk"]
        verbose_name_plural = "stories"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=StoryStatus.values), name="story_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=StoryStatus.PUBLISHED) | models.Q(published_at__isnull=False),
                name="story_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:story", args=[self.pk])


class StoryApproval(models.Model):
    """A partner approved one version of the story's text."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["story", "user", "version"], name="story_approval_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} approved version {self.version} of {self.story}"


# --- Training modules and the resource library ----------------------------------------------------------------


class TrainingModule(models.Model):
    """A short training text in Markdown (rendered sanitised), completed by acknowledging it or by a short quiz.

    ``quiz`` is a list of questions, each ``{"question": str, "options": [str, ...], "answer": index}``; empty means
    the module is completed by ticking that it was read.
    """

    title = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(max_length=20000, help_text="Markdown: headings, lists, links, emphasis. No HTML.")
    quiz = models.JSONField(default=list, blank=True)
    is_published = models.BooleanField("published", default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:module", args=[self.slug])


class ModuleCompletion(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module", "user"], name="module_completed_once")]

    def __str__(self) -> str:
        return f"{self.user} completed {self.module}"


class CohortModule(models.Model):
    """A module the cohort's participants complete before they are matched."""

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="required_modules")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "module"], name="cohort_module_once")]

    def __str__(self) -> str:
        return f"{self.cohort} requires {self.module}"


class ResourceStatus(models.TextChoices):
    SUGGESTED = "suggested", "Waiting for review"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Resource(models.Model):
    """A link or a note that helps learn one skill: anyone suggests it, a program admin approves it."""

    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120)
    url = models.URLField("link", max_length=500, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.SUGGESTED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["skill__name", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ResourceStatus.values), name="resource_status_valid"),
            models.CheckConstraint(condition=~models.Q(url="", note=""), name="resource_has_link_or_note"),
            models.CheckConstraint(
                condition=models.Q(url="") | models.Q(url__startswith="http://") | models.Q(url__startswith="https://"),
                name="resource_url_http",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Introductions (double opt-in) -----------------------------------------------------------------------------


class IntroductionSettings(models.Model):
    """A person's choice about being introduced; no row means they accept introductions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    introductions_off = models.BooleanField("do not introduce me to anyone", default=False)

    def __str__(self) -> str:
        return f"Introduction settings of {self.user}"


class IntroductionRequest(models.Model):
    """A partner asks the other: "who in your network should I meet about this?"."""

    private_fields = ("topic",)

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="introduction_requests"
    )
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField("what about", max_length=300)
    skill = models.ForeignKey("accounts.Skill", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Introduction asked by {self.asker}"


class IntroductionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the colleague"
    ACCEPTED = "accepted", "Accepted: introduced"
    DECLINED = "declined", "Declined"


class Introduction(models.Model):
    """The other partner names a colleague and says why; nobody is introduced until that colleague says yes."""

    private_fields = ("why",)

    request = models.ForeignKey(IntroductionRequest, on_delete=models.CASCADE, related_name="introductions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    introducer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    colleague = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    why = models.TextField("why they should meet", max_length=1000)
    status = models.CharField(max_length=16, choices=IntroductionStatus.choices, default=IntroductionStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["asker", "colleague"], name="introduction_once_per_two_people"),
            models.CheckConstraint(
                condition=~models.Q(colleague=models.F("asker")) & ~models.Q(colleague=models.F("introducer")),
                name="introduction_not_to_oneself",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=IntroductionStatus.values), name="introduction_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.introducer} introduces {self.colleague} to {self.asker}"

    def get_absolute_url(self) -> str:
        return reverse("community:introduction", args=[self.pk])

    def involves(self, user) -> bool:
        return user.pk in (self.asker_id, self.introducer_id, self.colleague_id)
