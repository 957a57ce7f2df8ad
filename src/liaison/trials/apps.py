"""The trials app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class TrialsConfig(registry.LiaisonAppConfig):
    name = "liaison.trials"
    label = "trials"
    verbose_name = "Trials"
