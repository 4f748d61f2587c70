"""No cache keeps what a signed-in person saw; every answer turns off the browser features Twoway never uses."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_a_signed_in_page_is_private_and_not_stored(client):
    client.force_login(factories.UserFactory())
    page = client.get(reverse("home"))
    assert page.status_code == 200 and _no_store(page)


def test_the_report_csv_and_a_session_calendar_file_are_not_stored(client):
    leader = factories.LeaderFactory()
    cohort = factories.ActiveCohortFactory()
    client.force_login(leader)
    csv = client.get(reverse("reports:cohort_csv", args=[cohort.pk]))
    assert csv.status_code == 200 and _no_store(csv)

    session = factories.SessionFactory()
    client.force_login(session.partnership.member_a)
    ics = client.get(reverse("sessions_log:session_ics", args=[session.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar") and _no_store(ics)


def test_an_answer_that_opened_no_session_costs_no_query(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert client.get(reverse("livez")).status_code == 200


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_answer_carries_a_permissions_policy(client, signed_in):
    if signed_in:
        client.force_login(factories.UserFactory())
    for path in ("/", "/accounts/login/", "/no-such-page/"):
        response = client.get(path)
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
