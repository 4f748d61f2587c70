"""Skills exchanged: named once three pairs exchange them; its fixed query count."""

import pytest

from mentoring.reports.sections.skills import skills
from tests.factories import SkillFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db


def test_skills_appear_once_three_pairs_exchange_them_and_rarer_ones_are_only_counted():
    cohort = cohort_with_pairs(3, skill=SkillFactory(name="Pivot tables in depth"))
    add_pair(cohort, person("Legal", 3), person("Legal", 5), teaches=(["Mandarin"], ["SQL"]))
    s = skills([cohort])
    assert [(r.name, r.pairs.text) for r in s.planned] == [("SQL", "4"), ("Negotiation", "3")]
    assert s.planned_hidden == 1  # Mandarin
    assert [(r.name, r.pairs.text, r.minutes.text) for r in s.in_sessions] == [
        ("Pivot tables in depth", "3", "180 min")
    ]
    assert s.free_text_halves == 2  # the Legal pair's session has no catalogue topic


def test_skills_cost_the_same_queries_for_ten_times_the_pairs(django_assert_num_queries):
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    for cohort in (small, big):
        # held halves by topic skill, the skill lists of each pair's match: 2
        with django_assert_num_queries(2):
            skills([cohort])
    assert skills([big]).planned[0].pairs.value == 20
