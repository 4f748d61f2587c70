"""Session history for the demo pairs: held sessions with halves, notes and check-ins, one pair out of balance
and one that has stopped meeting. Safe to load again: a pair that already has sessions is left alone.

Past sessions are written directly (the services only schedule sessions in the future); upcoming ones look
exactly as if the partners had proposed and accepted them.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentoring.partnerships.models import Goal, Partnership
from sessions_log.models import CheckIn, CheckInGoalProgress, Session, SessionHalf, SessionNote

DOMAIN = "northwind.example"
PROGRAM = "Reverse mentoring 2027"

# One entry per session, oldest first:
# (days from today (negative = past), status, (first-half minutes, second-half minutes) or None, extras)
# The first half's mentor alternates, starting with member A (the first person of each pair below); the topic
# of each half is the mentee's. Extras may hold
# "topics" (topic of half 1, of half 2), "checkins" {person: (usefulness, learned, taught, next time,
# shared, contact)}, "note" (person, text), "not_held" (reason, who), "cancel" (person, reason, late),
# "proposed_by" (person).
PLANS = {
    ("ana", "ben"): [
        (
            -44,
            "held",
            (30, 30),
            {
                "topics": ("Reading a sales dashboard", "Speaking without slides"),
                "checkins": {
                    "ana": (
                        5,
                        "How Ben opens a pitch: the first sentence carries it.",
                        "Filters and slicers.",
                        "",
                        False,
                        False,
                    ),
                    "ben": (
                        4,
                        "Where our pipeline data lives.",
                        "Opening a talk.",
                        "Real data next time.",
                        True,
                        False,
                    ),
                },
                "note": ("ben", "Ana suggested I keep a question log between sessions."),
            },
        ),
        (
            -30,
            "held",
            (35, 25),
            {
                "topics": ("Handling objections", "SQL joins on our CRM tables"),
                "checkins": {
                    "ana": (4, "Pausing before answering an objection.", "Joins.", "", False, False),
                    "ben": (5, "Wrote my first query.", "How to handle objections.", "", False, False),
                },
            },
        ),
        (
            -16,
            "held",
            (30, 30),
            {
                "topics": ("My accounts on one Power BI page", "Rehearsal of my quarterly review talk"),
                "checkins": {
                    "ana": (5, "My talk is now 7 minutes, not 15.", "Power BI filters.", "", False, False),
                    "ben": (4, "My accounts on one page.", "Feedback on Ana's talk.", "", True, False),
                },
                "note": ("ana", "Ben: ask for the budget before the vendor names a price."),
            },
        ),
        (
            -2,
            "held",
            (30, 30),
            {
                "topics": ("Vendor negotiation role-play", "Building my own pipeline report"),
                "checkins": {"ben": (5, "Built the report myself!", "Negotiation role-play.", "", False, False)},
            },
        ),
        (
            6,
            "accepted",
            None,
            {"topics": ("", "Negotiating with procurement")},
        ),
        (20, "proposed", None, {"proposed_by": "ben"}),
    ],
    # Out of balance: Erik's half keeps taking over.
    ("chloe", "erik"): [
        (
            -40,
            "held",
            (30, 30),
            {
                "topics": ("What low-code tools exist", "One-page updates for the board"),
                "checkins": {
                    "chloe": (4, "Lead with the decision you need.", "A tour of Power Automate.", "", False, False),
                    "erik": (4, "Automation is less scary than I thought.", "Board updates.", "", False, False),
                },
            },
        ),
        (
            -26,
            "held",
            (40, 20),
            {
                "topics": ("Writing for a director", ""),
                "checkins": {
                    "chloe": (3, "Good tips on structure.", "Not much this time.", "Time for my half.", False, False)
                },
            },
        ),
        (
            -12,
            "held",
            (15, 45),
            {
                "topics": ("Automating the monthly report", "Presenting a budget variance"),
                "checkins": {
                    "chloe": (
                        3,
                        "How Erik reads a budget.",
                        "Very little: we ran out of time for my half again.",
                        "Keep to the two halves.",
                        True,
                        True,
                    ),
                    "erik": (5, "Chloé is a great listener.", "Budget variance.", "", False, False),
                },
            },
        ),
        (
            -5,
            "held",
            (40, 20),
            {"topics": ("Executive summaries", "First flow in Power Automate")},
        ),
    ],
    # Stopped meeting: two good sessions, then a no-show and a late cancellation, and nothing since.
    ("dev", "fatima"): [
        (
            -70,
            "held",
            (30, 30),
            {
                "topics": ("", "Posting about my team's work"),
                "checkins": {"dev": (4, "A posting rhythm that fits my week.", "", "", False, False)},
            },
        ),
        (-56, "held", (30, 30), {"topics": ("Storytelling for engineers", "")}),
        (-42, "not_held", None, {"not_held": ("no_show", "dev")}),
        (-29, "cancelled", None, {"cancel": ("dev", "Release week, sorry.", True)}),
    ],
}


def _user(key: str) -> User | None:
    return User.objects.filter(email=f"{key}@{DOMAIN}").first()


def _at(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@transaction.atomic
def load_demo_sessions() -> int:
    """Give the demo pairs their history; returns how many sessions were added."""
    added = 0
    for (first_key, second_key), plan in PLANS.items():
        first, second = _user(first_key), _user(second_key)
        if first is None or second is None:
            continue
        low, high = sorted([first.pk, second.pk])
        partnership = (
            Partnership.objects.active()
            .filter(cohort__program__name=PROGRAM, member_a_id=low, member_b_id=high)
            .select_related("cohort", "member_a", "member_b")
            .first()
        )
        if partnership is None or partnership.sessions.exists():
            continue
        people = {first_key: first, second_key: second}
        earliest = _at(plan[0][0]) - datetime.timedelta(days=7)
        if partnership.started_at > earliest:
            # The pair has to exist before its history does.
            Partnership.objects.filter(pk=partnership.pk).update(started_at=earliest)
        for index, entry in enumerate(plan):
            _add_session(partnership, people, index, *entry)
            added += 1
    return added


def _add_session(partnership: Partnership, people: dict, index: int, days: int, status: str, minutes, extras) -> None:
    keys = list(people)
    length = partnership.cohort.session_length_minutes
    start = _at(days)
    proposer = people[extras.get("proposed_by", keys[index % 2])]
    logged = status in ("held", "not_held")
    session = Session.objects.create(
        partnership=partnership,
        proposed_by=proposer,
        start=start,
        end=start + datetime.timedelta(minutes=length),
        location="https://teams.example/meet/twoway-demo" if index % 2 else "Café on the 3rd floor",
        agenda="Two halves, as agreed: one topic each." if index == 0 else "",
        status=status,
        responded_at=start - datetime.timedelta(days=5),
        invitation_sent=status != "proposed",
        sequence=1 if status == "proposed" else 2,
        logged_by=proposer if logged else None,
        logged_at=start + datetime.timedelta(hours=2) if logged else None,
        created_at=start - datetime.timedelta(days=7),
        updated_at=start + datetime.timedelta(hours=2) if logged else start - datetime.timedelta(days=5),
    )
    if "not_held" in extras:
        reason, who = extras["not_held"]
        session.not_held_reason = reason
        session.no_show = "a" if people[who].pk == partnership.member_a_id else "b"
        session.save(update_fields=["not_held_reason", "no_show"])
    if "cancel" in extras:
        who, reason, late = extras["cancel"]
        session.cancelled_by, session.cancel_reason, session.cancelled_late = people[who], reason, late
        session.cancelled_at = start - datetime.timedelta(hours=3 if late else 72)
        session.save(update_fields=["cancelled_by", "cancel_reason", "cancelled_late", "cancelled_at"])

    first_mentor = partnership.member_a if index % 2 == 0 else partnership.member_b
    second_mentor = partnership.partner_of(first_mentor)
    topics = extras.get("topics", ("", ""))
    actual = minutes or (None, None)
    SessionHalf.objects.bulk_create(
        [
            SessionHalf(
                session=session,
                order=order,
                mentor=mentor,
                mentee=partnership.partner_of(mentor),
                topic=topic,
                topic_set_at=session.created_at if topic else None,
                planned_minutes=length // 2,
                actual_minutes=value,
            )
            for order, mentor, topic, value in (
                (1, first_mentor, topics[0], actual[0]),
                (2, second_mentor, topics[1], actual[1]),
            )
        ]
    )
    if "note" in extras:
        author, text = extras["note"]
        SessionNote.objects.create(
            session=session,
            author=people[author],
            text=text,
            created_at=session.updated_at,
            updated_at=session.updated_at,
        )
    for key, (usefulness, learned, taught, next_time, shared, contact) in extras.get("checkins", {}).items():
        when = start + datetime.timedelta(days=1)
        checkin = CheckIn.objects.create(
            session=session,
            author=people[key],
            usefulness=usefulness,
            learned=learned,
            taught=taught,
            next_time=next_time,
            shared_with_program_team=shared,
            contact_requested=contact,
            created_at=when,
            updated_at=when,
        )
        CheckInGoalProgress.objects.bulk_create(
            CheckInGoalProgress(checkin=checkin, goal=goal, progress=goal.progress)
            for goal in Goal.objects.filter(partnership=partnership, owner=people[key], status="open")
        )
