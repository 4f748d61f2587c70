"""Bad input on the pair's 'end the partnership' page: the reason is shown as a field error and nothing changes."""

import pytest
from django.urls import reverse

from mentoring.partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "This field is required."), ("   ", "This field is required."), ("x" * 301, "at most 300 characters")],
)
def test_ending_without_a_usable_reason_is_a_field_error_and_the_pair_stays_active(client_for, reason, message):
    pair = PartnershipFactory()
    response = client_for(pair.member_a).post(reverse("partnerships:end", args=[pair.pk]), {"reason": reason})
    assert response.status_code in (200, 400)
    assert message in response.text
    pair.refresh_from_db()
    assert pair.status == "active" and pair.ended_at is None and pair.end_reason == ""


def test_ending_with_a_reason_ends_the_pair(client_for):
    pair = PartnershipFactory()
    response = client_for(pair.member_b).post(reverse("partnerships:end", args=[pair.pk]), {"reason": "Moving teams"})
    assert response.status_code == 302
    pair = Partnership.objects.get(pk=pair.pk)
    assert (pair.status, pair.end_reason) == ("ended", "Moving teams")
