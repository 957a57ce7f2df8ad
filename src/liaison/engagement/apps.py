"""The engagement app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class EngagementConfig(registry.LiaisonAppConfig):
    name = "liaison.engagement"
    label = "engagement"
    verbose_name = "Field engagement"
    url_prefix = "engagement/"
    record_panels = (
        registry.RecordPanel(
            "engaged-by-our-team",
            "directory.HCP",
            "engagement/interaction_hcp_panel.html",
            "liaison.engagement.panels.hcp_engagement",
            order=100,
        ),
    )
    api_routers = (
        ("/interactions", "liaison.engagement.api.interactions.router"),
        ("/insights", "liaison.engagement.api.insights.router"),
        ("/follow-ups", "liaison.engagement.api.follow_ups.router"),
        ("/meetings", "liaison.engagement.api.meetings.router"),
    )
    commands = {
        "engagement": "export interactions and insights, or recompute insight themes "
        "(engagement export ..., engagement themes)",
    }
    demo_steps = (
        registry.DemoStep(
            "engagement", 700, "liaison.engagement.demo.build", "liaison.engagement.demo.clear"
        ),
    )
