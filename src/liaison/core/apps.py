"""The core app's declarations (see ``liaison.core.registry``)."""

from liaison.core import registry


class CoreConfig(registry.LiaisonAppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = "Liaison core"
    url_prefix = ""
    api_routers = (("/", "liaison.core.api.router"), ("/tokens", "liaison.core.api.tokens_router"))
    navigation = (
        registry.NavEntry("Home", "core:home", order=0),
        registry.NavEntry("Jobs", "core:job-list", order=900),
        registry.NavEntry("Audit trail", "core:audit-list", order=910, model="core.AuditEvent"),
    )
    commands = {
        "worker": "run background tasks (database backend, or RQ when LIAISON_REDIS_URL is set)",
        "migrate": "create or upgrade the database schema",
        "createuser": "create a user with a role (password prompted, or read from stdin)",
        "token": "create, list or revoke personal API tokens (token create NAME)",
        "audit": "check the audit trail, or erase a person's data from it (audit verify | erase)",
        "unlock": "clear a username's sign-in lock-outs (unlock USERNAME [--ip ADDRESS] | --list)",
    }
    demo_steps = (
        registry.DemoStep("users", 100, "liaison.core.demo.build", "liaison.core.demo.clear"),
    )
