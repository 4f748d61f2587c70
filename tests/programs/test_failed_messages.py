"""Program admins see the messages the outbox gave up on (who, what, why; never the text) and can send one again."""

import pytest
from django.urls import reverse

from mentoring.notifications.models import Message
from tests.factories import FailedMessageFactory, MessageFactory

pytestmark = pytest.mark.django_db


def test_the_program_list_says_how_many_messages_could_not_be_sent(client_for, program_admin):
    client = client_for(program_admin)
    MessageFactory(state="sent")
    assert "could not be sent" not in client.get(reverse("programs:program_list")).text
    FailedMessageFactory.create_batch(2)
    page = client.get(reverse("programs:program_list")).text
    assert "2 messages could not be sent." in page
    assert reverse("programs:failed_messages") in page


def test_the_page_lists_to_whom_what_and_why_but_never_the_text(client_for, program_admin):
    FailedMessageFactory(address="gone@northwind.example", subject="SECRET subject", body="SECRET body")
    MessageFactory(address="fine@northwind.example")
    page = client_for(program_admin).get(reverse("programs:failed_messages")).text
    assert "gone@northwind.example" in page and "profile_reminder" in page and "No such user" in page
    assert "SECRET" not in page and "fine@northwind.example" not in page


def test_send_again_gives_the_message_its_attempts_back_and_sends_it(
    client_for, program_admin, mailoutbox, django_capture_on_commit_callbacks
):
    message = FailedMessageFactory(address="back@northwind.example")
    url = reverse("programs:failed_message_send_again", args=[message.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for(program_admin).post(url, follow=True).text
    assert "The message to back@northwind.example is queued again." in page
    assert [m.to for m in mailoutbox] == [["back@northwind.example"]]
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 1)


def test_only_a_failed_message_can_be_sent_again(client_for, program_admin):
    sent = MessageFactory(state="sent")
    url = reverse("programs:failed_message_send_again", args=[sent.pk])
    assert client_for(program_admin).post(url).status_code == 404
    assert Message.objects.get(pk=sent.pk).state == "sent"


def test_the_page_costs_the_same_with_ten_times_the_failures(client_for, program_admin, django_assert_num_queries):
    client = client_for(program_admin)
    for count in (2, 20):
        FailedMessageFactory.create_batch(count)
        # session, user, the failed messages
        with django_assert_num_queries(3):
            assert client.get(reverse("programs:failed_messages")).status_code == 200
