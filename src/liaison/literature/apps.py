"""The literature app's declarations (see ``liaison.core.registry``)."""

from liaison.core.registry import LiaisonAppConfig


class LiteratureConfig(LiaisonAppConfig):
    name = "liaison.literature"
    label = "literature"
    verbose_name = "Literature"
