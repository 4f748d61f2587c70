"""python manage.py import_employees FILE.csv [--dry-run]."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import EmployeeImport, User
from tests.accounts.import_helpers import make_csv, person

pytestmark = pytest.mark.django_db

ANA = "ana@northwind.example"
BEN = "ben@northwind.example"


@pytest.fixture
def write_csv(tmp_path):
    def _write(rows, **kwargs):
        path = tmp_path / "people.csv"
        path.write_bytes(make_csv(rows, **kwargs))
        return str(path)

    return _write


def test_command_imports_a_valid_file_and_records_it(write_csv, capsys):
    call_command("import_employees", write_csv([person(ANA, manager_email=BEN), person(BEN)]))
    out = capsys.readouterr().out
    assert "2 rows: 2 to create, 0 to update, 0 unchanged, 0 with errors." in out
    assert "Imported: 2 created, 0 updated, 0 unchanged." in out
    assert "Forgot password?" in out
    assert User.objects.get(email=ANA).profile.manager.email == BEN
    history = EmployeeImport.objects.get()
    assert (history.status, history.created, history.uploaded_by) == (EmployeeImport.Status.COMMITTED, 2, None)


def test_dry_run_prints_the_preview_and_writes_nothing(write_csv, capsys):
    call_command("import_employees", write_csv([person(ANA)]), "--dry-run")
    out = capsys.readouterr().out
    assert "1 to create" in out
    assert "Dry run: nothing was written." in out
    assert not User.objects.filter(email=ANA).exists()
    assert not EmployeeImport.objects.exists()


def test_second_run_of_the_same_file_changes_nothing(write_csv, capsys):
    path = write_csv([person(ANA), person(BEN)])
    call_command("import_employees", path)
    call_command("import_employees", path)
    assert "Imported: 0 created, 0 updated, 2 unchanged." in capsys.readouterr().out
    assert User.objects.filter(email__in=[ANA, BEN]).count() == 2


def test_any_error_prints_every_error_and_exits_1_with_nothing_written(write_csv, capsys):
    path = write_csv([person(ANA), person(BEN, timezone="Europe/Berln"), person("cy", seniority="0")])
    with pytest.raises(CommandError) as caught:
        call_command("import_employees", path)
    assert caught.value.returncode == 1
    assert "Nothing was imported: 3 errors in 2 rows." in str(caught.value)
    err = capsys.readouterr().err
    assert "row 3 timezone: “Europe/Berln” is not a known time zone; did you mean Europe/Berlin?" in err
    assert "row 4 email:" in err
    assert "row 4 seniority:" in err
    assert not User.objects.filter(email__in=[ANA, BEN]).exists()
    assert not EmployeeImport.objects.exists()


def test_unreadable_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_employees", str(tmp_path / "missing.csv"))
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    with pytest.raises(CommandError, match="PNG image, not a CSV file"):
        call_command("import_employees", str(png))


def test_file_over_the_size_limit_is_refused_unread(tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 100
    path = tmp_path / "big.csv"
    path.write_bytes(make_csv([person(f"p{i}@northwind.example") for i in range(5)]))
    with pytest.raises(CommandError, match="the largest file accepted is"):
        call_command("import_employees", str(path))
