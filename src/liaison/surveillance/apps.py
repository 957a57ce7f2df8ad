"""The surveillance app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class SurveillanceConfig(registry.LiaisonAppConfig):
    name = "liaison.surveillance"
    label = "surveillance"
    verbose_name = "Surveillance"
    startup_tasks = ("liaison.surveillance.tasks.run_due_watches_task",)
