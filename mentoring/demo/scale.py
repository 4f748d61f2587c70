"""A program at scale for measuring the reports and the admin pages: people, pairs, sessions, check-ins, surveys.

Everything is written with ``bulk_create`` (no signals, no messages, no services): the rows look like what the
services leave behind, which is all the reports and lists read. Deterministic for a given size and seed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Skill, SkillCategory, SkillProfile, User
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Program
from mentoring.surveys.models import Assessment, AssessmentKind, AssessmentResponse
from sessions_log.models import CheckIn, NoShow, NotHeldReason, Session, SessionHalf, SessionStatus

DEPARTMENTS = (
    "Sales",
    "Finance",
    "IT",
    "Marketing",
    "Operations",
    "Legal",
    "People",
    "Product",
    "Engineering",
    "Support",
    "Research",
    "Logistics",
)
SESSION_MINUTES = 60
WEEKS = 20  # each pair's sessions, one a week from the cohort's start
BATCH = 2_000


@dataclass
class ScaleSummary:
    program: Program
    cohorts: list[Cohort]
    participants: int
    pairs: int
    sessions: int
    checkins: int


def _status(rng: random.Random, week: int, weeks_so_far: int) -> str:
    """Past weeks are mostly held; the last weeks are still to come."""
    if week >= weeks_so_far:
        return SessionStatus.ACCEPTED if rng.random() < 0.7 else SessionStatus.PROPOSED
    roll = rng.random()
    if roll < 0.80:
        return SessionStatus.HELD
    if roll < 0.88:
        return SessionStatus.CANCELLED
    if roll < 0.94:
        return SessionStatus.NOT_HELD
    return SessionStatus.DECLINED


@transaction.atomic
def seed_scale(participants: int, *, seed: int = 13, name: str | None = None) -> ScaleSummary:
    """One program of ``participants`` people in two active cohorts (80 % and 20 %), nearly all paired.

    Each pair has 20 weekly sessions from the cohort's start (the first 16 in the past: about 80 % held, then
    cancelled, not held and declined; the rest accepted or proposed), each held session two halves of 30
    minutes on a catalogue skill, and a check-in by each partner for about 70 % of them; a third of the
    participants answered the mid-point survey.
    """
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    tag = name or f"Scale {participants:,}"
    stamp = f"{now:%Y%m%d%H%M%S}{rng.randrange(10**6):06d}"

    category, _ = SkillCategory.objects.get_or_create(name="Scale skills")
    skills = list(Skill.objects.filter(category=category))
    if not skills:
        skills = Skill.objects.bulk_create([Skill(name=f"Scale skill {i:02d}", category=category) for i in range(30)])
        skills = list(Skill.objects.filter(category=category))

    program = Program.objects.create(name=tag, purpose="Measuring the reports at scale.", confidentiality_statement="-")
    weeks_so_far = 16
    starts_on = today - datetime.timedelta(weeks=weeks_so_far, days=1)
    sizes = [participants - participants // 5, participants // 5] if participants >= 10 else [participants]
    cohorts = [
        Cohort.objects.create(
            program=program,
            name=f"Wave {i + 1}",
            status=CohortStatus.ACTIVE,
            enrollment_opens_on=starts_on - datetime.timedelta(days=30),
            enrollment_closes_on=starts_on - datetime.timedelta(days=10),
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(weeks=WEEKS + 4),
            capacity=max(size, 1),
            cadence="weekly",
            session_length_minutes=SESSION_MINUTES,
        )
        for i, size in enumerate(sizes)
    ]

    users = User.objects.bulk_create(
        [
            User(email=f"p{i}.{stamp}@scale.example", full_name=f"Person {i} {tag}", password="!")
            for i in range(participants)
        ],
        batch_size=BATCH,
    )
    if users and users[0].pk is None:  # databases that do not return ids from bulk inserts
        users = list(User.objects.filter(email__endswith=f".{stamp}@scale.example").order_by("pk"))
    SkillProfile.objects.bulk_create(
        [
            SkillProfile(
                user=u,
                department=DEPARTMENTS[rng.randrange(len(DEPARTMENTS))],
                seniority=rng.randint(1, 8),
                job_title="Analyst",
            )
            for u in users
        ],
        batch_size=BATCH,
    )

    enrollments, pairs_to_make = [], []
    start = 0
    for cohort, size in zip(cohorts, sizes, strict=True):
        members = users[start : start + size]
        start += size
        for u in members:
            enrollments.append(Enrollment(cohort=cohort, user=u, status=EnrollmentStatus.APPROVED, applied_at=now))
        # Nearly everyone is paired: a few stay unmatched, as after a real match run.
        paired = members[: len(members) - len(members) // 200]
        for a, b in zip(paired[0::2], paired[1::2], strict=False):
            pairs_to_make.append((cohort, a, b))
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)

    started = timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(9)))
    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                cohort=cohort,
                member_a=a,
                member_b=b,
                a_teaches_b=[skills[rng.randrange(len(skills))].name],
                b_teaches_a=[skills[rng.randrange(len(skills))].name],
                is_one_way=rng.random() < 0.02,
                started_at=started,
            )
            for cohort, a, b in pairs_to_make
        ],
        batch_size=BATCH,
    )
    if partnerships and partnerships[0].pk is None:
        partnerships = list(Partnership.objects.filter(cohort__in=cohorts).order_by("pk"))

    sessions, plan = [], []
    for pair in partnerships:
        for week in range(WEEKS):
            begin = started + datetime.timedelta(weeks=week, hours=rng.randrange(8))
            status = _status(rng, week, weeks_so_far)
            session = Session(
                partnership=pair,
                proposed_by_id=pair.member_a_id,
                start=begin,
                end=begin + datetime.timedelta(minutes=SESSION_MINUTES),
                location="Room 1",
                status=status,
                created_at=begin - datetime.timedelta(days=5),
                updated_at=begin,
            )
            if status == SessionStatus.CANCELLED:
                session.cancelled_at = begin - datetime.timedelta(hours=rng.choice((2, 30, 72)))
                session.cancelled_late = (begin - session.cancelled_at) < datetime.timedelta(hours=24)
                session.cancelled_by_id = pair.member_b_id
            elif status == SessionStatus.NOT_HELD:
                session.not_held_reason = rng.choice(NotHeldReason.values)
                if session.not_held_reason == NotHeldReason.NO_SHOW:
                    session.no_show = rng.choice(NoShow.values)
                session.logged_at = begin + datetime.timedelta(hours=2)
            elif status == SessionStatus.HELD:
                session.logged_at = begin + datetime.timedelta(hours=2)
            sessions.append(session)
            plan.append((pair, week))
    sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
    if sessions and sessions[0].pk is None:
        sessions = list(Session.objects.filter(partnership__cohort__in=cohorts).order_by("pk"))

    halves, checkins = [], []
    half = SESSION_MINUTES // 2
    for session, (pair, week) in zip(sessions, plan, strict=True):
        first, second = (pair.member_a_id, pair.member_b_id) if week % 2 == 0 else (pair.member_b_id, pair.member_a_id)
        held = session.status == SessionStatus.HELD
        for order, (mentor, mentee) in ((1, (first, second)), (2, (second, first))):
            halves.append(
                SessionHalf(
                    session=session,
                    order=order,
                    mentor_id=mentor,
                    mentee_id=mentee,
                    topic_skill=skills[rng.randrange(len(skills))] if held else None,
                    planned_minutes=half,
                    actual_minutes=(half + rng.choice((-10, -5, 0, 0, 0, 5))) if held else None,
                )
            )
        if held:
            for author in (pair.member_a_id, pair.member_b_id):
                if rng.random() < 0.7:
                    checkins.append(
                        CheckIn(
                            session=session,
                            author_id=author,
                            usefulness=rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 5, 10, 8))[0],
                            created_at=session.end + datetime.timedelta(hours=3),
                            updated_at=session.end + datetime.timedelta(hours=3),
                        )
                    )
    SessionHalf.objects.bulk_create(halves, batch_size=BATCH)
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)

    responses = []
    start = 0
    for cohort, size in zip(cohorts, sizes, strict=True):
        survey = Assessment.objects.create(
            cohort=cohort,
            kind=AssessmentKind.MIDPOINT,
            opens_on=today - datetime.timedelta(days=14),
            closes_on=today + datetime.timedelta(days=14),
        )
        for u in users[start : start + size : 3]:
            responses.append(
                AssessmentResponse(
                    assessment=survey,
                    respondent=u,
                    nps=rng.randint(3, 10),
                    met_as_agreed=rng.randint(1, 5),
                    learned_used=rng.randint(1, 5),
                    taught_used=rng.randint(1, 5),
                    two_way_better=rng.randint(1, 5),
                )
            )
        start += size
    AssessmentResponse.objects.bulk_create(responses, batch_size=BATCH)
    return ScaleSummary(program, cohorts, participants, len(partnerships), len(sessions), len(checkins))
