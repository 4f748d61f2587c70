"""After a session: logging it (held or not), the halves' topics and each partner's private notes.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked; keys name the form field
the message belongs to.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Skill, User
from sessions_log.models import (
    LOGGED_STATUSES,
    OPEN_STATUSES,
    NoShow,
    NotHeldReason,
    Session,
    SessionHalf,
    SessionNote,
    SessionStatus,
)
from sessions_log.services.guards import clean_text, lock_session, refuse_unless_partner, touch


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
    session = lock_session(session)
    refuse_unless_partner(session, by)
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
    touch(session, "status", "not_held_reason", "no_show", "logged_by", "logged_at")
    return session


@transaction.atomic
def half_set_topic(*, half: SessionHalf, by: User, topic: str = "", topic_skill: Skill | None = None) -> SessionHalf:
    """The mentee of a half chooses what it is about: one of their skills, or their own words."""
    half = SessionHalf.objects.select_for_update(of=("self",)).select_related("session__partnership").get(pk=half.pk)
    session = half.session
    refuse_unless_partner(session, by)
    if half.mentee_id != by.pk:
        raise ValidationError(
            "Only the mentee of this half chooses its topic: your partner picks it.", code="not_mentee"
        )
    if session.status not in (*OPEN_STATUSES, SessionStatus.HELD):
        raise ValidationError(
            f"This session was {session.get_status_display().lower()}: topics can no longer change.", code="closed"
        )
    topic = clean_text(topic, field="topic", label="the topic", required=False, max_length=200)
    if not topic and topic_skill is None:
        raise ValidationError({"topic": "Pick one of your skills or write a topic."}, code="required")
    half.topic, half.topic_skill, half.topic_set_at = topic, topic_skill, timezone.now()
    half.save(update_fields=["topic", "topic_skill", "topic_set_at"])
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    touch(session)
    return half


@transaction.atomic
def note_save(*, session: Session, author: User, text: str) -> SessionNote | None:
    """Write (or with empty text, delete) the author's note on a session. Only the pair will ever read it."""
    refuse_unless_partner(session, author)
    text = clean_text(text, field="text", label="the note", required=False, max_length=5000)
    if not text:
        SessionNote.objects.filter(session=session, author=author).delete()
        return None
    now = timezone.now()
    # Saved from two tabs at once, the second insert meets the first one's row: get_or_create then reads (and
    # locks) that row, and this text replaces it, as if the saves had come one after the other.
    note, created = SessionNote.objects.select_for_update().get_or_create(
        session=session, author=author, defaults={"text": text, "created_at": now, "updated_at": now}
    )
    if not created:
        note.text, note.updated_at = text, now
        note.save(update_fields=["text", "updated_at"])
    return note
