"""Check-ins: once per partner and held session, editable for seven days, private unless shared."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import CheckIn, CheckInGoalProgress
from sessions_log.services import checkin_submit, checkin_update, session_log
from tests.factories import CheckInFactory, GoalFactory, SessionFactory, UserFactory
from tests.sessions_log.conftest import in_days

pytestmark = pytest.mark.django_db

ANSWERS = {
    "usefulness": 5,
    "learned": "Pivot tables at last",
    "taught": "Opening a negotiation",
    "next_time": "More time",
    "contact_requested": False,
    "shared_with_program_team": False,
}
PRIVATE = "My partner keeps cancelling and I feel awkward"


@pytest.fixture
def held(pair):
    return SessionFactory(partnership=pair, held=True)


def form_data(**changes):
    data = {**ANSWERS, **changes}
    return {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}


def test_partner_fills_in_a_check_in(held, ana):
    checkin = checkin_submit(session=held, author=ana, data=ANSWERS)
    assert (checkin.usefulness, checkin.learned, checkin.author) == (5, "Pivot tables at last", ana)


def test_check_in_for_a_session_not_held_is_refused(pair, ana):
    for status, start in (("accepted", in_days(2)), ("not_held", in_days(-2)), ("cancelled", in_days(-2))):
        session = SessionFactory(partnership=pair, status=status, start=start)
        with pytest.raises(ValidationError, match="log this session as held first"):
            checkin_submit(session=session, author=ana, data=ANSWERS)
    assert not CheckIn.objects.exists()


def test_check_in_for_someone_elses_session_is_refused(held, other_pair):
    with pytest.raises(ValidationError, match="not yours"):
        checkin_submit(session=held, author=other_pair.member_a, data=ANSWERS)
    assert not CheckIn.objects.exists()


def test_a_second_check_in_for_the_same_session_is_refused(held, ana):
    checkin_submit(session=held, author=ana, data=ANSWERS)
    with pytest.raises(ValidationError, match="already filled in"):
        checkin_submit(session=held, author=ana, data={**ANSWERS, "usefulness": 1})
    assert CheckIn.objects.get().usefulness == 5


def test_each_partner_fills_their_own(held, ana, ben):
    checkin_submit(session=held, author=ana, data=ANSWERS)
    checkin_submit(session=held, author=ben, data=ANSWERS)
    assert CheckIn.objects.count() == 2


def test_rating_outside_1_to_5_is_refused(held, ana):
    with pytest.raises(ValidationError):
        checkin_submit(session=held, author=ana, data={**ANSWERS, "usefulness": 6})
    assert not CheckIn.objects.exists()


def test_check_ins_close_thirty_days_after_the_session(pair, ana):
    old = SessionFactory(partnership=pair, status="held", start=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(ValidationError, match="30 days"):
        checkin_submit(session=old, author=ana, data=ANSWERS)


def test_check_in_is_editable_for_seven_days_then_locked(held, ana):
    checkin = checkin_submit(session=held, author=ana, data=ANSWERS)
    checkin_update(checkin=checkin, by=ana, data={**ANSWERS, "usefulness": 3})
    checkin.refresh_from_db()
    assert checkin.usefulness == 3
    CheckIn.objects.filter(pk=checkin.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    with pytest.raises(ValidationError, match="no longer be changed"):
        checkin_update(checkin=checkin, by=ana, data={**ANSWERS, "usefulness": 1})
    checkin.refresh_from_db()
    assert checkin.usefulness == 3


def test_only_the_author_edits(held, ana, ben):
    checkin = checkin_submit(session=held, author=ana, data=ANSWERS)
    with pytest.raises(ValidationError):
        checkin_update(checkin=checkin, by=ben, data={**ANSWERS, "usefulness": 1})


def test_a_held_session_with_check_ins_cannot_be_relogged_as_not_held(held, ana):
    checkin_submit(session=held, author=ana, data=ANSWERS)
    with pytest.raises(ValidationError, match="stays logged as held"):
        session_log(session=held, by=ana, held=False, not_held_reason="other")
    held.refresh_from_db()
    assert held.status == "held"


# --- Goals ----------------------------------------------------------------------------------------


def test_check_in_moves_the_authors_goals(held, pair, ana):
    goal = GoalFactory(partnership=pair, owner=ana, progress=20)
    checkin_submit(session=held, author=ana, data=ANSWERS, goal_progress={goal.pk: 60})
    goal.refresh_from_db()
    assert goal.progress == 60
    assert CheckInGoalProgress.objects.get().progress == 60


def test_check_in_cannot_move_the_partners_goals(held, pair, ana, ben):
    goal = GoalFactory(partnership=pair, owner=ben, progress=20)
    with pytest.raises(ValidationError, match="your own open goals"):
        checkin_submit(session=held, author=ana, data=ANSWERS, goal_progress={goal.pk: 90})
    goal.refresh_from_db()
    assert goal.progress == 20
    assert not CheckIn.objects.exists()


def test_check_in_page_asks_for_progress_on_each_open_goal(held, pair, ana, client_for):
    goal = GoalFactory(partnership=pair, owner=ana, title="Build my first dashboard", progress=10)
    url = reverse("sessions_log:checkin", args=[held.pk])
    client = client_for(ana)
    assert "Build my first dashboard" in client.get(url).text
    bad = client.post(url, form_data(**{f"goal_{goal.pk}": "150"}))
    assert bad.status_code == 400
    assert not CheckIn.objects.exists()
    assert client.post(url, form_data(**{f"goal_{goal.pk}": "40"})).status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 40


# --- Through the page -----------------------------------------------------------------------------


def test_check_in_page_for_a_session_not_held_explains_and_refuses(pair, ana, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2))
    url = reverse("sessions_log:checkin", args=[session.pk])
    page = client_for(ana).get(url)
    assert "log this session as held first" in page.text
    response = client_for(ana).post(url, form_data())
    assert response.status_code == 400
    assert "log this session as held first" in response.text
    assert not CheckIn.objects.exists()


def test_a_second_check_in_from_a_stale_form_is_refused(held, ana, client_for):
    url = reverse("sessions_log:checkin", args=[held.pk])
    client = client_for(ana)
    assert client.post(url, {**form_data(), "editing": ""}).status_code == 302
    response = client.post(url, {**form_data(usefulness=1), "editing": ""})
    assert response.status_code == 400
    assert "already filled in the check-in" in response.text
    assert CheckIn.objects.get().usefulness == 5


def test_editing_through_the_page(held, ana, client_for):
    checkin = CheckInFactory(session=held, author=ana, usefulness=2)
    url = reverse("sessions_log:checkin", args=[held.pk])
    response = client_for(ana).post(url, {**form_data(usefulness=4), "editing": str(checkin.pk)})
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.usefulness == 4


def test_missing_rating_is_refused(held, ana, client_for):
    url = reverse("sessions_log:checkin", args=[held.pk])
    data = form_data()
    del data["usefulness"]
    assert client_for(ana).post(url, data).status_code == 400
    assert not CheckIn.objects.exists()


def _sessions_due(page: str) -> set[int]:
    """The sessions of an All sessions page whose row says "Check-in due"."""
    rows = re.findall(r'<li class="list-group-item" data-session="(\d+)">(.*?)</li>', page, re.S)
    return {int(pk) for pk, row in rows if "Check-in due" in row}


def test_all_sessions_page_marks_check_ins_due_like_the_pair_page(pair, ana, ben, client_for):
    due = SessionFactory(partnership=pair, held=True)
    done = SessionFactory(partnership=pair, status="held", start=in_days(-5))
    SessionFactory(partnership=pair, status="held", start=in_days(-31))  # too old to check in on
    SessionFactory(partnership=pair, start=in_days(2))  # still to come
    CheckInFactory(session=done, author=ana)
    url = reverse("sessions_log:partnership_sessions", args=[pair.pk])
    assert _sessions_due(client_for(ana).get(url).text) == {due.pk}
    assert _sessions_due(client_for(ben).get(url).text) == {due.pk, done.pk}
    pair_page = client_for(ana).get(reverse("partnerships:detail", args=[pair.pk])).text
    assert _sessions_due(pair_page) == {due.pk}  # as on the pair's page


# --- Privacy --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["partner", "employee", "leader", "program_admin", "superuser"])
def test_unshared_check_in_text_stays_with_its_author(request, held, ana, role, client_for, django_user_model):
    CheckInFactory(session=held, author=ana, learned=PRIVATE, contact_requested=True)
    if role == "partner":
        user = held.partnership.member_b
    elif role == "superuser":
        user = django_user_model.objects.create_superuser(email="root@northwind.example", password="x" * 12)
    else:
        user = request.getfixturevalue(role)
    client = client_for(user)
    for url in (
        held.get_absolute_url(),
        reverse("sessions_log:checkin", args=[held.pk]),
        reverse("sessions_log:partnership_sessions", args=[held.partnership_id]),
        reverse("sessions_log:cohort_overview", args=[held.partnership.cohort_id]),
        "/django-admin/sessions_log/checkin/",
        f"/django-admin/sessions_log/checkin/{CheckIn.objects.get().pk}/change/",
    ):
        assert PRIVATE not in client.get(url).content.decode(), (role, url)


def test_the_author_sees_their_own_text(held, ana, client_for):
    CheckInFactory(session=held, author=ana, learned=PRIVATE)
    assert PRIVATE in client_for(ana).get(reverse("sessions_log:checkin", args=[held.pk])).text


def test_shared_text_and_contact_requests_reach_the_program_team_only(held, ana, ben, program_admin, client_for):
    CheckInFactory(session=held, author=ana, learned=PRIVATE, shared_with_program_team=True, contact_requested=True)
    page = client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[held.partnership.cohort_id]))
    assert PRIVATE in page.text
    assert 'data-testid="contact-requests"' in page.text and ana.email in page.text
    assert PRIVATE not in client_for(ben).get(held.get_absolute_url()).text


def test_ratings_reach_the_program_team_only_as_totals(pair, ana, ben, program_admin, client_for):
    first, second = (
        SessionFactory(partnership=pair, held=True),
        SessionFactory(partnership=pair, status="held", start=in_days(-10)),
    )
    CheckInFactory(session=first, author=ana, usefulness=5)
    CheckInFactory(session=second, author=ben, usefulness=2)
    page = client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[pair.cohort_id]))
    assert "Average 3.5 / 5 from 2 check-ins" in page.text
    assert "Ana Costa" not in page.text and "Ben Okafor" not in page.text  # nothing shared, no flags


def test_outsider_gets_404_on_the_check_in_page(held, client_for):
    assert client_for(UserFactory()).get(reverse("sessions_log:checkin", args=[held.pk])).status_code == 404


def test_a_shared_check_in_still_shows_its_rating_only_in_the_totals(held, ana, program_admin, client_for):
    CheckInFactory(session=held, author=ana, usefulness=2, learned="Shared words", shared_with_program_team=True)
    page = client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[held.partnership.cohort_id]))
    assert "Shared words" in page.text
    assert "2/5" not in page.text
