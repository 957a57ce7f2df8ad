"""The core app's declarations (see ``liaison.core.registry``)."""

from liaison.core.registry import LiaisonAppConfig


class CoreConfig(LiaisonAppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = "Liaison core"
