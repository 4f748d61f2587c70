"""Every form that creates something, submitted twice: at the same instant from two tabs (PostgreSQL, where the two
requests really race) and one after the other (a double click that arrives late, the back button). Never a 500, and
one row where one is expected; the messages a create queues are queued once.

tests/core/test_double_submits.py has the services' side (program, cohort, skill at once; goal twice); this covers
each page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmployeeImport, Skill, SkillCategory, User
from matching.models import MatchRun, PairRule
from mentoring.notifications.models import Message
from mentoring.partnerships.models import Agreement, AgreementSignature, Goal, Partnership
from mentoring.programs.models import Cohort, Enrollment, Invitation, Program
from mentoring.surveys.models import Assessment, AssessmentResponse
from sessions_log.models import CheckIn, Session, SessionNote
from tests.conftest import run_together, while_uncommitted
from tests.factories import (
    PASSWORD,
    ActiveCohortFactory,
    AgreementFactory,
    AssessmentFactory,
    CohortFactory,
    PartnershipFactory,
    ProgramAdminFactory,
    ProgramFactory,
    SessionFactory,
    SkillCategoryFactory,
    UserFactory,
)

DAY = datetime.timedelta(days=1)


@dataclass
class Submit:
    """One form: who sends it, where, with what; and the rows a submit creates, with how many there must be."""

    who: User | None
    url: str
    data: dict
    rows: Callable[[], tuple]
    once: tuple
    # When the second submit arrives after the first finished, if that differs from ``once``.
    in_a_row: tuple | None = None


def _program():
    from tests.programs.test_console import program_data

    return Submit(
        ProgramAdminFactory(),
        reverse("programs:program_create"),
        program_data(name="Reverse mentoring 2028"),
        lambda: (Program.objects.count(),),
        (1,),
    )


def _cohort():
    from tests.programs.test_console import cohort_data

    program = ProgramFactory()
    return Submit(
        ProgramAdminFactory(),
        reverse("programs:cohort_create", args=[program.pk]),
        cohort_data(name="Spring"),
        lambda: (Cohort.objects.filter(program=program).count(),),
        (1,),
    )


def _skill():
    category = SkillCategoryFactory()
    return Submit(
        ProgramAdminFactory(),
        reverse("accounts:skill_create"),
        {"name": "Prompt writing", "category": category.pk, "description": ""},
        lambda: (Skill.objects.filter(name__iexact="Prompt writing").count(),),
        (1,),
    )


def _category():
    return Submit(
        ProgramAdminFactory(),
        reverse("accounts:category_create"),
        {"name": "Sustainability"},
        lambda: (SkillCategory.objects.filter(name__iexact="Sustainability").count(),),
        (1,),
    )


def _invitation():
    cohort = CohortFactory()
    return Submit(
        ProgramAdminFactory(),
        reverse("programs:cohort_invite", args=[cohort.pk]),
        {"emails": "ida@northwind.example"},
        lambda: (
            Invitation.objects.filter(cohort=cohort).count(),
            Message.objects.filter(channel="email", kind="cohort_invitation", address="ida@northwind.example").count(),
        ),
        (1, 1),
    )


def _add_person():
    cohort, person = CohortFactory(), UserFactory()
    return Submit(
        ProgramAdminFactory(),
        reverse("programs:cohort_add_person", args=[cohort.pk]),
        {"email": person.email},
        lambda: (Enrollment.objects.filter(cohort=cohort, user=person).count(),),
        (1,),
    )


def _enrollment():
    from tests.programs.test_employee import ENROLL_DATA

    cohort, person = CohortFactory(), UserFactory()
    return Submit(
        person,
        reverse("programs:cohort_enroll", args=[cohort.pk]),
        ENROLL_DATA,
        lambda: (Enrollment.objects.filter(cohort=cohort, user=person).count(),),
        (1,),
    )


def _survey_schedule():
    cohort = ActiveCohortFactory()
    today = timezone.localdate()
    return Submit(
        ProgramAdminFactory(),
        reverse("surveys:schedule", args=[cohort.pk, "midpoint"]),
        {"opens_on": (today + 10 * DAY).isoformat(), "closes_on": (today + 24 * DAY).isoformat()},
        lambda: (Assessment.objects.filter(cohort=cohort).count(),),
        (1,),
    )


def _survey_answer():
    from tests.surveys.test_views import ANSWERS

    pair = PartnershipFactory()
    survey = AssessmentFactory(cohort=pair.cohort)
    return Submit(
        pair.member_a,
        reverse("surveys:answer", args=[survey.pk]),
        ANSWERS,
        lambda: (AssessmentResponse.objects.filter(assessment=survey).count(),),
        (1,),
    )


def _goal():
    pair = PartnershipFactory()
    return Submit(
        pair.member_a,
        reverse("partnerships:goal_create", args=[pair.pk]),
        {"title": "Run my own pivot tables", "progress": 0, "notes": ""},
        lambda: (Goal.objects.filter(partnership=pair).count(),),
        (1,),
    )


def _agreement():
    from tests.partnerships.test_agreement import _form

    pair = PartnershipFactory()
    return Submit(
        pair.member_a,
        reverse("partnerships:agreement_edit", args=[pair.pk]),
        _form(base_version=0),
        lambda: (
            Agreement.objects.filter(partnership=pair).count(),
            AgreementSignature.objects.filter(agreement__partnership=pair).count(),
        ),
        (1, 1),
    )


def _agreement_signature():
    agreement = AgreementFactory()
    partner = agreement.partnership.member_b
    return Submit(
        partner,
        reverse("partnerships:agreement_sign", args=[agreement.partnership_id]),
        {"version": agreement.version, "accept_pledge": "on"},
        lambda: (AgreementSignature.objects.filter(agreement=agreement, user=partner).count(),),
        (1,),
    )


def _session_proposal():
    pair = PartnershipFactory()
    day = (timezone.localdate() + 3 * DAY).isoformat()
    return Submit(
        pair.member_a,
        reverse("sessions_log:session_propose", args=[pair.pk]),
        {"date": day, "time": "10:00", "location": "Room 4", "agenda": ""},
        lambda: (
            Session.objects.filter(partnership=pair).count(),
            Message.objects.filter(channel="email", recipient__in=pair.members).count(),
        ),
        (1, 1),
    )


def _session_acceptance():
    pair = PartnershipFactory()
    start = timezone.now().replace(microsecond=0) + 3 * DAY
    session = SessionFactory(partnership=pair, start=start, status="proposed", proposed_by=pair.member_a)
    return Submit(
        pair.member_b,
        reverse("sessions_log:session_accept", args=[session.pk]),
        {},
        lambda: (
            Message.objects.filter(channel="email", kind="session_invitation", recipient__in=pair.members).count(),
        ),
        (2,),  # one calendar invitation to each partner
    )


def _held_session():
    pair = PartnershipFactory()
    return pair, SessionFactory(partnership=pair, start=timezone.now().replace(microsecond=0) - 2 * DAY, status="held")


def _check_in():
    pair, session = _held_session()
    return Submit(
        pair.member_a,
        reverse("sessions_log:checkin", args=[session.pk]),
        {"usefulness": "4", "learned": "Pivot tables"},
        lambda: (CheckIn.objects.filter(session=session).count(),),
        (1,),
    )


def _note():
    pair, session = _held_session()
    return Submit(
        pair.member_a,
        reverse("sessions_log:note_edit", args=[session.pk]),
        {"text": "Bring the Q3 numbers"},
        lambda: (SessionNote.objects.filter(session=session).count(),),
        (1,),
    )


def _match_run():
    from tests.matching.cohort_helpers import four_people, matching_cohort

    cohort = matching_cohort()
    four_people(cohort)
    return Submit(
        ProgramAdminFactory(),
        reverse("matching:run_start", args=[cohort.pk]),
        {},
        lambda: (MatchRun.objects.filter(cohort=cohort).count(),),
        (1,),
        # A small cohort is matched inside the request: a second click after it finished is "run again", run #2.
        in_a_row=(2,),
    )


def _pair_rule():
    from matching import services
    from tests.matching.cohort_helpers import four_people, matching_cohort

    cohort, admin = matching_cohort(), ProgramAdminFactory()
    people = four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    return Submit(
        admin,
        reverse("matching:pair_exclude", args=[run.cohort_id, run.number]),
        {"exclude-first": people["ana"].pk, "exclude-second": people["eve"].pk, "exclude-reason": "Same desk"},
        lambda: (PairRule.objects.filter(cohort=cohort).count(),),
        (1,),
    )


def _publication():
    from matching import services
    from tests.matching.cohort_helpers import four_people, matching_cohort

    cohort, admin = matching_cohort(), ProgramAdminFactory()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    return Submit(
        admin,
        reverse("matching:run_publish", args=[run.cohort_id, run.number]),
        {},
        lambda: (
            Partnership.objects.filter(cohort=cohort).count(),
            Message.objects.filter(
                channel="email", kind="match_published", recipient__enrollments__cohort=cohort
            ).count(),
        ),
        (2, 4),  # Ana-Ben and Chloé-Dan, each partner told once
    )


def _employee_import():
    from accounts import importing
    from tests.accounts.import_helpers import make_csv, person

    admin = ProgramAdminFactory()
    preview = importing.employee_import_upload(
        file_name="people.csv",
        data=make_csv([person("ana@northwind.example"), person("ben@northwind.example")]),
        uploaded_by=admin,
    )
    return Submit(
        admin,
        reverse("accounts:import_confirm", args=[preview.pk]),
        {},
        lambda: (
            User.objects.filter(email__in=["ana@northwind.example", "ben@northwind.example"]).count(),
            EmployeeImport.objects.filter(pk=preview.pk, committed_at__isnull=False).count(),
        ),
        (2, 1),
    )


def _sign_up():
    return Submit(
        None,
        reverse("account_signup"),
        {"email": "new.person@northwind.example", "password1": PASSWORD, "password2": PASSWORD, "full_name": "New"},
        lambda: (User.objects.filter(email__iexact="new.person@northwind.example").count(),),
        (1,),
    )


FORMS: dict[str, Callable[[], Submit]] = {
    "new program": _program,
    "new cohort": _cohort,
    "new skill": _skill,
    "new skill category": _category,
    "invite people": _invitation,
    "add a person to a cohort": _add_person,
    "enroll": _enrollment,
    "schedule a survey": _survey_schedule,
    "answer a survey": _survey_answer,
    "new goal": _goal,
    "agreement": _agreement,
    "sign the agreement": _agreement_signature,
    "propose a session": _session_proposal,
    "accept a session": _session_acceptance,
    "check-in": _check_in,
    "session note": _note,
    "run matching": _match_run,
    "exclude a pair": _pair_rule,
    "publish a proposal": _publication,
    "confirm an employee import": _employee_import,
    "sign up": _sign_up,
}


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to count, not an exception
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_every_create_form_sent_twice_at_once_makes_one_row_and_no_500():
    """One test for every form (each sets up its own rows): a transactional test costs a second to empty the
    database, and the forms are many."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so the two submits cannot race there; PostgreSQL shows the race")
    problems = {}
    for form, make in FORMS.items():
        submit = make()
        clients = [_client(submit.who) for _ in range(2)]
        responses, _ = run_together([lambda c=c, s=submit: c.post(s.url, s.data) for c in clients])
        statuses, rows = sorted(response.status_code for response in responses), submit.rows()
        if statuses[-1] >= 500 or rows != submit.once:
            problems[form] = {"statuses": statuses, "rows": rows, "expected rows": submit.once}
    assert problems == {}


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_every_create_form_sent_twice_in_a_row_makes_one_row_and_no_500(form, django_capture_on_commit_callbacks):
    submit = FORMS[form]()
    client = _client(submit.who)
    statuses = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):  # the tasks each submit queues (run inline)
            statuses.append(client.post(submit.url, submit.data).status_code)
    assert statuses[0] == 302 and statuses[1] < 500, statuses
    assert submit.rows() == (submit.in_a_row or submit.once)


