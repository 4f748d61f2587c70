"""Writes for sessions, halves, private notes and check-ins.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked; keys name the form field
the message belongs to. Every change to a session raises its calendar SEQUENCE.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Skill, User
from mentoring.emails import emails_are_muted
from mentoring.models import Goal, GoalStatus, Partnership, PartnershipStatus
from sessions_log import calendar as ical
from sessions_log.models import (
    CHECKIN_EDITABLE_DAYS,
    CHECKIN_OPEN_DAYS,
    LATE_CANCEL_HOURS,
    LOGGED_STATUSES,
    OPEN_STATUSES,
    CheckIn,
    CheckInGoalProgress,
    EmailKind,
    NoShow,
    NotHeldReason,
    Session,
    SessionEmail,
    SessionHalf,
    SessionNote,
    SessionStatus,
)

REASON_MAX = 300


# --- Time helpers ---------------------------------------------------------------------------------


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_to_utc(day: datetime.date, time: datetime.time, zone_name: str) -> datetime.datetime:
    """The UTC instant of a wall-clock time in ``zone_name``, refusing times a clock change makes unclear.

    In a DST gap the wall time never happens; in a DST fold it happens twice. Python's ``fold`` attribute
    picks one of the two readings; when both readings give different UTC offsets, the time is one of those.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    naive = datetime.datetime.combine(day, time.replace(second=0, microsecond=0, tzinfo=None))
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    when = f"{time:%H:%M} on {date_format(day, 'j F Y')}"
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise ValidationError(
                {
                    "time": f"{when} does not exist in {zone_name}: the clocks jump forward then. "
                    "Pick a time outside the change, e.g. an hour later."
                },
                code="dst_gap",
            )
        raise ValidationError(
            {
                "time": f"{when} happens twice in {zone_name}: the clocks go back then, so it is ambiguous. "
                "Pick a time outside the change, e.g. an hour later."
            },
            code="dst_fold",
        )
    return first.astimezone(datetime.UTC)


def _local(value: datetime.datetime, user: User) -> str:
    return date_format(timezone.localtime(value, user_zone(user)), "D j M Y, H:i")


# --- Checks shared by the scheduling services ---------------------------------------------------------


def _lock_people(*users: User) -> None:
    """Serialise scheduling per person, so two proposals at once cannot both pass the overlap check."""
    list(User.objects.select_for_update().filter(pk__in=[u.pk for u in users]).order_by("pk").values_list("pk"))


def _lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("partnership__member_a", "partnership__member_b", "partnership__cohort")
        .get(pk=session.pk)
    )


def _refuse_unless_partner(session_or_partnership, user: User) -> None:
    partnership = getattr(session_or_partnership, "partnership", session_or_partnership)
    if not partnership.has_member(user):
        raise ValidationError("Only the two partners can do this.", code="not_partner")


