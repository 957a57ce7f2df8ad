"""The literature app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class LiteratureConfig(registry.LiaisonAppConfig):
    name = "liaison.literature"
    label = "literature"
    verbose_name = "Literature"
    url_prefix = "literature/"
    api_routers = (("/publications", "liaison.literature.api.router"),)
    navigation = (registry.NavEntry("Library", "literature:publication-list", order=200),)
    home_panels = (
        registry.HomePanel(
            "references",
            "literature/home_panels.html#references",
            "liaison.literature.home.recent_references",
            order=200,
        ),
    )
    commands = {
        "literature": "the library: pubmed, import, export (literature --help)",
        "pubmed": "parse, load or fetch PubMed records into the library (pubmed load FILE...)",
        "import": "import reference files into your library (import references FILE --as USER)",
        "export": "export publications to RIS, BibTeX, CSV or XLSX (export publications --as USER)",
    }
    command_words = {
        ("import", "references"): ("literature", ("import",)),
        ("export", "publications"): ("literature", ("export",)),
        **{
            ("pubmed", action): ("literature", ("pubmed", action))
            for action in ("parse", "load", "fetch", "reindex")
        },
    }
    light_commands = (("literature", "pubmed", "parse"),)
    file_jobs = (
        registry.FileJob(
            kind="pubmed-load",
            runner="liaison.literature.tasks.run_pubmed_load",
            title="Load PubMed file {file_name}",
        ),
        registry.FileJob(
            kind="reference-import",
            runner="liaison.literature.tasks.run_reference_import",
            title="Import references from {file_name}",
            report_template="literature/reference_import_report.html",
        ),
    )
    demo_steps = (
        registry.DemoStep(
            "publications", 400, "liaison.literature.demo.build", "liaison.literature.demo.clear"
        ),
    )
