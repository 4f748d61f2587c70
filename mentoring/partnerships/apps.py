from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "mentoring.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        from mentoring.partnerships import receivers  # noqa: F401  (connects the signal receivers)
