import datetime

import pytest
from django.utils import timezone

from tests.factories import PartnershipFactory, SessionFactory, UserFactory


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def pair(db):
    """An active pair that held its first session three days ago, both partners signed in today."""
    partnership = PartnershipFactory(
        member_a=UserFactory(full_name="Ana Analyst", last_login=timezone.now()),
        member_b=UserFactory(full_name="Ben Boss", last_login=timezone.now()),
    )
    SessionFactory(partnership=partnership, held=True)
    return partnership
