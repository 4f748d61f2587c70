"""Preferences: each person chooses per kind e-mail (the default), in the app only, or off; queueing applies it."""

import pytest
from django.urls import reverse

from mentoring.notifications import kinds
from mentoring.notifications.models import Message, NotificationPreference
from mentoring.notifications.services import message_draft, message_queue, messages_queue
from tests.factories import UserFactory
from tests.notifications.conftest import WHEN

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


def _choices(person, **chosen):
    """Everything the page asks this person (the browser sends every radio group), e-mail unless ``chosen``."""
    return {kind.name: chosen.get(kind.name, "email") for kind in kinds.kinds_for(person) if kind.can_turn_off}


def _waitlist(user, **options):
    """A participants' kind that can be turned off (waitlist_promoted), rendered with its own template."""
    return message_queue(
        kind="waitlist_promoted",
        to=user.email,
        recipient=user,
        context={"user": user, "cohort": {"name": "Pilot", "program": {"name": "Reverse"}}, "link": "http://x/p/1/"},
        **options,
    )


def _rows(user):
    return sorted(Message.objects.filter(recipient=user).values_list("channel", "state"))


def test_by_default_a_person_gets_the_email_and_an_in_app_entry(django_capture_on_commit_callbacks):
    ana = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as doorbells:
        email = _waitlist(ana)
    assert _rows(ana) == [("email", "pending"), ("in_app", "sent")]
    entry = Message.objects.get(recipient=ana, channel="in_app")
    assert entry.link == "/p/1/" and not entry.subject.startswith("[Twoway]")
    assert email.channel == "email" and len(doorbells) == 1  # only the e-mail is rung for


def test_in_app_only_writes_the_entry_and_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    ana = UserFactory()
    NotificationPreference.objects.create(user=ana, kind="waitlist_promoted", delivery="in_app")
    with django_capture_on_commit_callbacks(execute=True) as doorbells:
        _waitlist(ana)
    assert _rows(ana) == [("email", "cancelled"), ("in_app", "sent")]
    assert doorbells == [] and mailoutbox == []


def test_off_sends_nothing_at_all(mailoutbox, django_capture_on_commit_callbacks):
    ana = UserFactory()
    NotificationPreference.objects.create(user=ana, kind="waitlist_promoted", delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        _waitlist(ana)
    assert _rows(ana) == [("email", "cancelled")] and mailoutbox == []


def test_a_kind_that_cannot_be_turned_off_is_emailed_whatever_is_stored(django_capture_on_commit_callbacks):
    ana = UserFactory()
    NotificationPreference.objects.create(user=ana, kind="enrolled_by_admin", delivery="off")  # e.g. stored by hand
    with django_capture_on_commit_callbacks(execute=False):
        message_queue(
            kind="enrolled_by_admin",
            to=ana.email,
            recipient=ana,
            context={"user": ana, "cohort": {"name": "Pilot"}, "enrollment": {}, "link": "http://x/e/1/"},
        )
    assert _rows(ana) == [("email", "pending"), ("in_app", "sent")]


def test_system_messages_get_no_in_app_entry(django_capture_on_commit_callbacks):
    ana = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        message_queue(kind="test_note", to=ana.email, recipient=ana, context={"name": "Ana", "when": WHEN})
    assert _rows(ana) == [("email", "pending")]


def test_one_persons_choice_does_not_touch_another(django_capture_on_commit_callbacks):
    ana, ben = UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=ana, kind="waitlist_promoted", delivery="off")
    with django_capture_on_commit_callbacks(execute=False):
        _waitlist(ana)
        _waitlist(ben)
    assert _rows(ben) == [("email", "pending"), ("in_app", "sent")]


def test_queueing_for_many_people_costs_three_queries_whatever_their_number(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(10)
    for person in people[::2]:
        NotificationPreference.objects.create(user=person, kind="waitlist_promoted", delivery="in_app")
    context = {"user": people[0], "cohort": {"name": "Pilot"}, "link": "http://x/p/1/"}
    for group in (people[:1], people):
        drafts = [message_draft(kind="waitlist_promoted", to=p.email, recipient=p, context=context) for p in group]
        # everyone's choices for these kinds, the insert (e-mails and entries), reading back which rows are new
        with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(3):
            assert len(messages_queue(drafts)) == len(group)
    assert Message.objects.filter(channel="in_app").count() == 11
    # people[0] reads this kind in the app only, in both runs; of the ten, five are e-mailed
    assert Message.objects.filter(channel="email", state="pending").count() == 5


# --- The page ------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.post(URL, {"waitlist_promoted": "off"}).status_code == 302
    assert not NotificationPreference.objects.exists()


def test_an_employee_sees_participants_kinds_and_the_fixed_ones_but_no_admin_or_system_kind(client_for, employee):
    page = client_for(employee).get(URL).content.decode()
    assert "Profile reminders" in page and "Session reminders" in page
    assert "Always e-mailed" in page and "Calendar invitations" in page
    assert "Weekly digest for program admins" not in page
    assert "Failed match runs" not in page
    assert 'name="session_invitation"' not in page  # fixed: no choice


def test_a_program_admin_also_chooses_for_the_admins_digest(client_for, program_admin):
    page = client_for(program_admin).get(URL).content.decode()
    assert "As a program admin" in page and 'name="admin_weekly_digest"' in page


@pytest.mark.parametrize("fixture", ["employee", "leader"])
def test_people_who_are_not_program_admins_cannot_set_the_admins_digest(client_for, request, fixture):
    person = request.getfixturevalue(fixture)
    response = client_for(person).post(
        URL, {**_choices(person, session_reminder="in_app"), "admin_weekly_digest": "off"}
    )
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=person).values_list("kind", "delivery")) == {
        "session_reminder": "in_app"
    }


def test_saving_stores_only_choices_that_differ_from_the_default(client_for, employee):
    client = client_for(employee)
    NotificationPreference.objects.create(user=employee, kind="assessment_open", delivery="off")
    response = client.post(URL, _choices(employee, session_reminder="off", profile_reminder="in_app"), follow=True)
    assert "Your notification preferences are saved." in response.content.decode()
    assert dict(NotificationPreference.objects.filter(user=employee).values_list("kind", "delivery")) == {
        "session_reminder": "off",
        "profile_reminder": "in_app",
    }
    form = client.get(URL).context["form"]
    assert (form["session_reminder"].value(), form["assessment_open"].value()) == ("off", "email")


def test_a_choice_that_is_not_offered_is_a_field_error_and_nothing_is_saved(client_for, employee):
    response = client_for(employee).post(URL, _choices(employee, session_reminder="off", profile_reminder="sms"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_missing_choice_is_a_field_error(client_for, employee):
    choices = _choices(employee, session_reminder="off")
    del choices["profile_reminder"]
    response = client_for(employee).post(URL, choices)
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_page_is_in_the_user_menu(client_for, employee):
    assert f'href="{URL}"' in client_for(employee).get(reverse("home")).content.decode()


def test_every_registered_kind_has_words_for_the_page():
    for kind in kinds.all_kinds():
        assert kind.label and kind.audience in {kinds.PARTICIPANTS, kinds.ADMINS, kinds.SYSTEM}
