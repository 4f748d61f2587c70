from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "mentoring.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from mentoring.community import receivers  # noqa: F401  (connects the signal receivers)
        from mentoring.community.selectors import training_gate
        from mentoring.programs import readiness

        # Matching (below the community) leaves out whoever has not completed the cohort's required modules.
        readiness.register("community.required_training", training_gate)
