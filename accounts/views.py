import csv
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts import importing, selectors, services
from accounts.departments import clean_department
from accounts.forms import (
    DepartmentMergeForm,
    DepartmentRenameForm,
    EmployeeImportForm,
    OfferedSkillFormSet,
    ProfileForm,
    RolesForm,
    SkillCategoryForm,
    SkillForm,
    SkillMergeForm,
    WantedSkillFormSet,
    check_offered_not_wanted,
)
from accounts.models import MAX_SKILLS_PER_LIST, EmployeeImport, Skill, SkillProfile, User
from accounts.permissions import employee_required, program_admin_required
from mentoring.core.web import act, refusal, submit


@employee_required
def profile_detail(request):
    """Your own skill profile, with what is still missing."""
    profile, offered, wanted = selectors.profile_for(request.user)
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "profile": profile,
            "offered": offered,
            "wanted": wanted,
            "completeness": profile.completeness(len(offered), len(wanted)),
        },
    )


@employee_required
def profile_edit(request):
    """Edit your own skill profile: details and both skill lists are saved together or not at all."""
    user = request.user
    profile = SkillProfile.objects.filter(user=user).first() or SkillProfile(user=user)
    data = request.POST if request.method == "POST" else None
    profile_form = ProfileForm(data, instance=profile, user=user, prefix="profile")
    offered = OfferedSkillFormSet(data, instance=user, prefix="offered")
    wanted = WantedSkillFormSet(data, instance=user, prefix="wanted")
    if request.method == "POST":
        valid = profile_form.is_valid() & offered.is_valid() & wanted.is_valid()
        if valid and check_offered_not_wanted(offered, wanted):
            try:
                services.profile_save(
                    user=user, profile_form=profile_form, offered_formset=offered, wanted_formset=wanted
                )
            except ValidationError as error:
                messages.error(request, refusal(error))
            else:
                messages.success(request, "Your skill profile is saved.")
                return redirect("accounts:profile")
        else:
            messages.error(request, "Some answers need fixing: see the messages next to them. Nothing was saved yet.")
    departments, _ = selectors.departments_in_use()
    return render(
        request,
        "accounts/profile_form.html",
        {
            "profile_form": profile_form,
            "offered": offered,
            "wanted": wanted,
            "department_options": [d.name for d in departments],
        },
        status=400 if request.method == "POST" else 200,
    )


@program_admin_required
def catalogue(request):
    """The skill catalogue, grouped by category, with how many profiles use each skill."""
    return render(
        request,
        "accounts/catalogue.html",
        {
            "categories": selectors.catalogue_categories(),
            "merge_form": SkillMergeForm(),
            "category_form": SkillCategoryForm(),
        },
    )


@program_admin_required
def skill_create_view(request):
    form = SkillForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.skill_create(**data),
        success=lambda skill: f"{skill.name} is in the catalogue.",
        then="accounts:catalogue",
    ):
        return done
    return render(request, "accounts/skill_form.html", {"form": form, "title": "Add a skill"})


@program_admin_required
def skill_edit(request, pk: int):
    skill = get_object_or_404(Skill, pk=pk)
    old_name = skill.name
    form = SkillForm(request.POST or None, instance=skill)
    if done := submit(
        request,
        form,
        lambda data: services.skill_update(skill=skill, **data),
        success=lambda _: (
            f"{skill.name} is saved." if skill.name == old_name else f"{old_name} is now called {skill.name}."
        ),
        then="accounts:catalogue",
    ):
        return done
    return render(request, "accounts/skill_form.html", {"form": form, "title": f"Edit {old_name}", "skill": skill})


@require_POST
@program_admin_required
def skill_retire(request, pk: int):
    skill = get_object_or_404(Skill, pk=pk)
    retire = request.POST.get("retire") == "1"
    return act(
        request,
        lambda: services.skill_set_retired(skill=skill, retired=retire),
        success=f"{skill.name} is retired: it stays on profiles but can no longer be chosen."
        if retire
        else f"{skill.name} can be chosen again.",
        then="accounts:catalogue",
    )


