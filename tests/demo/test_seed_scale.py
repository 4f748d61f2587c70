"""seed_scale: a program at scale for the benchmarks, refused on a production database."""

import pytest
from django.core.management import CommandError, call_command

from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Enrollment, Program
from sessions_log.models import Session, SessionHalf

pytestmark = pytest.mark.django_db


def test_seed_scale_refuses_without_debug_or_the_explicit_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="yes-on-this-database"):
        call_command("seed_scale", participants=40)
    assert not Program.objects.exists()


def test_seed_scale_builds_cohorts_pairs_sessions_and_halves(settings):
    settings.DEBUG = False
    call_command("seed_scale", participants=40, yes_on_this_database=True)
    program = Program.objects.get()
    assert [c.name for c in program.cohorts.order_by("name")] == ["Wave 1", "Wave 2"]
    assert Enrollment.objects.count() == 40
    # 32 and 8 people, none left out below 200: 16 + 4 pairs, 20 sessions each with two halves
    assert Partnership.objects.count() == 20
    assert Session.objects.count() == 400
    assert SessionHalf.objects.count() == 800
