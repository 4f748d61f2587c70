"""Upgrading from SessionEmail and AssessmentEmail: what was sent becomes sent outbox messages with the keys the outbox
uses now, so the beats after the upgrade send nothing twice; what was never sent is queued again by them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.surveys.services import assessment_emails_queue
from sessions_log.reminders import reminders_queue_due
from tests.factories import AssessmentFactory, PartnershipFactory, SessionFactory

BEFORE = [
    ("notifications", "0001_initial"),
    ("sessions_log", "0003_partnership_and_goal_moved"),
    ("surveys", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_sent_session_and_survey_e_mails_become_sent_messages_and_are_not_sent_again(mailoutbox):
    pair = PartnershipFactory()
    ana, ben = pair.member_a, pair.member_b
    session = SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=20), sequence=2)
    survey = AssessmentFactory(cohort=pair.cohort)
    sent = timezone.now() - datetime.timedelta(hours=1)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        SessionEmail = old.get_model("sessions_log", "SessionEmail")
        for person in (ana, ben):
            SessionEmail.objects.create(
                session_id=session.pk, recipient_id=person.pk, kind="reminder", sequence=2, lead_hours=24, sent_at=sent
            )
        invitation = {"kind": "invitation", "sequence": 2, "calendar_method": "REQUEST", "sent_at": sent}
        SessionEmail.objects.create(session_id=session.pk, recipient_id=ben.pk, **invitation)
        SessionEmail.objects.create(session_id=session.pk, recipient_id=ana.pk, kind="proposal", sequence=1)  # unsent
        AssessmentEmail = old.get_model("surveys", "AssessmentEmail")
        AssessmentEmail.objects.create(assessment_id=survey.pk, recipient_id=ana.pk, sent_at=sent)
        AssessmentEmail.objects.create(assessment_id=survey.pk, recipient_id=ben.pk)  # recorded, never sent
    finally:
        migrate(latest)

    messages = Message.objects.order_by("key").values_list("key", "kind", "address", "state", "sent_at", "subject")
    assert list(messages) == [
        (f"assessment_open:{survey.pk}:{ana.pk}", "assessment_open", ana.email, "sent", sent, ""),
        (f"session_invitation:{session.pk}:{ben.pk}:2", "session_invitation", ben.email, "sent", sent, ""),
        *sorted(
            (f"session_reminder:{session.pk}:{person.pk}:2:24", "session_reminder", person.email, "sent", sent, "")
            for person in (ana, ben)
        ),
    ]
    assert Message.objects.get(kind="session_invitation").calendar_method == "REQUEST"
    assert len({m.message_id_header for m in Message.objects.all()}) == 4

    # The beats after the upgrade: the reminders went out already; only Ben still hears of the survey.
    assert reminders_queue_due(base_url="https://twoway.example") == 0
    assert assessment_emails_queue(base_url="https://twoway.example") == 1
    assert [m.to for m in mailoutbox] == [[ben.email]]
