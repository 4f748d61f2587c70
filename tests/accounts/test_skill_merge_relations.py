"""Merging two skills moves every link to the retired skill: goals, session topics, survey ratings and any relation
to a skill added later (found from the model metadata, so none is forgotten)."""

import pytest

from accounts.models import Skill
from accounts.services import skill_merge, skill_relations
from tests.factories import (
    AssessmentResponseFactory,
    GoalFactory,
    OfferedSkillFactory,
    SessionFactory,
    SkillFactory,
    WantedSkillFactory,
)

pytestmark = pytest.mark.django_db


def _link_goal(skill):
    return GoalFactory(skill=skill)


def _link_session_topic(skill):
    session = SessionFactory(held=True)
    half = session.halves.order_by("order").first()
    half.topic_skill = skill
    half.save(update_fields=["topic_skill"])
    return half


def _link_survey_rating(skill):
    response = AssessmentResponseFactory(ratings=[(skill, 1, 3)])
    return response.skill_ratings.get()


# One way to make a row for every relation to a skill. A new foreign key to Skill must be added here, which makes
# this test show that a merge moves it.
LINKERS = {
    "accounts.OfferedSkill.skill": lambda skill: OfferedSkillFactory(skill=skill),
    "accounts.WantedSkill.skill": lambda skill: WantedSkillFactory(skill=skill),
    "partnerships.Goal.skill": _link_goal,
    "sessions_log.SessionHalf.topic_skill": _link_session_topic,
    "surveys.AssessmentSkillRating.skill": _link_survey_rating,
}


def _name(model, field: str) -> str:
    return f"{model._meta.label}.{field}"


def test_every_relation_to_a_skill_is_known_to_this_test():
    assert {_name(model, field) for model, field in skill_relations()} == set(LINKERS)


def test_a_merge_moves_every_link_of_the_retired_skill_to_the_kept_one():
    source, target = SkillFactory(name="MS Excel"), SkillFactory(name="Excel")
    rows = {name: link(source) for name, link in LINKERS.items()}

    skill_merge(source=source, target=target)

    assert not Skill.objects.filter(pk=source.pk).exists()
    for model, field in skill_relations():
        row = rows[_name(model, field)]
        row.refresh_from_db()
        assert getattr(row, f"{field}_id") == target.pk, _name(model, field)


def test_an_answer_that_rated_both_skills_keeps_the_kept_skills_rating():
    source, target = SkillFactory(name="MS Excel"), SkillFactory(name="Excel")
    response = AssessmentResponseFactory(ratings=[(source, 1, 2), (target, 2, 4)])

    skill_merge(source=source, target=target)

    assert list(response.skill_ratings.values_list("skill_id", "start_level", "level")) == [(target.pk, 2, 4)]
