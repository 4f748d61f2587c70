"""Satisfaction: the check-ins' ratings, their average and distribution; its fixed query count."""

import pytest

from mentoring.reports.sections.satisfaction import satisfaction
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db


def test_satisfaction_counts_ratings_and_hides_ratings_given_by_few_people_and_the_average_beside_them():
    cohort = cohort_with_pairs(5)  # members A rate 4, members B rate 5: five people each
    add_pair(cohort, person("Legal", 3), person("Legal", 5), ratings=(1,))
    s = satisfaction([cohort])
    assert s.checkins.text == "11" and s.checkin_people == 11
    by_rating = {bar.label[0]: bar for bar in s.usefulness}
    assert by_rating["5"].count.text == "5" and by_rating["5"].percent == 45
    assert [by_rating[k].count.text for k in "321"] == ["not shown"] * 3  # nobody, nobody, one person
    # 46 / 11 with 11 check-ins shown: beside hidden cells it would give them away
    assert s.average_usefulness.suppressed and s.average_usefulness.value == 4.2


def test_the_average_is_shown_once_every_rating_is():
    cohort = cohort_with_pairs(5)
    for rating in (1, 2, 3):
        for _ in range(3):
            add_pair(cohort, person("Legal", 3), person("Legal", 5), ratings=(rating, rating))
    s = satisfaction([cohort])
    assert [bar.count.text for bar in s.usefulness] == ["5", "5", "6", "6", "6"]
    assert s.average_usefulness.text == "2.9"  # 81 / 28


def test_an_average_rated_by_fewer_than_five_people_is_hidden():
    s = satisfaction([cohort_with_pairs(2)])
    assert s.checkin_people == 4 and s.average_usefulness.suppressed


def test_satisfaction_costs_the_same_queries_for_ten_times_the_check_ins(django_assert_num_queries):
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    for cohort in (small, big):
        # the check-ins counted by rating, with the people who gave each and who gave any: 1
        with django_assert_num_queries(1):
            satisfaction([cohort])
    assert satisfaction([big]).checkins.value == 40
