"""The literature app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class LiteratureConfig(registry.LiaisonAppConfig):
    name = "liaison.literature"
    label = "literature"
    verbose_name = "Literature"
    url_prefix = "literature/"
    api_routers = (("/publications", "liaison.literature.api.router"),)
    navigation = (registry.NavEntry("Library", "literature:publication-list", order=200),)
