from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/", views.cohort_matching, name="cohort"),
    path("cohorts/<int:cohort_pk>/run/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/lock/", views.pair_lock, name="pair_lock"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/unlock/", views.pair_unlock, name="pair_unlock"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/break/", views.pair_break, name="pair_break"),
    path("runs/<int:pk>/pair/", views.pair_manual, name="pair_manual"),
    path("runs/<int:pk>/exclude/", views.pair_exclude, name="pair_exclude"),
    path("runs/<int:pk>/rerun/", views.run_rerun, name="run_rerun"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/compare/<int:other_pk>/", views.run_compare, name="run_compare"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("partnerships/<int:pk>/end/", views.partnership_rematch, name="partnership_rematch"),
]
