"""Importing employees from a CSV file: upload, preview, confirm, and a large file's progress (program admins)."""

import csv

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts import importing
from accounts.forms import EmployeeImportForm
from accounts.models import MAX_SKILLS_PER_LIST, EmployeeImport
from accounts.permissions import program_admin_required

# Room for the multipart boundaries and the CSRF field around the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
IMPORT_ERRORS_SHOWN = 200


def _import_upload_page(request, form, *, refusal: str = "", status: int = 200):
    history = (
        EmployeeImport.objects.select_related("uploaded_by", "committed_by")
        .defer("content", "errors", "preview")
        .order_by("-created_at", "-pk")[:20]
    )
    return render(
        request,
        "accounts/import_upload.html",
        {
            "form": form,
            "refusal": refusal,
            "history": history,
            "max_upload_bytes": settings.MAX_UPLOAD_BYTES,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
            "required_columns": importing.REQUIRED_COLUMNS,
            "optional_columns": importing.OPTIONAL_COLUMNS,
            "max_skills": MAX_SKILLS_PER_LIST,
        },
        status=status,
    )


@program_admin_required
@csrf_exempt  # checked by _import_upload below, once the size is known to be acceptable
def import_upload(request):
    """Upload a CSV of employees to preview it. A request larger than the limit is refused unread."""
    if request.method == "POST":
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES:
            try:
                importing.check_size(declared)
            except importing.FileRejected as rejected:
                return _import_upload_page(request, EmployeeImportForm(), refusal=rejected.message, status=413)
    return _import_upload(request)


@csrf_protect
def _import_upload(request):
    form = EmployeeImportForm(request.POST, request.FILES) if request.method == "POST" else EmployeeImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            importing.check_size(upload.size)
            employee_import = importing.employee_import_upload(
                file_name=upload.name, data=upload.read(), uploaded_by=request.user
            )
        except importing.FileRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            return redirect(employee_import)
    return _import_upload_page(request, form, status=400 if form.errors else 200)


@program_admin_required
def import_template(request):
    """An example file with every column, to fill in."""
    example = [
        [*importing.REQUIRED_COLUMNS, *importing.OPTIONAL_COLUMNS],
        ["ana.costa@example.com", "Ana Costa", "Finance", "Data Analyst", "2", "laurent.dubois@example.com",
         "Europe/Lisbon", "SQL:4; Power BI:4", "Public speaking:2>4; Negotiation:1"],
        ["laurent.dubois@example.com", "Laurent Dubois", "Operations", "Chief Operating Officer", "8", "",
         "Europe/Paris", "Negotiation:5", "Generative AI tools:1>3"],
    ]  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="twoway-employees-template.csv"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerows([[importing.csv_safe(cell) for cell in line] for line in example])
    return response


@program_admin_required
def import_detail(request, pk: int):
    """The preview of an upload (what would change, and every error), or the result once imported; while a worker
    checks or imports a large file, its progress."""
    employee_import = get_object_or_404(
        EmployeeImport.objects.select_related("uploaded_by", "committed_by").defer("content"), pk=pk
    )
    if employee_import.is_in_progress:
        return render(request, "accounts/import_progress.html", {"import": employee_import})
    earlier = (
        EmployeeImport.objects.filter(sha256=employee_import.sha256, status=EmployeeImport.Status.COMMITTED)
        .exclude(pk=employee_import.pk)
        .only("pk", "committed_at", "file_name")
        .order_by("-committed_at")
        .first()
    )
    template = (
        "accounts/import_result.html"
        if employee_import.status == EmployeeImport.Status.COMMITTED
        else "accounts/import_preview.html"
    )
    return render(
        request,
        template,
        {
            "import": employee_import,
            "errors": employee_import.errors[:IMPORT_ERRORS_SHOWN],
            "errors_hidden": max(0, len(employee_import.errors) - IMPORT_ERRORS_SHOWN),
            "create": employee_import.preview.get("create", []),
            "update": employee_import.preview.get("update", []),
            "ignored_columns": employee_import.preview.get("ignored_columns", []),
            "department_notes": employee_import.preview.get("department_notes", []),
            "earlier": earlier,
        },
    )


# What the progress bar reads; never the file itself.
PROGRESS_FIELDS = (
    "pk", "file_name", "status", "progress", "stage", "heartbeat_at", "started_at", "confirmed_at", "created_at",
    "row_count", "created", "updated", "unchanged_count", "error_count", "failure",
)  # fmt: skip


