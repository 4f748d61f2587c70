"""Two admins clicking at the same moment: one run starts, one publication happens (PostgreSQL row locks)."""

import pytest
from django.db import connection

from matching import services
from matching.models import MatchRun
from mentoring.models import Partnership
from tests.conftest import run_together
from tests.factories import ProgramAdminFactory
from tests.matching.cohort_helpers import four_people, matching_cohort

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks and serialises writers; the race is meaningful on PostgreSQL")


def test_simultaneous_starts_make_one_run_at_a_time(monkeypatch):
    monkeypatch.setattr(services, "INLINE_MAX_PEOPLE", 0)  # a queued run ...
    monkeypatch.setattr(services, "_launch", lambda run: None)  # ... that no worker picks up meanwhile
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    _, refusals = run_together([lambda: services.match_run_start(cohort=cohort, started_by=admin)] * 4)
    assert MatchRun.objects.filter(cohort=cohort).count() == 1
    assert len(refusals) == 3 and all("is still" in " ".join(e.messages) for e in refusals)


def test_simultaneous_publications_publish_once():
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    _, refusals = run_together([lambda: services.match_run_publish(run=run, published_by=admin)] * 4)
    assert Partnership.objects.filter(cohort=cohort).count() == 2
    assert len(refusals) == 3 and all("already published" in " ".join(e.messages) for e in refusals)
