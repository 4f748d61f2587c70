"""Who reaches the pair's pages: the two partners only. Everyone else, program admins and leaders included,
gets a 404 that reveals nothing; the other partner may read a goal but not change it (403)."""

import pytest
from django.urls import reverse

from mentoring.partnerships.permissions import (
    can_close_goal,
    can_edit_agreement,
    can_edit_goal,
    can_view_goal,
    can_view_partnership,
    can_view_partnership_summary,
)
from mentoring.partnerships.services import partnership_end
from tests.factories import AgreementFactory, GoalFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRETS = ("SECRET-OUTCOME-OF-A", "SECRET-BOUNDARY", "SECRET-GOAL-NOTE")

# (url name, HTTP method, what the URL points at)
VIEWS = [
    ("detail", "get", "partnership"),
    ("agreement_edit", "get", "partnership"),
    ("agreement_edit", "post", "partnership"),
    ("agreement_sign", "post", "partnership"),
    ("end", "get", "partnership"),
    ("end", "post", "partnership"),
    ("goal_create", "get", "partnership"),
    ("goal_create", "post", "partnership"),
    ("goal_edit", "get", "goal"),
    ("goal_edit", "post", "goal"),
    ("goal_progress", "post", "goal"),
    ("goal_achieve", "post", "goal"),
    ("goal_delete", "post", "goal"),
    ("goal_close", "get", "goal"),
    ("goal_close", "post", "goal"),
]
GOAL_VIEWS = {name for name, _method, target in VIEWS if target == "goal"}


@pytest.fixture
def world(program_admin, leader):
    partnership = PartnershipFactory()
    AgreementFactory(partnership=partnership, outcomes_a=SECRETS[0], boundaries=SECRETS[1])
    goal = GoalFactory(partnership=partnership, owner=partnership.member_a, notes=SECRETS[2])
    other_pair = PartnershipFactory()
    return {
        "partnership": partnership,
        "goal": goal,
        "owner": partnership.member_a,
        "other_partner": partnership.member_b,
        "other_pair_employee": other_pair.member_a,
        "program_admin": program_admin,
        "leader": leader,
    }


def _request(client, world, name, method, target):
    url = reverse(f"partnerships:{name}", args=[world[target].pk])
    return getattr(client, method)(url, {})


@pytest.mark.parametrize(("name", "method", "target"), VIEWS)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, method, target):
    response = _request(client, world, name, method, target)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["other_pair_employee", "program_admin", "leader"])
@pytest.mark.parametrize(("name", "method", "target"), VIEWS)
def test_people_outside_the_pair_get_404_and_no_private_content(client, world, role, name, method, target):
    client.force_login(world[role])
    response = _request(client, world, name, method, target)
    assert response.status_code == 404
    body = response.content.decode()
    assert not any(secret in body for secret in SECRETS)


@pytest.mark.parametrize(("name", "method", "target"), VIEWS)
def test_the_goals_owner_may_use_every_view(client, world, name, method, target):
    client.force_login(world["owner"])
    response = _request(client, world, name, method, target)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(("name", "method", "target"), VIEWS)
def test_the_other_partner_may_use_the_pair_views_but_not_change_the_owners_goal(client, world, name, method, target):
    client.force_login(world["other_partner"])
    response = _request(client, world, name, method, target)
    if name in GOAL_VIEWS:
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302)


def test_both_partners_read_the_private_content_on_the_pair_page(client, world):
    for member in (world["owner"], world["other_partner"]):
        client.force_login(member)
        body = client.get(reverse("partnerships:detail", args=[world["partnership"].pk])).content.decode()
        assert all(secret in body for secret in SECRETS)


@pytest.mark.parametrize("name", ["agreement_edit", "end", "goal_create"])
def test_after_the_partnership_ends_its_members_can_no_longer_change_it(client, world, name):
    partnership_end(partnership=world["partnership"], ended_by=world["owner"], reason="Done.")
    client.force_login(world["owner"])
    assert client.get(reverse(f"partnerships:{name}", args=[world["partnership"].pk])).status_code == 403
    assert client.get(reverse("partnerships:detail", args=[world["partnership"].pk])).status_code == 200


