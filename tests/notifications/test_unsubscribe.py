"""One-click unsubscribe (RFC 8058): a signed link in every e-mail of a kind that can be turned off."""

import datetime
import pathlib

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from mentoring.notifications import kinds, preferences
from mentoring.notifications.models import NotificationPreference
from mentoring.notifications.services import message_draft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _url(user, kind="session_reminder"):
    return reverse("notifications:unsubscribe", args=[preferences.unsubscribe_token(user_id=user.pk, kind=kind)])


def _profile_reminder(user):
    return message_draft(
        kind="profile_reminder",
        to=user.email,
        recipient=user,
        context={"user": user, "cohort": {"name": "Pilot"}, "completeness": {"percent": 50}, "link": "http://x/me/"},
    )


def test_an_email_that_can_be_turned_off_carries_the_link_in_its_footer_and_headers():
    ana = UserFactory()
    draft = _profile_reminder(ana)
    link = draft.headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/notifications/unsubscribe/")
    assert draft.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in draft.content.body and f'href="{link}"' in draft.content.html
    assert "Choose which e-mails you get: http://127.0.0.1:8000/notifications/preferences/" in draft.content.body


def test_an_email_that_cannot_be_turned_off_has_no_unsubscribe_link_but_links_the_settings():
    ana = UserFactory()
    draft = message_draft(
        kind="enrolled_by_admin",
        to=ana.email,
        recipient=ana,
        context={"user": ana, "cohort": {"name": "Pilot"}, "enrollment": {}, "link": "http://x/e/1/"},
    )
    assert "List-Unsubscribe" not in draft.headers and "unsubscribe" not in draft.content.body
    assert "/notifications/preferences/" in draft.content.body


def test_an_email_to_an_address_without_an_account_has_no_footer():
    draft = message_draft(
        kind="profile_reminder",
        to="someone@northwind.example",
        context={"user": {}, "cohort": {"name": "Pilot"}, "completeness": {"percent": 50}, "link": "http://x/me/"},
    )
    assert "notifications" not in draft.content.body and "List-Unsubscribe" not in draft.headers


def test_every_email_template_includes_the_shared_footer():
    bodies = sorted((ROOT / "templates" / "emails").glob("*_body.*"))
    assert len(bodies) >= 2 * len([k for k in kinds.all_kinds() if k.audience != kinds.SYSTEM])
    layout = '{% extends "emails/_nudge_layout.html" %}'  # the nudges' layout includes the footer
    assert '{% include "emails/_footer.html" %}' in (ROOT / "templates" / "emails" / "_nudge_layout.html").read_text()
    for path in bodies:
        text = path.read_text()
        assert f'{{% include "emails/_footer.{path.suffix[1:]}" %}}' in text or layout in text, path.name


def test_the_page_asks_before_turning_anything_off(employee):
    response = Client().get(_url(employee))
    page = response.content.decode()
    assert response.status_code == 200 and "Stop “Session reminders” e-mails?" in page and employee.email in page
    assert not NotificationPreference.objects.exists()


def test_a_mail_clients_one_click_post_turns_the_kind_off_without_signing_in_or_a_csrf_token(employee):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(employee), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no more “Session reminders” e-mails" in response.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "kind", "delivery")) == [
        (employee.pk, "session_reminder", "off")
    ]
    assert client.post(_url(employee)).status_code == 200  # twice: still off, one row
    assert NotificationPreference.objects.count() == 1


def test_it_turns_off_only_the_kind_and_the_person_the_token_names(employee, program_admin):
    Client().post(_url(employee, "assessment_open"))
    assert list(NotificationPreference.objects.values_list("user", "kind")) == [(employee.pk, "assessment_open")]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"u": 1, "k": "session_reminder"}, salt="another.salt"),
        signing.dumps({"u": "x", "k": "session_reminder"}, salt=preferences.UNSUBSCRIBE_SALT),
        signing.dumps({"k": "session_reminder"}, salt=preferences.UNSUBSCRIBE_SALT),
        signing.dumps(["a list"], salt=preferences.UNSUBSCRIBE_SALT),
    ],
    # signed tokens carry a timestamp: fixed ids, so parallel workers collect the same tests
    ids=["garbage", "another salt", "a user that is not a number", "no user", "not a dict"],
)
def test_a_tampered_token_gets_a_clear_400_and_changes_nothing(employee, token):
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("notifications:unsubscribe", args=[token]))
        assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_with_a_changed_character_is_refused(employee):
    url = _url(employee)
    token = url.rstrip("/").rsplit("/", 1)[1]
    changed = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert Client().post(reverse("notifications:unsubscribe", args=[changed])).status_code == 400


def test_an_expired_token_is_refused(employee, monkeypatch):
    url = _url(employee)
    monkeypatch.setattr(preferences, "UNSUBSCRIBE_MAX_AGE", datetime.timedelta(seconds=-1))
    assert Client().post(url).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_kind_that_cannot_be_turned_off_cannot_be_unsubscribed(employee):
    assert Client().post(_url(employee, "session_invitation")).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_person_who_no_longer_exists_gets_a_404_page(employee):
    url = _url(employee)
    employee.delete()
    response = Client().post(url)
    assert response.status_code == 404 and "no longer exists" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_after_unsubscribing_the_kind_is_no_longer_sent(employee, mailoutbox, django_capture_on_commit_callbacks):
    from mentoring.notifications.services import messages_queue

    Client().post(_url(employee, "profile_reminder"))
    with django_capture_on_commit_callbacks(execute=True):
        messages_queue([_profile_reminder(employee)])
    assert mailoutbox == []


def test_the_sent_email_carries_the_one_click_headers(employee, mailoutbox, django_capture_on_commit_callbacks):
    from mentoring.notifications.services import messages_queue

    with django_capture_on_commit_callbacks(execute=True):
        messages_queue([_profile_reminder(employee)])
    (sent,) = mailoutbox
    message = sent.message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
