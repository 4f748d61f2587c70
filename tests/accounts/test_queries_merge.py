"""Merging two skills costs the same queries when ten times the people listed both."""

import pytest

from accounts.models import OfferedSkill, WantedSkill
from accounts.services import skill_merge
from tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 30])
def test_merging_costs_the_same_for_ten_times_the_people_with_both(django_assert_num_queries, count):
    source, target = SkillFactory(name="Excel"), SkillFactory(name="Spreadsheets")
    both = UserFactory.create_batch(count)
    only_source = UserFactory.create_batch(count)
    for user in both:
        OfferedSkill.objects.create(user=user, skill=source, level=4, note="pivot tables")
        OfferedSkill.objects.create(user=user, skill=target, level=2, note="formulas")
        WantedSkill.objects.create(user=user, skill=source, current_level=1, target_level=5)
        WantedSkill.objects.create(user=user, skill=target, current_level=2, target_level=3, why="budgets")
    for user in only_source:
        OfferedSkill.objects.create(user=user, skill=source, level=3)
    # fixed whatever the number of people (before: 28 for 3 people with both skills, 136 for 30); 4 of them move
    # the other links to the merged skill: goals and session topics (an update each), survey self-ratings (the
    # clashing ones deleted, the rest updated), the community's resources and introduction requests (an update each)
    with django_assert_num_queries(27):
        result = skill_merge(source=source, target=target)
    assert (result.moved_offered, result.combined_offered) == (count, count)
    assert (result.moved_wanted, result.combined_wanted) == (0, count)
    kept = OfferedSkill.objects.get(user=both[-1], skill=target)
    assert (kept.level, kept.note) == (4, "formulas; pivot tables")
    wanted = WantedSkill.objects.get(user=both[0])
    assert (wanted.skill_id, wanted.current_level, wanted.target_level) == (target.pk, 1, 5)
    assert OfferedSkill.objects.filter(skill=target).count() == 2 * count
    assert not OfferedSkill.objects.filter(skill_id=source.pk).exists()
