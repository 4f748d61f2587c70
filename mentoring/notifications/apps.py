from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentoring.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Each app says what it sends in its own kinds.py; this app never imports them.
        from mentoring.notifications import digests, kinds

        kinds.autodiscover()
        digests.autodiscover()
