import pytest

from mentoring.programs import selectors
from tests.factories import CohortFactory, EnrollmentFactory, InvitationFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_cohort_has_published_matches_once_it_has_a_partnership():
    cohort = CohortFactory(status="matching")
    assert selectors.cohort_has_published_matches(cohort) is False
    PartnershipFactory(cohort=cohort)
    fresh = type(cohort).objects.get(pk=cohort.pk)
    assert selectors.cohort_has_published_matches(fresh) is True
    assert selectors.cohort_rules_locked(fresh) is True


@pytest.mark.parametrize(("status", "locked"), [("draft", False), ("enrolling", False), ("active", True)])
def test_rules_lock_by_status(status, locked):
    assert selectors.cohort_rules_locked(CohortFactory(status=status)) is locked


def test_waitlist_place_counts_only_people_ahead_in_the_same_cohort():
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(cohort=cohort, status="approved")
    EnrollmentFactory(cohort=cohort, status="waitlisted")
    me = UserFactory()
    EnrollmentFactory(cohort=cohort, user=me, status="waitlisted")
    EnrollmentFactory(status="waitlisted")  # another cohort's waitlist
    assert [e.waitlist_ahead for e in selectors.enrollments_for(me)] == [1]


def test_invitations_for_skip_cohorts_already_joined_and_cohorts_not_enrolling():
    user = UserFactory()
    wanted = InvitationFactory(email=user.email.upper())
    joined = InvitationFactory(email=user.email)
    EnrollmentFactory(cohort=joined.cohort, user=user)
    InvitationFactory(email=user.email, cohort__status="matching")
    assert list(selectors.invitations_for(user)) == [wanted]
