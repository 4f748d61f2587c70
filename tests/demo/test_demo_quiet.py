"""Loading the demo e-mails nobody: the console shows the logins, not a pile of notification e-mails."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import message_queue, messages_muted
from mentoring.partnerships.models import Agreement
from sessions_log.services import session_propose
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_load_demo_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    assert mailoutbox == []
    assert not Message.objects.exists()
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


def queue() -> Message | None:
    return message_queue(kind="profile_reminder", to="ana@northwind.example", context={"link": "/"})


def test_nothing_is_queued_while_muted_and_again_afterwards(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with messages_muted():
            assert queue() is None
        assert mailoutbox == [] and not Message.objects.exists()
        queue()
    assert [m.to for m in mailoutbox] == [["ana@northwind.example"]]


def test_a_session_proposed_while_muted_records_and_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    pair = PartnershipFactory()
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True), messages_muted():
        session_propose(partnership=pair, proposed_by=pair.member_a, start=start, location="Room 1", base_url="")
    assert not Message.objects.exists()
    assert mailoutbox == []
