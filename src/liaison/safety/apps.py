"""The safety app's declarations (see ``liaison.core.registry``)."""

import datetime as dt

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
    # Flags left unhandled past their business day: escalated every hour by the
    # longest-running live worker (first at its first beat), with no cron line.
    periodic_tasks = (
        registry.PeriodicTask(
            "liaison.safety.tasks.escalate_flags_task", every=dt.timedelta(hours=1)
        ),
    )
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
    # Uploaded E2B(R3) files and acknowledgements are read by the worker, with a job page.
    file_jobs = (
        registry.FileJob(
            kind="e2b-import",
            runner="liaison.safety.tasks.run_e2b_import",
            title="Import adverse-event cases from {file_name}",
            report_template="safety/e2b_import_report.html",
        ),
        registry.FileJob(
            kind="ack-import",
            runner="liaison.safety.tasks.run_ack_import",
            title="Apply the acknowledgement {file_name}",
            report_template="safety/ack_import_report.html",
        ),
    )
    # Pharmacovigilance's open cases with a clock past due, and an MSL's flags waiting.
    home_panels = (
        registry.HomePanel(
            "safety-overdue",
            "safety/home_panels.html#overdue",
            "liaison.safety.home.overdue_cases",
            order=600,
        ),
    )
    demo_steps = (
        registry.DemoStep("safety", 760, "liaison.safety.demo.build", "liaison.safety.demo.clear"),
    )
    # Adverse-event language in saved notes and inquiries raises flags for their authors.
    text_screens = ("liaison.safety.services.flags.screen_saved_text",)