# --- The exact race, for the two forms it broke ---------------------------------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the exact race needs PostgreSQL's row locks (pg_locks)")


@pytest.mark.django_db(transaction=True)
def test_a_note_saved_from_two_tabs_at_once_keeps_the_later_text(postgresql):
    """Before: the second tab read no note, then its insert met the first tab's: a 500."""
    pair, session = _held_session()
    ana = pair.member_a
    url = reverse("sessions_log:note_edit", args=[session.pk])
    response = while_uncommitted(
        lambda: SessionNote.objects.create(session=session, author=ana, text="From the first tab"),
        lambda: _client(ana).post(url, {"text": "From the second tab"}),
    )
    assert response.status_code == 302
    assert list(SessionNote.objects.values_list("author", "text")) == [(ana.pk, "From the second tab")]


def _answer(response) -> tuple:
    if response.status_code == 302:
        return 302, response["Location"]
    return response.status_code, response.context["form"].errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("verification", ["optional", "mandatory"])  # development's and production's default
def test_signing_up_twice_at_once_makes_one_account_and_answers_as_for_a_taken_address(
    postgresql, settings, verification
):
    """Before: the second sign-up found no account, then its insert met the first one's: a 500."""
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    data = _sign_up().data
    UserFactory(email=data["email"])
    taken = _client(None).post(reverse("account_signup"), data)  # the answer for an address that has an account
    User.objects.filter(email=data["email"]).delete()
    response = while_uncommitted(
        lambda: UserFactory(email=data["email"]),
        lambda: _client(None).post(reverse("account_signup"), data),
    )
    assert _answer(response) == _answer(taken)
    assert taken.status_code == {"optional": 200, "mandatory": 302}[verification]
    assert User.objects.filter(email__iexact=data["email"]).count() == 1
