"""The literature app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class LiteratureConfig(registry.LiaisonAppConfig):
    name = "liaison.literature"
    label = "literature"
    verbose_name = "Literature"
