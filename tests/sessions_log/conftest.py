"""Fixtures for the sessions tests: a pair, their partner ids, and times in the future."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import PartnershipFactory, UserFactory

BASE_URL = "http://testserver/"


def in_days(days: float, hour: int = 10) -> datetime.datetime:
    """A whole-minute UTC time ``days`` from now at ``hour`` o'clock UTC."""
    day = (timezone.now() + datetime.timedelta(days=days)).date()
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def pair(db):
    """Ana (Lisbon) and Ben (London), an active pair with 60-minute sessions; Ana is member A."""
    ana = UserFactory(full_name="Ana Costa", timezone="Europe/Lisbon")
    ben = UserFactory(full_name="Ben Okafor", timezone="Europe/London")
    return PartnershipFactory(member_a=ana, member_b=ben)


@pytest.fixture
def ana(pair):
    return pair.member_a


@pytest.fixture
def ben(pair):
    return pair.member_b


@pytest.fixture
def other_pair(db):
    """A second pair nobody in `pair` belongs to."""
    return PartnershipFactory(
        member_a=UserFactory(full_name="Chloé Martin"), member_b=UserFactory(full_name="Dev Raman")
    )
