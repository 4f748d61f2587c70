"""A program admin imports a large employee file: the upload returns at once to a page whose progress bar follows
the worker's check, the preview follows by itself, and confirming shows the import's progress, then its result."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts import importing, tasks
from accounts.models import IMPORT_RECOVERY_ATTEMPTS, EmployeeImport, User
from tests.accounts.import_helpers import make_csv, person
from tests.browser.helpers import sign_in
from tests.factories import ProgramAdminFactory

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = ["ana@northwind.example", "ben@northwind.example", "cy@northwind.example"]


def test_admin_follows_a_large_import_from_upload_to_result(live_server, page, shots, axe_check, settings, monkeypatch):
    page.set_default_timeout(15_000)
    settings.IMPORT_BACKGROUND_ROWS = 2  # three rows count as a large file here
    queued = []  # the doorbells; the test plays the worker
    for task in (tasks.check_employee_import, tasks.import_employees):
        monkeypatch.setattr(task, "apply_async", lambda kwargs, task=task: queued.append((task, kwargs)))
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    rows = [
        person(PEOPLE[0], full_name="Ana Costa", manager_email=PEOPLE[1]),
        person(PEOPLE[1], full_name="Ben Okafor"),
        person(PEOPLE[2], full_name="Cy Young"),
    ]

    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + reverse("accounts:import_upload"))
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": make_csv(rows)}]
    )
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", name="Checking people.csv")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Progress of people.csv")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_test_id("import-stage")).to_have_text("Being checked: Waiting for a worker")
    employee_import = EmployeeImport.objects.get()
    # Halfway, as the worker's heartbeat writes it.
    EmployeeImport.objects.filter(pk=employee_import.pk).update(progress=40, stage="Checking 3 rows")
    expect(bar).to_have_attribute("aria-valuenow", "40")
    expect(page.get_by_test_id("import-stage")).to_have_text("Being checked: Checking 3 rows")
    axe_check()
    shots("checking")

    task, kwargs = queued.pop()
    task.apply(kwargs=kwargs)  # the worker checks the file
    expect(page.get_by_role("heading", name="Preview of people.csv")).to_be_visible()  # the page reloaded itself
    expect(page.get_by_text("imported in the background")).to_be_visible()
    axe_check()
    shots("preview")

    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_role("heading", name="Importing people.csv")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="is being imported in the background")).to_be_visible()
    # As a worker's heartbeat writes it while it imports; then back in the queue for the worker below to claim.
    importing = EmployeeImport.objects.filter(pk=employee_import.pk)
    importing.update(status="running", progress=63, stage="Writing 3 skill profiles")
    expect(page.get_by_test_id("import-stage")).to_have_text("Being imported: Writing 3 skill profiles")
    expect(page.get_by_role("progressbar", name="Progress of people.csv")).to_have_attribute("aria-valuenow", "63")
    assert User.objects.filter(email__in=PEOPLE).count() == 0
    axe_check()
    shots("importing")
    importing.update(status="queued", progress=0)

    task, kwargs = queued.pop()
    task.apply(kwargs=kwargs)  # the worker imports it, all at once
    expect(page.get_by_role("heading", name="Imported people.csv")).to_be_visible()
    expect(page.get_by_text("people created", exact=True)).to_be_visible()
    expect(page.get_by_text("in the background in")).to_be_visible()
    assert User.objects.filter(email__in=PEOPLE).count() == 3
    axe_check()
    shots("result")


def test_a_stopped_import_says_why_and_offers_to_import_again(live_server, page, shots, axe_check, settings):
    page.set_default_timeout(15_000)
    settings.IMPORT_BACKGROUND_ROWS = 2
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    rows = [person(address) for address in PEOPLE]
    employee_import = importing.employee_import_upload(file_name="people.csv", data=make_csv(rows), uploaded_by=admin)
    importing.employee_import_check_execute(import_id=employee_import.pk)  # the worker checked it
    # Confirmed, then lost by every worker the sweeper asked: the next sweep gives up.
    EmployeeImport.objects.filter(pk=employee_import.pk).update(
        status="queued", committed_by=admin, confirmed_at=timezone.now(), recoveries=IMPORT_RECOVERY_ATTEMPTS
    )
    assert importing.employee_imports_sweep(now=timezone.now() + datetime.timedelta(minutes=3))["given_up"] == 1

    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + employee_import.get_absolute_url())
    expect(page.get_by_role("heading", name="The import stopped")).to_be_visible()
    expect(page.get_by_test_id("import-failure")).to_contain_text("no worker could finish it")
    expect(page.get_by_role("button", name="Import again")).to_be_visible()
    axe_check()
    shots("stopped")