def test_post_only_views_refuse_get(client, world):
    client.force_login(world["owner"])
    assert client.get(reverse("partnerships:agreement_sign", args=[world["partnership"].pk])).status_code == 405
    assert client.get(reverse("partnerships:goal_progress", args=[world["goal"].pk])).status_code == 405


def test_unknown_ids_are_404(client, world):
    client.force_login(world["owner"])
    assert client.get(reverse("partnerships:detail", args=[999999])).status_code == 404
    assert client.get(reverse("partnerships:goal_edit", args=[999999])).status_code == 404


# --- Permission functions -------------------------------------------------------------------------


def test_can_view_partnership_is_for_the_two_members_only(world):
    partnership = world["partnership"]
    assert can_view_partnership(world["owner"], partnership)
    assert can_view_partnership(world["other_partner"], partnership)
    for role in ("other_pair_employee", "program_admin", "leader"):
        assert not can_view_partnership(world[role], partnership)


def test_a_deactivated_member_cannot_view_the_partnership(world):
    member = world["owner"]
    member.is_active = False
    assert not can_view_partnership(member, world["partnership"])


def test_program_admins_may_see_the_non_private_summary_but_leaders_may_not(world):
    partnership = world["partnership"]
    assert can_view_partnership_summary(world["program_admin"], partnership)
    assert can_view_partnership_summary(world["other_partner"], partnership)
    assert not can_view_partnership_summary(world["leader"], partnership)
    assert not can_view_partnership_summary(world["other_pair_employee"], partnership)


def test_can_edit_agreement_is_for_members_of_an_active_partnership(world):
    partnership = world["partnership"]
    assert can_edit_agreement(world["other_partner"], partnership)
    assert not can_edit_agreement(world["program_admin"], partnership)
    partnership_end(partnership=partnership, ended_by=world["owner"], reason="Done.")
    partnership.refresh_from_db()
    assert not can_edit_agreement(world["owner"], partnership)


def test_goals_are_read_by_both_partners_and_changed_by_their_owner_only(world):
    goal = world["goal"]
    assert can_view_goal(world["other_partner"], goal) and not can_edit_goal(world["other_partner"], goal)
    assert can_edit_goal(world["owner"], goal)
    assert not can_view_goal(world["program_admin"], goal) and not can_view_goal(UserFactory(), goal)


def test_a_goal_is_still_closed_by_its_owner_after_the_pair_ends(world):
    goal = world["goal"]
    partnership_end(partnership=goal.partnership, ended_by=world["owner"], reason="Done.")
    goal.partnership.refresh_from_db()
    assert not can_edit_goal(world["owner"], goal)
    assert can_close_goal(world["owner"], goal)
    assert not can_close_goal(world["other_partner"], goal)


# --- The program team's summary of a cohort's pairs ------------------------------------------------


def test_the_cohort_pairs_page_is_for_program_admins_only(client, world):
    url = reverse("sessions_log:cohort_pairs", args=[world["partnership"].cohort_id])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    for role in ("owner", "other_partner", "other_pair_employee", "leader"):
        client.force_login(world[role])
        assert client.get(url).status_code == 403
    client.force_login(world["program_admin"])
    assert client.get(url).status_code == 200


def test_program_admins_see_that_an_agreement_exists_but_never_its_text_or_the_goals(client, world):
    client.force_login(world["program_admin"])
    body = client.get(reverse("sessions_log:cohort_pairs", args=[world["partnership"].cohort_id])).content.decode()
    assert world["partnership"].member_a.display_name in body
    assert "Waiting for a signature" in body
    assert not any(secret in body for secret in SECRETS)
    assert world["goal"].title not in body