@program_admin_required
def skill_merge_view(request):
    form = SkillMergeForm(request.POST or None)

    def merged(result) -> str:
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]  # source: deleted, name kept
        messages.success(request, f"{source.name} is merged into {target.name}. {result.summary}")
        if result.both_offered_and_wanted:
            messages.warning(
                request,
                f"{len(result.both_offered_and_wanted)} people now both offer and want {target.name}; "
                "their profile page asks them to keep one: " + ", ".join(result.both_offered_and_wanted),
            )
        return ""  # said above: the warning follows the success

    if done := submit(
        request, form, lambda data: services.skill_merge(**data), success=merged, then="accounts:catalogue"
    ):
        return done
    return render(request, "accounts/skill_merge.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@program_admin_required
def category_create(request):
    form = SkillCategoryForm(request.POST)
    if form.is_valid():
        return act(
            request,
            lambda: services.category_create(name=form.cleaned_data["name"]),
            success=lambda category: f"Category {category.name} added.",
            then="accounts:catalogue",
        )
    messages.error(request, "Category not added: " + " ".join(form.errors.get("name", ["check the name."])))
    return redirect("accounts:catalogue")


# The people page reads this much of a search; longer text is cut, not carried around.
SEARCH_MAX_CHARS = 100


def _people_filter(data) -> dict[str, str]:
    """The people page's search and page number as that page reads them: a search of at most SEARCH_MAX_CHARS,
    a page that is a page number. Whatever else was sent (a pasted novel, a page of 50,000 digits) is dropped, so the
    way back to the list is always a short URL."""
    search = data.get("q", "").strip()[:SEARCH_MAX_CHARS]
    page = data.get("page", "").strip()
    return {
        **({"q": search} if search else {}),
        **({"page": page} if re.fullmatch(r"[0-9]{1,6}", page) else {}),
    }


@program_admin_required
def people(request):
    """Everyone who uses Twoway, with their roles; program admins grant roles here."""
    search = _people_filter(request.GET).get("q", "")
    page = Paginator(selectors.people_with_roles(search), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "search": search})


@require_POST
@program_admin_required
def roles_edit(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    form = RolesForm(request.POST)
    back = _people_filter(request.POST)
    then = reverse("accounts:people") + (f"?{urlencode(back)}" if back else "")
    if not form.is_valid():
        return redirect(then)
    return act(
        request,
        lambda: services.user_set_roles(user=person, changed_by=request.user, **form.cleaned_data),
        success=lambda user: f"{user.display_name}: {', '.join(user.role_names)}.",
        then=then,
    )


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


@program_admin_required
def departments(request):
    """Every department with how many people are in it; rename one, or merge one into another."""
    in_use, unnamed = selectors.departments_in_use()
    return render(
        request,
        "accounts/departments.html",
        {
            "departments": in_use,
            "unnamed": unnamed,
            "merge_form": DepartmentMergeForm(departments=[d.name for d in in_use]),
        },
    )


@program_admin_required
def department_rename(request):
    """Rename one department (``?name=``) for everyone in it."""
    name = request.GET.get("name", "")
    in_use = {d.name: d for d in selectors.departments_in_use()[0]}
    if name not in in_use:
        raise Http404("No department by that name.")
    form = DepartmentRenameForm(request.POST or None, initial={"new_name": name})
    if done := submit(
        request,
        form,
        lambda data: services.department_rename(name=name, new_name=data["new_name"]),
        success=lambda renamed: (
            f"{name} is now called {clean_department(form.cleaned_data['new_name'])}: {_people(renamed)}."
        ),
        then="accounts:departments",
    ):
        return done
    return render(
        request,
        "accounts/department_rename.html",
        {"form": form, "department": in_use[name]},
        status=400 if form.errors else 200,
    )


@program_admin_required
def department_merge(request):
    names = [d.name for d in selectors.departments_in_use()[0]]
    form = DepartmentMergeForm(request.POST or None, departments=names)
    if done := submit(
        request,
        form,
        lambda data: services.department_merge(source=data["source"], target=data["target"]),
        success=lambda moved: (
            f"{form.cleaned_data['source']} is merged into {form.cleaned_data['target']}: {_people(moved)} moved."
        ),
        then="accounts:departments",
    ):
        return done
    return render(request, "accounts/department_merge.html", {"form": form}, status=400 if form.errors else 200)


# --- Importing employees -----------------------------------------------------------

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