def _clean_text(value: str, *, field: str, label: str, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Please give {label}."}, code="required")
    if len(value) > max_length:
        raise ValidationError({field: f"Keep {label} under {max_length} characters."}, code="max_length")
    return value


def _check_time(
    *, partnership: Partnership, start: datetime.datetime, actor: User, exclude: Session | None = None
) -> datetime.datetime:
    """The session's end, once its start is in the future and neither partner has another session then."""
    if timezone.is_naive(start):
        raise ValueError("Session times must be timezone-aware.")
    if start <= timezone.now():
        raise ValidationError(
            {"date": "That time is in the past. Pick a date and time that are still to come."}, code="past"
        )
    end = start + datetime.timedelta(minutes=partnership.cohort.session_length_minutes)
    people = (partnership.member_a, partnership.member_b)
    ids = [u.pk for u in people]
    clashes = (
        Session.objects.open()
        .overlapping(start, end)
        .filter(Q(partnership__member_a__in=ids) | Q(partnership__member_b__in=ids))
        .select_related("partnership")
        .order_by("start")
    )
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    for clash in clashes:
        if clash.partnership.has_member(actor):
            raise ValidationError(
                {
                    "time": f"You already have a session from {_local(clash.start, actor)} to "
                    f"{timezone.localtime(clash.end, user_zone(actor)):%H:%M} that overlaps this time. "
                    "Pick another time."
                },
                code="overlap",
            )
        other = next(u for u in people if u.pk != actor.pk)
        raise ValidationError(
            {"time": f"{other.display_name} already has another session at that time. Pick another time."},
            code="overlap",
        )
    return end


def _first_mentor(partnership: Partnership, start: datetime.datetime) -> User:
    """Who mentors in the first half: it alternates with every earlier session of the pair that still counts."""
    earlier = (
        Session.objects.filter(partnership=partnership, start__lt=start)
        .exclude(status__in=[SessionStatus.DECLINED, SessionStatus.CANCELLED, SessionStatus.NOT_HELD])
        .count()
    )
    return partnership.member_a if earlier % 2 == 0 else partnership.member_b


def _touch(session: Session, *fields: str) -> None:
    session.sequence += 1
    session.updated_at = timezone.now()
    session.save(update_fields=[*fields, "sequence", "updated_at"])


def _queue_emails(
    session: Session, *, kind: str, recipients: list[User], actor: User | None, base_url: str, method: str = ""
) -> list[SessionEmail]:
    """Record one e-mail per recipient and send each after commit; the task claims the row, so it goes out once."""
    from sessions_log.tasks import send_session_email

    if emails_are_muted():
        return []
    emails = [
        SessionEmail.objects.create(
            session=session,
            recipient=recipient,
            actor=actor,
            kind=kind,
            sequence=session.sequence,
            calendar_method=method,
        )
        for recipient in recipients
    ]
    for email in emails:
        transaction.on_commit(lambda pk=email.pk: send_session_email.delay(email_id=pk, base_url=base_url))
    return emails


# --- Scheduling -----------------------------------------------------------------------------------


@transaction.atomic
def session_propose(
    *,
    partnership: Partnership,
    proposed_by: User,
    start: datetime.datetime,
    location: str,
    agenda: str = "",
    base_url: str,
) -> Session:
    """A new session proposed by one partner; the other accepts, declines or proposes another time."""
    _refuse_unless_partner(partnership, proposed_by)
    if partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError("This partnership has ended: no new sessions can be scheduled.", code="ended")
    location = _clean_text(location, field="location", label="a place or a video link", required=True, max_length=300)
    agenda = _clean_text(agenda, field="agenda", label="the agenda", required=False, max_length=2000)
    _lock_people(partnership.member_a, partnership.member_b)
    end = _check_time(partnership=partnership, start=start, actor=proposed_by)
    now = timezone.now()
    session = Session.objects.create(
        partnership=partnership,
        proposed_by=proposed_by,
        start=start,
        end=end,
        location=location,
        agenda=agenda,
        created_at=now,
        updated_at=now,
    )
    first = _first_mentor(partnership, start)
    second = partnership.partner_of(first)
    half = partnership.cohort.session_length_minutes // 2
    SessionHalf.objects.bulk_create(
        [
            SessionHalf(session=session, order=1, mentor=first, mentee=second, planned_minutes=half),
            SessionHalf(session=session, order=2, mentor=second, mentee=first, planned_minutes=half),
        ]
    )
    _queue_emails(
        session,
        kind=EmailKind.PROPOSAL,
        recipients=[partnership.partner_of(proposed_by)],
        actor=proposed_by,
        base_url=base_url,
    )
    return session


def _refuse_if_ended(session: Session) -> None:
    if session.partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError("This partnership has ended: sessions can no longer be scheduled.", code="ended")


def _refuse_unless_answerable(session: Session, by: User) -> None:
    _refuse_unless_partner(session, by)
    _refuse_if_ended(session)
    if session.status != SessionStatus.PROPOSED:
        raise ValidationError(
            f"This session is {session.get_status_display().lower()}, not waiting for an answer.", code="not_proposed"
        )
    if session.has_started:
        raise ValidationError("This proposed time has already passed. Propose a new session instead.", code="past")


@transaction.atomic
def session_accept(*, session: Session, by: User, base_url: str) -> Session:
    """The partner who did not propose the time accepts it; both get a calendar invitation."""
    session = _lock_session(session)
    _refuse_unless_answerable(session, by)
    if session.proposed_by_id == by.pk:
        raise ValidationError("You proposed this time: your partner accepts or declines it.", code="own_proposal")
    session.status = SessionStatus.ACCEPTED
    session.responded_at = timezone.now()
    session.invitation_sent = True
    _touch(session, "status", "responded_at", "invitation_sent")
    p = session.partnership
    _queue_emails(
        session,
        kind=EmailKind.INVITATION,
        recipients=[p.member_a, p.member_b],
        actor=by,
        base_url=base_url,
        method=ical.REQUEST,
    )
    return session


@transaction.atomic
def session_decline(*, session: Session, by: User, reason: str, base_url: str) -> Session:
    session = _lock_session(session)
    _refuse_unless_answerable(session, by)
    if session.proposed_by_id == by.pk:
        raise ValidationError("You proposed this time: cancel it instead of declining it.", code="own_proposal")
    session.decline_reason = _clean_text(reason, field="reason", label="a reason", required=True, max_length=REASON_MAX)
    session.status = SessionStatus.DECLINED
    session.responded_at = timezone.now()
    _touch(session, "status", "decline_reason", "responded_at")
    _queue_emails(session, kind=EmailKind.DECLINED, recipients=[session.proposed_by], actor=by, base_url=base_url)
    return session


@transaction.atomic
def session_propose_other_time(
    *,
    session: Session,
    by: User,
    start: datetime.datetime,
    location: str | None = None,
    note: str = "",
    base_url: str,
) -> Session:
    """Another time for a session still waiting for an answer (a counter-proposal); now the other partner answers."""
    session = _lock_session(session)
    _refuse_unless_answerable(session, by)
    p = session.partnership
    if location is not None:
        session.location = _clean_text(
            location, field="location", label="a place or a video link", required=True, max_length=300
        )
    session.change_note = _clean_text(note, field="note", label="the note", required=False, max_length=REASON_MAX)
    _lock_people(p.member_a, p.member_b)
    session.end = _check_time(partnership=p, start=start, actor=by, exclude=session)
    session.start = start
    session.proposed_by = by
    _touch(session, "start", "end", "location", "change_note", "proposed_by")
    _queue_emails(session, kind=EmailKind.PROPOSAL, recipients=[p.partner_of(by)], actor=by, base_url=base_url)
    return session


@transaction.atomic
def session_reschedule(
    *,
    session: Session,
    by: User,
    start: datetime.datetime,
    location: str | None = None,
    reason: str,
    base_url: str,
) -> Session:
    """Move an accepted session; both partners' calendars get the update (same UID, higher SEQUENCE)."""
    session = _lock_session(session)
    _refuse_unless_partner(session, by)
    _refuse_if_ended(session)
    if session.status != SessionStatus.ACCEPTED:
        raise ValidationError(
            "Only an accepted session can be rescheduled; a proposed one can get another proposed time.",
            code="not_accepted",
        )
    if session.has_started:
        raise ValidationError(
            "This session has already started: log what happened instead of moving it.", code="started"
        )
    session.change_note = _clean_text(reason, field="reason", label="a reason", required=True, max_length=REASON_MAX)
    if location is not None:
        session.location = _clean_text(
            location, field="location", label="a place or a video link", required=True, max_length=300
        )
    p = session.partnership
    _lock_people(p.member_a, p.member_b)
    session.end = _check_time(partnership=p, start=start, actor=by, exclude=session)
    session.start = start
    _touch(session, "start", "end", "location", "change_note")
    _queue_emails(
        session,
        kind=EmailKind.UPDATE,
        recipients=[p.member_a, p.member_b],
        actor=by,
        base_url=base_url,
        method=ical.REQUEST,
    )
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User, reason: str, base_url: str) -> Session:
    """Either partner cancels a session that has not started; calendars that hold it get a cancellation."""
    session = _lock_session(session)
    _refuse_unless_partner(session, by)
    if session.status not in OPEN_STATUSES:
        raise ValidationError(f"This session is already {session.get_status_display().lower()}.", code="not_open")
    if session.has_started:
        raise ValidationError(
            "This session has already started: log it as not held instead of cancelling it.", code="started"
        )
    now = timezone.now()
    session.cancel_reason = _clean_text(reason, field="reason", label="a reason", required=True, max_length=REASON_MAX)
    session.status = SessionStatus.CANCELLED
    session.cancelled_by = by
    session.cancelled_at = now
    session.cancelled_late = session.start - now < datetime.timedelta(hours=LATE_CANCEL_HOURS)
    _touch(session, "status", "cancel_reason", "cancelled_by", "cancelled_at", "cancelled_late")
    p = session.partnership
    if session.invitation_sent:
        recipients, method = [p.member_a, p.member_b], ical.CANCEL
    else:
        recipients, method = [p.partner_of(by)], ""
    _queue_emails(
        session, kind=EmailKind.CANCELLATION, recipients=recipients, actor=by, base_url=base_url, method=method
    )
    return session


