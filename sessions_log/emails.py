"""E-mails about sessions, with the calendar file Outlook and Google Calendar read as an invitation.

The calendar goes in twice, as mail clients expect: as a ``text/calendar; method=...`` alternative of the
message (what Outlook and Gmail turn into an invitation with buttons) and as an ``invite.ics`` attachment (for
clients that only offer attachments). Times in the text are in the recipient's own time zone.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from sessions_log import calendar as ical
from sessions_log.models import SessionEmail
from sessions_log.times import user_zone


class CalendarEmail(EmailMultiAlternatives):
    """An e-mail whose text/calendar alternative carries the iTIP method in its Content-Type."""

    calendar_method = ""

    def _create_mime_attachment(self, content, mimetype):
        attachment = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar" and self.calendar_method:
            attachment.set_param("method", self.calendar_method)
        return attachment


def build_session_message(email: SessionEmail, *, base_url: str) -> EmailMultiAlternatives:
    session = email.session
    recipient = email.recipient
    partnership = session.partnership
    link = base_url.rstrip("/") + session.get_absolute_url()
    zone = user_zone(recipient)
    context = {
        "recipient": recipient,
        "actor": email.actor,
        "partner": partnership.partner_of(recipient),
        "session": session,
        "halves": list(session.halves.select_related("mentor", "mentee", "topic_skill").order_by("order")),
        "link": link,
        "zone_name": zone.key,
        "with_calendar": bool(email.calendar_method),
        "by_recipient": email.actor_id == recipient.pk,
        "partnership_active": partnership.status == "active",
        "lead_hours": email.lead_hours,
    }
    template = f"emails/session_{email.kind}"
    with timezone.override(zone):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = CalendarEmail(subject=f"[Twoway] {subject}", body=body, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    if email.calendar_method:
        ics = ical.session_calendar(session, method=email.calendar_method, link=link)
        message.calendar_method = email.calendar_method
        message.attach_alternative(ics.decode("utf-8"), "text/calendar")
        message.attach("invite.ics", ics, "application/ics")
    return message


def session_email_send(*, email_id: int, base_url: str) -> bool:
    """Send one recorded session e-mail, exactly once: claim the row first, give it back if sending fails."""
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
