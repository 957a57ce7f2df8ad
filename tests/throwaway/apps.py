"""The throw-away app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class ThrowawayConfig(registry.LiaisonAppConfig):
    name = "tests.throwaway"
    label = "throwaway"
    verbose_name = "Throw-away"
    url_prefix = "throwaway/"
    api_routers = (("/throwaway", "tests.throwaway.api.router"),)
    navigation = (registry.NavEntry("Throw-away", "throwaway:page", order=500),)
    home_panels = (
        registry.HomePanel(
            "greeting", "throwaway/home_panel.html", "tests.throwaway.views.greeting", order=500
        ),
    )
    commands = {
        "throwaway": "say hello from the throw-away app (throwaway --name NAME)",
        "export": "export a greeting from the throw-away app (export greetings --name NAME)",
    }
    command_words = {("export", "greetings"): "throwaway"}
