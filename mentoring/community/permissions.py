"""Who may see and do what in the community: one function per object kind.

The directory, the published stories and the resource library are for signed-in employees. A volunteer invitation
is its invitee's alone; a story before it is published its two partners' (see can_view_story); calls for volunteers
and the review of stories are the program admins' (the views use `accounts.permissions.program_admin_required`).
"""

from django.http import Http404

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.community.models import Introduction, IntroductionRequest, Story, StoryStatus, VolunteerInvite


def own_volunteer_invite_or_404(user: User, pk: int) -> VolunteerInvite:
    invite = VolunteerInvite.objects.select_related("call").filter(pk=pk, user_id=user.pk).first()
    if invite is None:
        raise Http404("No such invitation.")
    return invite


def can_view_story(user: User, story: Story) -> bool:
    """A published story: every signed-in employee. Before that: its two partners, and the program team once both
    partners approved it (to review it). A withdrawn story: its two partners only."""
    if not (user.is_authenticated and user.is_active):
        return False
    if story.partnership.has_member(user) or story.status == StoryStatus.PUBLISHED:
        return True
    return story.status == StoryStatus.IN_REVIEW and is_program_admin(user)


def story_or_404(user: User, pk: int) -> Story:
    story = (
        Story.objects.select_related(
            "partnership__member_a", "partnership__member_b", "partnership__cohort__program", "updated_by"
        )
        .filter(pk=pk)
        .first()
    )
    if story is None or not can_view_story(user, story):
        raise Http404("No such story.")
    return story


def introduction_or_404(user: User, pk: int) -> Introduction:
    """An introduction (its topic and why) is for its three people only: the asker, the introducer, the colleague."""
    introduction = (
        Introduction.objects.select_related("asker", "introducer", "colleague", "request", "request__skill")
        .filter(pk=pk)
        .first()
    )
    if introduction is None or not (user.is_authenticated and introduction.involves(user)):
        raise Http404("No such introduction.")
    return introduction


def request_to_answer_or_404(user: User, pk: int) -> IntroductionRequest:
    """A request is answered by the asker's partner only."""
    request = IntroductionRequest.objects.select_related("partnership", "asker", "skill").filter(pk=pk).first()
    if request is None or not request.partnership.has_member(user) or request.asker_id == user.pk:
        raise Http404("No such request.")
    return request
