"""The outbox's tests queue a small message of their own (tests/notifications/templates/emails/test_note_*)."""

import datetime
from pathlib import Path

import pytest

from mentoring.notifications.services import message_queue

WHEN = datetime.datetime(2030, 1, 15, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _test_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent / "templates"]}]


def note(to: str = "ana@northwind.example", **options):
    """Queue one test_note message ("Hello <name>, we meet at 15:00 UTC.")."""
    return message_queue(kind="test_note", to=to, context={"name": "Ana", "when": WHEN}, **options)