def sessions_cancel_for_ended_partnership(*, partnership: Partnership, by: User | None, base_url: str) -> int:
    """A partnership has ended: its sessions still to come are cancelled, and calendars that hold them are told.

    `by` is the partner who ended it, or None when the program team did (e.g. by withdrawing a partner).
    Sessions already under way are left for the partners to log. Returns how many were cancelled.
    """
    now = timezone.now()
    sessions = list(
        Session.objects.select_for_update(of=("self",))
        .select_related("partnership__member_a", "partnership__member_b")
        .filter(partnership=partnership, status__in=OPEN_STATUSES, start__gt=now)
    )
    reason = f"The partnership ended: {partnership.end_reason}"[:REASON_MAX]
    members = [partnership.member_a, partnership.member_b]
    for session in sessions:
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        session.cancelled_by = by
        session.cancelled_at = now
        session.cancelled_late = False  # nobody called off a meeting at short notice: the pair ended
        _touch(session, "status", "cancel_reason", "cancelled_by", "cancelled_at", "cancelled_late")
        if session.invitation_sent:
            recipients, method = members, ical.CANCEL
        else:
            recipients, method = [m for m in members if by is None or m.pk != by.pk], ""
        _queue_emails(
            session, kind=EmailKind.CANCELLATION, recipients=recipients, actor=by, base_url=base_url, method=method
        )
    return len(sessions)


