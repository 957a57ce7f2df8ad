"""The demo app's declarations: the composition on top of every other app.

``liaison.demo`` builds the demo world from the steps every app declares
(:func:`liaison.demo.build_demo`) and serves the whole product (``liaison
serve``). It comes last in ``INSTALLED_APPS``: it may import every app, and no
app imports it.
"""

from liaison.core import registry


class DemoConfig(registry.LiaisonAppConfig):
    name = "liaison.demo"
    label = "demo"
    verbose_name = "Demo world and serving"
    commands = {
        "serve": "migrate, load the demo world on first run, start the worker and serve the web app",
        "demo": "build the deterministic demo world (users, directory, products, territories)",
    }
