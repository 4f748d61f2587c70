"""Writes for employee imports: record an upload, then commit it all-or-nothing on confirmation.

A file of more than IMPORT_BACKGROUND_ROWS rows is only read here and recorded; a worker checks it
(background.py), and imports it once confirmed.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone

from accounts.departments import clean_department
from accounts.importing.reading import FileRejected, Table, read_table
from accounts.importing.validation import (
    CHUNK,
    CREATE,
    UPDATE,
    ImportPlan,
    PlannedRow,
    load_snapshot,
    plan_import,
)
from accounts.models import EmployeeImport, OfferedSkill, SkillProfile, User, WantedSkill
from mentoring.core.tasks import ring

PREVIEW_LIMIT = 200
BATCH = 500

# How far a check or a write has got: progress(share from 0 to 1, what it is doing now).
Progress = Callable[[float, str], None]


def _no_progress(share: float, stage: str) -> None:
    pass


class ImportInvalid(Exception):
    """The file no longer passes the checks (the people or the catalogue changed since the preview)."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


class ImportAlreadyHandled(Exception):
    """Someone already imported or cancelled this upload."""


@dataclass
class CommitResult:
    created: int
    updated: int
    unchanged: int


def check_size(size: int) -> None:
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise FileRejected(
            f"The file is {_megabytes(size)}; the largest file accepted is {_megabytes(limit)}. "
            "Split it into smaller files and import them one after the other."
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_file(data: bytes, *, progress: Progress = _no_progress) -> ImportPlan:
    """Read and check every row against the database as it is now; writes nothing."""
    check_size(len(data))
    progress(0.0, "Reading the file")
    table = read_table(data)
    return check_table(table, progress=progress)


def check_table(table: Table, *, progress: Progress = _no_progress) -> ImportPlan:
    # Shares measured on 134,000 rows: reading the file takes about a seventh, the database a third, the rest is
    # checking rows in Python.
    progress(0.15, f"Reading what Twoway knows about the {table.row_count:,} people in the file")
    snapshot = load_snapshot(table)
    progress(0.5, f"Checking {table.row_count:,} rows")
    return plan_import(table, snapshot)


def _preview(plan: ImportPlan) -> dict:
    def person(row: PlannedRow) -> dict:
        return {
            "row": row.row,
            "email": row.email,
            "full_name": row.full_name,
            "department": row.department,
            "job_title": row.job_title,
            "changes": row.changes,
        }

    creates, updates = plan.with_action(CREATE), plan.with_action(UPDATE)
    return {
        "create": [person(r) for r in creates[:PREVIEW_LIMIT]],
        "update": [person(r) for r in updates[:PREVIEW_LIMIT]],
        "ignored_columns": plan.ignored_columns,
        "department_notes": [
            {"from": typed, "to": stored, "rows": n, "spaces_only": clean_department(typed) == stored}
            for typed, stored, n in plan.department_notes[:PREVIEW_LIMIT]
        ],
        "has_offered": plan.has_offered,
        "has_wanted": plan.has_wanted,
    }


def plan_summary(plan: ImportPlan) -> dict:
    """The fields of an EmployeeImport that say what its check found (and the status that follows from it)."""
    counts = plan.counts()
    return {
        "row_count": counts["rows"],
        "create_count": counts[CREATE],
        "update_count": counts[UPDATE],
        "unchanged_count": counts["unchanged"],
        "error_count": counts["errors"],
        "errors": [e.as_dict() for e in plan.errors],
        "preview": _preview(plan),
        "status": EmployeeImport.Status.PREVIEWED if plan.is_valid else EmployeeImport.Status.INVALID,
    }


def _apply_plan_summary(employee_import: EmployeeImport, plan: ImportPlan) -> None:
    for name, value in plan_summary(plan).items():
        setattr(employee_import, name, value)


def employee_import_upload(*, file_name: str, data: bytes, uploaded_by: User | None) -> EmployeeImport:
    """Check an uploaded file and keep it for the preview. Raises FileRejected when it cannot be read at all.

    A file of more than IMPORT_BACKGROUND_ROWS rows is only read here (under a second for the largest file
    accepted), so a file that is no CSV is still refused at once; a worker, asked once this commits, checks its
    rows against the database (seconds for 100,000 rows) while its page shows a progress bar."""
    check_size(len(data))
    table = read_table(data)
    employee_import = EmployeeImport(
        file_name=file_name[:255],
        content=data.decode("utf-8-sig"),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
        row_count=table.row_count,
    )
    if table.row_count <= settings.IMPORT_BACKGROUND_ROWS:
        _apply_plan_summary(employee_import, check_table(table))
        employee_import.save()
        return employee_import
    employee_import.in_background = True
    employee_import.status = EmployeeImport.Status.CHECKING
    employee_import.stage = "Waiting for a worker"
    with transaction.atomic():
        employee_import.save()
        ring("accounts.tasks.check_employee_import", import_id=employee_import.pk)
    return employee_import


def employee_import_cancel(*, employee_import: EmployeeImport) -> None:
    """Drop an upload waiting for confirmation, or one whose background check or import stopped."""
    changed = EmployeeImport.objects.filter(
        pk=employee_import.pk, status__in=(EmployeeImport.Status.PREVIEWED, EmployeeImport.Status.FAILED)
    ).update(status=EmployeeImport.Status.CANCELLED)
    if not changed:
        raise ImportAlreadyHandled
    employee_import.status = EmployeeImport.Status.CANCELLED


def employee_import_commit(*, employee_import: EmployeeImport, committed_by: User | None) -> CommitResult:
    """Re-check the previewed file against the database now and write all of it, or nothing.

    Raises ImportAlreadyHandled when it was imported or cancelled meanwhile, and ImportInvalid
    (after recording the new errors on the import) when the file no longer passes the checks.
    """
    try:
        with transaction.atomic():
            # Claim the upload first: a second click, or a second admin, finds nothing left to do.
            claimed = EmployeeImport.objects.filter(
                pk=employee_import.pk, status=EmployeeImport.Status.PREVIEWED
            ).update(status=EmployeeImport.Status.COMMITTED)
            if not claimed:
                raise ImportAlreadyHandled
            plan = check_file(employee_import.content.encode("utf-8"))
            if not plan.is_valid:
                raise ImportInvalid(plan)
            return _commit_plan(employee_import, plan, committed_by)
    except ImportInvalid as invalid:
        _apply_plan_summary(employee_import, invalid.plan)
        employee_import.save()
        raise


def employee_import_run(*, file_name: str, data: bytes) -> tuple[EmployeeImport, CommitResult]:
    """Check and commit in one go (the command line): the history row and the people, or nothing."""
    with transaction.atomic():
        plan = check_file(data)
        if not plan.is_valid:
            raise ImportInvalid(plan)
        employee_import = EmployeeImport(
            file_name=file_name[:255], content=data.decode("utf-8-sig"), sha256=hashlib.sha256(data).hexdigest()
        )
        result = _commit_plan(employee_import, plan, None)
    return employee_import, result


def _commit_plan(employee_import: EmployeeImport, plan: ImportPlan, committed_by: User | None) -> CommitResult:
    result = write_plan(plan)
    _apply_plan_summary(employee_import, plan)
    employee_import.status = EmployeeImport.Status.COMMITTED
    employee_import.committed_by = committed_by
    employee_import.committed_at = timezone.now()
    employee_import.created, employee_import.updated = result.created, result.updated
    employee_import.save()
    return result


def write_plan(plan: ImportPlan, *, progress: Progress = _no_progress) -> CommitResult:
    """Write a valid plan with bulk queries: the query count grows with batches, never with rows."""
    assert plan.is_valid, "only a plan without errors is written"
    people = plan.snapshot.people
    now = timezone.now()
    creates, updates = plan.with_action(CREATE), plan.with_action(UPDATE)
    if not creates:
        progress(0.0, f"Updating {len(updates):,} people")

    # What make_password(None) stores, with one random call per person instead of forty.
    new_users = [
        User(
            email=r.email,
            full_name=r.full_name,
            timezone=r.timezone,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        for r in creates
    ]
    # Shares of the time measured on 134,000 new people: their accounts and addresses take half, profiles a third.
    _create_in_steps(User, new_users, progress, 0.0, 0.35, "Creating {done:,} of {total:,} people")
    # SQLite (3.35+) and PostgreSQL both hand back the new ids from a bulk insert.
    user_ids = {email: person.id for email, person in people.items()}
    user_ids.update((u.email, u.pk) for u in new_users)
    # Imported people sign in with "forgot password" or single sign-on; the address is the company's own.
    addresses = [EmailAddress(user_id=user_ids[u.email], email=u.email, verified=True, primary=True) for u in new_users]
    _create_in_steps(EmailAddress, addresses, progress, 0.35, 0.5, "Recording {done:,} of {total:,} e-mail addresses")

    progress(0.5, f"Writing {len(creates) + len(updates):,} skill profiles")
    changed_users, changed_profiles, new_profiles = [], [], []
    for row in [*creates, *updates]:
        user_id = user_ids[row.email]
        manager_id = user_ids[row.manager_email] if row.manager_email else None
        profile = SkillProfile(
            user_id=user_id,
            job_title=row.job_title,
            department=row.department,
            seniority=row.seniority,
            manager_id=manager_id,
            updated_at=now,
        )
        person = people.get(row.email)
        if person is None or not person.has_profile:
            new_profiles.append(profile)
        else:
            profile.pk = person.profile_id
            changed_profiles.append(profile)
        if person is not None and (person.full_name, person.timezone) != (row.full_name, row.timezone):
            changed_users.append(User(pk=user_id, full_name=row.full_name, timezone=row.timezone))
    _bulk_set(User, ["full_name", "timezone"], changed_users)
    SkillProfile.objects.bulk_create(new_profiles, batch_size=BATCH)
    _bulk_set(SkillProfile, ["job_title", "department", "seniority", "manager", "updated_at"], changed_profiles)
    progress(0.85, "Writing skills")
    _write_skills(plan, creates + updates, user_ids)
    return CommitResult(
        created=len(creates), updated=len(updates), unchanged=len(plan.rows) - len(creates) - len(updates)
    )


STEP = 10 * BATCH  # rows between two progress reports while creating


def _create_in_steps(model, objs: list, progress: Progress, low: float, high: float, stage: str) -> None:
    """bulk_create, a few thousand rows at a time so the progress bar moves (the same INSERTs as one call)."""
    for start in range(0, len(objs), STEP):
        progress(low + (high - low) * start / len(objs), stage.format(done=start, total=len(objs)))
        model.objects.bulk_create(objs[start : start + STEP], batch_size=BATCH)


def _write_skills(plan: ImportPlan, rows: list[PlannedRow], user_ids: dict[str, int]) -> None:
    """Replace each person's lists by the file's (where it has the column), keeping entries that did not change."""
    people = plan.snapshot.people
    offered_new, offered_changed, offered_gone = [], [], []
    wanted_new, wanted_changed, wanted_gone = [], [], []
    for row in rows:
        user_id = user_ids[row.email]
        person = people.get(row.email)
        if row.offered is not None:
            old = person.offered if person else {}
            ids = person.offered_ids if person else {}
            offered_gone += [ids[skill] for skill in old.keys() - row.offered.keys()]
            for skill, level in row.offered.items():
                if skill not in old:
                    offered_new.append(OfferedSkill(user_id=user_id, skill_id=skill, level=level))
                elif old[skill] != level:
                    offered_changed.append(OfferedSkill(pk=ids[skill], level=level))
        if row.wanted is not None:
            old = person.wanted if person else {}
            ids = person.wanted_ids if person else {}
            wanted_gone += [ids[skill] for skill in old.keys() - row.wanted.keys()]
            for skill, (current, target) in row.wanted.items():
                if skill not in old:
                    wanted_new.append(
                        WantedSkill(user_id=user_id, skill_id=skill, current_level=current, target_level=target)
                    )
                elif old[skill] != (current, target):
                    wanted_changed.append(WantedSkill(pk=ids[skill], current_level=current, target_level=target))
    # Deletions first, so that a skill moving between the lists never meets itself in the other one.
    for model, gone in ((OfferedSkill, offered_gone), (WantedSkill, wanted_gone)):
        for start in range(0, len(gone), CHUNK):
            model.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
    _bulk_set(OfferedSkill, ["level"], offered_changed)
    _bulk_set(WantedSkill, ["current_level", "target_level"], wanted_changed)
    OfferedSkill.objects.bulk_create(offered_new, batch_size=BATCH)
    WantedSkill.objects.bulk_create(wanted_new, batch_size=BATCH)


def _bulk_set(model, field_names: list[str], objs: list) -> None:
    """Set ``field_names`` on many rows by primary key: UPDATE … FROM (VALUES …), one statement per batch.

    Django's bulk_update builds a CASE expression per row and field; for 10,000 profiles that took
    over ten seconds, this takes well under one. SQLite (3.33+) and PostgreSQL both run it.
    """
    if not objs:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in field_names)]
    columns = [qn(f.column) for f in fields]
    if connection.vendor == "postgresql":
        # VALUES columns arrive untyped (a column of NULLs would be text): cast each to its column's type.
        sources = [f"CAST(v.{c} AS {f.cast_db_type(connection)})" for f, c in zip(fields, columns, strict=True)]
    else:
        sources = [f"v.{c}" for c in columns]  # SQLite stores by the column's own affinity
    table = qn(meta.db_table)
    assignments = ", ".join(f"{c} = {src}" for c, src in zip(columns[1:], sources[1:], strict=True))
    per_batch = max(1, min(BATCH, (connection.features.max_query_params or 10_000) // len(fields)))
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            batch = objs[start : start + per_batch]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch for field in fields
            ]
            cursor.execute(
                f"WITH v ({', '.join(columns)}) AS (VALUES {', '.join([placeholder] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{columns[0]} = {sources[0]}",
                params,
            )
