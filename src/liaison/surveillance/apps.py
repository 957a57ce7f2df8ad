"""The surveillance app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class SurveillanceConfig(registry.LiaisonAppConfig):
    name = "liaison.surveillance"
    label = "surveillance"
    verbose_name = "Surveillance"
    url_prefix = "surveillance/"
    api_routers = (
        ("/watches", "liaison.surveillance.api.watches"),
        ("/alerts", "liaison.surveillance.api.alerts"),
    )
    navigation = (
        registry.NavEntry(
            "Alerts",
            "surveillance:alert-list",
            order=300,
            counter="liaison.surveillance.selectors.unread_count",
            count_id="nav-count-alerts",
        ),
    )
    home_panels = (
        registry.HomePanel(
            "alerts",
            "surveillance/home_panels.html#alerts",
            "liaison.surveillance.home.new_alerts",
            order=100,
        ),
        registry.HomePanel(
            "watches",
            "surveillance/home_panels.html#watches",
            "liaison.surveillance.home.my_watches",
            order=110,
        ),
    )
    commands = {
        "surveillance": "run due watches (from cron), one watch, or the daily digest "
        "(surveillance run-due)",
    }
    startup_tasks = ("liaison.surveillance.tasks.run_due_watches_task",)
    demo_steps = (
        registry.DemoStep(
            "watches", 600, "liaison.surveillance.demo.build", "liaison.surveillance.demo.clear"
        ),
    )
