"""Audit field rules: what each app declares its models' events may hold."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from liaison.core import audit, policy
from liaison.core.models import AuditEvent, User
from liaison.directory import services
from liaison.directory.models import HCP, Organization
from liaison.surveillance.tests.factories import publication_watch


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-sequence").first()  # type: ignore[return-value]


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    return services.create_hcp(
        actor=admin_user,
        data={"given_name": "Jürgen", "family_name": "Müller", "country": "DE"},
    )


def test_every_model_under_the_policy_declares_audit_rules(db: None) -> None:
    undeclared = {
        model._meta.label
        for model in policy.registered_models()
        if model is not AuditEvent
        and audit.record_type_of(model) not in audit.declared_record_types()
    }
    assert undeclared == set()


def test_hcp_names_contacts_and_identifiers_are_personal() -> None:
    personal = audit.field_rules(HCP).personal
    assert {"given_name", "family_name", "emails", "contact_channels", "npi", "city"} <= personal
    assert "country" not in personal and "specialties" not in personal


def test_create_event_leaves_out_never_recorded_fields(hcp: HCP) -> None:
    changes = last_event().changes
    assert "search_name" not in changes
    assert changes["family_name"] == [None, "Müller"]


def test_change_to_a_never_recorded_field_alone_writes_no_event(admin_user: User) -> None:
    watch = publication_watch(owner=admin_user)
    before = AuditEvent.objects.count()
    with transaction.atomic():
        changed = audit.update_record(actor=admin_user, instance=watch, values={"last_seen": "42"})
    assert changed == {}
    assert AuditEvent.objects.count() == before


def test_record_event_drops_never_fields_a_caller_passes(hcp: HCP, admin_user: User) -> None:
    with transaction.atomic():
        audit.record_event(
            actor=admin_user,
            action="update",
            instance=hcp,
            changes={"search_name": ["a", "b"], "city": ["", "Bonn"]},
        )
    assert last_event().changes == {"city": ["", "Bonn"]}


def test_bulk_events_follow_the_rules_too(db: None) -> None:
    with transaction.atomic():
        audit.record_events(
            actor=None,
            events=[
                audit.PendingEvent(
                    action="create",
                    record_type="directory.organization",
                    record_id=1,
                    record_label="Charité",
                    changes={"name": [None, "Charité"], "search_name": [None, "charite"]},
                    json_ready=True,
                )
            ],
        )
    assert last_event().changes == {"name": [None, "Charité"]}
    assert audit.verify_chain()[1] is None


def test_redacted_field_records_a_keyed_hash_of_each_side(admin_user: User) -> None:
    old_hash, new_hash = admin_user.password, make_password("another secret 42")
    with transaction.atomic():
        audit.update_record(actor=admin_user, instance=admin_user, values={"password": new_hash})
    before, after = last_event().changes["password"]
    assert before == audit.redact(old_hash) and after == audit.redact(new_hash)
    assert before != after
    assert old_hash not in str(last_event().changes) and new_hash not in str(last_event().changes)


def test_redaction_is_keyed_not_a_plain_hash() -> None:
    digest = audit.redact("lia_secret")
    assert digest.startswith(audit.REDACTED_PREFIX)
    assert digest == audit.redact("lia_secret")
    assert (
        digest.removeprefix(audit.REDACTED_PREFIX)
        not in hashlib.sha256(b'"lia_secret"').hexdigest()
    )


def test_register_fields_rejects_an_unknown_field() -> None:
    with pytest.raises(ImproperlyConfigured, match="no field 'nickname'"):
        audit.register_fields(Organization, personal=("nickname",))
    assert audit.field_rules(Organization).never == {"search_name"}


def test_register_fields_rejects_a_field_with_two_rules() -> None:
    with pytest.raises(ImproperlyConfigured, match="name given more than one rule"):
        audit.register_fields(Organization, never=("name",), personal=("name",))
    assert audit.field_rules(Organization).never == {"search_name"}
