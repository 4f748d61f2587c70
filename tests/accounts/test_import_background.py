"""Large employee files are checked and imported by a Celery worker: the requests only record the work and return,
the page follows a progress bar, the import stays all-or-nothing, and a lost worker is recovered by the sweeper."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts import importing, tasks
from accounts.importing import background, services
from accounts.models import IMPORT_RECOVERY_ATTEMPTS, EmployeeImport, Skill, User, WantedSkill
from tests.accounts.import_helpers import make_csv, person
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db

ANA = "ana@northwind.example"
BEN = "ben@northwind.example"
CY = "cy@northwind.example"
UPLOAD = reverse("accounts:import_upload")
LONG_AGO = datetime.timedelta(minutes=3)  # beyond IMPORT_STALE_AFTER (2 minutes)
Status = EmployeeImport.Status


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Three rows count as a large file here (the default threshold is 2,000)."""
    settings.IMPORT_BACKGROUND_ROWS = 2


@pytest.fixture
def rung(monkeypatch):
    """The doorbells the services ring, recorded instead of sent: the test plays the worker (or the lost message)."""
    calls = []

    def record(name, **kwargs):
        calls.append((name, kwargs))

    monkeypatch.setattr(services, "ring", record)
    monkeypatch.setattr(background, "ring", record)
    return calls


def rows(**overrides):
    return [person(ANA, manager_email=BEN, **overrides), person(BEN, **overrides), person(CY, **overrides)]


def csv_file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", data, content_type="text/csv")


def uploaded(by=None, **overrides) -> EmployeeImport:
    return importing.employee_import_upload(file_name="people.csv", data=make_csv(rows(**overrides)), uploaded_by=by)


def checked(program_admin) -> EmployeeImport:
    """A large upload the worker has checked: waiting for confirmation."""
    employee_import = uploaded(program_admin)
    tasks.check_employee_import.delay(import_id=employee_import.pk)
    employee_import.refresh_from_db()
    assert employee_import.status == Status.PREVIEWED
    return employee_import


def confirmed(program_admin) -> EmployeeImport:
    """A checked large upload a program admin confirmed: queued for the worker."""
    employee_import = importing.employee_import_confirm(
        employee_import=checked(program_admin), confirmed_by=program_admin
    )
    assert employee_import.status == Status.QUEUED
    return employee_import


def imported_people() -> int:
    return User.objects.filter(email__in=[ANA, BEN, CY]).count()


def _age(employee_import, **fields):
    EmployeeImport.objects.filter(pk=employee_import.pk).update(**fields)


# --- The requests only record the work ------------------------------------------------------------------------


def test_a_large_upload_is_read_in_the_request_and_checked_by_the_worker(
    client_for, program_admin, rung, monkeypatch, django_assert_num_queries
):
    def no_checking_here(*args, **kwargs):
        raise AssertionError("the request checked the rows against the database")

    monkeypatch.setattr(services, "load_snapshot", no_checking_here)
    client = client_for(program_admin)
    # session and user; the import row, inserted between a savepoint and its release (the doorbell rings on commit):
    # no query reads the people, however many rows the file has
    with django_assert_num_queries(5):
        response = client.post(UPLOAD, {"file": csv_file(make_csv(rows()))})
    employee_import = EmployeeImport.objects.get()
    assert response.status_code == 302 and response.url == employee_import.get_absolute_url()
    assert (employee_import.status, employee_import.in_background, employee_import.row_count) == (
        Status.CHECKING,
        True,
        3,
    )
    assert rung == [("accounts.tasks.check_employee_import", {"import_id": employee_import.pk})]

    monkeypatch.undo()  # the worker
    assert tasks.check_employee_import.delay(import_id=employee_import.pk).get() == "previewed"
    employee_import.refresh_from_db()
    assert (employee_import.create_count, employee_import.error_count, employee_import.progress) == (3, 0, 100)
    assert employee_import.preview["create"][0]["email"] == ANA
    assert imported_people() == 0


