"""Departments: how many people are in each; rename one, or merge one into another (program admins)."""

from django.http import Http404
from django.shortcuts import render

from accounts import selectors, services
from accounts.departments import clean_department
from accounts.forms import DepartmentMergeForm, DepartmentRenameForm
from accounts.permissions import program_admin_required
from mentoring.core.web import submit


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
