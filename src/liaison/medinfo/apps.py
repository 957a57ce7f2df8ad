"""The medical information app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class MedinfoConfig(registry.LiaisonAppConfig):
    name = "liaison.medinfo"
    label = "medinfo"
    verbose_name = "Medical information"
