from django.urls import path

from mentoring.surveys import views

app_name = "surveys"

# Mounted under /programs/, beside the programs' own pages: a participant answers at /programs/surveys/<id>/ and
# program admins schedule from the cohort page of the console (/programs/manage/...).
urlpatterns = [
    path("surveys/<int:pk>/", views.assessment_answer, name="answer"),
    path("manage/cohorts/<int:pk>/surveys/<slug:kind>/", views.assessment_schedule, name="schedule"),
    path("manage/surveys/<int:pk>/<slug:action>/", views.assessment_action, name="action"),
]
