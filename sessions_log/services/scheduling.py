"""Scheduling: proposing, answering, moving and cancelling sessions. Every change to a session raises
its calendar SEQUENCE.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked; keys name the form field
the message belongs to.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from mentoring.core.dates import MEETING_HORIZON, meeting_window, outside_message
from mentoring.partnerships.models import Partnership, PartnershipStatus
from sessions_log import calendar as ical
from sessions_log.emails import session_messages_queue
from sessions_log.models import (
    LATE_CANCEL_HOURS,
    MAX_OFFERED_TIMES,
    OPEN_STATUSES,
    EmailKind,
    OfferedTime,
    Session,
    SessionHalf,
    SessionStatus,
)
from sessions_log.services.guards import REASON_MAX, clean_text, lock_people, lock_session, refuse_unless_partner, touch
from sessions_log.times import local_text, user_zone


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
    if start > timezone.now() + MEETING_HORIZON + datetime.timedelta(days=1):
        raise ValidationError({"date": outside_message(*meeting_window())}, code="too_far")
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
                    "time": f"You already have a session from {local_text(clash.start, actor)} to "
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


def _slot_key(key: str, index: int) -> str:
    """The form field of the ``index``-th offered time: ``date``/``time`` for the first, ``date_2``... after it."""
    return key if index == 0 or key not in ("date", "time") else f"{key}_{index + 1}"


def _check_offered_times(
    *, partnership: Partnership, starts: Sequence[datetime.datetime], actor: User
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Each offered time's (start, end), once there are one to three different ones and each passes the checks a
    single time passes. A refusal names the field of the time it is about."""
    if not starts:
        raise ValidationError({"date": "Offer at least one time."}, code="required")
    if len(starts) > MAX_OFFERED_TIMES:
        raise ValidationError(
            f"Offer at most {MAX_OFFERED_TIMES} times: your partner picks one of them.", code="too_many"
        )
    times = []
    for index, start in enumerate(starts):
        if start in starts[:index]:
            raise ValidationError(
                {_slot_key("time", index): "You already offer this time. Offer a different one."}, code="duplicate"
            )
        try:
            end = _check_time(partnership=partnership, start=start, actor=actor)
        except ValidationError as error:
            raise ValidationError(
                {_slot_key(key, index): messages for key, messages in error.message_dict.items()},
            ) from error
        times.append((start, end))
    return times


def _first_mentor(partnership: Partnership, start: datetime.datetime) -> User:
    """Who mentors in the first half: it alternates with every earlier session of the pair that still counts."""
    earlier = (
        Session.objects.filter(partnership=partnership, start__lt=start)
        .exclude(status__in=[SessionStatus.DECLINED, SessionStatus.CANCELLED, SessionStatus.NOT_HELD])
        .count()
    )
    return partnership.member_a if earlier % 2 == 0 else partnership.member_b


