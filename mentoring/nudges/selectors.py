"""What is due: one set-based query per rule, whatever the number of people, pairs and sessions.

Each rule's query keeps only the rows whose nudge could be due now, with everything its e-mail needs (select_related)
and, per partner, whether they may be nudged (an active account, enrolled and not withdrawn) and whether their nudge
is already written (``Exists`` on the outbox's unique key). Python then keeps the (row, person) pairs that are due.
The returned ``Due`` items are not written yet: ``services.nudges_sweep`` renders and queues them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse

from accounts.models import User
from matching.models import MatchRun, MatchRunStatus, MatchUnmatched
from mentoring.notifications.models import Message
from mentoring.nudges.unmatched import for_participant
from mentoring.partnerships.models import AgreementSignature, Goal, Partnership, PartnershipStatus
from mentoring.programs.models import Cadence, CohortStatus, Enrollment, EnrollmentStatus
from mentoring.surveys.models import AssessmentResponse
from mentoring.surveys.selectors import ANSWERING_STATUSES
from sessions_log.models import CHECKIN_OPEN_DAYS, OPEN_STATUSES, CheckIn, Session, SessionHalf, SessionStatus

DAY = datetime.timedelta(days=1)
# Check-in reminders: this many days after a held session (its end), then no more.
CHECKIN_NUDGE_DAYS = (1, 3)
# Log your session: this long after a session's end, when nobody logged it.
LOG_AFTER = DAY
# Cadence: this long past the agreed cadence with nothing scheduled.
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}
CADENCE_GRACE = 2 * DAY
# Agreement: this long after the match, when the person has not signed its current version.
AGREEMENT_AFTER = 7 * DAY
# Goals: once the pair has held this many sessions and the person has no goal.
GOALS_AFTER_HELD = 2
# Surveys: this many days before the closing day, when the person has not answered.
SURVEY_DAYS_BEFORE = 2
# Profile: this many days before enrollment closes, when the person's skill profile is incomplete.
PROFILE_DAYS_BEFORE = 3
# A nudge whose moment passed longer ago than this is not sent: a sweep that was down for weeks, or nudges switched
# on under a running cohort, never e-mails about old things.
LOOKBACK = 14 * DAY
# Unmatched people of runs published this recently are told by the sweep if publishing's signal did not tell them.
UNMATCHED_LOOKBACK = 7 * DAY


def nudge_key(kind: str, object_id: int, user_id: int, occurrence: object = 1) -> str:
    """``nudge:<kind>:<object>:<person>:<occurrence>``: the outbox's unique key, so each nudge is written once."""
    return f"nudge:{kind}:{object_id}:{user_id}:{occurrence}"


def _told(kind: str, object_ref, user_ref, occurrence=1) -> Exists:
    """Whether the nudge's message exists: the same key as nudge_key, built in SQL (one index probe per row)."""
    occurrence = Value(str(occurrence)) if isinstance(occurrence, (int, str)) else Cast(occurrence, CharField())
    key = Concat(
        Value(f"nudge:{kind}:"),
        Cast(object_ref, CharField()),
        Value(":"),
        Cast(user_ref, CharField()),
        Value(":"),
        occurrence,
        output_field=CharField(),
    )
    return Exists(Message.objects.filter(key=key))


def _may_nudge(cohort_ref, user_ref, statuses=(EnrollmentStatus.APPROVED,)) -> Exists:
    """The person still takes part: an active account and an enrollment in the cohort (never a withdrawn one)."""
    return Exists(
        Enrollment.objects.filter(
            cohort_id=cohort_ref, user_id=user_ref, status__in=statuses, user__is_active=True
        ).exclude(status=EnrollmentStatus.WITHDRAWN)
    )


def _per_member(prefix: str = "") -> dict:
    """may_a / may_b: each partner of the row's partnership may be nudged."""
    return {
        "may_a": _may_nudge(OuterRef(f"{prefix}cohort_id"), OuterRef(f"{prefix}member_a_id")),
        "may_b": _may_nudge(OuterRef(f"{prefix}cohort_id"), OuterRef(f"{prefix}member_b_id")),
    }


