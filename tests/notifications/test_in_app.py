"""The in-app list behind the bell: fed by the outbox, only ever the signed-in person's own entries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.models import Channel, Message, MessageState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
BELL = reverse("notifications:bell")
READ_ALL = reverse("notifications:read_all")


def entry(user, subject="A session proposal", link="/sessions/1/", read=False, **extra):
    return Message.objects.create(
        kind="session_proposal",
        channel=Channel.IN_APP,
        recipient=user,
        address=user.email,
        subject=subject,
        link=link,
        message_id_header=f"<{subject}-{user.pk}-{Message.objects.count()}@t>",
        state=MessageState.SENT,
        read_at=timezone.now() if read else None,
        **extra,
    )


@pytest.fixture
def ana(db):
    return UserFactory(full_name="Ana Alves")


def test_anonymous_is_sent_to_sign_in_everywhere(client, ana):
    mine = entry(ana)
    for url in (LIST, BELL, reverse("notifications:open", args=[mine.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for url in (READ_ALL, reverse("notifications:read", args=[mine.pk])):
        assert client.post(url).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_bell_shows_the_unread_count_in_one_query(client_for, ana, django_assert_num_queries):
    client = client_for(ana)
    for _ in range(3):
        entry(ana)
    entry(ana, read=True)
    entry(UserFactory())  # someone else's
    # the session, the user (authentication), the count
    with django_assert_num_queries(3):
        page = client.get(BELL).content.decode()
    assert 'data-unread="3"' in page and '3<span class="visually-hidden"> unread</span>' in page
    for _ in range(30):
        entry(ana)
    with django_assert_num_queries(3):
        assert 'data-unread="33"' in client.get(BELL).content.decode()


def test_no_unread_entry_shows_no_badge(client_for, ana):
    entry(ana, read=True)
    page = client_for(ana).get(BELL).content.decode()
    assert 'data-unread="0"' in page and "badge" not in page


def test_every_signed_in_page_has_the_bell_loaded_after_the_page_with_a_link_without_javascript(client_for, ana):
    page = client_for(ana).get(reverse("home")).content.decode()
    assert f'href="{LIST}" hx-get="{BELL}" hx-trigger="load"' in page and ">Notifications</a>" in page
    assert "vendor/htmx/htmx.min.js" in page


def test_the_list_shows_the_last_50_of_ones_own_entries_newest_first(client_for, ana, django_assert_num_queries):
    client = client_for(ana)
    for number in range(55):
        entry(ana, subject=f"Entry {number:02d}", created_at=timezone.now() + datetime.timedelta(seconds=number))
    entry(UserFactory(), subject="Not for Ana")
    # the session, the user, the entries
    with django_assert_num_queries(3):
        response = client.get(LIST)
    entries = response.context["entries"]
    assert len(entries) == 50 and entries[0].subject == "Entry 54" and entries[-1].subject == "Entry 05"
    assert "Not for Ana" not in response.content.decode()


def test_an_empty_list_says_so(client_for, ana):
    assert "Nothing yet." in client_for(ana).get(LIST).content.decode()


def test_opening_an_entry_marks_it_read_and_goes_to_its_page(client_for, ana):
    mine = entry(ana, link="/sessions/7/")
    response = client_for(ana).get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/sessions/7/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_an_entry_whose_link_leaves_the_site_goes_to_the_list(client_for, ana):
    mine = entry(ana, link="https://evil.example/")
    response = client_for(ana).get(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == LIST


@pytest.mark.parametrize("fixture", ["employee", "program_admin", "leader"])
def test_nobody_can_open_or_mark_another_persons_entry(client_for, request, ana, fixture):
    other = client_for(request.getfixturevalue(fixture))
    mine = entry(ana)
    assert other.get(reverse("notifications:open", args=[mine.pk])).status_code == 404
    assert other.post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    other.post(READ_ALL)
    mine.refresh_from_db()
    assert mine.read_at is None


def test_an_email_row_is_not_an_entry(client_for, ana):
    email = entry(ana)
    Message.objects.filter(pk=email.pk).update(channel=Channel.EMAIL)
    assert client_for(ana).get(reverse("notifications:open", args=[email.pk])).status_code == 404


def test_mark_one_read_and_mark_all_read(client_for, ana):
    client = client_for(ana)
    first, second, third = entry(ana), entry(ana), entry(ana)
    assert client.post(reverse("notifications:read", args=[first.pk])).status_code == 302
    assert set(Message.objects.filter(read_at=None).values_list("pk", flat=True)) == {second.pk, third.pk}
    response = client.post(READ_ALL, follow=True)
    assert "2 notifications marked read." in response.content.decode()
    assert not Message.objects.filter(read_at=None).exists()


def test_marking_needs_a_post(client_for, ana):
    mine = entry(ana)
    assert client_for(ana).get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert client_for(ana).get(READ_ALL).status_code == 405
