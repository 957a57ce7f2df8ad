"""Every Liaison app in INSTALLED_APPS runs as its LiaisonAppConfig (not Django's default)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

from liaison.core.registry import LiaisonAppConfig, liaison_apps


def test_every_liaison_app_is_configured_by_its_declarations() -> None:
    liaison_entries = [entry for entry in settings.INSTALLED_APPS if entry.startswith("liaison.")]
    configs = {config.name: config for config in apps.get_app_configs()}
    plain = [name for name in liaison_entries if not isinstance(configs[name], LiaisonAppConfig)]
    assert plain == [], f"apps running on Django's default AppConfig: {plain}"
    ours = [config.name for config in liaison_apps() if config.name.startswith("liaison.")]
    assert ours == liaison_entries  # in INSTALLED_APPS order


def test_an_apps_policy_is_registered_by_its_config() -> None:
    from liaison.core import policy
    from liaison.surveillance.models import Watch

    assert Watch in policy.registered_models()
