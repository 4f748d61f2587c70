"""Creating and ending partnerships: one partner per person per cohort, members stored in a fixed order."""

import pytest
from django.core.exceptions import ValidationError

from mentoring.partnerships.models import Partnership
from mentoring.partnerships.services import partnership_create, partnership_end
from tests.factories import ActiveCohortFactory, EnrollmentFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return ActiveCohortFactory()


@pytest.fixture
def people(cohort):
    users = [UserFactory() for _ in range(3)]
    for user in users:
        EnrollmentFactory(cohort=cohort, user=user, status="approved")
    return users


def test_partnership_create_stores_the_lower_id_first_and_swaps_what_each_teaches(cohort, people, program_admin):
    low, high = people[0], people[1]
    partnership = partnership_create(
        cohort=cohort,
        first=high,
        second=low,
        published_by=program_admin,
        score=0.7,
        first_teaches_second=["Sales"],
        second_teaches_first=["SQL"],
        explanation="Both ways.",
    )
    assert (partnership.member_a, partnership.member_b) == (low, high)
    assert partnership.teaches(high) == ["Sales"]
    assert partnership.teaches(low) == ["SQL"]
    assert partnership.status == "active" and partnership.published_by == program_admin


def test_partnership_create_refuses_a_person_who_already_has_a_partner_in_the_cohort(cohort, people):
    partnership_create(cohort=cohort, first=people[0], second=people[1])
    with pytest.raises(ValidationError, match="already has a partner"):
        partnership_create(cohort=cohort, first=people[2], second=people[1])
    assert Partnership.objects.count() == 1


def test_partnership_create_refuses_pairing_someone_with_themselves(cohort, people):
    with pytest.raises(ValidationError, match="themselves"):
        partnership_create(cohort=cohort, first=people[0], second=people[0])


def test_partnership_create_requires_approved_enrollment_unless_told_otherwise(cohort, people):
    outsider = UserFactory()
    with pytest.raises(ValidationError, match="not an approved participant"):
        partnership_create(cohort=cohort, first=people[0], second=outsider)
    assert not Partnership.objects.exists()
    partnership = partnership_create(cohort=cohort, first=people[0], second=outsider, require_enrollment=False)
    assert partnership.has_member(outsider)


def test_partnership_create_refuses_a_closed_cohort(people):
    closed = ActiveCohortFactory(status="closed")
    with pytest.raises(ValidationError, match="closed"):
        partnership_create(cohort=closed, first=people[0], second=people[1], require_enrollment=False)


def test_a_person_may_have_partners_in_two_cohorts():
    person = UserFactory()
    PartnershipFactory(member_a=person)
    other_cohort = ActiveCohortFactory()
    partnership_create(cohort=other_cohort, first=person, second=UserFactory(), require_enrollment=False)
    assert Partnership.objects.for_user(person).active().count() == 2


def test_partner_ends_the_partnership_with_a_reason():
    partnership = PartnershipFactory()
    partnership_end(partnership=partnership, ended_by=partnership.member_b, reason="  We moved teams.  ")
    partnership.refresh_from_db()
    assert partnership.status == "ended" and partnership.ended_at is not None
    assert partnership.end_reason == "We moved teams."


def test_ending_needs_a_reason_and_writes_nothing_without_one():
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError) as error:
        partnership_end(partnership=partnership, ended_by=partnership.member_a, reason="   ")
    assert "reason" in error.value.message_dict
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_an_outsider_cannot_end_a_partnership_but_a_program_admin_can(employee, program_admin):
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError, match="Only the two partners"):
        partnership_end(partnership=partnership, ended_by=employee, reason="No.")
    partnership_end(partnership=partnership, ended_by=program_admin, reason="Left the company.")
    partnership.refresh_from_db()
    assert partnership.status == "ended"


def test_an_ended_partnership_cannot_end_again():
    partnership = PartnershipFactory()
    partnership_end(partnership=partnership, ended_by=partnership.member_a, reason="Done.")
    with pytest.raises(ValidationError, match="has ended"):
        partnership_end(partnership=partnership, ended_by=partnership.member_a, reason="Again.")
