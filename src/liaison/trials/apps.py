from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "liaison.trials"
    label = "trials"
    verbose_name = "Trials"

    def ready(self) -> None:
        from liaison.trials import policy  # noqa: F401  (registers the rules)
