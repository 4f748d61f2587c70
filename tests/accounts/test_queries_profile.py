"""Query counts of the skill profile pages: the same for a profile with two skills or twenty."""

import pytest
from django.urls import reverse

from accounts.models import OfferedSkill, Skill, WantedSkill
from tests.factories import SkillProfileFactory

pytestmark = pytest.mark.django_db


def with_skills(user, count: int):
    SkillProfileFactory(user=user)
    skills = list(Skill.objects.order_by("pk")[: 2 * count])
    for s in skills[:count]:
        OfferedSkill.objects.create(user=user, skill=s, level=3)
    for s in skills[count:]:
        WantedSkill.objects.create(user=user, skill=s, current_level=1, target_level=3)


@pytest.mark.parametrize("count", [2, 20])
def test_the_profile_page_costs_the_same_for_ten_times_the_skills(
    client_for, employee, count, django_assert_num_queries
):
    with_skills(employee, count)
    client = client_for(employee)
    # session, user, profile with manager, offered skills with skill, wanted skills with skill
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert response.content.decode().count('<li class="py-1">') == 2 * count


@pytest.mark.parametrize("count", [2, 20])
def test_the_profile_form_costs_the_same_for_ten_times_the_skills(
    client_for, employee, count, django_assert_num_queries
):
    with_skills(employee, count)
    client = client_for(employee)
    # session, user, profile; per list: the skills held, the grouped skill choices, the rows with their skill;
    # the departments in use (for the department field's suggestions)
    with django_assert_num_queries(10):
        response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 200