def test_a_file_at_the_threshold_is_still_checked_in_the_request(rung, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    employee_import = uploaded()
    assert (employee_import.status, employee_import.in_background, rung) == (Status.PREVIEWED, False, [])


def test_a_large_file_that_is_no_csv_is_still_refused_at_once(client_for, program_admin, rung):
    response = client_for(program_admin).post(UPLOAD, {"file": csv_file(b"name;mail\n" + b"x;y\n" * 10)})
    assert response.status_code == 400 and "The first line must be a header" in response.text
    assert not EmployeeImport.objects.exists() and rung == []


def test_confirming_a_large_import_queues_it_and_the_worker_imports_it(client_for, program_admin, rung, monkeypatch):
    employee_import = checked(program_admin)
    rung.clear()

    def no_writing_here(*args, **kwargs):
        raise AssertionError("the request imported the file")

    monkeypatch.setattr(background, "write_plan", no_writing_here)
    monkeypatch.setattr(services, "write_plan", no_writing_here)
    response = client_for(program_admin).post(reverse("accounts:import_confirm", args=[employee_import.pk]))
    assert response.status_code == 302 and response.url == employee_import.get_absolute_url()
    employee_import.refresh_from_db()
    assert (employee_import.status, employee_import.committed_by) == (Status.QUEUED, program_admin)
    assert rung == [("accounts.tasks.import_employees", {"import_id": employee_import.pk})]
    assert imported_people() == 0

    monkeypatch.undo()  # the worker
    assert tasks.import_employees.delay(import_id=employee_import.pk).get() == "committed"
    employee_import.refresh_from_db()
    assert (employee_import.status, employee_import.created, employee_import.updated) == (Status.COMMITTED, 3, 0)
    assert employee_import.committed_at >= employee_import.started_at >= employee_import.confirmed_at
    assert imported_people() == 3
    assert User.objects.get(email=ANA).profile.manager.email == BEN


def test_the_confirmation_request_only_queues_in_a_fixed_number_of_queries(
    client_for, program_admin, rung, django_assert_num_queries
):
    employee_import = checked(program_admin)
    client = client_for(program_admin)
    # session and user; the import (without its file); the claim (an UPDATE between a savepoint and its release);
    # the import again, as the claim left it
    with django_assert_num_queries(7):
        client.post(reverse("accounts:import_confirm", args=[employee_import.pk]))


def test_confirming_twice_queues_once(program_admin, rung):
    employee_import = confirmed(program_admin)
    with pytest.raises(importing.ImportAlreadyHandled):
        importing.employee_import_confirm(employee_import=employee_import, confirmed_by=program_admin)
    assert [name for name, _ in rung].count("accounts.tasks.import_employees") == 1


def test_a_duplicate_message_imports_once(program_admin, rung):
    employee_import = confirmed(program_admin)
    assert tasks.import_employees.delay(import_id=employee_import.pk).get() == "committed"
    assert tasks.import_employees.delay(import_id=employee_import.pk).get() == "not claimed"
    assert imported_people() == 3


def test_small_imports_stay_inline(client_for, program_admin, rung, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2000
    employee_import = uploaded(program_admin)
    response = client_for(program_admin).post(
        reverse("accounts:import_confirm", args=[employee_import.pk]), follow=True
    )
    assert "Imported: 3 people created, 0 updated, 0 unchanged." in response.text
    assert rung == [] and imported_people() == 3


# --- The page follows the worker --------------------------------------------------------------------------------


def test_progress_json_while_queued_and_once_imported(client_for, program_admin, rung):
    employee_import = confirmed(program_admin)
    client = client_for(program_admin)
    url = reverse("accounts:import_progress", args=[employee_import.pk])
    assert client.get(url, headers={"Accept": "application/json"}).json() == {
        "status": "queued",
        "progress": 0,
        "stage": "Waiting for a worker",
        "finished": False,
        "url": employee_import.get_absolute_url(),
        "rows": 3,
    }
    tasks.import_employees.delay(import_id=employee_import.pk)
    assert client.get(url, headers={"Accept": "application/json"}).json() == {
        "status": "committed",
        "progress": 100,
        "stage": "Imported",
        "finished": True,
        "url": employee_import.get_absolute_url(),
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "failure": "",
    }


def test_each_poll_costs_three_queries_and_never_reads_the_file(
    client_for, program_admin, rung, django_assert_num_queries
):
    employee_import = confirmed(program_admin)
    client = client_for(program_admin)
    url = reverse("accounts:import_progress", args=[employee_import.pk])
    # session and user; the import's progress fields (not its file, errors or preview)
    with django_assert_num_queries(3) as captured:
        client.get(url, headers={"HX-Request": "true"})
    assert '"content"' not in captured.captured_queries[-1]["sql"]
    with django_assert_num_queries(3):
        client.get(url, headers={"Accept": "application/json"})


def test_the_progress_fragment_polls_while_checking_then_stops_and_reloads_once(client_for, program_admin, rung):
    employee_import = uploaded(program_admin)
    client = client_for(program_admin)
    url = reverse("accounts:import_progress", args=[employee_import.pk])
    page = client.get(employee_import.get_absolute_url())
    assert "accounts/import_progress.html" in [t.name for t in page.templates]
    assert f'hx-get="{url}"' in page.text and "vendor/htmx/htmx.min.js" in page.text
    assert "Checking 3 rows" in page.text
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'role="progressbar"' in fragment.text
    assert "Being checked: Waiting for a worker" in fragment.text and "js/reload.js" not in fragment.text
    tasks.check_employee_import.delay(import_id=employee_import.pk)
    fragment = client.get(url, headers={"HX-Request": "true"})
    # 286: htmx stops polling, and the fragment reloads the page once, which now shows the preview
    assert fragment.status_code == 286 and "hx-get" not in fragment.text and "js/reload.js" in fragment.text
    plain = client.get(url)  # opened by hand: no reload, or it would reload itself for ever
    assert plain.status_code == 200 and "js/reload.js" not in plain.text
    page = client.get(employee_import.get_absolute_url())
    assert "accounts/import_preview.html" in [t.name for t in page.templates]
    assert "Import 3 rows" in page.text and "imported in the background" in page.text


def test_the_result_page_says_what_the_worker_did(client_for, program_admin, rung):
    employee_import = confirmed(program_admin)
    tasks.import_employees.delay(import_id=employee_import.pk)
    page = client_for(program_admin).get(employee_import.get_absolute_url())
    assert "accounts/import_result.html" in [t.name for t in page.templates]
    assert "in the background in" in page.text and page.context["import"].created == 3


def test_the_heartbeat_writes_the_progress_the_worker_reports(program_admin, rung):
    employee_import = confirmed(program_admin)
    _age(employee_import, status=Status.RUNNING)
    progress = importing.StepProgress()
    progress.part(30, 97)(0.5, "Writing 3 skill profiles")
    importing.employee_import_beat(import_id=employee_import.pk, progress=progress)
    employee_import.refresh_from_db()
    assert (employee_import.progress, employee_import.stage) == (63, "Writing 3 skill profiles")
    assert employee_import.heartbeat_at > timezone.now() - datetime.timedelta(seconds=5)


def test_the_worker_reports_each_step_in_order(program_admin, rung, monkeypatch):
    employee_import = confirmed(program_admin)
    steps = []
    progress = importing.StepProgress()
    original = progress.set
    monkeypatch.setattr(
        progress, "set", lambda percent, stage: steps.append((percent, stage)) or original(percent, stage)
    )
    importing.employee_import_execute(import_id=employee_import.pk, progress=progress)
    assert steps == [
        (1, "Reading the file"),
        (5, "Reading what Twoway knows about the 3 people in the file"),
        (15, "Checking 3 rows"),
        (30, "Creating 0 of 3 people"),
        (53, "Recording 0 of 3 e-mail addresses"),
        (63, "Writing 3 skill profiles"),
        (86, "Writing skills"),
        (97, "Saving"),
    ]


# --- All or nothing, and it says why ----------------------------------------------------------------------------


def test_data_changed_since_the_preview_makes_the_import_invalid_and_writes_nothing(client_for, program_admin, rung):
    employee_import = checked(program_admin)
    Skill.objects.filter(name="Python").update(is_retired=True)
    importing.employee_import_confirm(employee_import=employee_import, confirmed_by=program_admin)
    assert tasks.import_employees.delay(import_id=employee_import.pk).get() == "invalid"
    employee_import.refresh_from_db()
    assert employee_import.error_count == 3 and imported_people() == 0
    assert employee_import.failure.startswith("Nothing was imported: since the preview, 3 problems appeared")
    page = client_for(program_admin).get(employee_import.get_absolute_url())
    assert "since the preview, 3 problems appeared" in page.text and "Python has been retired" in page.text


def test_a_failure_while_writing_leaves_nothing_behind_says_why_and_importing_again_is_safe(
    client_for, program_admin, rung, monkeypatch
):
    employee_import = confirmed(program_admin)

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as broken, pytest.raises(RuntimeError):
        broken.setattr(WantedSkill.objects, "bulk_create", broken_bulk_create)
        tasks.import_employees.delay(import_id=employee_import.pk)
    assert imported_people() == 0 and not EmailAddress.objects.filter(email__in=[ANA, BEN, CY]).exists()
    employee_import.refresh_from_db()
    assert employee_import.status == Status.FAILED
    assert employee_import.failure.startswith("Nothing was written: an unexpected error (RuntimeError) stopped it")
    client = client_for(program_admin)
    page = client.get(employee_import.get_absolute_url())
    assert "The import stopped" in page.text and "Import again" in page.text

    rung.clear()
    client.post(reverse("accounts:import_retry", args=[employee_import.pk]))
    employee_import.refresh_from_db()
    assert employee_import.status == Status.QUEUED
    assert rung == [("accounts.tasks.import_employees", {"import_id": employee_import.pk})]
    tasks.import_employees.delay(import_id=employee_import.pk)
    assert imported_people() == 3


def test_a_failed_check_is_checked_again_on_request(client_for, program_admin, rung, monkeypatch):
    employee_import = uploaded(program_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "plan_import", broken)
    with pytest.raises(RuntimeError):
        tasks.check_employee_import.delay(import_id=employee_import.pk)
    employee_import.refresh_from_db()
    assert employee_import.status == Status.FAILED and "while checking" in employee_import.failure
    client = client_for(program_admin)
    assert "The check stopped" in client.get(employee_import.get_absolute_url()).text
    monkeypatch.undo()
    client.post(reverse("accounts:import_retry", args=[employee_import.pk]))
    assert EmployeeImport.objects.get(pk=employee_import.pk).status == Status.CHECKING
    tasks.check_employee_import.delay(import_id=employee_import.pk)
    assert EmployeeImport.objects.get(pk=employee_import.pk).status == Status.PREVIEWED


def test_retry_refuses_an_import_that_is_moving(client_for, program_admin, rung):
    employee_import = confirmed(program_admin)
    response = client_for(program_admin).post(reverse("accounts:import_retry", args=[employee_import.pk]), follow=True)
    assert "nothing more was done" in response.text
    assert [name for name, _ in rung].count("accounts.tasks.import_employees") == 1


def test_a_worker_whose_import_was_given_to_another_writes_nothing(program_admin, rung, monkeypatch):
    """The sweeper asked again meanwhile (this worker looked lost): whoever marks the import done imports it."""
    employee_import = confirmed(program_admin)
    original = background.write_plan

    def write_then_lose_the_claim(plan, **kwargs):
        result = original(plan, **kwargs)
        _age(employee_import, status=Status.QUEUED)  # as the sweeper would have, seen by the final UPDATE
        return result

    monkeypatch.setattr(background, "write_plan", write_then_lose_the_claim)
    assert importing.employee_import_execute(import_id=employee_import.pk) is None
    assert imported_people() == 0  # rolled back


def test_a_temporary_database_error_is_retried_with_nothing_written_in_between(program_admin, rung, monkeypatch):
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))
    employee_import = confirmed(program_admin)
    original, calls = background.write_plan, []

    def flaky(plan, **kwargs):
        calls.append(imported_people())
        if len(calls) == 1:
            original(plan, **kwargs)  # written, then lost with the transaction
            raise OperationalError("server closed the connection unexpectedly")
        return original(plan, **kwargs)

    monkeypatch.setattr(background, "write_plan", flaky)
    result = tasks.import_employees.apply(kwargs={"import_id": employee_import.pk}, throw=False)
    assert result.get() == "committed"
    assert calls == [0, 0] and imported_people() == 3
    assert EmployeeImport.objects.get(pk=employee_import.pk).status == Status.COMMITTED


