"""The broker is down when a request commits: the request succeeds without waiting on it, the message waits in the
outbox, and the sweeper sends it once the broker is back. None lost."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import SWEEP_AFTER, outbox_sweep
from sessions_log.models import Session
from tests.conftest import wait_for
from tests.factories import PartnershipFactory, SessionFactory
from tests.sessions_log.conftest import in_days


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_accepting_a_session_with_the_broker_down_succeeds_and_its_invitations_go_out_later(
    client, celery_worker, broker_down, mailoutbox
):
    pair = PartnershipFactory()
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=pair.member_a)
    client.force_login(pair.member_b)
    with broker_down() as attempts:
        response = client.post(reverse("sessions_log:session_accept", args=[session.pk]))
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == "accepted"
    assert (
        list(Message.objects.filter(channel="email").values_list("kind", "state"))
        == [("session_invitation", "pending")] * 2
    )
    # One connection attempt per doorbell: no publish retries, no reconnect loop (Celery's default tries 4 times).
    assert len(attempts) == 2
    assert mailoutbox == []

    # The broker is back; beat's next sweep rings again for what waited longer than a minute.
    assert outbox_sweep(now=timezone.now() + SWEEP_AFTER) == 2
    assert wait_for(lambda: len(mailoutbox) == 2, timeout=30)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([pair.member_a.email, pair.member_b.email])
    assert wait_for(lambda: set(Message.objects.filter(channel="email").values_list("state", flat=True)) == {"sent"})


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_password_reset_with_the_broker_down_is_not_lost(client, celery_worker, broker_down, mailoutbox):
    user = PartnershipFactory().member_a
    with broker_down():
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert Message.objects.filter(channel="email").get().state == "pending"
    outbox_sweep(now=timezone.now() + SWEEP_AFTER)
    assert wait_for(lambda: len(mailoutbox) == 1, timeout=30)
    assert mailoutbox[0].to == [user.email] and "/accounts/password/reset/key/" in mailoutbox[0].body
