"""The directory app's declarations (see ``liaison.core.registry``)."""

from liaison.core.registry import LiaisonAppConfig


class DirectoryConfig(LiaisonAppConfig):
    name = "liaison.directory"
    label = "directory"
    verbose_name = "Expert directory"