def _live(prefix: str = "") -> Q:
    """An active pair of an active cohort: never an ended pair, never a closed cohort."""
    return Q(**{f"{prefix}status": PartnershipStatus.ACTIVE, f"{prefix}cohort__status": CohortStatus.ACTIVE})


@dataclass
class Due:
    """One nudge to write: its kind (templates/emails/<kind>_*), key, recipient and what its e-mail says."""

    kind: str
    key: str
    user: User
    context: dict = field(default_factory=dict)
    expires_at: datetime.datetime | None = None


def _members(partnership: Partnership):
    """(member, partner, letter) for each partner of the pair."""
    return ((partnership.member_a, partnership.member_b, "a"), (partnership.member_b, partnership.member_a, "b"))


# --- Sessions --------------------------------------------------------------------------------------------------


def checkin_due(now: datetime.datetime) -> list[Due]:
    """A held session's check-in, a day and three days after it (each on its own day, then no more), while the
    cohort's check-in window (``checkin_due_days``) is open that day and the person has not filled it. One query."""
    first, last = CHECKIN_NUDGE_DAYS[0], CHECKIN_NUDGE_DAYS[-1]
    told = {
        f"told_{letter}_{n}": _told("checkin_due", OuterRef("pk"), OuterRef(f"partnership__member_{letter}_id"), n)
        for letter in "ab"
        for n in range(1, len(CHECKIN_NUDGE_DAYS) + 1)
    }
    sessions = (
        Session.objects.filter(_live("partnership__"), status=SessionStatus.HELD)
        .filter(end__lte=now - first * DAY, end__gt=now - (last + 1) * DAY)
        .filter(start__gte=now - datetime.timedelta(days=CHECKIN_OPEN_DAYS))
        .select_related("partnership__member_a", "partnership__member_b", "partnership__cohort__program")
        .annotate(
            **_per_member("partnership__"),
            filled_a=Exists(CheckIn.objects.filter(session=OuterRef("pk"), author=OuterRef("partnership__member_a"))),
            filled_b=Exists(CheckIn.objects.filter(session=OuterRef("pk"), author=OuterRef("partnership__member_b"))),
            **told,
        )
    )
    due = []
    for session in sessions:
        pair = session.partnership
        for n, days in enumerate(CHECKIN_NUDGE_DAYS, start=1):
            moment = session.end + days * DAY
            if not (moment <= now < moment + DAY) or days > pair.cohort.checkin_due_days:
                continue
            for member, partner, letter in _members(pair):
                if getattr(session, f"may_{letter}") and not getattr(session, f"filled_{letter}"):
                    if getattr(session, f"told_{letter}_{n}"):
                        continue
                    due.append(
                        Due(
                            "checkin_due",
                            nudge_key("checkin_due", session.pk, member.pk, n),
                            member,
                            {
                                "session": session,
                                "partner": partner,
                                "partnership": pair,
                                "cohort": pair.cohort,
                                "occurrence": n,
                                # No reminder follows: this is the last one, or the window closes before the next.
                                "last": n == len(CHECKIN_NUDGE_DAYS)
                                or CHECKIN_NUDGE_DAYS[n] > pair.cohort.checkin_due_days,
                                "path": reverse("sessions_log:checkin", args=[session.pk]),
                            },
                            expires_at=moment + DAY,
                        )
                    )
    return due


