"""Importing employees from a CSV file: read, check every row, preview, then commit all-or-nothing.

reading.py turns bytes into rows (or refuses the file), validation.py checks rows against the
database in a fixed number of queries, services.py records uploads and writes, background.py has a
Celery worker check and import large files (with progress, a heartbeat and a sweeper), export.py
makes CSV that is safe to open in a spreadsheet.
"""

from accounts.importing.background import (
    IMPORT_TEMPORARY_ERRORS,
    StepProgress,
    employee_import_beat,
    employee_import_check_execute,
    employee_import_confirm,
    employee_import_execute,
    employee_import_fail,
    employee_import_requeue,
    employee_import_retry,
    employee_imports_sweep,
)
from accounts.importing.export import csv_safe, errors_csv
from accounts.importing.reading import KNOWN_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, FileRejected, RowError
from accounts.importing.services import (
    CommitResult,
    ImportAlreadyHandled,
    ImportInvalid,
    check_file,
    check_size,
    employee_import_cancel,
    employee_import_commit,
    employee_import_run,
    employee_import_upload,
)
from accounts.importing.validation import ImportPlan

__all__ = [
    "IMPORT_TEMPORARY_ERRORS",
    "KNOWN_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "CommitResult",
    "FileRejected",
    "ImportAlreadyHandled",
    "ImportInvalid",
    "ImportPlan",
    "RowError",
    "StepProgress",
    "check_file",
    "check_size",
    "csv_safe",
    "employee_import_beat",
    "employee_import_cancel",
    "employee_import_check_execute",
    "employee_import_commit",
    "employee_import_confirm",
    "employee_import_execute",
    "employee_import_fail",
    "employee_import_requeue",
    "employee_import_retry",
    "employee_import_run",
    "employee_import_upload",
    "employee_imports_sweep",
    "errors_csv",
]
