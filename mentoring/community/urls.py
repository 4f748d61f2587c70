from django.urls import path

from mentoring.community.views import alumni

app_name = "community"

urlpatterns = [
    path("alumni/", alumni.alumni_directory, name="alumni_directory"),
    path("alumni/join/", alumni.alumni_join, name="alumni_join"),
    path("alumni/me/", alumni.alumni_edit, name="alumni_edit"),
    path("alumni/leave/", alumni.alumni_leave, name="alumni_leave"),
    path("volunteer/", alumni.volunteer_calls, name="volunteer_calls"),
    path("volunteer/<int:pk>/", alumni.volunteer_call, name="volunteer_call"),
    path("volunteer/invites/<int:pk>/<slug:answer>/", alumni.volunteer_invite_answer, name="volunteer_invite_answer"),
]
