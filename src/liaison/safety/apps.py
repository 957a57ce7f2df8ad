"""The safety app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class SafetyConfig(registry.LiaisonAppConfig):
    name = "liaison.safety"
    label = "safety"
    verbose_name = "Adverse events"
    # Adverse-event language in saved notes and inquiries raises flags for their authors.
    text_screens = ("liaison.safety.services.flags.screen_saved_text",)
