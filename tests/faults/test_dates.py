"""Every form that takes a date, from people in the world's earliest, a mid and a late time zone: the first and last
days of the calendar (years 1 and 9999), the first and last days each form accepts, and the days just outside. Never
a 500: a field error for a day out of bounds, and a saved day (however far) never breaks a page afterwards.

| form | page | date fields |
|---|---|---|
| propose a session | sessions_log:session_propose | date (+ time) |
| suggest another time | sessions_log:session_other_time | date (+ time) |
| reschedule a session | sessions_log:session_reschedule | date (+ time) |
| new cohort | programs:cohort_create | enrollment_opens_on, enrollment_closes_on, starts_on, ends_on |
| edit a cohort | programs:cohort_edit | the same four |
| schedule a survey (mid-point, end) | surveys:schedule | opens_on, closes_on |
"""

import datetime
import importlib
import itertools
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.core.dates import meeting_window, planning_window
from mentoring.programs.models import Cohort
from mentoring.surveys.models import Assessment
from sessions_log.models import Session
from tests.factories import ActiveCohortFactory, CohortFactory, PartnershipFactory, ProgramAdminFactory, SessionFactory

pytestmark = pytest.mark.django_db

# Earliest (UTC+14), latest (UTC-8/-7) and a half-hour zone (UTC+5:30).
ZONES = ["Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata"]
DAY = datetime.timedelta(days=1)


def _window(zone: str, window) -> tuple[datetime.date, datetime.date]:
    """The window as the person sees it: "today" is their own day."""
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        return window()


def _client(user) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to count, not an exception
    client.force_login(user)
    return client


# --- Sessions ---------------------------------------------------------------------------------------------------


def _session_days(zone: str) -> dict[str, tuple[str, int]]:
    """label -> (day, the status the form must answer)."""
    earliest, latest = _window(zone, meeting_window)
    return {
        "year 1": ("0001-01-01", 400),
        "year 9999": ("9999-12-31", 400),
        "the day before the first allowed": ((earliest - DAY).isoformat(), 400),
        "the last allowed day": (latest.isoformat(), 302),
        "the day after the last allowed": ((latest + DAY).isoformat(), 400),
    }


# form -> (the state of the session it acts on, None for a new one; the page)
SESSION_FORMS = {
    "propose": (None, "sessions_log:session_propose"),
    "other time": ("proposed", "sessions_log:session_other_time"),
    "reschedule": ("accepted", "sessions_log:session_reschedule"),
}
SESSION_DATA = {"location": "Room 4", "agenda": "", "note": "", "reason": "A clash"}


def _session_pages(session: Session) -> list[str]:
    return [
        reverse("home"),
        reverse("partnerships:detail", args=[session.partnership_id]),
        reverse("sessions_log:partnership_sessions", args=[session.partnership_id]),
        reverse("sessions_log:session_detail", args=[session.pk]),
        reverse("sessions_log:session_ics", args=[session.pk]),
    ]


@pytest.mark.parametrize("zone", ZONES)
def test_every_session_date_form_answers_a_field_error_or_a_session_whose_pages_work(zone):
    answers, pages = [], []
    for (form, (state, page)), (label, (day, _)), time in itertools.product(
        SESSION_FORMS.items(), _session_days(zone).items(), ["00:05", "23:55"]
    ):
        pair = PartnershipFactory()  # its own, so no earlier answer overlaps this one
        for member in pair.members:
            member.timezone = zone
            member.save()
        ana, ben = pair.member_a, pair.member_b
        target = pair.pk
        if state is not None:
            start = timezone.now().replace(microsecond=0) + 3 * DAY
            target = SessionFactory(partnership=pair, start=start, status=state, proposed_by=ana).pk
        response = _client(ben).post(reverse(page, args=[target]), {"date": day, "time": time, **SESSION_DATA})
        answers.append((form, label, time, response.status_code))
        if response.status_code == 302:
            for session, person in itertools.product(Session.objects.filter(partnership=pair), pair.members):
                pages += [(form, label, url, _client(person).get(url).status_code) for url in _session_pages(session)]
    assert len(answers) == 30  # 3 forms, 5 days, 2 times
    assert answers == [
        (form, label, time, expected)
        for form, (label, (_, expected)), time in itertools.product(
            SESSION_FORMS, _session_days(zone).items(), ["00:05", "23:55"]
        )
    ]
    assert pages and {status for *_, status in pages} == {200}


