"""A realistic demo organisation for `make run`. Safe to load again: it never duplicates."""

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import OfferedSkill, Skill, SkillProfile, User, WantedSkill
from mentoring.demo.community import load_demo_community
from mentoring.demo.matching import load_demo_matching
from mentoring.demo.sessions import load_demo_sessions
from mentoring.partnerships import services as pairs
from mentoring.partnerships.models import Agreement, Goal, Partnership
from mentoring.programs import services
from mentoring.programs.models import Cohort, CohortStatus, Program
from mentoring.surveys import selectors as assessment_selectors
from mentoring.surveys import services as assessment_services
from mentoring.surveys.models import ASSESSMENT_STATEMENTS, Assessment, AssessmentKind

DEMO_PASSWORD = "twoway-demo"
DOMAIN = "northwind.example"

# email, name, title, department, seniority, manager, tz, location, languages, offers, wants
PEOPLE = [
    (
        "hr",
        "Helena Ruiz",
        "People Programs Lead",
        "People",
        5,
        None,
        "Europe/Madrid",
        "Madrid",
        "Spanish, English",
        {"Coaching": 5, "Facilitation": 4},
        {"Power BI": (1, 3)},
    ),
    (
        "leader",
        "Laurent Dubois",
        "Chief Operating Officer",
        "Operations",
        8,
        None,
        "Europe/Paris",
        "Paris",
        "French, English",
        {"Negotiation": 5, "Strategic thinking": 5, "Leading teams": 5},
        {"Generative AI tools": (1, 3), "Data visualisation": (2, 4)},
    ),
    (
        "ana",
        "Ana Costa",
        "Data Analyst",
        "Finance",
        2,
        "leader",
        "Europe/Lisbon",
        "Lisbon",
        "Portuguese, English, Spanish",
        {"SQL": 4, "Power BI": 4, "Data analysis": 4, "Python": 3},
        {"Public speaking": (2, 4), "Negotiation": (1, 3)},
    ),
    (
        "ben",
        "Ben Okafor",
        "Sales Director",
        "Sales",
        7,
        "leader",
        "Europe/London",
        "London",
        "English",
        {"Negotiation": 5, "Sales": 5, "Public speaking": 4},
        {"Data analysis": (1, 3), "Generative AI tools": (1, 4)},
    ),
    (
        "chloe",
        "Chloé Martin",
        "Junior Software Engineer",
        "Engineering",
        2,
        "dev",
        "Europe/Paris",
        "Paris",
        "French, English",
        {"Generative AI tools": 4, "Python": 4, "Low-code automation": 4, "Git and version control": 4},
        {"Stakeholder management": (1, 3), "Executive communication": (1, 3)},
    ),
    (
        "dev",
        "Devi Raman",
        "Engineering Manager",
        "Engineering",
        5,
        "leader",
        "Asia/Kolkata",
        "Bangalore",
        "English, Hindi",
        {"Leading teams": 4, "Hiring and interviewing": 4, "Cloud platforms": 4},
        {"Social media": (1, 3), "Storytelling": (2, 4)},
    ),
    (
        "erik",
        "Erik Johansson",
        "Finance Director",
        "Finance",
        7,
        "leader",
        "Europe/Stockholm",
        "Stockholm",
        "Swedish, English",
        {"Financial literacy": 5, "Budgeting": 5, "Executive communication": 4},
        {"Power BI": (1, 3), "Low-code automation": (1, 3)},
    ),
    (
        "fatima",
        "Fatima Zahra",
        "Marketing Associate",
        "Marketing",
        2,
        "grace",
        "Africa/Casablanca",
        "Casablanca",
        "Arabic, French, English",
        {"Social media": 5, "Video editing": 4, "Storytelling": 4},
        {"Budgeting": (1, 3), "Business strategy": (2, 4), "Leading teams": (1, 3)},
    ),
    (
        "grace",
        "Grace Liu",
        "VP Marketing",
        "Marketing",
        7,
        "leader",
        "America/New_York",
        "New York",
        "English, Mandarin Chinese",
        {"Business strategy": 5, "Marketing": 5, "Giving feedback": 4, "Difficult conversations": 4},
        {"Video editing": (1, 3), "Tableau": (1, 3)},
    ),
    (
        "hugo",
        "Hugo Silva",
        "Operations Analyst",
        "Operations",
        3,
        "leader",
        "America/Sao_Paulo",
        "São Paulo",
        "Portuguese, English",
        {"Low-code automation": 4, "Process improvement": 4, "Excel modelling": 4},
        {"Leading teams": (2, 4), "Difficult conversations": (1, 3)},
    ),
    (
        "ines",
        "Inès Moreau",
        "HR Business Partner",
        "People",
        4,
        "hr",
        "Europe/Paris",
        "Lyon",
        "French, English",
        {"Difficult conversations": 5, "Active listening": 5},
        {"Excel modelling": (2, 4), "Data analysis": (1, 3)},
    ),
    (
        "jon",
        "Jon Park",
        "Customer Success Manager",
        "Sales",
        4,
        "ben",
        "America/Chicago",
        "Chicago",
        "English, Korean",
        {"Customer experience": 5, "Tableau": 4, "Data visualisation": 4},
        {"Hiring and interviewing": (1, 3), "Negotiation": (2, 4)},
    ),
]


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Create or refresh the demo people; return (e-mail, role) pairs to print."""
    skills = {s.name: s for s in Skill.objects.all()}
    users: dict[str, User] = {}
    for key, name, *_ in PEOPLE:
        email = f"{key}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        users[key] = user
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    users["hr"].is_program_admin = True
    users["hr"].save(update_fields=["is_program_admin"])
    users["leader"].is_leader = True
    users["leader"].save(update_fields=["is_leader"])

    for key, _name, title, dept, seniority, manager, tz, location, languages, offers, wants in PEOPLE:
        user = users[key]
        if user.timezone != tz:
            user.timezone = tz
            user.save(update_fields=["timezone"])
        SkillProfile.objects.update_or_create(
            user=user,
            defaults={
                "job_title": title,
                "department": dept,
                "seniority": seniority,
                "manager": users[manager] if manager else None,
                "location": location,
                "languages": languages,
                "bio": f"{title} in {dept}, based in {location}.",
                "goals": "Learn something new from a colleague I would not otherwise meet.",
                "meeting_mode": "either",
                "preferred_weekdays": [1, 2, 3],
                "preferred_times": ["morning", "afternoon"],
            },
        )
        for skill_name, level in offers.items():
            OfferedSkill.objects.update_or_create(user=user, skill=skills[skill_name], defaults={"level": level})
        for skill_name, (current, target) in wants.items():
            WantedSkill.objects.update_or_create(
                user=user, skill=skills[skill_name], defaults={"current_level": current, "target_level": target}
            )
    load_demo_programs(users)
    load_demo_matching(users, program=DEMO_PROGRAM)
    load_demo_partnerships(users)
    load_demo_sessions()
    load_demo_assessments(users)
    load_demo_community(users, program=DEMO_PROGRAM)
    return [
        (users["hr"].email, "program admin"),
        (users["leader"].email, "leader"),
        *[(users[k].email, "employee") for k in ("ana", "ben", "chloe", "dev")],
    ]


# --- Programs and cohorts -----------------------------------------------------------------------------

DEMO_PROGRAM = "Reverse mentoring 2027"


def load_demo_programs(users: dict[str, User]) -> None:
    """A program with a cohort in matching (approved participants) and one enrolling now.

    Both cohorts go through the real services, with "today" moved back for the one whose enrollment has
    passed. The pilot becomes active once its matches are published (matching/demo.py does that).
    """
    program = Program.objects.filter(name=DEMO_PROGRAM).first() or services.program_create(
        created_by=users["hr"],
        data={
            "name": DEMO_PROGRAM,
            "purpose": (
                "Pairs of colleagues from different levels and departments teach each other: the junior "
                "partner often brings new tools and habits, the senior partner brings judgment and context."
            ),
            "confidentiality_statement": (
                "What my partner tells me in our sessions stays between us. I will not share it with their "
                "manager, with HR or with anyone else unless they ask me to. Program reports only ever show "
                "totals, never what a pair discussed."
            ),
            "session_length_minutes": 60,
            "cadence": "biweekly",
            "reverse_mentoring_weight": Decimal("0.70"),
            "max_timezone_gap_hours": 6,
        },
    )
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    def cohort(name: str, opens: datetime.date, capacity: int) -> tuple[Cohort, bool]:
        existing = program.cohorts.filter(name=name).first()
        if existing:
            return existing, False
        created = services.cohort_create(
            program=program,
            data={
                "name": name,
                "enrollment_opens_on": opens,
                "enrollment_closes_on": opens + 28 * day,
                "starts_on": opens + 35 * day,
                "ends_on": opens + 215 * day,
                "capacity": capacity,
            },
        )
        return services.cohort_open_enrollment(cohort=created, today=opens), True

    def enroll(target: Cohort, key: str, on: datetime.date, *, approve: bool) -> None:
        enrollment = services.enrollment_apply(
            cohort=target,
            user=users[key],
            goals="Learn something new from a colleague I would not otherwise meet.",
            availability="Tuesday or Wednesday mornings, every two weeks.",
            accepts_confidentiality=True,
            today=on,
        )
        if approve:
            services.enrollment_approve(enrollment=enrollment, base_url="")

    # Long enough ago that the pilot's session history (from ten weeks back) follows its start and matching.
    pilot_opens = today - 120 * day
    pilot, created = cohort("Pilot", pilot_opens, capacity=10)
    if created:
        for key in ("ana", "ben", "chloe", "dev", "erik", "fatima", "grace", "hugo"):
            enroll(pilot, key, pilot_opens + 2 * day, approve=True)
        services.cohort_start_matching(cohort=pilot)

    wave2, created = cohort("Wave 2", today - 3 * day, capacity=12)
    if created:
        enroll(wave2, "ines", today, approve=True)
        enroll(wave2, "jon", today, approve=False)
        enroll(wave2, "erik", today, approve=False)


# --- Partnerships, agreements and goals ------------------------------------------------------------

# The pairs the pilot's published match run made (matching/demo.py): their agreements and goals follow.
DEMO_PAIRS = [("ana", "ben"), ("chloe", "erik"), ("dev", "fatima")]

# key -> [(goal title, linked wanted skill or None, progress, achieved)]
DEMO_GOALS = {
    ("ana", "ben"): {
        "ana": [
            ("Present my analysis at the quarterly review", "Public speaking", 40, False),
            ("Prepare and lead one vendor negotiation", "Negotiation", 15, False),
        ],
        "ben": [
            ("Answer my own pipeline questions without waiting for a report", "Data analysis", 55, False),
            ("Summarise my weekly accounts with an AI assistant", "Generative AI tools", 100, True),
        ],
    },
    ("chloe", "erik"): {
        "chloe": [("Write a one-page update my director reads to the end", "Executive communication", 35, False)],
        "erik": [("Automate my monthly budget report", "Low-code automation", 10, False)],
    },
    ("dev", "fatima"): {
        "dev": [("Post about my team's work every month", "Social media", 30, False)],
    },
}


def _demo_agreement_data(cohort: Cohort, outcomes: str, **changes) -> dict:
    return {
        "cadence": cohort.cadence,
        "outcomes": outcomes,
        "channel": "Teams chat",
        "response_time": "one_day",
        "boundaries": "No talk about salaries or performance reviews.",
        "confidentiality": cohort.program.confidentiality_statement,
        **changes,
    }


def load_demo_partnerships(users: dict[str, User]) -> None:
    """Agreements and goals for the pairs the pilot's published match run made.

    One pair has signed its agreement, one waits for a partner's first signature, and in one an edit asks
    the other partner to sign again. The sessions demo adds session history to these pairs. Partnerships
    themselves come only from publishing a match run: a pair the run did not make is skipped.
    """

    cohort = (
        Cohort.objects.filter(program__name=DEMO_PROGRAM, status__in=[CohortStatus.MATCHING, CohortStatus.ACTIVE])
        .select_related("program")
        .order_by("status", "starts_on")  # an active cohort first, else the matching one
        .first()
    )
    if cohort is None:
        return
    wanted = {(w.user_id, w.skill.name): w.skill for w in WantedSkill.objects.select_related("skill")}
    for first_key, second_key in DEMO_PAIRS:
        first, second = users[first_key], users[second_key]
        low, high = sorted([first.pk, second.pk])
        partnership = Partnership.objects.active().filter(cohort=cohort, member_a_id=low, member_b_id=high).first()
        if partnership is None:
            continue
        if not Agreement.objects.filter(partnership=partnership).exists():
            _demo_agreement(cohort, partnership, first_key, users)
        for key, goals in DEMO_GOALS[(first_key, second_key)].items():
            owner = users[key]
            if Goal.objects.filter(partnership=partnership, owner=owner).exists():
                continue
            for title, skill_name, progress, achieved in goals:
                goal = pairs.goal_create(
                    partnership=partnership,
                    owner=owner,
                    title=title,
                    skill=wanted.get((owner.pk, skill_name)),
                    progress=progress,
                )
                if achieved:
                    pairs.goal_mark_achieved(goal=goal, by=owner)


def _demo_agreement(cohort: Cohort, partnership, first_key: str, users: dict[str, User]) -> None:

    sign = pairs.agreement_sign

    def save(**kwargs):
        # Each edit starts from the version it sees, as the agreement page does.
        current = Agreement.objects.filter(partnership=partnership).values_list("version", flat=True).first()
        return pairs.agreement_save(base_version=current, **kwargs)

    if first_key == "ana":  # signed by both
        ana, ben = users["ana"], users["ben"]
        save(
            partnership=partnership,
            editor=ana,
            data=_demo_agreement_data(cohort, "Speak at the quarterly review without notes, and lead a negotiation."),
        )
        agreement = save(
            partnership=partnership,
            editor=ben,
            data=_demo_agreement_data(cohort, "Find my own answers in our sales data instead of waiting for reports."),
        )
        sign(partnership=partnership, user=ana, version=agreement.version, accept_pledge=True)
    elif first_key == "chloe":  # Erik changed it after both signed: Chloé is asked to sign again
        chloe, erik = users["chloe"], users["erik"]
        save(
            partnership=partnership,
            editor=chloe,
            data=_demo_agreement_data(cohort, "Write updates that senior leaders read and act on."),
        )
        agreement = save(
            partnership=partnership,
            editor=erik,
            data=_demo_agreement_data(cohort, "Understand what today's automation tools can do for finance."),
        )
        sign(partnership=partnership, user=chloe, version=agreement.version, accept_pledge=True)
        save(
            partnership=partnership,
            editor=erik,
            data=_demo_agreement_data(
                cohort,
                "Understand what today's automation tools can do for finance.",
                cadence="weekly",
                boundaries="No talk about salaries, performance reviews or the reorganisation.",
            ),
        )
    else:  # Devi wrote it; Fatima has not signed yet
        save(
            partnership=partnership,
            editor=users["dev"],
            data=_demo_agreement_data(cohort, "Tell my team's story so other teams want to work with us."),
        )


# --- Surveys ---------------------------------------------------------------------------------------------

# Five of the pilot's six partners answered the open mid-point survey; Ana has not yet, so her home page asks.
# key -> (NPS, the four statements, how many levels up from the start in each wanted skill, comment)
DEMO_ANSWERS = {
    "ben": (9, (5, 4, 4, 5), 1, "My partner showed me how to answer my own pipeline questions. Best hour of my month."),
    "chloe": (
        10,
        (4, 5, 4, 5),
        1,
        "I did not expect to teach a director anything. I did, and it changed how I see my work.",
    ),
    "erik": (7, (3, 3, 4, 4), 1, ""),
    "dev": (8, (4, 4, 3, 4), 0, "Time zones make it hard to keep a fixed slot; we moved half of our sessions."),
    "fatima": (6, (2, 4, 4, 3), 0, ""),
}


def load_demo_assessments(users: dict[str, User]) -> None:
    """The pilot's mid-point survey, open since five days, with five answers; its end survey is scheduled."""

    pilot = Cohort.objects.filter(program__name=DEMO_PROGRAM, name="Pilot", status=CohortStatus.ACTIVE).first()
    if pilot is None or Assessment.objects.filter(cohort=pilot).exists():
        return
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    midpoint = assessment_services.assessment_schedule(
        cohort=pilot,
        kind=AssessmentKind.MIDPOINT,
        opens_on=today - 5 * day,
        closes_on=today + 9 * day,
        by=users["hr"],
        base_url="",
        today=today - 5 * day,
    )
    assessment_services.assessment_schedule(
        cohort=pilot,
        kind=AssessmentKind.END,
        opens_on=pilot.ends_on - 13 * day,
        closes_on=pilot.ends_on + 7 * day,
        by=users["hr"],
        base_url="",
    )
    for key, (nps, statements, growth, comment) in DEMO_ANSWERS.items():
        user = users[key]
        skills = assessment_selectors.skills_to_rate(user, midpoint)
        answers = {"nps": nps, "comment": comment}
        answers |= {name: value for (name, _), value in zip(ASSESSMENT_STATEMENTS, statements, strict=True)}
        levels = {
            s.skill_id: min(5, s.start_level + (growth if i % 2 == 0 else 1 - growth)) for i, s in enumerate(skills)
        }
        assessment_services.assessment_response_save(
            assessment=midpoint, respondent=user, answers=answers, skill_levels=levels
        )
