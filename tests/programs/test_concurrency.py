"""Capacity holds when many people enroll at the same moment (the cohort row is locked per enrollment)."""

import pytest
from django.db import connection

from mentoring.programs import services
from mentoring.programs.models import Enrollment
from tests.conftest import run_together
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks and serialises writers; the race is meaningful on PostgreSQL")


def test_simultaneous_enrollments_never_exceed_capacity():
    cohort = CohortFactory(capacity=3)
    users = UserFactory.create_batch(10)

    def enroll(user):
        return lambda: services.enrollment_apply(
            cohort=cohort, user=user, goals="g", availability="a", accepts_confidentiality=True
        )

    _, refusals = run_together([enroll(u) for u in users])
    assert not refusals
    statuses = list(Enrollment.objects.values_list("status", flat=True))
    assert sorted(statuses) == ["applied"] * 3 + ["waitlisted"] * 7


def test_simultaneous_withdrawals_promote_each_waiting_person_once():
    cohort = CohortFactory(capacity=3)
    holders = [
        services.enrollment_apply(cohort=cohort, user=u, goals="g", availability="a", accepts_confidentiality=True)
        for u in UserFactory.create_batch(3)
    ]
    for user in UserFactory.create_batch(4):
        services.enrollment_apply(cohort=cohort, user=user, goals="g", availability="a", accepts_confidentiality=True)

    _, refusals = run_together(
        [lambda e=e: services.enrollment_withdraw_self(enrollment=e, base_url="http://testserver") for e in holders]
    )
    assert not refusals
    counts = {s: Enrollment.objects.filter(status=s).count() for s in ("applied", "waitlisted", "withdrawn")}
    assert counts == {"applied": 3, "waitlisted": 1, "withdrawn": 3}