def test_people_another_import_wrote_meanwhile_are_a_reason_to_retry_not_to_fail(program_admin, rung, monkeypatch):
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))
    employee_import = confirmed(program_admin)
    original, calls = background.write_plan, []

    def clash_once(plan, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError('duplicate key value violates unique constraint "accounts_user_email_key"')
        return original(plan, **kwargs)

    monkeypatch.setattr(background, "write_plan", clash_once)
    result = tasks.import_employees.apply(kwargs={"import_id": employee_import.pk}, throw=False)
    assert result.get() == "committed"
    assert len(calls) == 2 and imported_people() == 3


def test_a_database_down_for_too_long_stops_the_import_with_a_message(program_admin, rung, monkeypatch):
    monkeypatch.setattr(tasks.import_employees, "max_retries", 0)  # this is the last try
    employee_import = confirmed(program_admin)

    def down(plan, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(background, "write_plan", down)
    result = tasks.import_employees.apply(kwargs={"import_id": employee_import.pk}, throw=False)
    assert isinstance(result.result, OperationalError)
    employee_import.refresh_from_db()
    assert employee_import.status == Status.FAILED
    assert employee_import.failure.startswith("Nothing was imported: OperationalError on each of 1 tries")
    assert imported_people() == 0


# --- Lost workers -----------------------------------------------------------------------------------------------


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, monkeypatch):
    """The beat task: sweep, then commit, which rings the tasks (eager Celery runs them here)."""

    def _sweep():
        monkeypatch.undo()  # the real doorbell, not the `rung` recorder
        with django_capture_on_commit_callbacks(execute=True):
            return importing.employee_imports_sweep()

    return _sweep


def test_a_queued_import_whose_message_was_lost_is_imported_after_the_sweep(program_admin, rung, sweep):
    employee_import = confirmed(program_admin)
    assert sweep() == {"checks": 0, "imports": 0, "given_up": 0}  # too young to be lost
    _age(employee_import, confirmed_at=timezone.now() - LONG_AGO)
    assert sweep() == {"checks": 0, "imports": 1, "given_up": 0}
    employee_import.refresh_from_db()
    assert (employee_import.status, employee_import.recoveries) == (Status.COMMITTED, 1)
    assert imported_people() == 3


def test_an_import_whose_worker_died_is_imported_after_the_sweep(program_admin, rung, sweep):
    employee_import = confirmed(program_admin)
    stale = timezone.now() - LONG_AGO
    _age(employee_import, status=Status.RUNNING, started_at=stale, heartbeat_at=stale, progress=40)
    assert sweep()["imports"] == 1
    assert EmployeeImport.objects.get(pk=employee_import.pk).status == Status.COMMITTED
    assert imported_people() == 3


def test_an_import_with_a_fresh_heartbeat_is_left_to_its_worker(program_admin, rung, sweep):
    employee_import = confirmed(program_admin)
    _age(employee_import, status=Status.RUNNING, started_at=timezone.now() - LONG_AGO, heartbeat_at=timezone.now())
    assert sweep() == {"checks": 0, "imports": 0, "given_up": 0}
    assert EmployeeImport.objects.get(pk=employee_import.pk).status == Status.RUNNING


def test_a_check_whose_worker_was_lost_is_checked_after_the_sweep(program_admin, rung, sweep):
    employee_import = uploaded(program_admin)
    _age(employee_import, created_at=timezone.now() - LONG_AGO)
    assert sweep()["checks"] == 1
    assert EmployeeImport.objects.get(pk=employee_import.pk).status == Status.PREVIEWED


def test_an_import_lost_too_often_is_given_up_with_a_message_and_nothing_written(
    client_for, program_admin, rung, sweep
):
    employee_import = confirmed(program_admin)
    _age(employee_import, confirmed_at=timezone.now() - LONG_AGO, recoveries=IMPORT_RECOVERY_ATTEMPTS)
    assert sweep()["given_up"] == 1
    employee_import.refresh_from_db()
    assert employee_import.status == Status.FAILED and "no worker could finish it" in employee_import.failure
    assert imported_people() == 0
    assert "Import again" in client_for(program_admin).get(employee_import.get_absolute_url()).text


def test_the_page_offers_to_start_again_when_no_worker_shows_a_sign_of_life(client_for, program_admin, rung):
    employee_import = confirmed(program_admin)
    _age(employee_import, confirmed_at=timezone.now() - LONG_AGO)
    client = client_for(program_admin)
    fragment = client.get(reverse("accounts:import_progress", args=[employee_import.pk]), headers={"HX-Request": "1"})
    assert "it was probably lost" in fragment.text and "Start again" in fragment.text and "hx-get" not in fragment.text
    rung.clear()
    client.post(reverse("accounts:import_retry", args=[employee_import.pk]))
    assert rung == [("accounts.tasks.import_employees", {"import_id": employee_import.pk})]
    tasks.import_employees.delay(import_id=employee_import.pk)
    assert imported_people() == 3


def test_the_sweeper_runs_every_minute_on_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["employee-imports-sweeper"] == {
        "task": "accounts.tasks.sweep_employee_imports",
        "schedule": 60.0,
    }


# --- Through Redis and a real worker ----------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_import_goes_through_the_celery_worker_and_the_page_follows_it(client, celery_worker):
    """With REDIS_URL set the tasks go through Redis to a real worker; without it, Celery runs them eagerly."""
    from tests.factories import ProgramAdminFactory

    admin = ProgramAdminFactory()
    client.force_login(admin)
    client.post(UPLOAD, {"file": csv_file(make_csv(rows()))})
    employee_import = EmployeeImport.objects.get()
    progress = reverse("accounts:import_progress", args=[employee_import.pk])

    def status():
        return client.get(progress, headers={"Accept": "application/json"}).json()["status"]

    assert wait_for(lambda: status() == "previewed", timeout=30)
    client.post(reverse("accounts:import_confirm", args=[employee_import.pk]))
    assert wait_for(lambda: status() == "committed", timeout=30)
    data = client.get(progress, headers={"Accept": "application/json"}).json()
    assert (data["finished"], data["created"], data["progress"]) == (True, 3, 100)
    assert imported_people() == 3
