"""Two proposals for the same person at the same moment: the person's row is locked, so only one gets the time."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sessions_log import services
from sessions_log.models import Session
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
    barrier = threading.Barrier(len(pairs))
    refused, unexpected = [], []

    def propose(pair):
        barrier.wait()
        try:
            services.session_propose(
                partnership=pair, proposed_by=pair.member_b, start=in_days(3), location="Room", base_url=BASE_URL
            )
        except ValidationError:
            refused.append(pair)
        except Exception as error:  # collected and re-raised in the test thread
            unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(p,)) for p in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not unexpected, unexpected
    assert Session.objects.filter(partnership__in=pairs).count() == 1
    assert len(refused) == len(pairs) - 1
