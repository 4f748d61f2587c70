"""python manage.py import_employees FILE.csv [--dry-run]: the browser import, from the command line."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import importing

ERRORS_PRINTED = 500


class Command(BaseCommand):
    help = (
        "Import employees from a CSV file (the same checks as the browser import). Prints what would change "
        "and every error; writes all rows in one transaction, or nothing and exit status 1 if any row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: email, full_name, department, job_title, seniority, ...")
        parser.add_argument("--dry-run", action="store_true", help="Check and print the preview; write nothing.")

    def handle(self, *args, file: str, dry_run: bool, **options):
        self.verbosity = options.get("verbosity", 1)
        path = Path(file)
        try:
            size = path.stat().st_size
            importing.check_size(size)
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        except importing.FileRejected as rejected:
            raise CommandError(f"{file}: {rejected.message} (MAX_UPLOAD_BYTES={settings.MAX_UPLOAD_BYTES})") from None
        try:
            plan = importing.check_file(data)
        except importing.FileRejected as rejected:
            raise CommandError(f"{file}: {rejected.message}") from None

        self._print_summary(file, plan)
        if not plan.is_valid:
            self._print_errors(plan)
            raise CommandError(f"Nothing was imported: {len(plan.errors)} errors in {plan.error_rows} rows.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            _, result = importing.employee_import_run(file_name=path.name, data=data)
        except importing.ImportInvalid as invalid:  # the data changed between the check and the import
            self._print_errors(invalid.plan)
            raise CommandError("Nothing was imported: the file no longer passes the checks.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
        if result.created:
            self.stdout.write("New people have no password: they sign in with single sign-on or “Forgot password?”.")

    def _print_summary(self, file: str, plan: "importing.ImportPlan") -> None:
        counts = plan.counts()
        self.stdout.write(
            f"{file}: {counts['rows']} rows: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['error_rows']} with errors."
        )
        if plan.ignored_columns:
            self.stdout.write(f"Ignored columns: {', '.join(plan.ignored_columns)}")
        if plan.department_notes:
            notes = "; ".join(
                f"“{typed}” → {stored} ({n} row{'' if n == 1 else 's'})" for typed, stored, n in plan.department_notes
            )
            self.stdout.write(f"Departments written as already spelt: {notes}")
        if self.verbosity >= 2:
            for row in plan.with_action("update"):
                self.stdout.write(f"  row {row.row} {row.email}: " + "; ".join(row.changes))

    def _print_errors(self, plan: "importing.ImportPlan") -> None:
        for error in plan.errors[:ERRORS_PRINTED]:
            column = f" {error.column}" if error.column else ""
            self.stderr.write(f"  row {error.row}{column}: {error.message}")
        if len(plan.errors) > ERRORS_PRINTED:
            self.stderr.write(f"  …and {len(plan.errors) - ERRORS_PRINTED} more errors.")
