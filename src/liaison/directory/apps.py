"""The directory app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class DirectoryConfig(registry.LiaisonAppConfig):
    name = "liaison.directory"
    label = "directory"
    verbose_name = "Expert directory"
    url_prefix = "directory/"
    api_routers = (("/", "liaison.directory.api.router"),)
    navigation = (
        registry.NavEntry("Experts", "directory:hcp-list", order=100),
        registry.NavEntry("Organizations", "directory:organization-list", order=110),
    )
