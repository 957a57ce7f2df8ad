"""The directory app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class DirectoryConfig(registry.LiaisonAppConfig):
    name = "liaison.directory"
    label = "directory"
    verbose_name = "Expert directory"
    url_prefix = "directory/"
    api_routers = (("/", "liaison.directory.api.router"),)
    navigation = (
        registry.NavEntry("Experts", "directory:hcp-list", order=100),
        registry.NavEntry("Organizations", "directory:organization-list", order=110),
    )
    dashboard = (
        registry.DashboardCount(
            "Experts (HCPs)", "directory.HCP", "directory:hcp-list", "Browse the experts", order=100
        ),
        registry.DashboardCount(
            "Organizations",
            "directory.Organization",
            "directory:organization-list",
            "Browse the organizations",
            order=110,
        ),
    )
    commands = {
        "directory": "the expert directory: import, export, nppes (directory --help)",
        "import": "import HCPs or organizations from CSV or XLSX (import hcps FILE)",
        "export": "export the directory to CSV or XLSX (export hcps)",
        "nppes": "look HCPs up in the NPI Registry, optionally applying them (nppes lookup)",
    }
    command_words = {
        ("import", "hcps"): ("directory", ("import",)),
        ("import", "organizations"): ("directory", ("import", "--kind", "organizations")),
        ("export", "hcps"): ("directory", ("export",)),
        ("nppes", "lookup"): ("directory", ("nppes", "lookup")),
    }
    file_jobs = (
        registry.FileJob(
            kind="directory-import",
            runner="liaison.directory.tasks.run_import",
            title="Import {kind} from {file_name}",
            report_template="directory/import_job_report.html",
        ),
    )
    demo_steps = (
        registry.DemoStep(
            "directory", 200, "liaison.directory.demo.build", "liaison.directory.demo.clear"
        ),
        registry.DemoStep("community", 250, "liaison.directory.demo.evidence.build_community"),
    )
