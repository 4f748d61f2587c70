from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "mentoring.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from mentoring.community import receivers  # noqa: F401  (connects the signal receivers)
