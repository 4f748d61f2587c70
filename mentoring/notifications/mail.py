"""An outbox row as the e-mail that leaves: its stored parts, its Message-ID, and its calendar if it has one.

A calendar goes in twice, as mail clients expect: as a ``text/calendar; method=...`` alternative of the message
(what Outlook and Gmail turn into an invitation with buttons) and as an ``invite.ics`` attachment (for clients that
only offer attachments).
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from mentoring.notifications.models import Message


class CalendarEmail(EmailMultiAlternatives):
    """An e-mail whose text/calendar alternative carries the iTIP method in its Content-Type."""

    calendar_method = ""

    def _create_mime_attachment(self, content, mimetype):
        attachment = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar" and self.calendar_method:
            attachment.set_param("method", self.calendar_method)
        return attachment


def email_for(message: Message) -> EmailMultiAlternatives:
    email = CalendarEmail(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email or None,
        to=[message.address],
        headers={**message.headers, "Message-ID": message.message_id_header},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    if message.calendar:
        email.calendar_method = message.calendar_method
        email.attach_alternative(message.calendar, "text/calendar")
        email.attach("invite.ics", message.calendar.encode("utf-8"), "application/ics")
    return email


def send(message: Message) -> None:
    email_for(message).send()
