import pytest

from matching.models import MatchRun
from mentoring.demo.loader import DEMO_PROGRAM, load_demo
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort, Enrollment, Program

pytestmark = pytest.mark.django_db


def test_demo_has_a_program_with_an_active_pilot_and_an_enrolling_cohort():
    load_demo()
    program = Program.objects.get(name=DEMO_PROGRAM)
    pilot, wave2 = program.cohorts.get(name="Pilot"), program.cohorts.get(name="Wave 2")
    assert pilot.status == "active"  # its match run was published
    assert pilot.enrollments.approved().count() == 8
    assert wave2.is_open_for_enrollment()
    assert sorted(wave2.enrollments.values_list("status", flat=True)) == ["applied", "applied", "approved"]
    assert not wave2.enrollments.filter(user__email="ana@northwind.example").exists()  # ana can try enrolling


def test_loading_the_demo_twice_duplicates_nothing():
    load_demo()
    counts = (Program.objects.count(), Cohort.objects.count(), Enrollment.objects.count())
    load_demo()
    assert (Program.objects.count(), Cohort.objects.count(), Enrollment.objects.count()) == counts


def test_the_pilots_partnerships_come_from_its_published_match_run():
    load_demo()
    pilot = Cohort.objects.get(program__name=DEMO_PROGRAM, name="Pilot")
    run = MatchRun.objects.get(cohort=pilot)
    assert run.status == "published" and run.published_by.email == "hr@northwind.example"
    published = {(p.user_a_id, p.user_b_id, p.explanation) for p in run.pairs.all()}
    partnerships = {(p.member_a_id, p.member_b_id, p.explanation) for p in Partnership.objects.filter(cohort=pilot)}
    assert published == partnerships and len(partnerships) == 3
    assert not any(p.is_one_way for p in Partnership.objects.filter(cohort=pilot))  # every demo pair is reciprocal
    assert run.pairs.filter(is_locked=True).count() == 1  # Ana and Ben, locked by the admin
    unmatched = {u.user.email: u.reason for u in run.unmatched.select_related("user")}
    assert set(unmatched) == {"grace@northwind.example", "hugo@northwind.example"}
    assert "direct report" in unmatched["grace@northwind.example"]


def test_loading_the_demo_twice_runs_matching_once():
    load_demo()
    load_demo()
    assert MatchRun.objects.count() == 1


def test_the_pilot_has_an_open_mid_point_survey_that_ana_has_not_answered_yet():
    from mentoring.reports.sections.surveys import survey_results

    load_demo()
    load_demo()  # again: nothing is duplicated
    pilot = Cohort.objects.get(program__name=DEMO_PROGRAM, name="Pilot")
    midpoint, end = survey_results([pilot], with_comments=True)
    assert midpoint.surveys[0].is_open and not end.opened
    assert (midpoint.answered.value, midpoint.asked) == (5, 6)
    assert midpoint.growth.shown and len(midpoint.comments) == 3
    assert not midpoint.nps.shown  # five answers: the score waits until each recommendation group has five people
    assert not midpoint.surveys[0].responses.filter(respondent__email="ana@northwind.example").exists()
