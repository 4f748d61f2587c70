import pytest

from mentoring.demo import DEMO_PROGRAM, load_demo
from mentoring.models import Cohort, Enrollment, Program

pytestmark = pytest.mark.django_db


def test_demo_has_a_program_with_a_matching_cohort_and_an_enrolling_one():
    load_demo()
    program = Program.objects.get(name=DEMO_PROGRAM)
    pilot, wave2 = program.cohorts.get(name="Pilot"), program.cohorts.get(name="Wave 2")
    assert pilot.status == "matching"
    assert pilot.enrollments.approved().count() == 8
    assert wave2.is_open_for_enrollment()
    assert sorted(wave2.enrollments.values_list("status", flat=True)) == ["applied", "applied", "approved"]
    assert not wave2.enrollments.filter(user__email="ana@northwind.example").exists()  # ana can try enrolling


def test_loading_the_demo_twice_duplicates_nothing():
    load_demo()
    counts = (Program.objects.count(), Cohort.objects.count(), Enrollment.objects.count())
    load_demo()
    assert (Program.objects.count(), Cohort.objects.count(), Enrollment.objects.count()) == counts
