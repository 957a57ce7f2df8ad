from django.apps import AppConfig


class LiteratureConfig(AppConfig):
    name = "liaison.literature"
    label = "literature"
    verbose_name = "Literature"

    def ready(self) -> None:
        from liaison.literature import policy  # noqa: F401  (registers the rules)
