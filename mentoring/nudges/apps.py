from django.apps import AppConfig


class NudgesConfig(AppConfig):
    name = "mentoring.nudges"
    label = "nudges"
    verbose_name = "Nudges"

    def ready(self) -> None:
        from mentoring.nudges import receivers  # noqa: F401  (connects the receivers)
