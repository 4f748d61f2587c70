"""The ADMINS are told through the outbox, once per key; with no ADMINS nobody is, and the caller learns it."""

import pytest
from django.urls import reverse

from mentoring.notifications.models import Message
from mentoring.notifications.services import admins_tell
from tests.factories import FailedMessageFactory, MessageFactory, UserFactory
from tests.notifications.conftest import WHEN

pytestmark = pytest.mark.django_db

CONTEXT = {"name": "Ops", "when": WHEN}


def test_each_admin_gets_one_message_per_key_from_server_email(settings):
    settings.ADMINS = [("Ops", "ops@northwind.example"), ("Dev", "Dev@Northwind.example")]
    settings.SERVER_EMAIL = "alerts@northwind.example"
    assert admins_tell(kind="test_note", context=CONTEXT, key="thing_failed:1") is True
    assert admins_tell(kind="test_note", context=CONTEXT, key="thing_failed:1") is True  # told already
    rows = Message.objects.order_by("address").values_list("address", "key", "from_email")
    assert list(rows) == [
        ("Dev@Northwind.example", "thing_failed:1:dev@northwind.example", "alerts@northwind.example"),
        ("ops@northwind.example", "thing_failed:1:ops@northwind.example", "alerts@northwind.example"),
    ]


def test_with_no_admins_nobody_is_told_and_the_caller_knows(settings):
    settings.ADMINS = []
    assert admins_tell(kind="test_note", context=CONTEXT, key="thing_failed:1") is False
    assert not Message.objects.exists()


def test_django_admin_lists_messages_by_state_without_their_text(client_for):
    FailedMessageFactory(address="gone@northwind.example", body="SECRET body")
    MessageFactory(address="fine@northwind.example", state="sent")
    client = client_for(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:notifications_message_changelist") + "?state__exact=failed").text
    assert "gone@northwind.example" in page and "fine@northwind.example" not in page
    assert "SECRET" not in page