# --- After the session ----------------------------------------------------------------------------


def check_half_minutes(minutes: list[int], *, planned_total: int) -> None:
    """Refuse logged minutes that cannot be right: negative, nothing at all, or over twice the planned length."""
    if any(m is None for m in minutes):
        raise ValidationError("Give the minutes of both halves.", code="required")
    if any(m < 0 for m in minutes):
        raise ValidationError("Minutes cannot be negative.", code="negative")
    total = sum(minutes)
    if total == 0:
        raise ValidationError(
            "Both halves have 0 minutes: if you did not meet, log the session as not held.", code="zero"
        )
    if total > 2 * planned_total:
        raise ValidationError(
            f"The halves add up to {total} minutes, more than twice the planned {planned_total}. Check the numbers.",
            code="too_long",
        )


@transaction.atomic
def session_log(
    *,
    session: Session,
    by: User,
    held: bool,
    minutes: list[int] | None = None,
    not_held_reason: str = "",
    no_show: str = "",
) -> Session:
    """Record what happened, once the session's time has come. Either partner logs it and may correct it."""
    session = _lock_session(session)
    _refuse_unless_partner(session, by)
    if session.status not in (*OPEN_STATUSES, *LOGGED_STATUSES):
        raise ValidationError(
            f"This session was {session.get_status_display().lower()}: there is nothing to log.", code="not_loggable"
        )
    if not session.has_started:
        raise ValidationError("You can log a session once it has started.", code="not_started")
    halves = list(session.halves.order_by("order"))
    if held:
        minutes = [h.planned_minutes for h in halves] if minutes is None else list(minutes)
        if len(minutes) != len(halves):
            raise ValidationError("Give the minutes of both halves.", code="required")
        check_half_minutes(minutes, planned_total=session.duration_minutes)
        for half, value in zip(halves, minutes, strict=True):
            half.actual_minutes = value
        session.status, session.not_held_reason, session.no_show = SessionStatus.HELD, "", ""
    else:
        if session.status == SessionStatus.HELD and session.checkins.exists():
            raise ValidationError(
                "Check-ins were already filled in for this session, so it stays logged as held.", code="has_checkins"
            )
        if not_held_reason not in NotHeldReason.values:
            raise ValidationError({"not_held_reason": "Say why the session did not take place."}, code="required")
        if not_held_reason == NotHeldReason.NO_SHOW and no_show not in NoShow.values:
            raise ValidationError({"no_show": "Say who did not come."}, code="required")
        if not_held_reason != NotHeldReason.NO_SHOW:
            no_show = ""
        for half in halves:
            half.actual_minutes = None
        session.status, session.not_held_reason, session.no_show = SessionStatus.NOT_HELD, not_held_reason, no_show
    SessionHalf.objects.bulk_update(halves, ["actual_minutes"])
    session.logged_by = by
    session.logged_at = timezone.now()
    _touch(session, "status", "not_held_reason", "no_show", "logged_by", "logged_at")
    return session


