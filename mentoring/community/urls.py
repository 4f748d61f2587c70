from django.urls import path

from mentoring.community.views import alumni, hub, introductions, numbers, resources, stories, training

app_name = "community"

urlpatterns = [
    path("", hub.community_home, name="home"),
    path("alumni/", alumni.alumni_directory, name="alumni_directory"),
    path("alumni/join/", alumni.alumni_join, name="alumni_join"),
    path("alumni/me/", alumni.alumni_edit, name="alumni_edit"),
    path("alumni/leave/", alumni.alumni_leave, name="alumni_leave"),
    path("volunteer/", alumni.volunteer_calls, name="volunteer_calls"),
    path("volunteer/<int:pk>/", alumni.volunteer_call, name="volunteer_call"),
    path("volunteer/invites/<int:pk>/<slug:answer>/", alumni.volunteer_invite_answer, name="volunteer_invite_answer"),
    path("numbers/", numbers.community_numbers, name="numbers"),
    path("stories/", stories.stories, name="stories"),
    path("stories/review/", stories.story_review, name="story_review"),
    path("stories/<int:pk>/", stories.story_detail, name="story"),
    path("stories/<int:pk>/approve/", stories.story_approve, name="story_approve"),
    path("stories/<int:pk>/withdraw/", stories.story_withdraw, name="story_withdraw"),
    path("stories/<int:pk>/publish/", stories.story_publish, name="story_publish"),
    path("pairs/<int:partnership_pk>/story/", stories.story_edit, name="story_edit"),
    path("introductions/", introductions.introductions, name="introductions"),
    path("introductions/settings/", introductions.introductions_settings, name="introductions_settings"),
    path("introductions/<int:pk>/", introductions.introduction_detail, name="introduction"),
    path("introductions/<int:pk>/<slug:answer>/", introductions.introduction_answer, name="introduction_answer"),
    path("introductions/requests/<int:pk>/", introductions.introduction_make, name="introduction_make"),
    path("pairs/<int:partnership_pk>/introductions/ask/", introductions.introduction_ask, name="introduction_ask"),
    path("training/", training.training, name="training"),
    path("training/new/", training.module_edit, name="module_create"),
    path("training/cohorts/<int:pk>/", training.cohort_training, name="cohort_training"),
    path("training/cohorts/<int:pk>/remind/", training.cohort_training_remind, name="cohort_training_remind"),
    path("training/<slug:slug>/", training.module_detail, name="module"),
    path("training/<slug:slug>/edit/", training.module_edit, name="module_edit"),
]

# Mounted at /resources/ (namespace "resources").
resource_urlpatterns = [
    path("", resources.resources, name="library"),
    path("review/", resources.resource_review, name="review"),
    path("<int:pk>/<slug:decision>/", resources.resource_decide, name="decide"),
]
