"""The check-in page: a 1-5 scale of radio buttons, the author's goals after what they taught, errors in place."""

import pytest
from django.urls import reverse

from sessions_log.models import CheckIn
from tests.factories import GoalFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(pair):
    return SessionFactory(partnership=pair, held=True)


def test_the_rating_is_five_radio_buttons_in_one_fieldset(held, ana, client_for):
    page = client_for(ana).get(reverse("sessions_log:checkin", args=[held.pk])).text
    assert page.count('type="radio" name="usefulness"') == 5
    assert "<legend" in page and "How useful was the session?" in page


def test_goals_come_after_what_i_taught_and_before_next_time(held, pair, ana, client_for):
    GoalFactory(partnership=pair, owner=ana, title="Build my first dashboard")
    page = client_for(ana).get(reverse("sessions_log:checkin", args=[held.pk])).text
    assert page.index("What I taught") < page.index("Build my first dashboard") < page.index("next one better")


def test_a_missing_rating_is_explained_next_to_the_scale_and_other_answers_are_kept(held, ana, client_for):
    url = reverse("sessions_log:checkin", args=[held.pk])
    response = client_for(ana).post(url, {"learned": "Pivot tables at last"})
    assert response.status_code == 400
    assert 'id="usefulness-errors"' in response.text and "Choose how useful the session was" in response.text
    assert "Pivot tables at last" in response.text
    assert not CheckIn.objects.exists()


def test_the_chosen_rating_stays_checked_when_another_answer_is_wrong(held, pair, ana, client_for):
    goal = GoalFactory(partnership=pair, owner=ana)
    url = reverse("sessions_log:checkin", args=[held.pk])
    response = client_for(ana).post(url, {"usefulness": "4", f"goal_{goal.pk}": "150"})
    assert response.status_code == 400
    assert 'value="4" class="btn-check" id="id_usefulness_3" required checked' in response.text
    assert not CheckIn.objects.exists()
