from django.apps import AppConfig


class SessionsLogConfig(AppConfig):
    name = "sessions_log"
    verbose_name = "Sessions and check-ins"

    def ready(self) -> None:
        from sessions_log import receivers  # noqa: F401  (connects the signal receivers)