@transaction.atomic
def half_set_topic(*, half: SessionHalf, by: User, topic: str = "", topic_skill: Skill | None = None) -> SessionHalf:
    """The mentee of a half chooses what it is about: one of their skills, or their own words."""
    half = SessionHalf.objects.select_for_update(of=("self",)).select_related("session__partnership").get(pk=half.pk)
    session = half.session
    _refuse_unless_partner(session, by)
    if half.mentee_id != by.pk:
        raise ValidationError(
            "Only the mentee of this half chooses its topic: your partner picks it.", code="not_mentee"
        )
    if session.status not in (*OPEN_STATUSES, SessionStatus.HELD):
        raise ValidationError(
            f"This session was {session.get_status_display().lower()}: topics can no longer change.", code="closed"
        )
    topic = _clean_text(topic, field="topic", label="the topic", required=False, max_length=200)
    if not topic and topic_skill is None:
        raise ValidationError({"topic": "Pick one of your skills or write a topic."}, code="required")
    half.topic, half.topic_skill, half.topic_set_at = topic, topic_skill, timezone.now()
    half.save(update_fields=["topic", "topic_skill", "topic_set_at"])
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    _touch(session)
    return half


# --- Private notes --------------------------------------------------------------------------------


@transaction.atomic
def note_save(*, session: Session, author: User, text: str) -> SessionNote | None:
    """Write (or with empty text, delete) the author's note on a session. Only the pair will ever read it."""
    _refuse_unless_partner(session, author)
    text = _clean_text(text, field="text", label="the note", required=False, max_length=5000)
    note = SessionNote.objects.select_for_update().filter(session=session, author=author).first()
    if not text:
        if note is not None:
            note.delete()
        return None
    now = timezone.now()
    if note is None:
        return SessionNote.objects.create(session=session, author=author, text=text, created_at=now, updated_at=now)
    note.text, note.updated_at = text, now
    note.save(update_fields=["text", "updated_at"])
    return note


# --- Check-ins ------------------------------------------------------------------------------------

CHECKIN_TEXT_FIELDS = {
    "learned": "what you learned",
    "taught": "what you taught",
    "next_time": "what would make the next one better",
}


def _clean_checkin(data: dict) -> dict:
    usefulness = data.get("usefulness")
    if isinstance(usefulness, bool) or not isinstance(usefulness, int) or not 1 <= usefulness <= 5:
        raise ValidationError({"usefulness": "Rate the session from 1 (not useful) to 5 (very useful)."})
    cleaned = {"usefulness": usefulness}
    for field, label in CHECKIN_TEXT_FIELDS.items():
        cleaned[field] = _clean_text(data.get(field, ""), field=field, label=label, required=False, max_length=2000)
    cleaned["contact_requested"] = bool(data.get("contact_requested"))
    cleaned["shared_with_program_team"] = bool(data.get("shared_with_program_team"))
    return cleaned


