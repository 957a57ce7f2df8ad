from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "liaison.surveillance"
    label = "surveillance"
    verbose_name = "Surveillance"

    def ready(self) -> None:
        from liaison.surveillance import policy  # noqa: F401  (registers the rules)
