"""Reads of the community pages, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet

from accounts.models import OfferedSkill, User
from mentoring.community.models import (
    ACTIVITY_FIELDS,
    AlumniMember,
    CohortModule,
    Introduction,
    IntroductionRequest,
    IntroductionSettings,
    InviteStatus,
    ModuleCompletion,
    Resource,
    ResourceStatus,
    Story,
    StoryStatus,
    TrainingModule,
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


def alumni_to_invite(cohort) -> QuerySet[User]:
    """Closing the cohort invites these to the alumni network: its approved participants not in it yet."""
    return User.objects.filter(
        enrollments__cohort=cohort, enrollments__status=EnrollmentStatus.APPROVED, alumni_member__isnull=True
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
    """Counts only, for leaders: no names, no texts (five queries)."""
    stories = story_counts()
    return {
        "alumni_members": AlumniMember.objects.count(),
        "stories_published": stories[StoryStatus.PUBLISHED],
        "stories_in_progress": stories[StoryStatus.DRAFT] + stories[StoryStatus.IN_REVIEW],
        "volunteers_accepted": VolunteerInvite.objects.filter(status=InviteStatus.ACCEPTED).count(),
        "introductions_accepted": Introduction.objects.filter(status="accepted").count(),
        "modules_completed": ModuleCompletion.objects.count(),
    }


# --- Training and resources -----------------------------------------------------------------------------------


def training_gate(cohort) -> Q | None:
    """For mentoring.programs.readiness: enrollments whose person has not completed a module the cohort requires.
    One subquery inside matching's own query."""
    done = ModuleCompletion.objects.filter(module_id=OuterRef("module_id"), user_id=OuterRef(OuterRef("user_id")))
    missing = CohortModule.objects.filter(cohort_id=cohort.pk, module__is_published=True).exclude(Exists(done))
    return Q(Exists(missing))


def modules_for(user: User, *, include_unpublished: bool = False) -> list[TrainingModule]:
    """Modules with ``done`` (the viewer completed it): one query."""
    modules = TrainingModule.objects.annotate(
        done=Exists(ModuleCompletion.objects.filter(module_id=OuterRef("pk"), user_id=user.pk))
    )
    if not include_unpublished:
        modules = modules.filter(is_published=True)
    return list(modules.order_by("position", "title"))


@dataclass
class TrainingRow:
    user: User
    done: list[bool]
    missing: list[TrainingModule]


@dataclass
class CohortTraining:
    modules: list[TrainingModule]
    rows: list[TrainingRow]

    @property
    def complete_count(self) -> int:
        return sum(1 for row in self.rows if not row.missing)


def cohort_training(cohort) -> CohortTraining:
    """The cohort's required (published) modules and, for each participant still in the running, which of them
    they completed: three queries, whatever the cohort's size."""
    modules = [
        link.module
        for link in CohortModule.objects.filter(cohort=cohort, module__is_published=True)
        .select_related("module")
        .order_by("module__position", "module__title")
    ]
    enrollments = list(
        cohort.enrollments.filter(status__in=[EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    completed = (
        set(
            ModuleCompletion.objects.filter(
                module__in=[m.pk for m in modules], user_id__in=[e.user_id for e in enrollments]
            ).values_list("user_id", "module_id")
        )
        if modules
        else set()
    )
    rows = []
    for enrollment in enrollments:
        done = [(enrollment.user_id, module.pk) in completed for module in modules]
        missing = [module for module, ok in zip(modules, done, strict=True) if not ok]
        rows.append(TrainingRow(user=enrollment.user, done=done, missing=missing))
    return CohortTraining(modules=modules, rows=rows)


def cohort_training_counts(cohort) -> tuple[int, int]:
    """(required modules, participants who completed them all) for the cohort page's card: two queries."""
    required = CohortModule.objects.filter(cohort=cohort, module__is_published=True).count()
    if not required:
        return 0, 0
    ready = cohort.enrollments.filter(status=EnrollmentStatus.APPROVED).exclude(training_gate(cohort)).count()
    return required, ready


def approved_resources(*, skill_names: list[str] | None = None) -> list[Resource]:
    resources = Resource.objects.filter(status=ResourceStatus.APPROVED).select_related("skill")
    if skill_names is not None:
        resources = resources.filter(skill__name__in=skill_names)
    return list(resources.order_by("skill__name", "title"))


def suggested_resources() -> list[Resource]:
    return list(
        Resource.objects.filter(status=ResourceStatus.SUGGESTED)
        .select_related("skill", "suggested_by")
        .order_by("created_at")
    )


# --- Introductions ---------------------------------------------------------------------------------------------


def open_requests_for(partnership, viewer: User) -> list[IntroductionRequest]:
    """What the viewer's partner asked them (to introduce someone), newest first, with the introductions made."""
    return list(
        IntroductionRequest.objects.filter(partnership=partnership)
        .exclude(asker_id=viewer.pk)
        .select_related("skill")
        .prefetch_related(Prefetch("introductions", queryset=Introduction.objects.select_related("colleague")))
        .order_by("-created_at")[:5]
    )


def my_introductions(user: User) -> dict[str, list[Introduction]]:
    """Introductions the person asked for, made, and was asked to accept (one query)."""
    rows = list(
        Introduction.objects.filter(Q(asker=user) | Q(introducer=user) | Q(colleague=user))
        .select_related("asker", "introducer", "colleague", "request")
        .order_by("-created_at")
    )
    return {
        "to_answer": [i for i in rows if i.colleague_id == user.pk],
        "asked": [i for i in rows if i.asker_id == user.pk],
        "made": [i for i in rows if i.introducer_id == user.pk],
    }


def my_requests(user: User) -> list[IntroductionRequest]:
    return list(IntroductionRequest.objects.filter(asker=user).select_related("skill", "partnership").order_by("-pk"))


def introducible_colleagues(request: IntroductionRequest, introducer: User) -> QuerySet[User]:
    """Active people who accept introductions, not the two partners, not introduced to the asker already."""
    off = IntroductionSettings.objects.filter(user_id=OuterRef("pk"), introductions_off=True)
    already = Introduction.objects.filter(asker_id=request.asker_id, colleague_id=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True)
        .exclude(pk__in=[request.asker_id, introducer.pk])
        .exclude(Exists(off))
        .exclude(Exists(already))
        .select_related("profile")
        .order_by("full_name", "email")
    )