# --- Cohorts ----------------------------------------------------------------------------------------------------

COHORT_DATES = ("enrollment_opens_on", "enrollment_closes_on", "starts_on", "ends_on")


def _cohort_cases(zone: str) -> list[tuple[str, dict[str, str], int]]:
    """(label, the dates posted, the status the form must answer): each date out of bounds in turn, then all four
    at the first and at the last days the form accepts."""
    earliest, latest = _window(zone, planning_window)
    cases = [
        (f"{field}: {label}", {field: day}, 400)
        for field in COHORT_DATES
        for label, day in [
            ("year 1", "0001-01-01"),
            ("year 9999", "9999-12-31"),
            ("the day before the first allowed", (earliest - DAY).isoformat()),
            ("the day after the last allowed", (latest + DAY).isoformat()),
        ]
    ]
    first = {field: (earliest + i * DAY).isoformat() for i, field in enumerate(COHORT_DATES)}
    last = {field: (latest - (3 - i) * DAY).isoformat() for i, field in enumerate(COHORT_DATES)}
    return [*cases, ("the first days allowed", first, 302), ("the last days allowed", last, 302)]


def _cohort_pages(cohort) -> list[str]:
    return [
        reverse("programs:program_detail", args=[cohort.program_id]),
        reverse("programs:cohort_detail", args=[cohort.pk]),
        reverse("programs:cohort_edit", args=[cohort.pk]),
        reverse("surveys:schedule", args=[cohort.pk, "midpoint"]),
        reverse("surveys:schedule", args=[cohort.pk, "end"]),
        reverse("matching:cohort", args=[cohort.pk]),
        reverse("sessions_log:cohort_overview", args=[cohort.pk]),
        reverse("reports:cohort", args=[cohort.pk]),
        reverse("reports:cohort_csv", args=[cohort.pk]),
    ]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("form", ["new cohort", "edit a cohort"])
def test_every_cohort_date_answers_a_field_error_or_a_cohort_whose_pages_work(zone, form):
    from tests.programs.test_console import cohort_data

    admin = ProgramAdminFactory(timezone=zone)
    answers, pages = [], []
    for number, (label, dates, _) in enumerate(_cohort_cases(zone)):
        if form == "new cohort":
            program = CohortFactory().program
            url = reverse("programs:cohort_create", args=[program.pk])
        else:
            cohort = CohortFactory(status="draft")
            url = reverse("programs:cohort_edit", args=[cohort.pk])
        response = _client(admin).post(url, cohort_data(name=f"Round {number}", **dates))
        answers.append((label, response.status_code))
        if response.status_code == 302:
            saved = Cohort.objects.get(name=f"Round {number}")
            pages += [(label, page, _client(admin).get(page).status_code) for page in _cohort_pages(saved)]
    assert len(answers) == 18  # each of 4 dates out of bounds 4 ways, then all at the first and the last days
    assert answers == [(label, expected) for label, _, expected in _cohort_cases(zone)]
    assert pages and {status for *_, status in pages} == {200}, [p for p in pages if p[2] != 200]


# --- Surveys ----------------------------------------------------------------------------------------------------


