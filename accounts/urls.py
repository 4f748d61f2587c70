from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_detail, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("manage/skills/", views.catalogue, name="catalogue"),
    path("manage/skills/new/", views.skill_create_view, name="skill_create"),
    path("manage/skills/<int:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("manage/skills/<int:pk>/retire/", views.skill_retire, name="skill_retire"),
    path("manage/skills/merge/", views.skill_merge_view, name="skill_merge"),
    path("manage/skills/categories/new/", views.category_create, name="category_create"),
    path("manage/people/", views.people, name="people"),
    path("manage/people/<int:pk>/roles/", views.roles_edit, name="roles_edit"),
    path("manage/departments/", views.departments, name="departments"),
    path("manage/departments/rename/", views.department_rename, name="department_rename"),
    path("manage/departments/merge/", views.department_merge, name="department_merge"),
    path("manage/import/", views.import_upload, name="import_upload"),
    path("manage/import/template.csv", views.import_template, name="import_template"),
    path("manage/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("manage/import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("manage/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("manage/import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("manage/import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("manage/import/<int:pk>/errors.csv", views.import_errors_csv, name="import_errors_csv"),
]
