"""Two proposals for the same person at the same moment: the person's row is locked, so only one gets the time."""

import pytest
from django.db import connection

from sessions_log.models import Session
from sessions_log.services import session_propose
from tests.conftest import run_together
from tests.factories import PartnershipFactory, UserFactory
from tests.sessions_log.conftest import BASE_URL, in_days

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks and serialises writers; the race is meaningful on PostgreSQL")


def test_simultaneous_overlapping_proposals_for_one_person_leave_one_session():
    ana = UserFactory()
    pairs = [PartnershipFactory(member_a=ana, member_b=UserFactory()) for _ in range(4)]

    def propose(pair):
        return lambda: session_propose(
            partnership=pair, proposed_by=pair.member_b, start=in_days(3), location="Room", base_url=BASE_URL
        )

    _, refusals = run_together([propose(p) for p in pairs])
    assert Session.objects.filter(partnership__in=pairs).count() == 1
    assert len(refusals) == len(pairs) - 1
