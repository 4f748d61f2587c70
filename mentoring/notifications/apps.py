from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentoring.notifications"
    label = "notifications"
    verbose_name = "Notifications"
