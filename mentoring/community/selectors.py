"""Reads of the community pages, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet

from accounts.models import OfferedSkill, User
from mentoring.community.models import (
    ACTIVITY_FIELDS,
    AlumniMember,
    InviteStatus,
    Story,
    StoryStatus,
    VolunteerCall,
    VolunteerInvite,
)
from mentoring.programs.models import Enrollment, EnrollmentStatus
from sessions_log.models import Session

DIRECTORY_PAGE_SIZE = 25


def is_alumnus(user: User) -> bool:
    """Took part in a cohort that has closed (an alumni enrollment)."""
    return bool(
        user.is_authenticated and Enrollment.objects.filter(user_id=user.pk, status=EnrollmentStatus.ALUMNI).exists()
    )


def alumni_member_of(user: User) -> AlumniMember | None:
    return AlumniMember.objects.filter(user_id=user.pk).first()


def alumni_directory(*, skill: str = "", activity: str = "") -> QuerySet[AlumniMember]:
    """The network's members, with job, department, skills offered and the programs they took part in. Paged, it
    costs four queries: the count, the page's rows (with user and profile), their skills, their programs."""
    members = AlumniMember.objects.select_related("user", "user__profile")
    if skill:
        members = members.filter(
            Exists(OfferedSkill.objects.filter(user_id=OuterRef("user_id"), skill__name__icontains=skill))
        )
    if activity in ACTIVITY_FIELDS:
        members = members.filter(**{ACTIVITY_FIELDS[activity]: True})
    return members.prefetch_related(
        Prefetch(
            "user__offered_skills",
            queryset=OfferedSkill.objects.select_related("skill").order_by("-level", "skill__name"),
            to_attr="directory_skills",
        ),
        Prefetch(
            "user__enrollments",
            queryset=Enrollment.objects.filter(status=EnrollmentStatus.ALUMNI)
            .select_related("cohort__program")
            .order_by("cohort__program__name", "cohort__starts_on"),
            to_attr="directory_enrollments",
        ),
    ).order_by("user__full_name", "user__email", "pk")


def programs_of(member: AlumniMember) -> list[str]:
    """The programs a member took part in (from the prefetched alumni enrollments), each once."""
    names: list[str] = []
    for enrollment in member.user.directory_enrollments:
        if enrollment.cohort.program.name not in names:
            names.append(enrollment.cohort.program.name)
    return names


def my_volunteer_invites(user: User) -> list[VolunteerInvite]:
    return list(VolunteerInvite.objects.filter(user_id=user.pk).select_related("call").order_by("-call__happens_on"))


def volunteer_calls() -> QuerySet[VolunteerCall]:
    """Every call, with how many were invited and how many accepted (one query)."""
    return VolunteerCall.objects.annotate(
        invited_count=Count("invites"),
        accepted_count=Count("invites", filter=Q(invites__status=InviteStatus.ACCEPTED)),
    ).order_by("-happens_on", "-pk")


def volunteer_call_invites(call: VolunteerCall) -> list[VolunteerInvite]:
    return list(call.invites.select_related("user", "user__profile").order_by("status", "user__full_name"))


def members_to_invite(call: VolunteerCall) -> QuerySet[User]:
    """Members not invited to this call yet, those who volunteer for its activity first."""
    field = ACTIVITY_FIELDS.get(call.activity)
    invited = VolunteerInvite.objects.filter(call=call, user_id=OuterRef("pk"))
    people = User.objects.filter(alumni_member__isnull=False).exclude(Exists(invited))
    if field:
        people = people.annotate(
            volunteers=ExpressionWrapper(Q(**{f"alumni_member__{field}": True}), output_field=BooleanField())
        )
        return people.order_by("-volunteers", "full_name", "email")
    return people.order_by("full_name", "email")


# --- Success stories ------------------------------------------------------------------------------------------

STORY_RELATED = ("partnership__member_a", "partnership__member_b", "partnership__cohort__program")


def published_stories(*, program_id: int | None = None, limit: int | None = None) -> list[Story]:
    """Published stories, newest first, with both partners and the program (one query)."""
    stories = Story.objects.published().select_related(*STORY_RELATED).order_by("-published_at", "-pk")
    if program_id is not None:
        stories = stories.filter(partnership__cohort__program_id=program_id)
    return list(stories[:limit] if limit else stories)


def stories_in_review() -> list[Story]:
    return list(
        Story.objects.filter(status=StoryStatus.IN_REVIEW).select_related(*STORY_RELATED).order_by("updated_at")
    )


def story_counts() -> dict[str, int]:
    """How many stories are in each state (one query): what leaders see."""
    counts = dict.fromkeys(StoryStatus.values, 0)
    for status, count in Story.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"):
        counts[status] = count
    return counts


def story_approvers(story: Story) -> set[int]:
    """Who approved the story's current version."""
    return set(story.approvals.filter(version=story.version).values_list("user_id", flat=True))


def pair_story(partnership) -> tuple[Story | None, int]:
    """The pair's story (if any) and how many sessions the pair held: two queries."""
    story = Story.objects.filter(partnership=partnership).first()
    return story, Session.objects.filter(partnership=partnership).held().count()


def community_numbers() -> dict[str, int]:
    """Counts only, for leaders: no names, no texts (three queries)."""
    stories = story_counts()
    return {
        "alumni_members": AlumniMember.objects.count(),
        "stories_published": stories[StoryStatus.PUBLISHED],
        "stories_in_progress": stories[StoryStatus.DRAFT] + stories[StoryStatus.IN_REVIEW],
        "volunteers_accepted": VolunteerInvite.objects.filter(status=InviteStatus.ACCEPTED).count(),
    }
