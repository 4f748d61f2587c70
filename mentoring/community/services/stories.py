"""Success stories: written by either partner, approved by both, published by the program team."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentoring.community.models import STORY_MIN_HELD_SESSIONS, Story, StoryApproval, StoryStatus
from mentoring.core.db import unique_or
from mentoring.partnerships.models import Partnership
from sessions_log.models import Session

STORY_FIELDS = ("title", "learned_a", "learned_b", "quote")


def held_sessions(partnership: Partnership) -> int:
    return Session.objects.filter(partnership=partnership).held().count()


def _lock(story: Story) -> Story:
    return Story.objects.select_for_update().select_related("partnership").get(pk=story.pk)


def _approve(story: Story, user: User) -> None:
    StoryApproval.objects.get_or_create(story=story, user=user, version=story.version)
    approvers = set(story.approvals.filter(version=story.version).values_list("user_id", flat=True))
    if (
        story.status == StoryStatus.DRAFT
        and {story.partnership.member_a_id, story.partnership.member_b_id} <= approvers
    ):
        story.status = StoryStatus.IN_REVIEW
        story.save(update_fields=["status"])


@transaction.atomic
def story_save(*, partnership: Partnership, editor: User, data: dict, base_version: int) -> Story:
    """Write the pair's story, or change it. Saving approves the text for the editor; any change asks the partner
    to approve again and takes a published story off the program page until both have. ``base_version`` is the
    version the editor read: a change made meanwhile by the partner is refused rather than overwritten."""
    if not partnership.has_member(editor):
        raise ValidationError("Only the two partners write their story.")
    if held_sessions(partnership) < STORY_MIN_HELD_SESSIONS:
        raise ValidationError(f"You can write your story after {STORY_MIN_HELD_SESSIONS} sessions held together.")
    values = {name: data[name] for name in STORY_FIELDS}
    existing = Story.objects.filter(partnership=partnership).first()
    if existing is None:
        if base_version:
            raise ValidationError("Your partner removed this story meanwhile. Reload the page.")
        story = Story(partnership=partnership, author=editor, updated_by=editor, **values)
        story.full_clean(exclude=["partnership"])
        with unique_or(ValidationError("Your partner started your story a moment ago: reload the page.")):
            story.save()
    else:
        story = _lock(existing)
        if story.version != base_version:
            raise ValidationError(
                "Your partner changed the story while you were editing it. Reload the page to see their version."
            )
        unchanged = all(getattr(story, name) == value for name, value in values.items())
        if unchanged and story.status != StoryStatus.WITHDRAWN:
            _approve(story, editor)
            return story
        for name, value in values.items():
            setattr(story, name, value)
        story.full_clean(exclude=["partnership"])
        story.version += 1
        story.status = StoryStatus.DRAFT
        story.published_at = None
        story.published_by = None
        story.updated_at, story.updated_by = timezone.now(), editor
        story.save()
    _approve(story, editor)
    return story


@transaction.atomic
def story_approve(*, story: Story, user: User, version: int) -> Story:
    """A partner approves the version they read; a newer one must be read first."""
    story = _lock(story)
    if not story.partnership.has_member(user):
        raise ValidationError("Only the two partners approve their story.")
    if story.status == StoryStatus.WITHDRAWN:
        raise ValidationError("This story was withdrawn. Edit it to start again.")
    if version != story.version:
        raise ValidationError("The story changed since you read it: read this version, then approve it.")
    _approve(story, user)
    return story


@transaction.atomic
def story_withdraw(*, story: Story, user: User) -> Story:
    """Either partner, at any time: the story leaves every page at once."""
    story = _lock(story)
    if not story.partnership.has_member(user):
        raise ValidationError("Only the two partners withdraw their story.")
    story.status = StoryStatus.WITHDRAWN
    story.published_at = None
    story.published_by = None
    story.save(update_fields=["status", "published_at", "published_by"])
    return story


@transaction.atomic
def story_publish(*, story: Story, published_by: User, version: int) -> Story:
    """The program team publishes the version both partners approved (and the reviewer read)."""
    story = _lock(story)
    if story.status != StoryStatus.IN_REVIEW or story.version != version:
        raise ValidationError("This story is not waiting for review in the version you read: reload the page.")
    story.status = StoryStatus.PUBLISHED
    story.published_at = timezone.now()
    story.published_by = published_by
    story.save(update_fields=["status", "published_at", "published_by"])
    return story
