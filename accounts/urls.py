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
]
