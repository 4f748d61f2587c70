"""A little community for the demo: alumni of an earlier round, a published story, resources, a call for
volunteers, a cohort that requires training, and an introduction asked for. Safe to load again."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Skill, User
from mentoring.community.models import (
    AlumniMember,
    CohortModule,
    IntroductionRequest,
    InviteStatus,
    ModuleCompletion,
    Resource,
    ResourceStatus,
    Story,
    StoryApproval,
    StoryStatus,
    TrainingModule,
    VolunteerCall,
    VolunteerInvite,
)
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Program

RESOURCES = [
    ("SQL", "Select Star SQL: an interactive book", "https://selectstarsql.com/", ""),
    (
        "Negotiation",
        "Prepare three numbers before you negotiate",
        "",
        "Your target, your walk-away and your "
        "opening offer: write them down before the meeting, and never open at your walk-away.",
    ),
    (
        "Public speaking",
        "Start with the ending",
        "",
        "Write the last sentence of your talk first; every slide should lead to it.",
    ),
]


@transaction.atomic
def load_demo_community(users: dict[str, User], *, program: str) -> None:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    demo_program = Program.objects.get(name=program)
    autumn, _ = Cohort.objects.get_or_create(
        program=demo_program,
        name="Autumn 2026 (first round)",
        defaults={
            "status": CohortStatus.CLOSED,
            "enrollment_opens_on": today - 300 * day,
            "enrollment_closes_on": today - 280 * day,
            "starts_on": today - 270 * day,
            "ends_on": today - 90 * day,
            "capacity": 10,
            **demo_program.rule_values(),
        },
    )
    for key, joins, volunteering in (
        ("erik", True, {"hosts_workshops": True, "speaks_at_events": True}),
        ("fatima", True, {"facilitates_circles": True, "matches_again": True}),
        ("grace", True, {"matches_again": True}),
        ("hugo", False, {}),
    ):
        Enrollment.objects.get_or_create(
            cohort=autumn,
            user=users[key],
            defaults={"status": EnrollmentStatus.ALUMNI, "confidentiality_accepted_at": timezone.now() - 300 * day},
        )
        if joins:
            AlumniMember.objects.get_or_create(user=users[key], defaults=volunteering)

    call, created = VolunteerCall.objects.get_or_create(
        title="Lunch talk: what my partner taught me",
        defaults={
            "activity": "speak",
            "details": "Ten minutes at the June town hall, in the big room or online.",
            "happens_on": today + 30 * day,
            "created_by": users["hr"],
        },
    )
    if created:
        VolunteerInvite.objects.create(
            call=call, user=users["erik"], status=InviteStatus.ACCEPTED, answered_at=timezone.now()
        )
        VolunteerInvite.objects.create(call=call, user=users["fatima"])

    pair = (
        Partnership.objects.filter(
            cohort__program=demo_program, member_a__email=users["ana"].email, member_b__email=users["ben"].email
        ).first()
        or Partnership.objects.filter(cohort__program=demo_program).first()
    )
    if pair and not Story.objects.filter(partnership=pair).exists():
        story = Story.objects.create(
            partnership=pair,
            author=pair.member_a,
            updated_by=pair.member_a,
            title="Dashboards for a pitch, pitches for a dashboard",
            learned_a=f"How {pair.member_b.display_name} opens a pitch: the first sentence carries the meeting.",
            learned_b=f"{pair.member_a.display_name} showed me filters and slicers: I now build my own sales views.",
            quote="I came to teach and left with a new way to prepare every meeting.",
            status=StoryStatus.PUBLISHED,
            published_at=timezone.now() - 2 * day,
            published_by=users["hr"],
        )
        for member in pair.members:
            StoryApproval.objects.create(story=story, user=member, version=1)
    if pair:
        IntroductionRequest.objects.get_or_create(
            partnership=pair,
            asker=pair.member_a,
            defaults={"topic": "presenting numbers to the board"},
        )

    for skill_name, title, url, note in RESOURCES:
        skill = Skill.objects.filter(name=skill_name).first()
        if skill:
            Resource.objects.get_or_create(
                skill=skill,
                title=title,
                defaults={"url": url, "note": note, "status": ResourceStatus.APPROVED, "suggested_by": users["hr"]},
            )

    wave2 = Cohort.objects.filter(program=demo_program, name="Wave 2").first()
    confidentiality = TrainingModule.objects.filter(slug="confidentiality").first()
    if wave2 and confidentiality:
        CohortModule.objects.get_or_create(cohort=wave2, module=confidentiality)
        first = wave2.enrollments.order_by("pk").first()
        if first:
            ModuleCompletion.objects.get_or_create(module=confidentiality, user=first.user)
