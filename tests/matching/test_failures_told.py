"""Defect 7: a match run or a publication that fails unexpectedly said "the team has been told" while it only logged.
Now the ADMINS are e-mailed through the outbox (once per run and stage), or the page says that nobody was."""

import pytest

from matching import services, tasks
from matching.services import publishing, runs
from mentoring.notifications.models import Message
from tests.matching.cohort_helpers import four_people, matching_cohort

pytestmark = pytest.mark.django_db

OPS = [("Ops", "ops@northwind.example"), ("Dev", "dev@northwind.example")]


@pytest.fixture
def cohort():
    cohort = matching_cohort(name="Spring")
    four_people(cohort)
    return cohort


def broken(*args, **kwargs):
    raise KeyError("oops")


def fail_a_run(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(runs, "_execute", broken)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyError):
        tasks.run_match.delay(run.pk)
    run.refresh_from_db()
    return run


def fail_a_publication(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks):
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    monkeypatch.setattr(publishing, "_publish", broken)
    services.match_run_publish_request(run=run, published_by=program_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyError):
        tasks.publish_run.delay(run.pk)
    run.refresh_from_db()
    return run


def test_a_failed_run_e_mails_each_admin_with_the_error_and_a_link(
    cohort, program_admin, monkeypatch, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ADMINS = OPS
    settings.SERVER_EMAIL = "Twoway alerts <alerts@northwind.example>"
    run = fail_a_run(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks)
    assert run.status == "failed" and run.error == "Unexpected error (KeyError); the team has been told."
    assert sorted(m.to[0] for m in mailoutbox) == ["dev@northwind.example", "ops@northwind.example"]
    message = mailoutbox[0]
    assert message.from_email == "Twoway alerts <alerts@northwind.example>"
    assert message.subject == f"[Twoway] Matching failed: run #{run.number} of {cohort.program.name} (Spring), KeyError"
    assert "KeyError: 'oops'" in message.body and run.get_absolute_url() in message.body


def test_a_run_failing_again_e_mails_nobody_twice(
    cohort, program_admin, monkeypatch, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ADMINS = OPS
    run = fail_a_run(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks)
    runs.MatchRun.objects.filter(pk=run.pk).update(status="queued")  # as if its task were delivered again
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyError):
        tasks.run_match.delay(run.pk)
    assert len(mailoutbox) == 2  # one per admin, for the first failure only


def test_without_admins_a_failed_run_says_nobody_was_e_mailed(
    cohort, program_admin, monkeypatch, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ADMINS = []
    run = fail_a_run(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks)
    assert "has been told" not in run.error
    assert run.error == (
        "Unexpected error (KeyError). It is in the server's log, but nobody was e-mailed about it "
        "(no ADMINS are set): tell whoever runs Twoway."
    )
    assert mailoutbox == [] and not Message.objects.exists()


def test_a_failed_publication_e_mails_the_admins_once_per_run(
    cohort, program_admin, monkeypatch, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ADMINS = OPS[:1]
    run = fail_a_publication(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks)
    assert run.publish_error == "Unexpected error (KeyError); the team has been told. Publish again."
    assert [m.to for m in mailoutbox] == [["ops@northwind.example"]]
    assert mailoutbox[0].subject.startswith("[Twoway] Publishing failed: run #")
    services.match_run_publish_request(run=run, published_by=program_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyError):
        tasks.publish_run.delay(run.pk)
    assert len(mailoutbox) == 1


def test_without_admins_a_failed_publication_says_nobody_was_e_mailed(
    cohort, program_admin, monkeypatch, settings, mailoutbox, django_capture_on_commit_callbacks, client_for
):
    settings.ADMINS = []
    run = fail_a_publication(cohort, program_admin, monkeypatch, django_capture_on_commit_callbacks)
    page = client_for(program_admin).get(run.get_absolute_url()).content.decode()
    assert "nobody was e-mailed about it (no ADMINS are set): tell whoever runs Twoway. Publish again." in page
    assert "the team has been told" not in page
    assert mailoutbox == []
