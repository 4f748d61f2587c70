"""Query count of the run comparison page: the same for ten times the pairs."""

import pytest
from django.urls import reverse

from matching import services
from tests.matching.test_proposal import page_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 30])
def test_the_compare_page_costs_the_same_for_ten_times_the_pairs(
    client_for, program_admin, count, django_assert_num_queries
):
    first = page_queries(count, program_admin)
    services.match_pair_break(pair=first.pairs.filter(is_locked=False).first(), by=program_admin)
    second = services.match_run_rerun(run=first, started_by=program_admin)
    client = client_for(program_admin)
    # session, user, each run with its cohort and program, the pairs of both runs with their people
    with django_assert_num_queries(5):
        response = client.get(reverse("matching:run_compare", args=[second.cohort_id, second.number, first.number]))
    assert response.status_code == 200
    ours, theirs = ({(p.user_a_id, p.user_b_id) for p in run.pairs.all()} for run in (first, second))
    assert len(ours) + len(theirs) >= 2 * count - 1  # both runs really have many pairs
    body = response.content.decode()
    assert f'<td class="text-end" colspan="3">{len(ours & theirs)}</td>' in body
    assert body.count(" points)</span></li>") == len(ours ^ theirs)