@transaction.atomic
def session_propose(
    *,
    partnership: Partnership,
    proposed_by: User,
    start: datetime.datetime,
    other_starts: Sequence[datetime.datetime] = (),
    location: str,
    agenda: str = "",
    base_url: str,
) -> Session:
    """A new session proposed by one partner at ``start``, or at one of up to three times (``start`` and
    ``other_starts``); the other picks one (accepts it), declines them all or proposes another time. Until then the
    session's start is the earliest offered time."""
    refuse_unless_partner(partnership, proposed_by)
    if partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError("This partnership has ended: no new sessions can be scheduled.", code="ended")
    location = clean_text(location, field="location", label="a place or a video link", required=True, max_length=300)
    agenda = clean_text(agenda, field="agenda", label="the agenda", required=False, max_length=2000)
    lock_people(partnership.member_a, partnership.member_b)
    offered = sorted(_check_offered_times(partnership=partnership, starts=[start, *other_starts], actor=proposed_by))
    start, end = offered[0]
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
    OfferedTime.objects.bulk_create([OfferedTime(session=session, start=s, end=e) for s, e in offered])
    first = _first_mentor(partnership, start)
    second = partnership.partner_of(first)
    half = partnership.cohort.session_length_minutes // 2
    SessionHalf.objects.bulk_create(
        [
            SessionHalf(session=session, order=1, mentor=first, mentee=second, planned_minutes=half),
            SessionHalf(session=session, order=2, mentor=second, mentee=first, planned_minutes=half),
        ]
    )
    session_messages_queue(
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


def _offered(session: Session) -> list[OfferedTime]:
    """The times the proposal offers; a session proposed before offered times existed offers its own time."""
    offered = list(session.offered_times.order_by("start", "pk"))
    return offered or [OfferedTime(session=session, start=session.start, end=session.end)]


def _refuse_unless_answerable(session: Session, by: User, *, last_start: datetime.datetime | None = None) -> None:
    """``last_start``: the latest offered time; the proposal can be answered until it has passed."""
    refuse_unless_partner(session, by)
    _refuse_if_ended(session)
    if session.status != SessionStatus.PROPOSED:
        raise ValidationError(
            f"This session is {session.get_status_display().lower()}, not waiting for an answer.", code="not_proposed"
        )
    if (last_start or session.start) <= timezone.now():
        raise ValidationError("This proposed time has already passed. Propose a new session instead.", code="past")


@transaction.atomic
def session_accept(*, session: Session, by: User, base_url: str, offered_time_id: int | None = None) -> Session:
    """The partner who did not propose the time accepts it, or picks one of the times offered
    (``offered_time_id``); the session moves to that time and both get a calendar invitation for it alone.

    Picking the time already picked again (a double submit) changes nothing and sends nothing."""
    session = lock_session(session)
    offered = _offered(session)
    if (
        offered_time_id is not None
        and session.status == SessionStatus.ACCEPTED
        and session.proposed_by_id != by.pk
        and any(o.pk == offered_time_id and o.start == session.start for o in offered)
    ):
        refuse_unless_partner(session, by)
        return session
    _refuse_unless_answerable(session, by, last_start=offered[-1].start)
    if session.proposed_by_id == by.pk:
        raise ValidationError("You proposed this time: your partner accepts or declines it.", code="own_proposal")
    if offered_time_id is None:
        if len(offered) > 1:
            raise ValidationError({"offered": "Pick one of the times offered."}, code="required")
        picked = offered[0]
    else:
        picked = next((o for o in offered if o.pk is not None and o.pk == offered_time_id), None)
        if picked is None:
            raise ValidationError(
                {"offered": "That is not one of the times offered. Pick one of them."}, code="invalid"
            )
    if picked.start <= timezone.now():
        raise ValidationError({"offered": "That time has already passed. Pick a later one."}, code="past")
    fields = ["status", "responded_at", "invitation_sent"]
    if picked.start != session.start:
        p = session.partnership
        lock_people(p.member_a, p.member_b)
        session.end = _check_time(partnership=p, start=picked.start, actor=by, exclude=session)
        session.start = picked.start
        fields += ["start", "end"]
    session.status = SessionStatus.ACCEPTED
    session.responded_at = timezone.now()
    session.invitation_sent = True
    touch(session, *fields)
    p = session.partnership
    session_messages_queue(
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
    session = lock_session(session)
    _refuse_unless_answerable(session, by, last_start=_offered(session)[-1].start)
    if session.proposed_by_id == by.pk:
        raise ValidationError("You proposed this time: cancel it instead of declining it.", code="own_proposal")
    session.decline_reason = clean_text(reason, field="reason", label="a reason", required=True, max_length=REASON_MAX)
    session.status = SessionStatus.DECLINED
    session.responded_at = timezone.now()
    touch(session, "status", "decline_reason", "responded_at")
    session_messages_queue(
        session, kind=EmailKind.DECLINED, recipients=[session.proposed_by], actor=by, base_url=base_url
    )
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
    session = lock_session(session)
    _refuse_unless_answerable(session, by, last_start=_offered(session)[-1].start)
    p = session.partnership
    if location is not None:
        session.location = clean_text(
            location, field="location", label="a place or a video link", required=True, max_length=300
        )
    session.change_note = clean_text(note, field="note", label="the note", required=False, max_length=REASON_MAX)
    lock_people(p.member_a, p.member_b)
    session.end = _check_time(partnership=p, start=start, actor=by, exclude=session)
    session.start = start
    session.proposed_by = by
    touch(session, "start", "end", "location", "change_note", "proposed_by")
    # The counter-proposal is one time, which replaces every time offered before.
    session.offered_times.all().delete()
    OfferedTime.objects.create(session=session, start=session.start, end=session.end)
    session_messages_queue(session, kind=EmailKind.PROPOSAL, recipients=[p.partner_of(by)], actor=by, base_url=base_url)
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
    session = lock_session(session)
    refuse_unless_partner(session, by)
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
    session.change_note = clean_text(reason, field="reason", label="a reason", required=True, max_length=REASON_MAX)
    if location is not None:
        session.location = clean_text(
            location, field="location", label="a place or a video link", required=True, max_length=300
        )
    p = session.partnership
    lock_people(p.member_a, p.member_b)
    session.end = _check_time(partnership=p, start=start, actor=by, exclude=session)
    session.start = start
    touch(session, "start", "end", "location", "change_note")
    session_messages_queue(
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
    session = lock_session(session)
    refuse_unless_partner(session, by)
    if session.status not in OPEN_STATUSES:
        raise ValidationError(f"This session is already {session.get_status_display().lower()}.", code="not_open")
    if session.has_started:
        raise ValidationError(
            "This session has already started: log it as not held instead of cancelling it.", code="started"
        )
    now = timezone.now()
    session.cancel_reason = clean_text(reason, field="reason", label="a reason", required=True, max_length=REASON_MAX)
    session.status = SessionStatus.CANCELLED
    session.cancelled_by = by
    session.cancelled_at = now
    session.cancelled_late = session.start - now < datetime.timedelta(hours=LATE_CANCEL_HOURS)
    touch(session, "status", "cancel_reason", "cancelled_by", "cancelled_at", "cancelled_late")
    p = session.partnership
    if session.invitation_sent:
        recipients, method = [p.member_a, p.member_b], ical.CANCEL
    else:
        recipients, method = [p.partner_of(by)], ""
    session_messages_queue(
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
        touch(session, "status", "cancel_reason", "cancelled_by", "cancelled_at", "cancelled_late")
        if session.invitation_sent:
            recipients, method = members, ical.CANCEL
        else:
            recipients, method = [m for m in members if by is None or m.pk != by.pk], ""
        session_messages_queue(
            session, kind=EmailKind.CANCELLATION, recipients=recipients, actor=by, base_url=base_url, method=method
        )
    return len(sessions)
