"""Writes for invitations: inviting people by e-mail to enroll, and accepting an invitation.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.adapters import domain_error_message, email_domain_allowed
from accounts.models import User
from mentoring.notifications.services import absolute_link, message_draft, messages_queue
from mentoring.programs.models import Cohort, CohortStatus, Invitation
from mentoring.programs.services.guards import lock_cohort


def mark_invitations_accepted(*, cohort: Cohort, user: User) -> None:
    Invitation.objects.pending().filter(cohort=cohort, email__iexact=user.email).update(
        accepted_at=timezone.now(), accepted_by=user
    )


# An address invited this recently is not e-mailed again (a double click, or two admins at once).
RESEND_AFTER = datetime.timedelta(minutes=10)


@transaction.atomic
def invitations_send(*, cohort: Cohort, emails: Iterable[str], invited_by: User, base_url: str) -> list[Invitation]:
    """Invite people by e-mail to enroll. All addresses are checked first; then all are sent, or none.

    Inviting the same address again sends the same link again, but not within RESEND_AFTER of the last time: a
    double click (the cohort's row lock puts the two requests one after the other) e-mails nobody twice. Returns
    the invitations e-mailed now.
    """
    locked_cohort = lock_cohort(cohort)
    if locked_cohort.status != CohortStatus.ENROLLING:
        raise ValidationError("Open enrollment before inviting people.", code="not_enrolling")
    emails = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not emails:
        raise ValidationError({"emails": "Enter at least one e-mail address."}, code="required")
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    current = set(
        locked_cohort.enrollments.current().filter(user__in=users.values()).values_list("user__email", flat=True)
    )
    problems = []
    for email in emails:
        if email in current:
            problems.append(f"{email} is already enrolled in this cohort.")
        elif email not in users and not email_domain_allowed(email):
            problems.append(f"{email} cannot sign up: {domain_error_message()}")
    if problems:
        raise ValidationError({"emails": problems}, code="invalid")
    now = timezone.now()
    # One read, one insert and one update whatever the number of addresses (the cohort's lock keeps them apart).
    existing = {
        invitation.email_lower: invitation
        for invitation in Invitation.objects.filter(cohort=locked_cohort)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    }
    just_sent = {email for email, i in existing.items() if i.sent_at and i.sent_at > now - RESEND_AFTER}
    emails = [email for email in emails if email not in just_sent]
    existing = {email: i for email, i in existing.items() if email not in just_sent}
    if existing:
        Invitation.objects.filter(pk__in=[i.pk for i in existing.values()]).update(sent_at=now)
    for invitation in existing.values():
        invitation.sent_at = now
    fresh = [
        Invitation(cohort=locked_cohort, email=email, invited_by=invited_by, sent_at=now)
        for email in emails
        if email not in existing
    ]
    Invitation.objects.bulk_create(fresh)
    by_email = {**existing, **{invitation.email: invitation for invitation in fresh}}
    invitations = [by_email[email] for email in emails]
    # One insert for every e-mail, whatever the number of addresses.
    messages_queue(
        message_draft(
            kind="cohort_invitation",
            to=email,
            recipient=users.get(email),
            timezone=users[email].timezone if email in users else None,
            context={
                "cohort": locked_cohort,
                "program": locked_cohort.program,
                "invited_by": invited_by,
                "has_account": email in users,
                "link": absolute_link(base_url, invitation.get_absolute_url()),
            },
        )
        for email, invitation in zip(emails, invitations, strict=True)
    )
    return invitations


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> bool:
    """The invitee followed their link while signed in. Idempotent: the first acceptance is kept.

    Only the person invited accepts: a forwarded link still leads to the cohort, but records nothing.
    Returns whether the invitation is (now) accepted by this person.
    """
    if user.email.lower() != invitation.email.lower():
        return False
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    invitation.refresh_from_db()
    return invitation.accepted_by_id == user.pk
