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
        registry.RecordPanel(
            "pre-call-brief",
            "directory.HCP",
            "engagement/brief_panel.html",
            "liaison.engagement.briefs.brief_panel",
            order=90,
        ),
    )
    api_routers = (
        ("/interactions", "liaison.engagement.api.interactions.router"),
        ("/insights", "liaison.engagement.api.insights.router"),
        ("/follow-ups", "liaison.engagement.api.follow_ups.router"),
        ("/meetings", "liaison.engagement.api.meetings.router"),
    )
    navigation = (
        # Interactions: every member sees that they happened; content for its readers.
        registry.NavEntry("Interactions", "engagement:interaction-list", order=400),
        # Insights: the author's own, their team's for a manager, all for insights leads.
        registry.NavEntry(
            "Insights",
            "engagement:insight-list",
            order=430,
            model="engagement.Insight",
            counter="liaison.engagement.insight_selectors.awaiting_review_count",
            count_id="nav-count-insights",
            count_label="new, awaiting review",
        ),
        registry.NavEntry("Meetings", "engagement:meeting-list", order=410),
        registry.NavEntry(
            "Follow-ups",
            "engagement:follow-up-list",
            order=420,
            counter="liaison.engagement.selectors.overdue_follow_ups_count",
            count_id="nav-count-follow-ups",
            count_label="overdue",
        ),
        # Themes, analytics and question coverage are reached from the insights list;
        # plans and coverage from the interactions list and the home page: the menu
        # stays on one line pair at laptop width.
    )
    engaged_hcps = "liaison.engagement.selectors.engaged_hcp_ids"
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
    home_panels = (
        registry.HomePanel(
            "engagement-week",
            "engagement/home_panels.html#week",
            "liaison.engagement.home.my_week",
            order=400,
        ),
        registry.HomePanel(
            "engagement-follow-ups",
            "engagement/home_panels.html#follow_ups",
            "liaison.engagement.home.my_overdue_follow_ups",
            order=410,
        ),
        registry.HomePanel(
            "engagement-coverage-gaps",
            "engagement/home_panels.html#gaps",
            "liaison.engagement.home.my_coverage_gaps",
            order=420,
        ),
        registry.HomePanel(
            "engagement-hcp-alerts",
            "engagement/home_panels.html#hcp_alerts",
            "liaison.engagement.home.my_hcp_alerts",
            order=430,
        ),
        registry.HomePanel(
            "engagement-insights-waiting",
            "engagement/home_panels.html#insights_waiting",
            "liaison.engagement.home.my_insights_awaiting_answer",
            order=440,
        ),
        registry.HomePanel(
            "engagement-team",
            "engagement/home_panels.html#team",
            "liaison.engagement.home.team_coverage",
            order=400,
        ),
        registry.HomePanel(
            "engagement-new-insights",
            "engagement/home_panels.html#new_insights",
            "liaison.engagement.home.new_insights",
            order=400,
        ),
        registry.HomePanel(
            "engagement-rising-themes",
            "engagement/home_panels.html#rising_themes",
            "liaison.engagement.home.rising_themes",
            order=410,
        ),
    )
