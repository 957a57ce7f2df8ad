"""The safety app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class SafetyConfig(registry.LiaisonAppConfig):
    name = "liaison.safety"
    label = "safety"
    verbose_name = "Adverse events"
    url_prefix = "safety/"
    api_routers = (
        ("/safety/cases", "liaison.safety.api.cases.router"),
        ("/safety/flags", "liaison.safety.api.flags.router"),
        ("/safety", "liaison.safety.api.e2b.router"),
        ("/safety/reconciliation", "liaison.safety.api.reconciliation.router"),
    )
    commands = {
        "safety": "import or export adverse-event cases as E2B(R3) files, mark them sent, apply "
        "acknowledgements, escalate unhandled flags (safety import-e2b, export-e2b, mark-sent, "
        "import-ack, escalate-flags)",
    }
    # Flags nobody handled while no worker ran are escalated when one starts.
    startup_tasks = ("liaison.safety.tasks.escalate_flags_task",)
    navigation = (
        # Every member reports adverse events; the queue shows each their own cases,
        # pharmacovigilance all. The count: open cases for pharmacovigilance, else
        # the member's flags waiting.
        registry.NavEntry(
            "Adverse events",
            "safety:case-list",
            order=600,
            counter="liaison.safety.selectors.open_case_count",
            count_id="nav-count-safety",
            count_label="waiting",
        ),
    )
    # The flags an interaction's notes or an inquiry's text raised, the cases reported
    # from it, and a link to report one.
    record_panels = (
        registry.RecordPanel(
            "adverse-events",
            "engagement.Interaction",
            "safety/record_panel.html",
            "liaison.safety.panels.interaction_panel",
            order=500,
        ),
        registry.RecordPanel(
            "adverse-events",
            "medinfo.Inquiry",
            "safety/record_panel.html",
            "liaison.safety.panels.inquiry_panel",
            order=500,
        ),
    )
    demo_steps = (
        registry.DemoStep("safety", 760, "liaison.safety.demo.build", "liaison.safety.demo.clear"),
    )
    # Adverse-event language in saved notes and inquiries raises flags for their authors.
    text_screens = ("liaison.safety.services.flags.screen_saved_text",)
