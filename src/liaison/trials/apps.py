"""The trials app's declarations (see ``liaison.core.registry``)."""

from liaison.core.registry import LiaisonAppConfig


class TrialsConfig(LiaisonAppConfig):
    name = "liaison.trials"
    label = "trials"
    verbose_name = "Trials"
