"""Enrolling many people at once: a summary first, then all or nobody, with an e-mail each through the outbox."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmployeeImport
from mentoring.notifications.models import Message
from mentoring.programs import services
from mentoring.programs.models import Enrollment, EnrollmentStatus, Invitation
from mentoring.programs.services.bulk import BulkChoice, bulk_enrollment_plan
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    InvitationFactory,
    LeaderFactory,
    ProgramAdminFactory,
    SkillProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "https://twoway.example/"


@pytest.fixture
def cohort(db):
    return CohortFactory(capacity=3)


def url(cohort):
    return reverse("programs:cohort_enroll_many", args=[cohort.pk])


@pytest.fixture
def people(cohort):
    """Four with accounts (one already applied), plus one deactivated account."""
    found = [UserFactory(email=f"p{i}@northwind.example", full_name=f"Person {i}") for i in range(4)]
    EnrollmentFactory(cohort=cohort, user=found[3], status="applied")
    UserFactory(email="gone@northwind.example", is_active=False)
    return found


PASTED = "p0@northwind.example, P1@northwind.example\np2@northwind.example\np3@northwind.example\nx@y.example"


def test_the_summary_says_what_would_happen_and_writes_nothing(cohort, people, client_for, program_admin):
    response = client_for(program_admin).post(url(cohort), {"emails": PASTED + "\ngone@northwind.example"})
    assert response.status_code == 200
    plan = response.context["plan"]
    # 3 places, one taken by p3: p0 and p1 get them, p2 waits.
    assert (
        plan.summary == "2 enrolled, 1 on the waiting list, 1 already enrolled, 1 cannot join, 1 unknown: x@y.example"
    )
    assert "If you confirm:" in response.text
    assert Enrollment.objects.count() == 1 and not Message.objects.filter(channel="email").exists()


def test_confirming_enrolls_everyone_at_once_and_emails_each(cohort, people, client_for, program_admin):
    InvitationFactory(cohort=cohort, email="P0@northwind.example")
    client = client_for(program_admin)
    plan = client.post(url(cohort), {"emails": PASTED}).context["plan"]
    response = client.post(url(cohort), {"emails": PASTED, "expected": plan.fingerprint, "confirm": "1"}, follow=True)
    assert "Done: 2 enrolled, 1 on the waiting list, 1 already enrolled, 1 unknown: x@y.example." in response.text
    statuses = dict(Enrollment.objects.filter(cohort=cohort).values_list("user__email", "status"))
    assert statuses == {
        "p0@northwind.example": "approved",
        "p1@northwind.example": "approved",
        "p2@northwind.example": "waitlisted",
        "p3@northwind.example": "applied",
    }
    assert set(Enrollment.objects.filter(enrolled_by=program_admin).values_list("user__email", flat=True)) == {
        "p0@northwind.example",
        "p1@northwind.example",
        "p2@northwind.example",
    }
    emails = Message.objects.filter(channel="email", kind="enrolled_by_admin")
    assert sorted(emails.values_list("address", flat=True)) == [f"p{i}@northwind.example" for i in range(3)]
    assert Invitation.objects.get().accepted_by == people[0]


def test_a_second_confirm_enrolls_nobody_twice(cohort, people, client_for, program_admin):
    client = client_for(program_admin)
    plan = client.post(url(cohort), {"emails": PASTED}).context["plan"]
    data = {"emails": PASTED, "expected": plan.fingerprint, "confirm": "1"}
    assert client.post(url(cohort), data).status_code == 302
    again = client.post(url(cohort), data)
    assert again.status_code == 400
    assert "Something changed since the summary" in again.text
    assert again.context["plan"].summary == "0 enrolled, 4 already enrolled, 1 unknown: x@y.example"
    assert (
        Enrollment.objects.count() == 4
        and Message.objects.filter(channel="email", kind="enrolled_by_admin").count() == 3
    )


def test_a_change_since_the_summary_writes_nothing_and_shows_the_new_one(cohort, people, client_for, program_admin):
    client = client_for(program_admin)
    plan = client.post(url(cohort), {"emails": PASTED}).context["plan"]
    EnrollmentFactory(cohort=cohort, status="approved")  # someone else took a place in between
    response = client.post(url(cohort), {"emails": PASTED, "expected": plan.fingerprint, "confirm": "1"})
    assert response.status_code == 400
    assert response.context["plan"].summary.startswith("1 enrolled, 2 on the waiting list")
    assert Enrollment.objects.count() == 2 and not Message.objects.filter(channel="email").exists()


def test_a_department_and_the_last_import_choose_people(cohort, client_for, program_admin):
    sales = [SkillProfileFactory(department="Sales").user for _ in range(2)]
    SkillProfileFactory(department="Finance")
    imported = UserFactory(email="new.hire@northwind.example")
    EmployeeImport.objects.create(
        file_name="old.csv",
        content="email\nold@northwind.example\n",
        sha256="0",
        status="committed",
        committed_at=timezone.now() - timezone.timedelta(days=3),
    )
    EmployeeImport.objects.create(
        file_name="march.csv",
        content="email,full_name,department,job_title,seniority,manager_email,timezone\n"
        "new.hire@northwind.example,New Hire,IT,Dev,2,,UTC\nnobody@northwind.example,No Body,IT,Dev,2,,UTC\n",
        sha256="1",
        status="committed",
        committed_at=timezone.now(),
        row_count=2,
    )
    page = client_for(program_admin).get(url(cohort))
    assert "march.csv, imported" in page.text
    response = client_for(program_admin).post(url(cohort), {"department": "Sales", "last_import": "on"})
    plan = response.context["plan"]
    assert {u.pk for u in plan.to_enroll} == {imported.pk, *(u.pk for u in sales)}
    assert plan.unknown == ["nobody@northwind.example"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, None, "nobody is chosen yet"),
        ({"emails": "p0@northwind.example, not-an-address"}, "emails", "“not-an-address” is not a valid e-mail"),
        ({"department": "No such team"}, "department", "Select a valid choice."),
        ({"emails": ",".join(f"a{i}@x.example" for i in range(1001))}, "emails", "Enroll at most 1000 people"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(cohort, people, client_for, program_admin, data, field, message):
    response = client_for(program_admin).post(url(cohort), {**data, "confirm": "1", "expected": "x"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in str(errors.get(field or "__all__"))
    assert Enrollment.objects.count() == 1 and not Message.objects.filter(channel="email").exists()


def test_a_cohort_that_takes_nobody_refuses(cohort, people, client_for, program_admin):
    cohort.status = "closed"
    cohort.save()
    response = client_for(program_admin).post(url(cohort), {"emails": PASTED})
    assert response.status_code == 400 and "nobody can join it any more" in response.text
    assert response.context["plan"] is None


def test_a_withdrawn_person_is_enrolled_again_in_their_old_row(cohort, people, program_admin):
    old = EnrollmentFactory(cohort=cohort, user=people[0], status="withdrawn")
    choice = BulkChoice(emails=("p0@northwind.example",))
    plan = bulk_enrollment_plan(cohort, choice)
    services.enrollments_add_many(
        cohort=cohort, choice=choice, expected=plan.fingerprint, enrolled_by=program_admin, base_url=BASE
    )
    old.refresh_from_db()
    assert (old.status, old.enrolled_by) == (EnrollmentStatus.APPROVED, program_admin)
    assert Enrollment.objects.filter(user=people[0]).count() == 1


def test_a_failure_halfway_leaves_nobody_enrolled(cohort, people, program_admin, monkeypatch):
    choice = BulkChoice(emails=("p0@northwind.example", "p1@northwind.example"))
    plan = bulk_enrollment_plan(cohort, choice)

    def outbox_down(drafts):
        list(drafts)
        raise RuntimeError("the outbox table is locked")

    monkeypatch.setattr("mentoring.programs.services.bulk.messages_queue", outbox_down)
    with pytest.raises(RuntimeError):
        services.enrollments_add_many(
            cohort=cohort, choice=choice, expected=plan.fingerprint, enrolled_by=program_admin, base_url=BASE
        )
    assert Enrollment.objects.count() == 1  # only p3's own application


@pytest.mark.parametrize("who", ["anonymous", "employee", "leader"])
def test_only_program_admins_enroll_many(cohort, people, client, client_for, who):
    visitor = client if who == "anonymous" else client_for({"employee": UserFactory, "leader": LeaderFactory}[who]())
    get = visitor.get(url(cohort))
    post = visitor.post(url(cohort), {"emails": PASTED, "confirm": "1", "expected": "x"})
    if who == "anonymous":
        assert get.status_code == post.status_code == 302 and "/accounts/login/" in post["Location"]
    else:
        assert get.status_code == post.status_code == 403
    assert Enrollment.objects.count() == 1


def test_program_admins_share_every_program_and_an_unknown_cohort_is_a_404(cohort, client_for):
    # Program admin is one role for all programs (there is no per-program admin): an admin who runs another
    # program reaches this cohort's page; a cohort that does not exist answers 404.
    other_admin = ProgramAdminFactory()
    CohortFactory(program__name="Another program")
    client = client_for(other_admin)
    assert client.get(url(cohort)).status_code == 200
    assert client.get(reverse("programs:cohort_enroll_many", args=[cohort.pk + 1000])).status_code == 404


def _make_people(count: int) -> list[str]:
    """``count`` addresses: a tenth already applied, a tenth withdrawn, a tenth without an account, the rest new."""
    cohort = CohortFactory(capacity=count // 2)
    emails = [f"bulk{i}@northwind.example" for i in range(count)]
    for i, email in enumerate(emails):
        if i % 10 == 9:
            continue  # no account
        user = UserFactory(email=email)
        if i % 10 == 0:
            EnrollmentFactory(cohort=cohort, user=user, status="applied")
        elif i % 10 == 1:
            EnrollmentFactory(cohort=cohort, user=user, status="withdrawn")
    InvitationFactory(cohort=cohort, email=emails[2])
    return cohort, emails


def test_confirming_200_people_costs_a_fixed_number_of_queries(program_admin, django_assert_num_queries):
    cohort, emails = _make_people(200)
    choice = BulkChoice(emails=tuple(emails))
    plan = bulk_enrollment_plan(cohort, choice)
    # savepoint; lock the cohort; the people; their enrollments; places taken; insert the new enrollments; update the
    # withdrawn ones (approved, waitlisted); mark invitations accepted; insert the e-mails; read back which are new;
    # release the savepoint: 12. SQLite takes at most 999 values per statement, so it sends the inserts of 140 new
    # enrollments and of 160 e-mails with their 160 in-app entries as 2 and 9 statements (21); PostgreSQL sends each
    # as one.
    expected = 12 if connection.vendor == "postgresql" else 21
    with django_assert_num_queries(expected):
        done = services.enrollments_add_many(
            cohort=cohort, choice=choice, expected=plan.fingerprint, enrolled_by=program_admin, base_url=BASE
        )
    assert len(done.to_enroll) == 160 and len(done.already) == 20 and len(done.unknown) == 20
    assert Message.objects.filter(channel="email", kind="enrolled_by_admin").count() == 160
    assert Enrollment.objects.filter(cohort=cohort, status="approved").count() == 80  # 100 places, 20 taken
    assert Enrollment.objects.filter(cohort=cohort, status="waitlisted").count() == 80


@pytest.mark.parametrize("count", [20, 200])
def test_the_summary_page_costs_the_same_for_20_or_200_people(
    client_for, program_admin, count, django_assert_num_queries
):
    cohort, emails = _make_people(count)
    client = client_for(program_admin)
    # session + user; cohort with program; departments (the form's choices); the last import (its label); the people;
    # their enrollments; places taken
    with django_assert_num_queries(8):
        response = client.post(url(cohort), {"emails": "\n".join(emails)})
    assert len(response.context["plan"].unknown) == count // 10
