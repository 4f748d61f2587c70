"""Taking a paired person out of a cohort: waitlisting is refused, withdrawing ends their partnership."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.programs import services
from mentoring.programs.models import Enrollment
from tests.factories import ActiveCohortFactory, EnrollmentFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Ana and Ben, paired in a cohort whose matches are published (still matching: people can still change)."""
    return PartnershipFactory(
        cohort=ActiveCohortFactory(status="matching"),
        member_a=UserFactory(full_name="Ana Costa"),
        member_b=UserFactory(full_name="Ben Okafor"),
    )


def enrollment_of(pair, user) -> Enrollment:
    return Enrollment.objects.get(cohort=pair.cohort, user=user)


def test_withdrawing_a_paired_person_ends_their_partnership_with_a_reason(pair):
    services.enrollment_withdraw_by_admin(enrollment=enrollment_of(pair, pair.member_a), base_url="")
    pair.refresh_from_db()
    assert pair.status == "ended" and pair.ended_at is not None
    assert pair.end_reason == "Ana Costa was withdrawn from the cohort by the program team."
    assert enrollment_of(pair, pair.member_b).status == "approved"  # the partner stays in the cohort


def test_withdrawing_leaves_other_pairs_and_other_cohorts_alone(pair):
    other_pair = PartnershipFactory(cohort=pair.cohort)
    elsewhere = PartnershipFactory(member_a=pair.member_a)  # Ana in another cohort
    services.enrollment_withdraw_by_admin(enrollment=enrollment_of(pair, pair.member_a), base_url="")
    other_pair.refresh_from_db()
    elsewhere.refresh_from_db()
    assert other_pair.status == "active" and elsewhere.status == "active"


def test_waitlisting_a_paired_person_is_refused_and_changes_nothing(pair):
    EnrollmentFactory(cohort=pair.cohort, status="waitlisted")  # someone waiting, so waitlisting would have effect
    with pytest.raises(ValidationError, match="already has a partner in this cohort"):
        services.enrollment_waitlist(enrollment=enrollment_of(pair, pair.member_a), base_url="")
    pair.refresh_from_db()
    assert pair.status == "active"
    assert enrollment_of(pair, pair.member_a).status == "approved"


def test_the_cohort_page_says_whose_partnership_ended(client_for, program_admin, pair):
    url = reverse("programs:enrollment_action", args=[enrollment_of(pair, pair.member_a).pk, "withdraw"])
    page = client_for(program_admin).post(url, follow=True).content.decode()
    assert "Ana Costa is withdrawn." in page
    assert "Their partnership with Ben Okafor has ended." in page


def test_the_withdrawn_partner_sees_why_the_partnership_ended(client_for, pair):
    services.enrollment_withdraw_by_admin(enrollment=enrollment_of(pair, pair.member_a), base_url="")
    page = client_for(pair.member_b).get(reverse("partnerships:detail", args=[pair.pk])).content.decode()
    assert "Ana Costa was withdrawn from the cohort by the program team." in page
