"""iCalendar (RFC 5545 / iTIP RFC 5546) files for sessions, built with the icalendar library.

Outlook and Google Calendar recognise an update or a cancellation of an event they already hold when the UID
is the same and the SEQUENCE is higher than before, so every session keeps one UID for life and its
``sequence`` rises with every change. Times are written in UTC, which every client accepts.
Twoway itself is the organizer (a stable address across updates); both partners are attendees.
"""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from sessions_log.models import Session, SessionStatus

PRODID = "-//Twoway//Mentoring sessions//EN"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def session_summary(session: Session) -> str:
    p = session.partnership
    return f"Two-way mentoring: {p.member_a.display_name} ⇄ {p.member_b.display_name}"


def session_description(session: Session, *, link: str = "") -> str:
    lines = ["Two-way mentoring session: each of you mentors the other for one half."]
    for half in session.halves.all():
        topic = f" — topic: {half.topic_label}" if half.topic_label else ""
        lines.append(
            f"{half.get_order_display()} ({half.planned_minutes} min): "
            f"{half.mentor.display_name} mentors {half.mentee.display_name}{topic}"
        )
    if session.agenda:
        lines += ["", "Agenda:", session.agenda]
    if link:
        lines += ["", f"Details, topics and notes: {link}"]
    return "\n".join(lines)


def session_calendar(session: Session, *, method: str, link: str = "") -> bytes:
    """One VCALENDAR with one VEVENT for ``session``.

    ``method`` is REQUEST for an invitation or update, CANCEL for a cancellation (iTIP), PUBLISH for a plain
    download. A cancelled or declined session is always written as cancelled.
    """
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"Unknown calendar method {method!r}")
    cancelled = method == CANCEL or session.status in (SessionStatus.CANCELLED, SessionStatus.DECLINED)
    p = session.partnership
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    event = Event()
    event.add("uid", session.calendar_uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", _utc(timezone.now()))
    event.add("created", _utc(session.created_at))
    event.add("last-modified", _utc(session.updated_at))
    event.add("dtstart", _utc(session.start))
    event.add("dtend", _utc(session.end))
    event.add("summary", session_summary(session))
    event.add("description", session_description(session, link=link))
    event.add("location", session.location)
    if session.location_is_link:
        event.add("url", session.location)
    event.add("organizer", _address(organizer_email or "twoway@localhost", organizer_name or "Twoway"))
    # Both partners already agreed in Twoway, so no reply is asked for (RSVP=FALSE).
    params = {"role": "REQ-PARTICIPANT", "cutype": "INDIVIDUAL", "rsvp": "FALSE"}
    if not cancelled:
        params["partstat"] = "ACCEPTED"
    for member in (p.member_a, p.member_b):
        event.add("attendee", _address(member.email, member.display_name, **params))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    cal.add_component(event)
    return cal.to_ical()
