"""The policy's two answers agree, for every registered model, role and verb.

For each model registered with ``liaison.core.policy``, each user of the world
(one per role, an outsider, a deactivated MSL, anonymous) and each verb the
model answers of a record, ``policy.can(user, verb, record)`` must be
``record in policy.scope(user, verb, Model)`` for every record of the world.
Rules that answer ``can`` without a query (an owner check, a role check) are
held to their ``scope`` this way.

The world is the matrix's people (``liaison.core.tests.authorization``) and the
records each installed Liaison app adds in ``<app>/tests/policy_world.py``
(``build(world)``, in ``INSTALLED_APPS`` order), so an app brings its own
records; a registered model without a record in the world fails the test, as
does a model with data that is not registered with the policy at all.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.auth.models import AnonymousUser

from liaison.core import policy, registry
from liaison.core.models import (
    AuditChainHead,
    AuditSegment,
    ElectronicSignature,
    WorkerHeartbeat,
)
from liaison.core.policy import AnyUser
from liaison.core.tests.authorization import World, build_people

#: Models with data that no user reaches through the policy, on purpose.
UNREGISTERED = {
    AuditChainHead: "the audit chain's head row: the audit trail's own lock and "
    "last hash, written and read by core.audit alone, never shown to a user",
    AuditSegment: "where the audit chain's key changes: written and read by core.audit "
    "alone (its signature check), never shown to a user",
    ElectronicSignature: "electronic signatures are read only through the record they "
    "sign (core.signatures.signatures_for), whose app's rules decide who sees it",
    WorkerHeartbeat: "background workers' heartbeats: written by the workers, read by "
    "core.workers for the administrators' warning, never listed to a user",
}


def policy_worlds() -> list[ModuleType]:
    """The ``tests.policy_world`` module of every installed Liaison app that has one."""
    modules = []
    for app in registry.liaison_apps():
        name = f"{app.name}.tests.policy_world"
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name not in {name, f"{app.name}.tests"}:
                raise
    return modules


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    world = build_people(tmp_path)
    for module in policy_worlds():
        module.build(world)
    return world


def people(world: World) -> dict[str, AnyUser]:
    users: dict[str, AnyUser] = {"anonymous": AnonymousUser()}
    users.update(world.users)
    return users


def test_every_registered_model_has_records_in_the_world(world: World) -> None:
    empty = [
        model._meta.label
        for model in policy.registered_models()
        if not model._default_manager.exists()
    ]
    assert not empty, f"add records of {', '.join(empty)} to their app's tests/policy_world.py"


def test_can_agrees_with_scope_for_every_model_role_and_verb(world: World) -> None:
    disagreements: list[str] = []
    checked = 0
    for model in policy.registered_models():
        records = list(model._default_manager.all())
        for role, user in people(world).items():
            for verb in sorted(policy.record_verbs(model)):
                allowed = set(policy.scope(user, verb, model).values_list("pk", flat=True))
                for record in records:
                    checked += 1
                    answer = policy.can(user, verb, record)
                    if answer != (record.pk in allowed):
                        disagreements.append(
                            f"{model._meta.label} #{record.pk}, {role}, {verb}: can() says "
                            f"{answer}, scope() {'holds' if record.pk in allowed else 'lacks'} it"
                        )
    assert not disagreements, "\n".join(disagreements)
    assert checked > 1000  # the world is not empty by mistake


def test_no_model_verb_is_granted_to_anonymous_outsider_or_deactivated_users(
    world: World,
) -> None:
    granted = [
        f"{model._meta.label} {verb}: {role}"
        for model in policy.registered_models()
        for verb in sorted(policy.model_verbs(model))
        for role, user in people(world).items()
        if role in ("anonymous", "outsider", "inactive") and policy.can(user, verb, model)
    ]
    assert not granted


def test_every_model_with_data_is_registered() -> None:
    unregistered = [
        model._meta.label
        for app in registry.liaison_apps()
        for model in app.get_models()
        if not model._meta.abstract
        and not model._meta.proxy
        and model not in policy.registered_models()
        and model not in UNREGISTERED
    ]
    assert not unregistered, (
        f"register {', '.join(unregistered)} with the policy (in its app's policy.py), "
        "or list it in UNREGISTERED with the reason"
    )


def test_the_deliberate_exceptions_are_still_unregistered() -> None:
    # An exception that became registered should leave the list.
    assert not set(UNREGISTERED) & set(policy.registered_models())
