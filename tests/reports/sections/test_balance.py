"""Teaching balance: pairs by the larger partner's share of the minutes; its fixed query count."""

import pytest

from mentoring.reports.sections.balance import balance
from tests.factories import ActiveCohortFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db


def cohort_with_shares(*halves):
    cohort = ActiveCohortFactory()
    for minutes in halves:
        add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=(minutes,))
    return cohort


def test_teaching_balance_buckets_pairs_by_the_larger_partners_share():
    # 3 pairs at 50 %, 3 at 75 %, 1 at 60 % (still within 60/40)
    b = balance([cohort_with_shares(*[(30, 30)] * 3, *[(45, 15)] * 3, (36, 24))])
    assert [bar.count.text for bar in b.buckets] == ["4", "not shown", "3", "not shown"]  # nobody reads like 1-2
    assert b.within is b.buckets[0].count  # one figure, one decision
    assert b.within.text == "4" and b.within_percent.text == "57 %" and b.pairs_with_held.text == "7"


def test_a_small_share_hides_its_bucket_and_the_next_smallest_with_the_pairs_within_balance():
    # 3 pairs at 50 %, 65 % and 75 %, 1 at 83 %: the 80-100 % pair, then the first of the next smallest
    b = balance([cohort_with_shares(*[(30, 30)] * 3, *[(39, 21)] * 3, *[(45, 15)] * 3, (50, 10))])
    assert [bar.count.suppressed for bar in b.buckets] == [True, False, False, True]
    assert b.within.suppressed and b.within_percent.suppressed and b.buckets[0].percent is None


def test_the_unbalanced_side_is_only_a_sum_of_hidden_shares():
    # 3 within, 1 pair at 83 %: the page says 3 of 4, and which share the fourth pair has stays hidden.
    b = balance([cohort_with_shares(*[(30, 30)] * 3, (50, 10))])
    assert b.within.text == "3" and b.pairs_with_held.text == "4"
    assert [bar.count.suppressed for bar in b.buckets[1:]] == [True, True, True]


def test_balance_costs_the_same_queries_for_ten_times_the_pairs(django_assert_num_queries):
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    for cohort in (small, big):
        # the pairs with held sessions, counted by the larger partner's share of the minutes: 1
        with django_assert_num_queries(1):
            balance([cohort])
    assert balance([big]).pairs_with_held.value == 20