@program_admin_required
def import_progress(request, pk: int):
    """How far a large file's check or import is, for the progress bar (htmx fragment, or JSON with Accept: JSON)."""
    employee_import = get_object_or_404(EmployeeImport.objects.only(*PROGRESS_FIELDS), pk=pk)
    finished = not employee_import.is_in_progress
    if "application/json" in request.headers.get("Accept", ""):
        data = {
            "status": employee_import.status,
            "progress": employee_import.progress,
            "stage": employee_import.stage,
            "finished": finished,
            "url": employee_import.get_absolute_url(),
            "rows": employee_import.row_count,
        }
        if finished:
            data |= {
                "created": employee_import.created,
                "updated": employee_import.updated,
                "unchanged": employee_import.unchanged_count,
                "errors": employee_import.error_count,
                "failure": employee_import.failure,
            }
        return JsonResponse(data)
    # Finished: 286 tells htmx to stop polling, and the fragment reloads the page once to show the result in full.
    reload = finished and bool(request.headers.get("HX-Request"))
    return render(
        request,
        "accounts/_import_progress.html",
        {"import": employee_import, "reload": reload},
        status=286 if reload else 200,
    )


@require_POST
@program_admin_required
def import_confirm(request, pk: int):
    """Import a previewed file: re-checked against the database now, then written all-or-nothing (a large file by
    a worker, while its page shows the progress)."""
    employee_import = get_object_or_404(EmployeeImport.objects.defer("content", "errors", "preview"), pk=pk)
    try:
        employee_import = importing.employee_import_confirm(employee_import=employee_import, confirmed_by=request.user)
    except importing.ImportAlreadyHandled:
        messages.info(request, "This file was already imported or cancelled; nothing more was done.")
    except importing.ImportInvalid as invalid:
        messages.error(
            request,
            f"Nothing was imported: since the preview, {len(invalid.plan.errors)} problems appeared "
            "(someone changed people or the skill catalogue). Fix the file and upload it again.",
        )
    except importing.FileRejected as rejected:
        messages.error(request, f"Nothing was imported: {rejected.message}")
    else:
        _announce_import(request, employee_import)
    return redirect(employee_import)


def _announce_import(request, employee_import: EmployeeImport) -> None:
    """How a confirmed import stands. (A large one that went wrong is explained by its page.)"""
    if employee_import.status == EmployeeImport.Status.COMMITTED:
        messages.success(
            request,
            f"Imported: {employee_import.created} people created, {employee_import.updated} updated, "
            f"{employee_import.unchanged_count} unchanged.",
        )
    elif employee_import.is_in_progress:
        messages.info(
            request,
            f"{employee_import.file_name} ({employee_import.row_count:,} rows) is being imported in the background. "
            "You may leave this page: the import goes on.",
        )


@require_POST
@program_admin_required
def import_retry(request, pk: int):
    """Ask again for a large file's check or import that stopped, or whose worker shows no sign of life."""
    employee_import = get_object_or_404(EmployeeImport.objects.only("pk"), pk=pk)
    try:
        importing.employee_import_retry(employee_import=employee_import)
    except importing.ImportAlreadyHandled:
        messages.info(request, "This file is being checked or imported, or is done; nothing more was done.")
    else:
        messages.info(request, "Asked again: a worker will pick it up. Nothing is written twice.")
    return redirect(employee_import)


@require_POST
@program_admin_required
def import_cancel(request, pk: int):
    employee_import = get_object_or_404(EmployeeImport, pk=pk)
    try:
        importing.employee_import_cancel(employee_import=employee_import)
    except importing.ImportAlreadyHandled:
        messages.info(request, "This file was already imported or cancelled.")
    else:
        messages.success(request, f"The upload of {employee_import.file_name} is cancelled; nothing was imported.")
    return redirect("accounts:import_upload")


@program_admin_required
def import_errors_csv(request, pk: int):
    """Every error of an upload as CSV; cells a spreadsheet would run as formulas are escaped."""
    employee_import = get_object_or_404(EmployeeImport.objects.only("pk", "errors"), pk=pk)
    # The byte-order mark makes Excel read the file as UTF-8.
    response = HttpResponse(
        "\ufeff" + importing.errors_csv(employee_import.errors), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{employee_import.pk}-errors.csv"'
    return response
