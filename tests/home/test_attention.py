"""The program admin's home page: what needs attention now, each line linking to where it is done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmployeeImport
from matching.models import MatchRun
from mentoring.followup.models import FitCheck
from tests.factories import (
    ActiveCohortFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
    CohortFactory,
    EnrollmentFactory,
    PartnershipFactory,
    SessionFactory,
)


def _lines(body: str) -> int:
    return body.count('data-testid="attention-line"')


def _world(n: int) -> None:
    """n of each thing that needs a program admin."""
    for _ in range(n):
        enrolling = CohortFactory(enrollment_closes_on=timezone.localdate() + datetime.timedelta(days=3))
        EnrollmentFactory(cohort=enrolling, status="applied")  # an application, and enrollment closing soon
        matching = CohortFactory(status="matching")
        failed = CohortFactory(status="matching")
        MatchRun.objects.create(cohort=failed, number=1, status="failed", error="Solver stopped")
        active = ActiveCohortFactory()
        pair = PartnershipFactory(cohort=active, started_at=timezone.now() - datetime.timedelta(days=20))
        SessionFactory(partnership=pair, held=True)
        FitCheck.objects.create(partnership=pair, author=pair.member_a, answer="no")  # at risk; unsigned
        AssessmentFactory(cohort=active, closes_on=timezone.localdate() + datetime.timedelta(days=2))
        EmployeeImport.objects.create(
            file_name="people.csv", content="x", sha256="0" * 64, status="invalid", error_count=2
        )
        assert matching


@pytest.mark.parametrize("n", [1, 10])
def test_the_program_admins_home_lists_what_needs_attention_at_a_fixed_cost(
    client_for, program_admin, django_assert_num_queries, n
):
    _world(n)
    client = client_for(program_admin)
    # session, user, profile, offered and wanted skills, open cohorts, her partnerships (none, so no sessions
    # aggregate), the enrollments and invitations, the open surveys; attention: applications, cohorts closing or
    # ready, runs, the pairs at risk (pairs, two balance queries, the "no" answers), unsigned agreements, surveys,
    # imports
    with django_assert_num_queries(20):
        body = client.get(reverse("home")).text
    # per world: an application, enrollment closing, ready to match, a failed run, a pair at risk, an unsigned
    # agreement, a survey closing with 0 % answered, an import with errors
    assert _lines(body) == 8 * n
    assert "Nothing needs you today" not in body
    assert reverse("programs:program_list") in body  # the useful links stay below


def test_each_line_links_to_where_it_is_done(client_for, program_admin):
    _world(1)
    body = client_for(program_admin).get(reverse("home")).text
    active = ActiveCohortFactory._meta.model.objects.get(status="active")
    assert reverse("followup:at_risk", args=[active.pk]) in body
    assert reverse("accounts:import_detail", args=[EmployeeImport.objects.get().pk]) in body
    assert MatchRun.objects.get().get_absolute_url() in body
    assert "1 application waiting for a decision" in body
    assert "closes in 2 days with 0 % answered" in body


def test_with_nothing_to_do_the_home_says_so(client_for, program_admin):
    body = client_for(program_admin).get(reverse("home")).text
    assert "Nothing needs you today" in body
    assert _lines(body) == 0


def test_closed_cohorts_and_answered_surveys_need_nobody(client_for, program_admin):
    closed = ActiveCohortFactory(status="closed")
    EnrollmentFactory(cohort=closed, status="applied")
    pair = PartnershipFactory(cohort=ActiveCohortFactory())
    survey = AssessmentFactory(cohort=pair.cohort, closes_on=timezone.localdate() + datetime.timedelta(days=2))

    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)  # 1 of 2: 50 %, not below
    body = client_for(program_admin).get(reverse("home")).text
    assert "waiting for a decision" not in body
    assert "answered (" not in body
    assert "Nothing needs you today" in body


@pytest.mark.parametrize("who", ["employee", "leader"])
def test_employees_and_leaders_see_no_attention_list(client_for, db, request, who):
    _world(1)
    body = client_for(request.getfixturevalue(who)).get(reverse("home")).text
    assert 'data-testid="attention"' not in body
