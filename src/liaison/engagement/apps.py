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
    navigation = (
        # Insights: the author's own, their team's for a manager, all for insights leads.
        registry.NavEntry(
            "Insights", "engagement:insight-list", order=430, model="engagement.Insight"
        ),
        registry.NavEntry("Meetings", "engagement:meeting-list", order=410),
        registry.NavEntry(
            "Follow-ups",
        # Interactions: every member sees that they happened; content for its readers.
        registry.NavEntry("Interactions", "engagement:interaction-list", order=400),
            "engagement:follow-up-list",
            order=420,
            counter="liaison.engagement.selectors.overdue_follow_ups_count",
            count_id="nav-count-follow-ups",
        ),
        # Themes are aggregates every member reads (their insights show to their readers).
        registry.NavEntry("Themes", "engagement:theme-list", order=440),
    )
    profile_fields = {"calendar_feed_url": "liaison.engagement.services.calendar.feed_url_for"}
    commands = {
        "engagement": "export interactions and insights, or recompute insight themes "
        "(engagement export ..., engagement themes)",
    }
    demo_steps = (
        registry.DemoStep(
            "engagement", 700, "liaison.engagement.demo.build", "liaison.engagement.demo.clear"
        ),
    )
