"""Inviting a list of people costs the same queries for ten times the addresses (half of them invited before)."""

import pytest
from django.core import mail

from mentoring.notifications.models import Message
from mentoring.programs import services
from mentoring.programs.models import Invitation
from tests.factories import CohortFactory, InvitationFactory, ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "https://twoway.example"


# SQLite splits an insert past 999 parameters (38 outbox rows): the invitee with an account also gets an in-app entry.
@pytest.mark.parametrize("count", [3, 30])
def test_inviting_costs_the_same_for_ten_times_the_addresses(
    django_assert_num_queries, django_capture_on_commit_callbacks, count
):
    cohort = CohortFactory()
    admin = ProgramAdminFactory()
    # Not the factories' "person<n>@" addresses, so who is already a user does not depend on test order;
    # one invitee already has an account, so the enrollments query always runs.
    emails = [f"invitee{i}@northwind.example" for i in range(count)]
    UserFactory(email=emails[-1])
    before = {InvitationFactory(cohort=cohort, email=e.upper()).pk for e in emails[: count // 2]}
    # savepoint, lock the cohort, known users, their enrollments, earlier invitations, mark them sent,
    # insert the new ones, insert their e-mails into the outbox, read back which are new, release the savepoint
    # (before: 15 for 4 addresses, 105 for 40; the one invitee with an account may not turn invitations off, so
    # no query for notification choices)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_num_queries(10):
        invitations = services.invitations_send(cohort=cohort, emails=emails, invited_by=admin, base_url=BASE)
    assert [i.email.lower() for i in invitations] == emails
    assert {i.pk for i in invitations[: count // 2]} == before  # the earlier invitations are reused
    assert Invitation.objects.filter(cohort=cohort).count() == count
    assert not Invitation.objects.filter(cohort=cohort, sent_at__isnull=True).exists()
    assert len(callbacks) == count and not mail.outbox  # one doorbell per e-mail, once this commits
    assert Message.objects.filter(channel="email", kind="cohort_invitation").count() == count
