"""The directory app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class DirectoryConfig(registry.LiaisonAppConfig):
    name = "liaison.directory"
    label = "directory"
    verbose_name = "Expert directory"
