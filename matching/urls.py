from django.urls import path

from matching import views

app_name = "matching"

# A run's address names its cohort and its number within the cohort (run #2 of a cohort is .../runs/2/), as the
# pages call it; /matching/runs/<id>/ (the old address) redirects there.
RUN = "cohorts/<int:cohort_pk>/runs/<int:number>/"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/", views.cohort_matching, name="cohort"),
    path("cohorts/<int:cohort_pk>/run/", views.run_start, name="run_start"),
    path(RUN, views.run_detail, name="run_detail"),
    path(RUN + "progress/", views.run_progress, name="run_progress"),
    path(RUN + "pairs/<int:pair_pk>/lock/", views.pair_lock, name="pair_lock"),
    path(RUN + "pairs/<int:pair_pk>/unlock/", views.pair_unlock, name="pair_unlock"),
    path(RUN + "pairs/<int:pair_pk>/break/", views.pair_break, name="pair_break"),
    path(RUN + "pair/", views.pair_manual, name="pair_manual"),
    path(RUN + "exclude/", views.pair_exclude, name="pair_exclude"),
    path(RUN + "rerun/", views.run_rerun, name="run_rerun"),
    path(RUN + "publish/", views.run_publish, name="run_publish"),
    path(RUN + "compare/<int:other_number>/", views.run_compare, name="run_compare"),
    path("runs/<int:pk>/", views.run_by_id, name="run_by_id"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("partnerships/<int:pk>/end/", views.partnership_rematch, name="partnership_rematch"),
]