def session_log_due(now: datetime.datetime) -> list[Due]:
    """An accepted session whose time has passed (its end, a day ago) and that nobody logged as held or not held:
    both partners are asked to log it, once. One query."""
    sessions = (
        Session.objects.filter(_live("partnership__"), status=SessionStatus.ACCEPTED)
        .filter(end__lte=now - LOG_AFTER, end__gt=now - LOG_AFTER - LOOKBACK)
        .select_related("partnership__member_a", "partnership__member_b", "partnership__cohort__program")
        .annotate(
            **_per_member("partnership__"),
            told_a=_told("session_log_due", OuterRef("pk"), OuterRef("partnership__member_a_id")),
            told_b=_told("session_log_due", OuterRef("pk"), OuterRef("partnership__member_b_id")),
        )
        .filter(Q(may_a=True, told_a=False) | Q(may_b=True, told_b=False))
    )
    due = []
    for session in sessions:
        pair = session.partnership
        for member, partner, letter in _members(pair):
            if getattr(session, f"may_{letter}") and not getattr(session, f"told_{letter}"):
                due.append(
                    Due(
                        "session_log_due",
                        nudge_key("session_log_due", session.pk, member.pk),
                        member,
                        {
                            "session": session,
                            "partner": partner,
                            "partnership": pair,
                            "cohort": pair.cohort,
                            "path": reverse("sessions_log:session_log", args=[session.pk]),
                        },
                    )
                )
    return due


# --- Partnerships ----------------------------------------------------------------------------------------------

# Sessions that count as meeting (or trying to): everything but declined and cancelled proposals.
_MET = (SessionStatus.HELD, SessionStatus.NOT_HELD, *OPEN_STATUSES)


def cadence_lapsed(now: datetime.datetime) -> list[Due]:
    """Nothing scheduled within the pair's cadence (their agreement's, else the cohort's): two days past it, both
    partners are asked to schedule. Counted from the last session (held, not held, accepted or proposed), or from
    the match when there is none; the occurrence is that last session (0: none), so each lapse is nudged once and
    a new session starts the clock again. One query."""
    last = Session.objects.filter(partnership=OuterRef("pk"), status__in=_MET).order_by("-start", "-pk")
    pairs = (
        Partnership.objects.filter(_live())
        .annotate(
            last_id=Coalesce(Subquery(last.values("pk")[:1]), 0),
            last_start=Subquery(last.values("start")[:1]),
            upcoming=Exists(Session.objects.filter(partnership=OuterRef("pk"), status__in=OPEN_STATUSES, end__gt=now)),
            cadence_value=Coalesce("agreement__cadence", "cohort__cadence"),
        )
        .filter(upcoming=False)
        .annotate(
            **_per_member(),
            told_a=_told("cadence_lapsed", OuterRef("pk"), OuterRef("member_a_id"), OuterRef("last_id")),
            told_b=_told("cadence_lapsed", OuterRef("pk"), OuterRef("member_b_id"), OuterRef("last_id")),
        )
        .filter(Q(may_a=True, told_a=False) | Q(may_b=True, told_b=False))
        .select_related("member_a", "member_b", "cohort__program")
    )
    due = []
    for pair in pairs:
        anchor = max(pair.started_at, pair.last_start) if pair.last_start else pair.started_at
        days = CADENCE_DAYS.get(pair.cadence_value, CADENCE_DAYS[Cadence.BIWEEKLY])
        moment = anchor + days * DAY + CADENCE_GRACE
        if not moment <= now < moment + LOOKBACK:
            continue
        for member, partner, letter in _members(pair):
            if getattr(pair, f"may_{letter}") and not getattr(pair, f"told_{letter}"):
                due.append(
                    Due(
                        "cadence_lapsed",
                        nudge_key("cadence_lapsed", pair.pk, member.pk, pair.last_id),
                        member,
                        {
                            "partner": partner,
                            "partnership": pair,
                            "cohort": pair.cohort,
                            "cadence": Cadence(pair.cadence_value).label
                            if pair.cadence_value in Cadence.values
                            else "",
                            "since": anchor,
                            "met_before": bool(pair.last_id),
                            "path": reverse("sessions_log:session_propose", args=[pair.pk]),
                        },
                    )
                )
    return due


