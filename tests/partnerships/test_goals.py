"""Goals: one to five per partner per partnership, progress 0-100 %, achieved, closed at the cohort's end."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.partnerships.models import Goal
from mentoring.partnerships.services import (
    goal_close,
    goal_create,
    goal_delete,
    goal_mark_achieved,
    goal_set_progress,
    goal_update,
    partnership_end,
)
from tests.factories import GoalFactory, PartnershipFactory, SkillFactory, WantedSkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    partnership = PartnershipFactory()
    return partnership, partnership.member_a, partnership.member_b


# --- Service ------------------------------------------------------------------------------------


def test_a_partner_adds_a_goal_linked_to_a_skill_they_want(pair):
    partnership, ana, _ben = pair
    wanted = WantedSkillFactory(user=ana)
    goal = goal_create(partnership=partnership, owner=ana, title="  Present to the board  ", skill=wanted.skill)
    assert (goal.title, goal.skill, goal.progress, goal.status) == ("Present to the board", wanted.skill, 0, "open")


def test_a_sixth_goal_is_refused(pair):
    partnership, ana, ben = pair
    GoalFactory.create_batch(5, partnership=partnership, owner=ana)
    with pytest.raises(ValidationError, match="already have 5 goals"):
        goal_create(partnership=partnership, owner=ana, title="One more")
    assert Goal.objects.filter(owner=ana).count() == 5
    goal_create(partnership=partnership, owner=ben, title="Ben's first")  # the limit is per partner


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"title": "  "}, "title"), ({"progress": 101}, "progress"), ({"progress": -1}, "progress")],
)
def test_bad_goal_input_names_the_field_and_writes_nothing(pair, kwargs, field):
    partnership, ana, _ben = pair
    with pytest.raises(ValidationError) as error:
        goal_create(partnership=partnership, owner=ana, **{"title": "Fine", **kwargs})
    assert field in error.value.message_dict
    assert not Goal.objects.exists()


def test_a_goal_can_only_link_a_skill_its_owner_wants(pair):
    partnership, ana, _ben = pair
    with pytest.raises(ValidationError) as error:
        goal_create(partnership=partnership, owner=ana, title="Fine", skill=SkillFactory())
    assert "skill" in error.value.message_dict


def test_an_outsider_cannot_add_goals_to_a_pair(pair, employee):
    partnership, _ana, _ben = pair
    with pytest.raises(ValidationError, match="Only the two partners"):
        goal_create(partnership=partnership, owner=employee, title="Sneaky")


def test_only_the_owner_sets_progress_and_only_within_0_to_100(pair):
    partnership, ana, ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana, progress=10)
    with pytest.raises(ValidationError, match="Only the person who set a goal"):
        goal_set_progress(goal=goal, by=ben, progress=50)
    with pytest.raises(ValidationError):
        goal_set_progress(goal=goal, by=ana, progress=150)
    goal.refresh_from_db()
    assert goal.progress == 10
    assert goal_set_progress(goal=goal, by=ana, progress=60).progress == 60


def test_update_changes_title_and_notes(pair):
    partnership, ana, _ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana)
    goal_update(goal=goal, by=ana, data={"title": "Lead a workshop", "notes": "By June.", "skill": None, "progress": 5})
    goal.refresh_from_db()
    assert (goal.title, goal.notes, goal.progress) == ("Lead a workshop", "By June.", 5)


def test_marking_achieved_sets_full_progress(pair):
    partnership, ana, _ben = pair
    goal = goal_mark_achieved(goal=GoalFactory(partnership=partnership, owner=ana, progress=70), by=ana)
    assert goal.status == "achieved" and goal.progress == 100 and goal.achieved_at is not None


def test_goals_are_closed_only_at_the_end_of_the_cohort(pair):
    partnership, ana, _ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana)
    ends_on = partnership.cohort.ends_on
    with pytest.raises(ValidationError, match="at the end of the cohort"):
        goal_close(goal=goal, by=ana, outcome="partly", today=ends_on - datetime.timedelta(days=30))
    goal = goal_close(goal=goal, by=ana, outcome="partly", today=ends_on - datetime.timedelta(days=3))
    assert goal.outcome == "partly" and goal.closed_at is not None and goal.status == "open"


def test_a_goal_closed_as_achieved_counts_as_achieved_and_cannot_change_afterwards(pair):
    partnership, ana, _ben = pair
    partnership_end(partnership=partnership, ended_by=ana, reason="Cohort over.")
    goal = goal_close(goal=GoalFactory(partnership=partnership, owner=ana), by=ana, outcome="achieved")
    assert goal.status == "achieved" and goal.progress == 100
    with pytest.raises(ValidationError, match="closed"):
        goal_set_progress(goal=goal, by=ana, progress=10)
    with pytest.raises(ValidationError, match="closed"):
        goal_close(goal=goal, by=ana, outcome="not")


def test_an_unknown_final_outcome_is_refused(pair):
    partnership, ana, _ben = pair
    partnership_end(partnership=partnership, ended_by=ana, reason="Cohort over.")
    with pytest.raises(ValidationError) as error:
        goal_close(goal=GoalFactory(partnership=partnership, owner=ana), by=ana, outcome="maybe")
    assert "outcome" in error.value.message_dict


def test_the_last_goal_cannot_be_deleted(pair):
    partnership, ana, _ben = pair
    first, second = GoalFactory.create_batch(2, partnership=partnership, owner=ana)
    goal_delete(goal=first, by=ana)
    with pytest.raises(ValidationError, match="at least one goal"):
        goal_delete(goal=second, by=ana)
    assert list(Goal.objects.all()) == [second]


# --- Pages --------------------------------------------------------------------------------------


def test_adding_a_goal_on_the_page(pair, client_for):
    partnership, ana, _ben = pair
    wanted = WantedSkillFactory(user=ana)
    response = client_for(ana).post(
        reverse("partnerships:goal_create", args=[partnership.pk]),
        {"title": "Run my own pivot tables", "skill": wanted.skill.pk, "notes": "", "progress": 10},
    )
    assert response.status_code == 302
    assert Goal.objects.get().skill == wanted.skill


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"progress": 101}, "progress", "less than or equal to 100"),
        ({"progress": -5}, "progress", "greater than or equal to 0"),
        ({"progress": "lots"}, "progress", "Enter a whole number"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_the_goal_form_shows_field_errors_and_writes_nothing(pair, client_for, data, field, message):
    partnership, ana, _ben = pair
    response = client_for(ana).post(
        reverse("partnerships:goal_create", args=[partnership.pk]), {"title": "Fine", "progress": 0, **data}
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Goal.objects.exists()


def test_the_goal_form_refuses_a_skill_the_owner_does_not_want(pair, client_for):
    partnership, ana, _ben = pair
    response = client_for(ana).post(
        reverse("partnerships:goal_create", args=[partnership.pk]),
        {"title": "Fine", "progress": 0, "skill": SkillFactory().pk},
    )
    assert "Select a valid choice" in str(response.context["form"].errors["skill"])
    assert not Goal.objects.exists()


def test_the_goal_form_refuses_a_sixth_goal(pair, client_for):
    partnership, ana, _ben = pair
    GoalFactory.create_batch(5, partnership=partnership, owner=ana)
    response = client_for(ana).post(
        reverse("partnerships:goal_create", args=[partnership.pk]), {"title": "Sixth", "progress": 0}
    )
    assert response.status_code == 200
    assert "already have 5 goals" in response.content.decode()
    assert Goal.objects.count() == 5


def test_progress_outside_0_to_100_on_the_page_explains_and_writes_nothing(pair, client_for):
    partnership, ana, _ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana, progress=30)
    response = client_for(ana).post(
        reverse("partnerships:goal_progress", args=[goal.pk]), {"progress": 140}, follow=True
    )
    assert "from 0 to 100" in response.content.decode()
    goal.refresh_from_db()
    assert goal.progress == 30


def test_setting_progress_and_marking_achieved_on_the_page(pair, client_for):
    partnership, ana, _ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana, progress=30)
    client = client_for(ana)
    client.post(reverse("partnerships:goal_progress", args=[goal.pk]), {"progress": 75})
    goal.refresh_from_db()
    assert goal.progress == 75
    client.post(reverse("partnerships:goal_achieve", args=[goal.pk]))
    goal.refresh_from_db()
    assert goal.is_achieved


def test_deleting_the_last_goal_on_the_page_explains_and_keeps_it(pair, client_for):
    partnership, ana, _ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana)
    response = client_for(ana).post(reverse("partnerships:goal_delete", args=[goal.pk]), follow=True)
    assert "Keep at least one goal" in response.content.decode()
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_closing_a_goal_before_the_end_shows_a_clear_message(pair, client_for):
    partnership, ana, _ben = pair
    goal = GoalFactory(partnership=partnership, owner=ana)
    response = client_for(ana).post(reverse("partnerships:goal_close", args=[goal.pk]), {"outcome": "partly"})
    assert response.status_code == 200
    assert "Goals are closed at the end of the cohort" in response.content.decode()
    goal.refresh_from_db()
    assert not goal.is_closed


def test_closing_a_goal_without_an_outcome_is_a_field_error(pair, client_for):
    partnership, ana, _ben = pair
    partnership_end(partnership=partnership, ended_by=ana, reason="Done.")
    goal = GoalFactory(partnership=partnership, owner=ana)
    response = client_for(ana).post(reverse("partnerships:goal_close", args=[goal.pk]), {})
    assert "This field is required" in str(response.context["form"].errors["outcome"])
    response = client_for(ana).post(reverse("partnerships:goal_close", args=[goal.pk]), {"outcome": "not"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.outcome == "not"


def test_the_pair_page_offers_closing_goals_in_the_cohorts_last_two_weeks(pair, client_for):
    partnership, ana, _ben = pair
    GoalFactory(partnership=partnership, owner=ana)
    page = reverse("partnerships:detail", args=[partnership.pk])
    assert "Close with final outcome" not in client_for(ana).get(page).content.decode()
    partnership.cohort.ends_on = timezone.localdate() + datetime.timedelta(days=5)
    partnership.cohort.save()
    assert "Close with final outcome" in client_for(ana).get(page).content.decode()
