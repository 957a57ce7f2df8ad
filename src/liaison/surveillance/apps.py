"""The surveillance app's declarations (see ``liaison.core.registry``)."""

from liaison.core.registry import LiaisonAppConfig


class SurveillanceConfig(LiaisonAppConfig):
    name = "liaison.surveillance"
    label = "surveillance"
    verbose_name = "Surveillance"