def checkin_goals(session: Session, author: User) -> list[Goal]:
    """The author's goals in this partnership that a check-in may move: open and not yet closed."""
    return list(
        Goal.objects.filter(partnership_id=session.partnership_id, owner=author, status=GoalStatus.OPEN, outcome="")
    )


def _apply_goal_progress(checkin: CheckIn, author: User, goal_progress: dict[int, int]) -> None:
    from mentoring.partnership_services import goal_set_progress

    goals = {g.pk: g for g in checkin_goals(checkin.session, author)}
    unknown = set(goal_progress) - set(goals)
    if unknown:
        raise ValidationError("Progress can only be given for your own open goals in this partnership.")
    for goal_id, progress in goal_progress.items():
        if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
            raise ValidationError({f"goal_{goal_id}": "Progress is a whole number from 0 to 100%."})
    CheckInGoalProgress.objects.filter(checkin=checkin).exclude(goal_id__in=list(goal_progress)).delete()
    for goal_id, progress in goal_progress.items():
        CheckInGoalProgress.objects.update_or_create(checkin=checkin, goal_id=goal_id, defaults={"progress": progress})
        if goals[goal_id].progress != progress:
            goal_set_progress(goal=goals[goal_id], by=author, progress=progress)


@transaction.atomic
def checkin_submit(
    *, session: Session, author: User, data: dict, goal_progress: dict[int, int] | None = None
) -> CheckIn:
    """A partner's one check-in for a held session; it also moves their goals' progress."""
    session = _lock_session(session)
    if not session.partnership.has_member(author):
        raise ValidationError("This session is not yours, so you cannot fill in its check-in.", code="not_partner")
    if session.status != SessionStatus.HELD:
        raise ValidationError(
            "A check-in is for a session that took place: log this session as held first.", code="not_held"
        )
    existing = CheckIn.objects.filter(session=session, author=author).first()
    if existing is not None:
        raise ValidationError(
            "You already filled in the check-in for this session. You can edit it until "
            f"{_local(existing.editable_until, author)}.",
            code="duplicate",
        )
    if session.start < timezone.now() - datetime.timedelta(days=CHECKIN_OPEN_DAYS):
        raise ValidationError(
            f"Check-ins close {CHECKIN_OPEN_DAYS} days after the session; this one is older.", code="too_late"
        )
    cleaned = _clean_checkin(data)
    now = timezone.now()
    checkin = CheckIn.objects.create(session=session, author=author, created_at=now, updated_at=now, **cleaned)
    _apply_goal_progress(checkin, author, goal_progress or {})
    return checkin


@transaction.atomic
def checkin_update(*, checkin: CheckIn, by: User, data: dict, goal_progress: dict[int, int] | None = None) -> CheckIn:
    """The author edits their check-in, for up to seven days after sending it."""
    checkin = CheckIn.objects.select_for_update(of=("self",)).select_related("session").get(pk=checkin.pk)
    if checkin.author_id != by.pk:
        raise ValidationError("Only the author can change a check-in.", code="not_author")
    if not checkin.is_editable:
        raise ValidationError(
            f"A check-in can be changed for {CHECKIN_EDITABLE_DAYS} days after it was sent; "
            "this one can no longer be changed.",
            code="locked",
        )
    cleaned = _clean_checkin(data)
    for field, value in cleaned.items():
        setattr(checkin, field, value)
    checkin.updated_at = timezone.now()
    checkin.save()
    _apply_goal_progress(checkin, by, goal_progress or {})
    return checkin


# --- E-mail ---------------------------------------------------------------------------------------


def session_email_send(*, email_id: int, base_url: str) -> bool:
    """Send one recorded session e-mail, exactly once: claim the row first, give it back if sending fails."""
    from sessions_log.emails import build_session_message

    if not SessionEmail.objects.filter(pk=email_id, sent_at=None).update(sent_at=timezone.now()):
        return False
    email = SessionEmail.objects.select_related(
        "recipient", "actor", "session__partnership__member_a", "session__partnership__member_b"
    ).get(pk=email_id)
    try:
        build_session_message(email, base_url=base_url).send()
    except Exception:
        SessionEmail.objects.filter(pk=email_id).update(sent_at=None)
        raise
    return True
