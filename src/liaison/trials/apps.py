"""The trials app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class TrialsConfig(registry.LiaisonAppConfig):
    name = "liaison.trials"
    label = "trials"
    verbose_name = "Trials"
    url_prefix = "trials/"
    api_routers = (("/trials", "liaison.trials.api.router"),)
    navigation = (registry.NavEntry("Trials", "trials:trial-list", order=210),)
    light_commands = (("trials", "parse"),)
    commands = {
        "trials": "parse, load or fetch ClinicalTrials.gov studies (trials load FILE... --as USER)",
    }
    file_jobs = (
        registry.FileJob(
            kind="trials-load",
            runner="liaison.trials.tasks.run_trials_load",
            title="Load trials from {file_name}",
        ),
    )
    demo_steps = (
        # Planned before the publications (they describe the trials), stored after
        # them (the trials name their publications' PMIDs).
        registry.DemoStep("trial plans", 300, "liaison.trials.demo.plan"),
        registry.DemoStep("trials", 500, "liaison.trials.demo.build", "liaison.trials.demo.clear"),
    )
