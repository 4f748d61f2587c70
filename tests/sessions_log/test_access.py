"""Every sessions page, tried by every role: anonymous, both partners, another pair, program admin, leader."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.models import Message
from sessions_log.models import CheckIn, Session, SessionHalf, SessionNote
from tests.factories import SessionFactory
from tests.sessions_log.conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(pair):
    """A proposal by Ana waiting for Ben, and a session held yesterday."""
    proposed = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=pair.member_a)
    held = SessionFactory(
        partnership=pair, status="held", start=timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    )
    return proposed, held


def pair_pages(pair, proposed: Session, held: Session, topic_half: int = 1) -> list[tuple[str, str]]:
    """(method, url) of every page that belongs to the pair; member B is the mentee of the first half."""
    return [
        ("get", reverse("sessions_log:partnership_sessions", args=[pair.pk])),
        ("get", reverse("sessions_log:session_propose", args=[pair.pk])),
        ("get", reverse("sessions_log:session_detail", args=[proposed.pk])),
        ("get", reverse("sessions_log:session_decline", args=[proposed.pk])),
        ("get", reverse("sessions_log:session_other_time", args=[proposed.pk])),
        ("get", reverse("sessions_log:session_reschedule", args=[proposed.pk])),
        ("get", reverse("sessions_log:session_cancel", args=[proposed.pk])),
        ("get", reverse("sessions_log:session_ics", args=[proposed.pk])),
        ("get", reverse("sessions_log:session_log", args=[held.pk])),
        ("get", reverse("sessions_log:half_topic", args=[held.pk, topic_half])),
        ("get", reverse("sessions_log:note_edit", args=[held.pk])),
        ("get", reverse("sessions_log:checkin", args=[held.pk])),
        ("post", reverse("sessions_log:session_accept", args=[proposed.pk])),
    ]


def fetch(client, method, url):
    return client.post(url) if method == "post" else client.get(url)


def test_anonymous_is_sent_to_login_everywhere(client, pair, sessions):
    urls = [*pair_pages(pair, *sessions), ("get", reverse("sessions_log:cohort_overview", args=[pair.cohort_id]))]
    for method, url in urls:
        response = fetch(client, method, url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"], url


@pytest.mark.parametrize("member", ["member_a", "member_b"])
def test_both_partners_reach_every_page_of_their_pair(client_for, pair, sessions, member):
    client = client_for(getattr(pair, member))
    for method, url in pair_pages(pair, *sessions, topic_half=1 if member == "member_b" else 2):
        if method == "post":
            continue
        assert fetch(client, method, url).status_code == 200, url


def test_the_partner_who_was_asked_accepts(client_for, pair, sessions):
    proposed, _ = sessions
    response = client_for(pair.member_b).post(reverse("sessions_log:session_accept", args=[proposed.pk]))
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == "accepted"


@pytest.mark.parametrize("role", ["other_pair", "employee", "program_admin", "leader", "superuser"])
def test_nobody_outside_the_pair_reaches_its_pages(request, client_for, pair, sessions, role, django_user_model):
    if role == "other_pair":
        user = request.getfixturevalue("other_pair").member_a
    elif role == "superuser":
        user = django_user_model.objects.create_superuser(email="root@northwind.example", password="x" * 12)
    else:
        user = request.getfixturevalue(role)
    client = client_for(user)
    for method, url in pair_pages(pair, *sessions):
        assert fetch(client, method, url).status_code == 404, (role, url)
    proposed, _ = sessions
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_accept_is_post_only(client_for, pair, sessions):
    proposed, _ = sessions
    assert client_for(pair.member_b).get(reverse("sessions_log:session_accept", args=[proposed.pk])).status_code == 405


@pytest.mark.parametrize("role", ["member_a", "member_b", "other_pair", "employee", "leader"])
def test_cohort_overview_is_for_program_admins(request, client_for, pair, role):
    if role.startswith("member"):
        user = getattr(pair, role)
    elif role == "other_pair":
        user = request.getfixturevalue("other_pair").member_a
    else:
        user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("sessions_log:cohort_overview", args=[pair.cohort_id])).status_code == 403


def test_program_admin_reaches_the_cohort_overview(client_for, pair, program_admin):
    assert (
        client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[pair.cohort_id])).status_code == 200
    )
    assert client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[99999])).status_code == 404


def test_an_ended_partnership_cannot_propose_but_still_reads(client_for, pair, sessions):
    pair.status, pair.ended_at = "ended", timezone.now()
    pair.save()
    client = client_for(pair.member_a)
    response = client.get(reverse("sessions_log:session_propose", args=[pair.pk]))
    assert response.status_code == 302
    assert client.get(reverse("sessions_log:partnership_sessions", args=[pair.pk])).status_code == 200


@pytest.fixture
def accepted(pair):
    """A session both partners agreed to, in three days."""
    return SessionFactory(partnership=pair, start=in_days(3))


def pair_writes(pair, proposed: Session, held: Session, accepted: Session) -> list[tuple[str, dict]]:
    """(url, valid data) of every form that writes to the pair, filled in as the right partner would."""
    day = in_days(5).date().isoformat()
    move = {"date": day, "time": "09:00", "location": "Room 4"}
    return [
        (reverse("sessions_log:session_propose", args=[pair.pk]), move),
        (reverse("sessions_log:session_decline", args=[proposed.pk]), {"reason": "Away"}),
        (reverse("sessions_log:session_other_time", args=[proposed.pk]), {**move, "note": "Later?"}),
        (reverse("sessions_log:session_reschedule", args=[accepted.pk]), {**move, "reason": "Moved"}),
        (reverse("sessions_log:session_cancel", args=[proposed.pk]), {"reason": "Ill"}),
        (
            reverse("sessions_log:session_log", args=[held.pk]),
            {"outcome": "held", "first_half_minutes": "30", "second_half_minutes": "30"},
        ),
        (reverse("sessions_log:half_topic", args=[held.pk, 1]), {"topic": "Outsider's topic"}),
        (reverse("sessions_log:note_edit", args=[held.pk]), {"text": "Outsider's note"}),
        (reverse("sessions_log:checkin", args=[held.pk]), {"usefulness": "5", "learned": "Outsider"}),
    ]


def pair_state(pair) -> list:
    """Everything the forms above could write: sessions, their halves, notes, check-ins and e-mails."""
    sessions = Session.objects.filter(partnership=pair)
    return [
        list(sessions.order_by("pk").values_list("pk", "status", "start", "location", "sequence", "proposed_by")),
        list(
            SessionHalf.objects.filter(session__partnership=pair)
            .order_by("pk")
            .values_list("pk", "topic", "topic_skill", "actual_minutes")
        ),
        SessionNote.objects.filter(session__partnership=pair).count(),
        CheckIn.objects.filter(session__partnership=pair).count(),
        Message.objects.filter(recipient__in=[pair.member_a, pair.member_b]).count(),
    ]


@pytest.mark.parametrize("role", ["other_pair", "employee", "program_admin", "leader"])
def test_nobody_outside_the_pair_can_post_to_its_forms_and_nothing_is_written(
    request, client_for, pair, sessions, accepted, role
):
    user = request.getfixturevalue("other_pair").member_a if role == "other_pair" else request.getfixturevalue(role)
    client = client_for(user)
    before = pair_state(pair)
    for url, data in pair_writes(pair, *sessions, accepted):
        assert client.post(url, data).status_code == 404, (role, url)
    assert pair_state(pair) == before


def test_anonymous_posts_are_sent_to_login_and_write_nothing(client, pair, sessions, accepted):
    before = pair_state(pair)
    for url, data in pair_writes(pair, *sessions, accepted):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"], url
    assert pair_state(pair) == before


@pytest.mark.parametrize("member", ["member_a", "member_b"])
def test_an_empty_post_from_a_partner_never_gives_a_500_or_writes(client_for, pair, sessions, accepted, member):
    client = client_for(getattr(pair, member))
    before = pair_state(pair)
    for url, _data in pair_writes(pair, *sessions, accepted):
        status = client.post(url, {}).status_code
        assert status in (200, 302, 400, 403), (url, status)
    assert pair_state(pair) == before
