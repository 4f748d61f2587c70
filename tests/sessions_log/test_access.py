"""Every sessions page, tried by every role: anonymous, both partners, another pair, program admin, leader."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import Session
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
