"""The experts app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class ExpertsConfig(registry.LiaisonAppConfig):
    name = "liaison.experts"
    label = "experts"
    verbose_name = "Experts"
    url_prefix = "experts/"
    api_routers = (
        ("/experts", "liaison.experts.api.rankings.router"),
        ("/experts/network", "liaison.experts.api.networks.router"),
        ("/experts/sites", "liaison.experts.api.finder.router"),
        ("/experts/resolution", "liaison.experts.api.resolution.router"),
    )
    navigation = (
        # The identity queue, networks and the site finder are reached from the rankings
        # page (the menu stays on one line pair at laptop width).
        registry.NavEntry("Rankings", "experts:ranking-list", order=350),
    )
    record_panels = (
        registry.RecordPanel(
            "identity-resolution",
            "directory.HCP",
            "experts/identity_panel.html",
            "liaison.experts.identity_panel.identity_panel",
            order=40,
        ),
        registry.RecordPanel(
            "expert-score",
            "directory.HCP",
            "experts/score_panel.html",
            "liaison.experts.panels.score_panel",
            order=50,
        ),
        registry.RecordPanel(
            "expert-network",
            "directory.HCP",
            "experts/network_panel.html",
            "liaison.experts.panels.network_panel",
            order=60,
        ),
    )
    commands = {
        "experts": "resolve authors and investigators to HCPs, score experts, or measure the "
        "resolver on labelled data (experts resolve, experts score, experts evaluate)",
    }
    light_commands = (("experts", "evaluate"),)
    # Scores follow the evidence: areas whose evidence or decisions changed since their
    # scores are recomputed when a worker starts (and after each resolution run).
    startup_tasks = ("liaison.experts.scoring_tasks.recompute_stale_scores_task",)
    demo_steps = (
        registry.DemoStep(
            "experts", 650, "liaison.experts.demo.build", "liaison.experts.demo.clear"
        ),
    )
