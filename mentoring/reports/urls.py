from django.urls import path

from mentoring.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("programs/<int:pk>/", views.program_report, name="program"),
    path("programs/<int:pk>/report.csv", views.program_report_csv, name="program_csv"),
    path("cohorts/<int:pk>/", views.cohort_report, name="cohort"),
    path("cohorts/<int:pk>/report.csv", views.cohort_report_csv, name="cohort_csv"),
]
