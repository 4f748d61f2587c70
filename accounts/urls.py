from django.urls import path

from accounts.views import catalogue, departments, imports, people, profile

app_name = "accounts"

urlpatterns = [
    path("profile/", profile.profile_detail, name="profile"),
    path("profile/edit/", profile.profile_edit, name="profile_edit"),
    path("manage/skills/", catalogue.catalogue, name="catalogue"),
    path("manage/skills/new/", catalogue.skill_create_view, name="skill_create"),
    path("manage/skills/<int:pk>/edit/", catalogue.skill_edit, name="skill_edit"),
    path("manage/skills/<int:pk>/retire/", catalogue.skill_retire, name="skill_retire"),
    path("manage/skills/merge/", catalogue.skill_merge_view, name="skill_merge"),
    path("manage/skills/categories/new/", catalogue.category_create, name="category_create"),
    path("manage/people/", people.people, name="people"),
    path("manage/people/<int:pk>/roles/", people.roles_edit, name="roles_edit"),
    path("manage/departments/", departments.departments, name="departments"),
    path("manage/departments/rename/", departments.department_rename, name="department_rename"),
    path("manage/departments/merge/", departments.department_merge, name="department_merge"),
    path("manage/import/", imports.import_upload, name="import_upload"),
    path("manage/import/template.csv", imports.import_template, name="import_template"),
    path("manage/import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("manage/import/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("manage/import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("manage/import/<int:pk>/retry/", imports.import_retry, name="import_retry"),
    path("manage/import/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("manage/import/<int:pk>/errors.csv", imports.import_errors_csv, name="import_errors_csv"),
]
