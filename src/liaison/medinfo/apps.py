"""The medical information app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class MedinfoConfig(registry.LiaisonAppConfig):
    name = "liaison.medinfo"
    label = "medinfo"
    verbose_name = "Medical information"
    url_prefix = "medinfo/"
    api_routers = (
        ("/medinfo/inquiries", "liaison.medinfo.api.inquiries.router"),
        ("/medinfo/answers", "liaison.medinfo.api.answers.router"),
        ("/medinfo/responses", "liaison.medinfo.api.responses.router"),
        ("/medinfo/reports", "liaison.medinfo.api.reports.router"),
    )
    commands = {
        "medinfo": "medical inquiries: the queue with its clocks, response letters, turnaround "
        "(medinfo inquiries ...)",
    }
    navigation = (
        # Medical information sees the whole queue; an MSL the inquiries they took.
        registry.NavEntry(
            "Inquiries",
            "medinfo:inquiry-list",
            order=550,
            model="medinfo.Inquiry",
            counter="liaison.medinfo.selectors.open_breach_count",
            count_id="nav-count-inquiries",
            count_label="overdue",
        ),
    )
    record_panels = (
        registry.RecordPanel(
            "medical-inquiries",
            "directory.HCP",
            "medinfo/panels.html#hcp",
            "liaison.medinfo.panels.hcp_inquiries",
            order=150,
        ),
        registry.RecordPanel(
            "inquiries-from-interaction",
            "engagement.Interaction",
            "medinfo/panels.html#interaction",
            "liaison.medinfo.panels.interaction_inquiries",
            order=100,
        ),
    )
    # Open inquiries past their target turnaround (the queue's breaches).
    home_panels = (
        registry.HomePanel(
            "medinfo-overdue",
            "medinfo/home_panels.html#overdue",
            "liaison.medinfo.home.overdue_inquiries",
            order=550,
        ),
    )
    demo_steps = (
        registry.DemoStep(
            "medinfo", 720, "liaison.medinfo.demo.build", "liaison.medinfo.demo.clear"
        ),
    )
