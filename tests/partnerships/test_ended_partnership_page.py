"""An ended pair's page says when and why it ended, in sentences that read right."""

import pytest
from django.urls import reverse

from mentoring.partnerships.services import partnership_end
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_end_reason_is_shown_once_without_doubled_punctuation(client_for):
    pair = PartnershipFactory()
    partnership_end(partnership=pair, ended_by=pair.member_a, reason="I am moving to the Singapore office.")
    page = client_for(pair.member_b).get(reverse("partnerships:detail", args=[pair.pk])).text
    assert "Why it ended: I am moving to the Singapore office.</div>" in page
    assert "office.." not in page
