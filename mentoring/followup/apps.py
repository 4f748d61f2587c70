from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "mentoring.followup"
    label = "followup"
    verbose_name = "Following up pairs"