def agreement_unsigned(now: datetime.datetime) -> list[Due]:
    """Seven days after the match, each partner who has not signed the agreement's current version (or whose pair
    has no agreement yet) is asked to, once. One query."""

    def signed(letter: str) -> Exists:
        return Exists(
            AgreementSignature.objects.filter(
                agreement__partnership=OuterRef("pk"),
                user=OuterRef(f"member_{letter}"),
                version=OuterRef("agreement__version"),
            )
        )

    pairs = (
        Partnership.objects.filter(_live())
        .filter(started_at__lte=now - AGREEMENT_AFTER, started_at__gt=now - AGREEMENT_AFTER - LOOKBACK)
        .annotate(
            **_per_member(),
            signed_a=signed("a"),
            signed_b=signed("b"),
            told_a=_told("agreement_unsigned", OuterRef("pk"), OuterRef("member_a_id")),
            told_b=_told("agreement_unsigned", OuterRef("pk"), OuterRef("member_b_id")),
        )
        .filter(Q(may_a=True, signed_a=False, told_a=False) | Q(may_b=True, signed_b=False, told_b=False))
        .select_related("member_a", "member_b", "cohort__program", "agreement")
    )
    due = []
    for pair in pairs:
        has_agreement = hasattr(pair, "agreement")
        for member, partner, letter in _members(pair):
            if (
                getattr(pair, f"may_{letter}")
                and not getattr(pair, f"signed_{letter}")
                and not getattr(pair, f"told_{letter}")
            ):
                due.append(
                    Due(
                        "agreement_unsigned",
                        nudge_key("agreement_unsigned", pair.pk, member.pk),
                        member,
                        {
                            "partner": partner,
                            "partnership": pair,
                            "cohort": pair.cohort,
                            "has_agreement": has_agreement,
                            "path": reverse("partnerships:detail", args=[pair.pk]) + "#agreement",
                        },
                    )
                )
    return due


