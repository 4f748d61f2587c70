"""Reverse mentoring: pairs across seniority bands where the junior partner mentors; its fixed query count."""

import pytest

from mentoring.reports.sections.reverse_mentoring import reverse_mentoring
from tests.factories import ActiveCohortFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db


def test_reverse_mentoring_counts_pairs_and_minutes_where_the_junior_mentors_the_senior():
    cohort = cohort_with_pairs(5)  # juniors mentor 30 minutes each
    add_pair(cohort, person("Legal", 4), person("Legal", 4))  # same band: not reverse mentoring
    r = reverse_mentoring([cohort])
    assert r.pairs_with_band_gap.text == "5"
    assert r.reverse_pairs.text == "5" and r.reverse_minutes.text == "150 min" and r.reverse_share.text == "100 %"
    [row] = r.by_band
    assert row.band.startswith("6") and row.seniors.text == "5" and row.minutes.text == "150 min"


def test_a_band_of_few_seniors_is_hidden_with_the_next_smallest_and_so_are_the_totals_of_a_single_band():
    cohort = cohort_with_pairs(5)  # 5 seniors in band 6
    add_pair(cohort, person("Legal", 2), person("Legal", 4))  # 1 senior in band 4
    r = reverse_mentoring([cohort])
    assert [row.seniors.suppressed for row in r.by_band] == [True, True]
    assert r.pairs_with_band_gap.text == "6"  # a sum of two hidden bands
    single = reverse_mentoring([cohort_with_pairs(2)])  # 2 seniors, all in band 6
    assert single.by_band[0].seniors.suppressed and single.pairs_with_band_gap.suppressed
    assert single.reverse_pairs.suppressed and single.reverse_minutes.suppressed and single.reverse_share.suppressed


def test_reverse_mentoring_costs_the_same_queries_for_ten_times_the_pairs(django_assert_num_queries):
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    for cohort in (small, big):
        # the pairs with a seniority gap grouped by the senior partner's band: 1
        with django_assert_num_queries(1):
            reverse_mentoring([cohort])
    assert reverse_mentoring([big]).pairs_with_band_gap.value == 20


def test_with_no_pair_across_bands_the_reverse_figures_read_zero_as_everyone_can_tell():
    cohort = ActiveCohortFactory()
    add_pair(cohort, person("Legal", 4), person("Legal", 4))
    r = reverse_mentoring([cohort])
    assert (r.pairs_with_band_gap.text, r.reverse_pairs.text, r.reverse_minutes.text) == ("0", "0", "0 min")