def _survey_cases(zone: str) -> list[tuple[str, dict[str, str], int]]:
    """For a cohort that ends on the last day a cohort may: each date out of bounds in turn, then the survey's
    last two weeks ending that day."""
    earliest, latest = _window(zone, planning_window)
    fine = {"opens_on": (latest - 13 * DAY).isoformat(), "closes_on": latest.isoformat()}
    cases = [
        (f"{field}: {label}", {**fine, field: day}, 400)
        for field in ("opens_on", "closes_on")
        for label, day in [
            ("year 1", "0001-01-01"),
            ("year 9999", "9999-12-31"),
            ("the day before the first allowed", (earliest - DAY).isoformat()),
            ("the day after the last allowed", (latest + DAY).isoformat()),
        ]
    ]
    return [*cases, ("the last two weeks allowed", fine, 302)]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("kind", ["midpoint", "end"])
def test_every_survey_date_answers_a_field_error_or_a_survey_whose_pages_work(zone, kind):
    admin = ProgramAdminFactory(timezone=zone)
    _, latest = _window(zone, planning_window)
    pair = PartnershipFactory(cohort=ActiveCohortFactory(ends_on=latest))
    for member in pair.members:
        member.timezone = zone
        member.save()
    url = reverse("surveys:schedule", args=[pair.cohort_id, kind])
    answers = [(label, _client(admin).post(url, dates).status_code) for label, dates, _ in _survey_cases(zone)]
    assert len(answers) == 9  # each of 2 dates out of bounds 4 ways, then the last two weeks allowed
    assert answers == [(label, expected) for label, _, expected in _survey_cases(zone)]
    assert Assessment.objects.get().closes_on == latest
    pages = [(admin, page) for page in _cohort_pages(pair.cohort)]
    pages += [(person, page) for person in pair.members for page in [reverse("home"), reverse("programs:mine")]]
    statuses = {(page, _client(person).get(page).status_code) for person, page in pages}
    assert {status for _, status in statuses} == {200}, statuses


# --- Rows saved before dates were bounded -----------------------------------------------------------------------


def _upgrade_moves_sessions_into_the_calendar() -> None:
    """What the upgrade's migration does to rows it finds (sessions_log 0005)."""
    from django.apps import apps

    importlib.import_module("sessions_log.migrations.0005_sessions_within_the_calendar").move_into_the_calendar(
        apps, None
    )


@pytest.mark.parametrize("zone", ZONES)
def test_sessions_and_a_cohort_saved_at_the_ends_of_the_calendar_before_dates_were_bounded_break_no_page(zone):
    """Before: a session saved on 31 Dec 9999 (or 1 Jan 0001) made its pair's pages a 500 wherever its time, shown
    in a zone ahead of (or behind) UTC, fell outside the calendar. The upgrade moves it inside, and says so."""
    cohort = ActiveCohortFactory(
        enrollment_opens_on=datetime.date(1, 1, 1),
        enrollment_closes_on=datetime.date(1, 1, 2),
        starts_on=datetime.date(1, 1, 3),
        ends_on=datetime.date(9999, 12, 31),
    )
    pair = PartnershipFactory(cohort=cohort)
    admin = ProgramAdminFactory(timezone=zone)
    for member in pair.members:
        member.timezone = zone
        member.save()
    last = SessionFactory(partnership=pair, start=datetime.datetime(9999, 12, 31, 22, tzinfo=datetime.UTC))
    first = SessionFactory(partnership=pair, start=datetime.datetime(1, 1, 1, 1, tzinfo=datetime.UTC), status="held")
    _upgrade_moves_sessions_into_the_calendar()
    pages = [(person, page) for person in pair.members for s in (last, first) for page in _session_pages(s)]
    pages += [(admin, page) for page in _cohort_pages(cohort)]
    statuses = {(page, _client(person).get(page).status_code) for person, page in pages}
    assert {status for _, status in statuses} == {200}, sorted(s for s in statuses if s[1] != 200)
    last.refresh_from_db()
    assert (last.start, last.end - last.start) == (
        datetime.datetime(9998, 12, 30, 23, tzinfo=datetime.UTC),
        datetime.timedelta(hours=1),
    )
    assert last.change_note == "Moved from 31 Dec 9999 by an upgrade: Twoway cannot show that date. Reschedule it."