def goals_unset(now: datetime.datetime) -> list[Due]:
    """Once a pair has held two sessions, each partner with no goal in it is asked to set one, once. One query."""
    held = (
        Session.objects.filter(partnership=OuterRef("pk"), status=SessionStatus.HELD)
        .order_by()
        .values("partnership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pairs = (
        Partnership.objects.filter(_live())
        .annotate(held=Coalesce(Subquery(held[:1]), 0))
        .filter(held__gte=GOALS_AFTER_HELD)
        .annotate(
            **_per_member(),
            goals_a=Exists(Goal.objects.filter(partnership=OuterRef("pk"), owner=OuterRef("member_a"))),
            goals_b=Exists(Goal.objects.filter(partnership=OuterRef("pk"), owner=OuterRef("member_b"))),
            told_a=_told("goals_unset", OuterRef("pk"), OuterRef("member_a_id")),
            told_b=_told("goals_unset", OuterRef("pk"), OuterRef("member_b_id")),
        )
        .filter(Q(may_a=True, goals_a=False, told_a=False) | Q(may_b=True, goals_b=False, told_b=False))
        .select_related("member_a", "member_b", "cohort__program")
    )
    due = []
    for pair in pairs:
        for member, partner, letter in _members(pair):
            if (
                getattr(pair, f"may_{letter}")
                and not getattr(pair, f"goals_{letter}")
                and not getattr(pair, f"told_{letter}")
            ):
                due.append(
                    Due(
                        "goals_unset",
                        nudge_key("goals_unset", pair.pk, member.pk),
                        member,
                        {
                            "partner": partner,
                            "partnership": pair,
                            "cohort": pair.cohort,
                            "held": pair.held,
                            "path": reverse("partnerships:goal_create", args=[pair.pk]),
                        },
                    )
                )
    return due


# --- Surveys and enrollment ------------------------------------------------------------------------------------


def survey_closing(today: datetime.date) -> list[Due]:
    """Two days before an open survey closes (and on until its closing day), each person who may answer it and has
    not is reminded, once. One query: the answering enrollments joined to their cohort's surveys that close soon."""
    soon = Q(
        cohort__assessments__closed_at=None,
        cohort__assessments__opens_on__lte=today,
        cohort__assessments__closes_on__gte=today,
        cohort__assessments__closes_on__lte=today + datetime.timedelta(days=SURVEY_DAYS_BEFORE),
    )
    # Paired in the cohort (the surveys' own rule), as two Exists so each uses its member's index (an OR does not).
    in_cohort = Partnership.objects.filter(cohort_id=OuterRef("cohort_id"))
    paired = Exists(in_cohort.filter(member_a_id=OuterRef("user_id"))) | Exists(
        in_cohort.filter(member_b_id=OuterRef("user_id"))
    )
    rows = (
        Enrollment.objects.filter(soon, status__in=ANSWERING_STATUSES, user__is_active=True)
        .exclude(cohort__status=CohortStatus.CLOSED)
        .filter(paired)
        .values(
            "user_id",
            "user__email",
            "user__full_name",
            "user__timezone",
            "cohort__assessments__pk",
            "cohort__assessments__kind",
            "cohort__assessments__closes_on",
            "cohort__name",
            "cohort__program__name",
        )
        .annotate(
            answered=Exists(
                AssessmentResponse.objects.filter(
                    assessment_id=OuterRef("cohort__assessments__pk"), respondent_id=OuterRef("user_id")
                )
            ),
            told=_told("survey_closing", OuterRef("cohort__assessments__pk"), OuterRef("user_id")),
        )
        .filter(answered=False, told=False)
    )
    due = []
    for row in rows:
        # The recipient as the e-mail needs them (address, name, time zone), from the same row: no query per person.
        user = User(
            pk=row["user_id"],
            email=row["user__email"],
            full_name=row["user__full_name"],
            timezone=row["user__timezone"],
        )
        assessment_id = row["cohort__assessments__pk"]
        due.append(
            Due(
                "survey_closing",
                nudge_key("survey_closing", assessment_id, user.pk),
                user,
                {
                    "survey_kind": "end survey" if row["cohort__assessments__kind"] == "end" else "mid-point survey",
                    "closes_on": row["cohort__assessments__closes_on"],
                    "cohort_name": row["cohort__name"],
                    "program_name": row["cohort__program__name"],
                    "path": reverse("surveys:answer", args=[assessment_id]),
                },
            )
        )
    return due


def profile_reminder_enrollment_ids(today: datetime.date) -> list[int]:
    """Enrollments still in the running of cohorts whose enrollment closes within three days (today included), not
    reminded of their profile since the window began (by this sweep or by a program admin's button). Programs'
    ``profile_reminders_request`` then keeps those whose profile is incomplete. One query."""
    window_start = today
    return list(
        Enrollment.objects.current()
        .filter(
            user__is_active=True,
            cohort__status=CohortStatus.ENROLLING,
            cohort__enrollment_closes_on__gte=today,
            cohort__enrollment_closes_on__lte=today + datetime.timedelta(days=PROFILE_DAYS_BEFORE),
        )
        .exclude(profile_reminder_sent_on__gte=window_start - datetime.timedelta(days=PROFILE_DAYS_BEFORE))
        .values_list("pk", flat=True)
    )


# --- Matching and closing --------------------------------------------------------------------------------------


def recently_published_run_ids(now: datetime.datetime) -> list[int]:
    return list(
        MatchRun.objects.filter(status=MatchRunStatus.PUBLISHED, published_at__gt=now - UNMATCHED_LOOKBACK)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def unmatched_at_publishing(run_ids: list[int]) -> list[Due]:
    """Everyone the published runs left without a partner, still enrolled (approved) and not paired since, with the
    reason and suggestions matching stored. Two queries: the unmatched rows, and the names of the cohorts' people
    (so that nobody else's name reaches the e-mail, see nudges.unmatched)."""
    if not run_ids:
        return []
    rows = list(
        MatchUnmatched.objects.filter(run_id__in=run_ids, run__status=MatchRunStatus.PUBLISHED)
        .filter(_may_nudge(OuterRef("run__cohort_id"), OuterRef("user_id")))
        .exclude(
            Exists(
                Partnership.objects.filter(
                    cohort_id=OuterRef("run__cohort_id"), status=PartnershipStatus.ACTIVE
                ).filter(Q(member_a_id=OuterRef("user_id")) | Q(member_b_id=OuterRef("user_id")))
            )
        )
        .exclude(_told("unmatched_at_publishing", OuterRef("run_id"), OuterRef("user_id")))
        .select_related("user", "run__cohort__program")
    )
    if not rows:
        return []
    names: dict[int, set[str]] = {}
    for cohort_id, full_name, email in Enrollment.objects.filter(
        cohort_id__in={row.run.cohort_id for row in rows}
    ).values_list("cohort_id", "user__full_name", "user__email"):
        names.setdefault(cohort_id, set()).update(n for n in (full_name, email, email.split("@")[0]) if n)
    due = []
    for row in rows:
        reason, suggestions = for_participant(row, others=names.get(row.run.cohort_id, set()))
        due.append(
            Due(
                "unmatched_at_publishing",
                nudge_key("unmatched_at_publishing", row.run_id, row.user_id),
                row.user,
                {
                    "cohort": row.run.cohort,
                    "reason": reason,
                    "suggestions": suggestions,
                    "path": reverse("accounts:profile_edit"),
                },
            )
        )
    return due


def _minutes(letter: str):
    """Minutes member ``letter`` mentored in the pair's held sessions: each half's logged minutes, else its plan."""
    halves = (
        SessionHalf.objects.filter(
            session__partnership=OuterRef("pk"),
            session__status=SessionStatus.HELD,
            mentor=OuterRef(f"member_{letter}"),
        )
        .order_by()
        .values("session__partnership")
        .annotate(total=Sum(Coalesce("actual_minutes", "planned_minutes")))
        .values("total")
    )
    return Coalesce(Subquery(halves[:1]), 0)


def cohort_summaries(cohort_id: int, *, ended_reason: str) -> list[Due]:
    """At closing, each partner of each pair that was still active when the cohort closed (alumni, never withdrawn):
    sessions held, minutes each taught the other, and both partners' goals. Two queries: the pairs with their
    figures, and their goals."""
    held = (
        Session.objects.filter(partnership=OuterRef("pk"), status=SessionStatus.HELD)
        .order_by()
        .values("partnership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    statuses = (EnrollmentStatus.APPROVED, EnrollmentStatus.ALUMNI)
    pairs = list(
        Partnership.objects.filter(cohort_id=cohort_id)
        .filter(Q(status=PartnershipStatus.ACTIVE) | Q(status=PartnershipStatus.ENDED, end_reason=ended_reason))
        .annotate(
            held=Coalesce(Subquery(held[:1]), 0),
            minutes_a=_minutes("a"),
            minutes_b=_minutes("b"),
            may_a=_may_nudge(OuterRef("cohort_id"), OuterRef("member_a_id"), statuses),
            may_b=_may_nudge(OuterRef("cohort_id"), OuterRef("member_b_id"), statuses),
            told_a=_told("cohort_summary", OuterRef("pk"), OuterRef("member_a_id")),
            told_b=_told("cohort_summary", OuterRef("pk"), OuterRef("member_b_id")),
        )
        .select_related("member_a", "member_b", "cohort__program")
    )
    goals: dict[tuple[int, int], list[Goal]] = {}
    for goal in Goal.objects.filter(partnership__in=[p.pk for p in pairs]).order_by("created_at", "pk"):
        goals.setdefault((goal.partnership_id, goal.owner_id), []).append(goal)
    due = []
    for pair in pairs:
        for member, partner, letter in _members(pair):
            if not getattr(pair, f"may_{letter}") or getattr(pair, f"told_{letter}"):
                continue
            other = "b" if letter == "a" else "a"
            due.append(
                Due(
                    "cohort_summary",
                    nudge_key("cohort_summary", pair.pk, member.pk),
                    member,
                    {
                        "partner": partner,
                        "partnership": pair,
                        "cohort": pair.cohort,
                        "held": pair.held,
                        "minutes_taught": getattr(pair, f"minutes_{letter}"),
                        "minutes_learned": getattr(pair, f"minutes_{other}"),
                        "my_goals": goals.get((pair.pk, member.pk), []),
                        "partner_goals": goals.get((pair.pk, partner.pk), []),
                        "path": reverse("partnerships:detail", args=[pair.pk]),
                        "home_path": reverse("home"),
                    },
                )
            )
    return due
