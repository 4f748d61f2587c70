"""Factories of the community's rows (the shared ones are in tests/factories.py)."""

import datetime

import factory
from django.utils import timezone

from tests.factories import ActiveCohortFactory, EnrollmentFactory, ProgramAdminFactory, UserFactory


class AlumniMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.AlumniMember"

    user = factory.SubFactory(UserFactory)


class VolunteerCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.VolunteerCall"

    activity = "speak"
    title = "Lunch talk: what I learned"
    details = "Ten minutes at the town hall."
    happens_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    created_by = factory.SubFactory(ProgramAdminFactory)


def alumnus(**kwargs):
    """A person who took part in a cohort that closed."""
    enrollment = EnrollmentFactory(cohort=ActiveCohortFactory(status="closed"), status="alumni", **kwargs)
    return enrollment.user


def pair_with_held_sessions(held: int = 3, **kwargs):
    """A pair that met ``held`` times (a session a day, ending three days ago)."""
    from tests.factories import PartnershipFactory, SessionFactory

    pair = PartnershipFactory(**kwargs)
    for day in range(held):
        start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=3 + day)
        SessionFactory(partnership=pair, status="held", start=start)
    return pair
