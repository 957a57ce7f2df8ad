"""The core app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class CoreConfig(registry.LiaisonAppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = "Liaison core"
