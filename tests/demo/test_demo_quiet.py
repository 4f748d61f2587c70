"""Loading the demo e-mails nobody: the console shows the logins, not a pile of notification e-mails."""

import datetime
import io

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from mentoring.notifications.emails import emails_muted, queue_message
from mentoring.partnerships.models import Agreement
from sessions_log.models import SessionEmail
from sessions_log.services import session_propose
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_load_demo_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    assert mailoutbox == []
    assert SessionEmail.objects.count() == 0
    # The demo still did what normally notifies a partner: write agreements for pairs to sign.
    assert Agreement.objects.exists()


def test_load_demo_prints_only_the_logins(settings, capsys, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # what `make run` uses
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=out)
    printed = capsys.readouterr()
    assert "Subject:" not in printed.out + printed.err
    assert "Demo organisation ready" in out.getvalue()


def message() -> EmailMultiAlternatives:
    return EmailMultiAlternatives(subject="Hello", body="Hi", to=["ana@northwind.example"])


def test_queue_message_sends_nothing_while_muted_and_again_afterwards(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with emails_muted():
            queue_message(message())
        assert mailoutbox == []
        queue_message(message())
    assert [m.subject for m in mailoutbox] == ["Hello"]


def test_a_session_proposed_while_muted_records_and_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    pair = PartnershipFactory()
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True), emails_muted():
        session_propose(partnership=pair, proposed_by=pair.member_a, start=start, location="Room 1", base_url="")
    assert SessionEmail.objects.count() == 0
    assert mailoutbox == []
